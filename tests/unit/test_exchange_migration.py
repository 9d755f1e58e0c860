"""Migration 0009: visibility mentor/coach becomes the set of such contacts, per entry."""

from __future__ import annotations

from reflectjournal.services.workspace import Workspace
from reflectjournal.storage import migrate

PASS = "correct horse battery staple"


def _person(db, name: str, role: str, fingerprint: str | None) -> int:
    return db.execute(
        "INSERT INTO person(uid, name, role, email, fingerprint, created, notes) "
        "VALUES (?, ?, ?, '', ?, '2026-01-01T00:00:00+00:00', '')",
        (name.lower(), name, role, fingerprint),
    ).lastrowid


def _entry(db, body: str, visibility: str = "private") -> int:
    """An entry as the 0008 schema held it (today's services expect today's tables)."""
    return db.execute(
        "INSERT INTO entry(uid, kind, title, body, created, created_offset, updated, "
        "visibility, starred) VALUES (?, 'reflection', ?, ?, '2026-01-01T09:00:00+00:00', 0, "
        "'2026-01-01T09:00:00+00:00', ?, 0)",
        (body.lower().replace(" ", "-"), body, body, visibility),
    ).lastrowid


def test_visibility_migrates_to_share_recipients(tmp_path):
    from alembic import command

    ws = Workspace.create(tmp_path / "old.rj", PASS, owner="Ana Leader")
    try:
        command.downgrade(migrate._alembic_config(ws.db), "0008")
        assert migrate.current_revision(ws.db) == "0008"
        tom = _person(ws.db, "Tom", "mentor", "FP-TOM")
        sue = _person(ws.db, "Sue", "mentor", "FP-SUE")
        _person(ws.db, "Keyless", "mentor", None)  # no card yet: nobody to send to
        cat = _person(ws.db, "Cat", "coach", "FP-CAT")
        mentor_entry = _entry(ws.db, "For mentors", "mentor")
        coach_entry = _entry(ws.db, "For my coach", "coach")
        private = _entry(ws.db, "Mine")
        migrate.upgrade(ws.db)
        rows = ws.db.query("SELECT entry_id, person_id, active, version FROM entry_share")
        got = sorted((r["entry_id"], r["person_id"], r["active"], r["version"]) for r in rows)
        assert got == sorted(
            [(mentor_entry, tom, 1, 0), (mentor_entry, sue, 1, 0), (coach_entry, cat, 1, 0)]
        )
        assert private not in {r["entry_id"] for r in rows}
    finally:
        ws.close()
