"""The demo journal generator: encrypted, deterministic, and varied enough to show off."""

from __future__ import annotations

from datetime import date

from reflectjournal.services import demo
from reflectjournal.services.entries import EntryFilter
from reflectjournal.storage.keys import is_plain_sqlite

TODAY = date(2026, 11, 26)


def test_demo_journal_is_encrypted_and_populated(tmp_path):
    path = tmp_path / "demo.rj"
    ws = demo.generate(path, today=TODAY)
    try:
        journal = ws.journal
        expected = (
            len(demo.SCENES) + len(demo.NOTES) + demo.CHECK_INS_PER_MONTH * 4 + 2
        )  # + sessions
        assert journal.count() == expected
        assert ws.owner_name == demo.DEMO_OWNER
        entries = journal.entries()
        assert {e.model for e in entries} >= {"gibbs", "what-so-what-now-what", "kolb", "cpd"}
        assert len({e.mood for e in entries} - {None}) >= 4  # varied moods, not one value
        oldest = min(e.created for e in entries)[:10]
        newest = max(e.created for e in entries)[:10]
        assert "2026-07-29" <= oldest and newest <= "2026-11-26"
        # Gibbs entries are stored with their structured sections.
        gibbs = next(e for e in entries if e.model == "gibbs")
        assert set(dict(journal.entry(gibbs.id).sections)) == {
            "description",
            "feelings",
            "evaluation",
            "analysis",
            "conclusion",
            "action-plan",
        }
        counts = {t.slug: t.count for t in journal.tag_counts()}
        assert counts["workforce-pressures"] >= 3 and counts["compassionate-leadership"] >= 3
        assert journal.count(EntryFilter(kind="session")) == 2
        assert {p.name for p in ws.people.list()} == {demo.MENTOR, demo.COACH}
        assert ws.db.scalar("SELECT count(*) FROM coaching_session") == 2
        assert ws.db.scalar("SELECT count(*) FROM action WHERE status = 'open'") == 1
        assert len(journal.ratings("resilience")) == 4
        assert journal.found("discharge")  # the full-text index was kept up to date
    finally:
        ws.close()
    assert not is_plain_sqlite(path)
    assert b"discharge" not in path.read_bytes()


def test_demo_is_deterministic_for_a_seed(tmp_path):
    titles = []
    for name in ("a.rj", "b.rj"):
        ws = demo.generate(tmp_path / name, today=TODAY, seed=3)
        titles.append([(e.title, e.created, e.mood) for e in ws.journal.entries()])
        ws.close()
    assert titles[0] == titles[1]


def test_stale_demo_folders_are_swept_and_nothing_else(tmp_path):
    import os

    from reflectjournal.services.demo import FOLDER_PREFIX, STALE_AFTER_S, sweep_stale_folders

    now = 2_000_000_000.0
    old, fresh = tmp_path / f"{FOLDER_PREFIX}old", tmp_path / f"{FOLDER_PREFIX}fresh"
    other = tmp_path / "someone-elses-old-folder"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "demo.rj").write_bytes(b"x")
    stray_file = tmp_path / f"{FOLDER_PREFIX}file"
    stray_file.write_bytes(b"x")
    for path in (old, other, stray_file):
        os.utime(path, (now - STALE_AFTER_S - 60, now - STALE_AFTER_S - 60))
    os.utime(fresh, (now - 60, now - 60))
    assert sweep_stale_folders(tmp_path, now) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [fresh.name, other.name, stray_file.name]
    )
