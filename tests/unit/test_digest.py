"""The pattern digest (storage/digest.py) always says what the entries say.

The oracle (tests/digest_oracle.py) is written independently of the triggers' SQL. After
every random sequence of edits (through the services, and through raw SQL for what the
services never do: kind changes, unreadable times, re-pointed tag links, deleted, renamed and
merged tags; restores from the Trash and small imports) the digest must equal it row for row,
and its totals (migration 0015) must equal the sums of the digest's rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from digest_oracle import (  # tests/digest_oracle.py
    actual,
    actual_totals,
    assert_current,
    expected_totals,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.storage import digest

SLUGS = ["burnout", "resilience", "night-shift", "budget", "handover", "team-huddle"]


moments = st.builds(
    lambda day, minute, offset: (
        datetime(2025, 3, 1, tzinfo=UTC).astimezone(timezone(timedelta(minutes=offset)))
        + timedelta(days=day, minutes=minute)
    ),
    st.integers(0, 400),
    st.integers(0, 1439),
    # Every offset in use on Earth lies between -12:00 and +14:00.
    st.sampled_from([-720, -300, -210, 0, 60, 330, 345, 780, 840]),
)
tag_sets = st.lists(st.sampled_from(SLUGS), max_size=4, unique=True)
scales = st.none() | st.integers(1, 5)

adds = st.tuples(
    st.just("add"), tag_sets, moments, scales, scales, st.sampled_from([None, "gibbs"])
)
operations = st.one_of(
    adds,
    st.tuples(st.just("retag"), st.integers(0, 99), tag_sets),
    st.tuples(st.just("add_tag"), st.integers(0, 99), st.sampled_from(SLUGS)),
    st.tuples(st.just("remove_tag"), st.integers(0, 99), st.sampled_from(SLUGS)),
    st.tuples(st.just("move"), st.integers(0, 99), moments),
    st.tuples(st.just("mood"), st.integers(0, 99), scales, scales),
    st.tuples(st.just("model"), st.integers(0, 99), st.sampled_from([None, "gibbs", "kolb"])),
    st.tuples(st.just("text"), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("kind"), st.integers(0, 99), st.sampled_from(["shared", "session"])),
    st.tuples(st.just("garble"), st.integers(0, 99)),
    st.tuples(st.just("repoint"), st.integers(0, 99), st.sampled_from(SLUGS)),
    st.tuples(st.just("drop_tag"), st.sampled_from(SLUGS)),
    st.tuples(st.just("rename_tag"), st.sampled_from(SLUGS)),
    st.tuples(st.just("merge_tag"), st.sampled_from(SLUGS), st.sampled_from(SLUGS)),
    st.tuples(st.just("trash"), st.integers(0, 99)),
    st.tuples(st.just("restore"), st.integers(0, 99)),
    st.tuples(st.just("import"), st.integers(1, 4), tag_sets, st.integers(0, 400)),
)


def _import(ws, count: int, tags: list[str], day: int) -> None:
    """A small jrnl import (the bulk path: digest filled once, triggers set aside)."""
    when = datetime(2025, 3, 1) + timedelta(days=day)
    words = " ".join(f"@{t}" for t in tags)
    text = "".join(
        f"[{(when + timedelta(minutes=i)).strftime('%Y-%m-%d %H:%M')}] Imported {i} {words}\n"
        f"Text {i}.\n\n"
        for i in range(count)
    )
    source = ws.path.parent / f"import-{ws.db.scalar('SELECT count(*) FROM entry')}.txt"
    source.write_text(text, encoding="utf-8")
    ws.imports.run("jrnl", source)


def apply(ws, op) -> None:
    db = ws.db
    ids = [r[0] for r in db.query("SELECT id FROM entry WHERE kind != 'shared' ORDER BY id")]
    name, *args = op
    if name == "add":
        tags, when, mood, energy, model = args
        ws.journal.add("words", tags=tags, when=when, mood=mood, energy=energy, model=model)
        return
    if name == "drop_tag":
        db.execute("DELETE FROM tag WHERE slug = ?", (args[0],))
        return
    if name == "rename_tag":
        db.execute("UPDATE tag SET name = name || ' renamed' WHERE slug = ?", (args[0],))
        return
    if name == "merge_tag":  # every link of one tag moved to another, then the tag deleted
        loser, winner = args
        with db.transaction():
            db.execute(
                "UPDATE OR IGNORE entry_tag SET tag_id = (SELECT id FROM tag WHERE slug = ?) "
                "WHERE tag_id = (SELECT id FROM tag WHERE slug = ?) "
                "AND EXISTS (SELECT 1 FROM tag WHERE slug = ?) AND ? != ?",
                (winner, loser, winner, loser, winner),
            )
            db.execute("DELETE FROM tag WHERE slug = ? AND ? != ?", (loser, loser, winner))
        return
    if name == "restore":
        trashed = [r[0] for r in db.query("SELECT id FROM trash ORDER BY id")]
        if trashed:
            ws.trash.restore(trashed[args[0] % len(trashed)])
        return
    if name == "import":
        _import(ws, *args)
        return
    if not ids:
        return
    target = ids[args[0] % len(ids)]
    if name == "retag":
        ws.journal.edit(target, tags=args[1])
    elif name == "add_tag":
        ws.journal.edit(target, add_tags=[args[1]])
    elif name == "remove_tag":
        ws.journal.edit(target, remove_tags=[args[1]])
    elif name == "move":
        ws.journal.edit(target, when=args[1])
    elif name == "mood":
        ws.journal.edit(target, mood=args[1], energy=args[2])
    elif name == "model":
        ws.journal.edit(target, model=args[1])
    elif name == "text":
        ws.journal.edit(target, title="A new title", body="Other words")
    elif name == "delete":
        ws.journal.delete(target)
    elif name == "trash":
        ws.trash.move(target)
    elif name == "kind":
        db.execute("UPDATE entry SET kind = ? WHERE id = ?", (args[1], target))
    elif name == "garble":
        db.execute("UPDATE entry SET created = 'not a time' WHERE id = ?", (target,))
    elif name == "repoint":
        db.execute(
            "UPDATE OR IGNORE entry_tag SET tag_id = (SELECT id FROM tag WHERE slug = ?) "
            "WHERE entry_id = ? AND tag_id = (SELECT min(tag_id) FROM entry_tag "
            "WHERE entry_id = ?) AND EXISTS (SELECT 1 FROM tag WHERE slug = ?)",
            (args[1], target, target, args[1]),
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(adds, min_size=2, max_size=5), st.lists(operations, min_size=1, max_size=15))
def test_digest_follows_every_kind_of_edit(workspace, first, ops):
    for op in first + ops:
        apply(workspace, op)
    assert_current(workspace.db)


def test_digest_has_local_days_and_pairs(workspace):
    """A hand-checked row: 23:30 in New York on 1 March is 04:30 UTC on 2 March."""
    new_york = timezone(timedelta(hours=-5))
    entry = workspace.journal.add(
        "x", tags=["handover", "burnout", "resilience"], when=datetime(2026, 3, 1, 23, 30,
                                                                          tzinfo=new_york),
        mood=2,
    )  # fmt: skip
    ids = dict(workspace.db.query("SELECT slug, id FROM tag"))
    tags = sorted(ids[s] for s in ("handover", "burnout", "resilience"))
    row = workspace.db.query_one("SELECT dn, ts, mood, tags, pairs FROM pattern_entry")
    assert row[0] == datetime(2026, 3, 1).toordinal() - 1
    assert row[1] == int(datetime(2026, 3, 2, 4, 30, tzinfo=UTC).timestamp())
    assert row[2] == 2
    assert row[3] == ",".join(map(str, tags))
    a, b, c = tags
    assert row[4] == f"{a}-{b},{a}-{c},{b}-{c}"
    workspace.journal.delete(entry)
    assert actual(workspace.db) == ([], [])
    assert actual_totals(workspace.db) == expected_totals(workspace.db)
    assert not any(actual_totals(workspace.db).values())


def test_bulk_import_fills_the_digest_once_and_restores_its_triggers(workspace, tmp_path):
    workspace.journal.add("before", tags=["burnout"])
    source = tmp_path / "journal.txt"
    source.write_text(
        "".join(
            f"[2024-0{1 + i % 9}-1{i % 10} 09:1{i % 10}] Day {i} @handover @budget\nText {i}.\n\n"
            for i in range(40)
        ),
        encoding="utf-8",
    )
    report = workspace.imports.run("jrnl", source)
    assert report.entries == 40
    assert_current(workspace.db)
    names = {
        r[0] for r in workspace.db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert set(digest.INSERT_TRIGGERS) <= names
    # The triggers are back: an ordinary write after the import is followed too.
    workspace.journal.add("after", tags=["resilience", "budget"])
    assert_current(workspace.db)


def test_rebuild_writes_the_same_rows_the_triggers_did(workspace):
    for i in range(5):
        workspace.journal.add(f"entry {i}", tags=SLUGS[i : i + 3], mood=i % 5 + 1)
    kept = actual(workspace.db)
    with workspace.db.transaction():
        digest.rebuild(workspace.db)
    assert actual(workspace.db) == kept
    assert kept[0] and kept[1]


def test_totals_fill_gives_what_the_triggers_kept(workspace):
    for i in range(6):
        workspace.journal.add(f"entry {i}", tags=SLUGS[i % 4 : i % 4 + 3], mood=i % 5 + 1)
    workspace.journal.add("no mood", tags=SLUGS[:2], energy=2)
    kept = actual_totals(workspace.db)
    # The migration's fill statements, as SELECTs, give the same rows from the digest.
    filled = {
        table: sorted(tuple(r) for r in workspace.db.query(select))
        for table, select in digest.TOTALS_FILL.items()
    }
    assert filled == kept
    (burnout,) = workspace.db.query_one("SELECT id FROM tag WHERE slug = 'burnout'")
    (resilience,) = workspace.db.query_one("SELECT id FROM tag WHERE slug = 'resilience'")
    row = workspace.db.query_one(
        "SELECT n, mood_n, mood_sum, mood_sq, energy_n, energy_sum FROM pattern_tag_total "
        "WHERE tag_id = ?",
        (burnout,),
    )
    # "burnout" is on entries 0 and 4 (moods 1 and 5) and on the one with energy only.
    assert tuple(row) == (3, 2, 6, 26, 1, 2)
    pair = (min(burnout, resilience), max(burnout, resilience))
    assert workspace.db.scalar("SELECT n FROM pattern_pair_total WHERE a = ? AND b = ?", pair) == 3


def test_patterns_from_totals_equal_patterns_over_every_row(workspace):
    from reflectjournal.services.patterns.service import PatternOptions

    for i in range(30):
        workspace.journal.add(
            f"entry {i}",
            tags=SLUGS[i % 5 : i % 5 + 1 + i % 3],
            when=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=7 * i, hours=i),
            mood=None if i % 4 == 0 else i % 5 + 1,
            energy=None if i % 3 == 0 else (i * 7) % 5 + 1,
        )
    whole = workspace.patterns.compute(PatternOptions(asof=date(2024, 8, 1)))
    # A range holding every entry reads the digest's rows, not its totals.
    ranged = workspace.patterns.compute(
        PatternOptions(asof=date(2024, 8, 1), since="1900-01-01T00:00:00+00:00")
    )
    assert whole.total_entries == ranged.total_entries == 30
    assert whole.tags == ranged.tags
    assert whole.cooccurrence == ranged.cooccurrence and len(whole.cooccurrence) > 3
    assert whole.mood_by_tag == ranged.mood_by_tag and whole.mood_by_tag
    assert whole.energy_by_tag == ranged.energy_by_tag
    assert whole.streaks == ranged.streaks


@pytest.mark.parametrize("statement", digest.TRIGGERS + digest.TOTAL_TRIGGERS)
def test_every_trigger_is_in_the_journal(workspace, statement):
    name = statement.split()[2]
    stored = workspace.db.scalar("SELECT sql FROM sqlite_master WHERE name = ?", (name,))
    assert stored == statement
