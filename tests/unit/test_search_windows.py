"""Search ranks in windows of the newest matches when many entries match; pages stay exact."""

from __future__ import annotations

import pytest

from reflectjournal.services import search as search_module
from reflectjournal.services.entries import EntryFilter


@pytest.fixture
def many(workspace, monkeypatch):
    """Ten entries saying 'ward' 1..10 times in bodies of equal length; tag 'even' on even ones."""
    monkeypatch.setattr(search_module, "RANK_WINDOW", 3)
    ids = []
    for n in range(1, 11):
        words = ["ward"] * n + ["filler"] * (12 - n)
        tags = ["even"] if n % 2 == 0 else []
        ids.append(workspace.journal.add(" ".join(words), title=f"Entry {n}", tags=tags))
    return workspace.journal, ids


def test_first_window_is_the_newest_matches_best_first(many):
    journal, ids = many
    first = journal.search_ids("ward", EntryFilter(limit=3))
    # The newest three written are ids[7:], holding 8, 9 and 10 'ward's: most repeats first.
    assert first == [ids[9], ids[8], ids[7]]


def test_pages_concatenate_to_the_whole_order_without_repeats(many):
    journal, ids = many
    whole = journal.search_ids("ward", EntryFilter())
    assert sorted(whole) == sorted(ids)
    paged = []
    for offset in range(0, 12, 2):
        paged += journal.search_ids("ward", EntryFilter(limit=2, offset=offset))
    assert paged == whole
    # Windows of three, newest window first, each ranked by how often 'ward' occurs.
    assert whole == [ids[9], ids[8], ids[7], ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]


def test_filters_apply_before_the_windows(many):
    journal, ids = many
    found = journal.search_ids("ward", EntryFilter(tags=["even"]))
    assert found == [ids[9], ids[7], ids[5], ids[3], ids[1]]
    rows = journal.found("ward", EntryFilter(tags=["even"], limit=2, offset=3))
    assert [int(r.id) for r in rows] == [ids[3], ids[1]]


def test_bad_limit_and_empty_query(many):
    journal, _ = many
    assert journal.search_ids("   ", EntryFilter()) == []
    assert journal.search_ids("nothing-like-this", EntryFilter(limit=5)) == []
    with pytest.raises(Exception, match="zero or more"):
        journal.search_ids("ward", EntryFilter(limit=-1))


def test_tag_filter_lists_newest_first_and_only_tagged(many):
    journal, ids = many
    rows = journal.entries(EntryFilter(tags=["even"], limit=3))
    assert [int(r.id) for r in rows] == [ids[9], ids[7], ids[5]]
    assert journal.count(EntryFilter(tags=["even"])) == 5
