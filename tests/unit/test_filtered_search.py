"""Search combined with filters (services/search.py) finds exactly the entries that match the
words and every filter: checked against an oracle built from unfiltered search and the
entries' own fields, for each filter alone and in combination, across ranking windows."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from reflectjournal.services import search as search_module
from reflectjournal.services.entries import EntryFilter

START = datetime(2020, 1, 1, 9, tzinfo=UTC)
TAGS = ["night-shift", "board", "rare-tag", "night"]  # "night" is a word of "night-shift"
WORDS = ["ward", "handover", "budget", "night"]


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    from reflectjournal.services.workspace import Workspace

    ws = Workspace.create(tmp_path_factory.mktemp("fs") / "j.rj", "a long test passphrase")
    rng = random.Random(5)
    with_people = ws.people.add("Sam Okoro", "mentor")
    facts = {}
    for n in range(120):
        tags = [t for t in TAGS[:2] if rng.random() < 0.4]
        if n % 37 == 0:
            tags.append("rare-tag")
        if n % 11 == 0:
            tags.append("night")
        words = rng.sample(WORDS, 2)
        kind = "session" if n % 5 == 0 else "reflection"
        # Written out of date order now and then, as an import does.
        when = START + timedelta(days=(n * 7) % 400, hours=n % 5)
        entry_id = ws.journal.add(
            f"On the {words[0]} today, then {words[1]}.",
            title=f"Entry {n}",
            tags=tags,
            when=when,
            mood=rng.choice([None, 1, 3, 5]),
            kind=kind,
            visibility=rng.choice(["private", "mentor"]),
            starred=n % 7 == 0,
            sender_id=None,
        )
        facts[entry_id] = ws.journal.entry(entry_id)
    shared = ws.journal.add(
        "A shared note about the ward.", kind="shared", sender_id=with_people, when=START
    )
    facts[shared] = ws.journal.entry(shared)
    yield ws.journal, facts, with_people
    ws.close()


def _oracle(journal, facts, word, f: EntryFilter, sender: int | None) -> set[int]:
    found = set(journal.search_ids(word, EntryFilter()))
    keep = set()
    for entry_id in found:
        e = facts[entry_id]
        if any(t not in e.tags for t in f.tags):
            continue
        created = datetime.fromisoformat(e.created).astimezone(UTC).isoformat()
        if f.since and created < f.since or f.until and created >= f.until:
            continue
        if f.kind and e.kind != f.kind:
            continue
        if f.mood_min is not None and (e.mood is None or e.mood < f.mood_min):
            continue
        if f.starred is not None and e.starred != f.starred:
            continue
        if f.visibility and e.visibility != f.visibility:
            continue
        if sender is not None and e.kind != "shared":
            continue
        keep.add(entry_id)
    return keep


FILTERS = {
    "tag": dict(tags=["night-shift"]),
    "two tags": dict(tags=["night-shift", "board"]),
    "rare tag": dict(tags=["rare-tag"]),
    "tag whose words are in another tag": dict(tags=["night"]),
    "dates": dict(since="2020-03-01T00:00:00+00:00", until="2020-06-01T00:00:00+00:00"),
    "kind": dict(kind="session"),
    "mood": dict(mood_min=3),
    "starred": dict(starred=True),
    "visibility": dict(visibility="mentor"),
}


@pytest.mark.parametrize("window", [3, 2000])
@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize(
    "names", [(k,) for k in FILTERS] + list(itertools.combinations(list(FILTERS)[:6], 2))
)
def test_filtered_search_finds_exactly_the_oracle(journal, monkeypatch, word, names, window):
    monkeypatch.setattr(search_module, "RANK_WINDOW", window)
    # Small windows with tag phrases and the kind's id list; one window with per-match tag
    # and kind checks only.
    monkeypatch.setattr(search_module, "_TAG_PHRASE_MAX", 5000 if window == 3 else 0)
    monkeypatch.setattr(search_module, "_ID_LIST_MAX", 10_000 if window == 3 else 0)
    j, facts, _ = journal
    settings: dict = {}
    for name in names:
        for key, value in FILTERS[name].items():
            settings[key] = settings.get(key, []) + value if key == "tags" else value
    f = EntryFilter(**settings)
    expected = _oracle(j, facts, word, f, None)
    found = j.search_ids(word, f)
    assert len(found) == len(set(found))  # no entry twice across windows
    assert set(found) == expected
    assert j.count(f, query=word) == len(expected)
    # Pages of two concatenate to the whole order.
    paged: list[int] = []
    for offset in range(0, len(found) + 2, 2):
        paged += j.search_ids(word, EntryFilter(**settings, limit=2, offset=offset))
    assert paged == found


def test_sender_filter_finds_only_that_senders_entries(journal):
    j, facts, sender = journal
    found = j.search_ids("ward", EntryFilter(sender_id=sender))
    assert found and all(facts[i].kind == "shared" for i in found)
    assert j.search_ids("ward", EntryFilter(sender_id=sender + 99)) == []


def test_filters_that_nothing_can_match_give_nothing(journal):
    j, _, _ = journal
    assert j.search_ids("ward", EntryFilter(tags=["no-such-tag"])) == []
    assert j.count(EntryFilter(tags=["no-such-tag"]), query="ward") == 0
    assert j.search_ids("ward", EntryFilter(since="2030-01-01T00:00:00+00:00")) == []
    assert j.search_ids("ward", EntryFilter(kind="shared", tags=["board"])) == []
    assert j.count(query="") == 0


def test_count_without_filters_matches_the_search(journal):
    j, _, _ = journal
    for word in WORDS:
        assert j.count(query=word) == len(j.search_ids(word, EntryFilter()))


def test_snippet_rows_carry_only_the_start_of_the_body(journal):
    j, _, _ = journal
    full = j.found("ward", EntryFilter(limit=5))
    cut = j.found("ward", EntryFilter(limit=5), body_chars=6)
    assert [r.id for r in cut] == [r.id for r in full]
    assert [r.body for r in cut] == [r.body[:6] for r in full]
    listed = j.entries(EntryFilter(limit=3), body_chars=4)
    assert all(len(r.body) == 4 for r in listed)


def test_a_kind_is_checked_by_its_id_list_only_while_it_is_rare(tmp_path, monkeypatch):
    """The plan's choice follows the journal: a write makes the kept count stale."""
    from reflectjournal.services.workspace import Workspace

    monkeypatch.setattr(search_module, "_ID_LIST_MAX", 1)
    ws = Workspace.create(tmp_path / "k.rj", "a long test passphrase")
    try:
        first = ws.journal.add("Ward round notes.", kind="session")
        ws.journal.add("Ward budget.", kind="reflection")
        f = EntryFilter(kind="session")
        plan = search_module.plan(ws.db, "ward", f)
        assert plan is not None and "+rowid IN" in plan.where
        assert ws.journal.search_ids("ward", f) == [first]
        second = ws.journal.add("Ward again.", kind="session")
        plan = search_module.plan(ws.db, "ward", f)
        assert plan is not None and "+rowid IN" not in plan.where and "e.kind = ?" in plan.where
        assert sorted(ws.journal.search_ids("ward", f)) == sorted([first, second])
    finally:
        ws.close()
