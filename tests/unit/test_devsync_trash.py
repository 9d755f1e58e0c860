"""The Trash travels with device sync: a delete on one device puts the entry in the Trash
on the other, with its tags, comments and attachment; a restore on either comes back on both.
"""

from __future__ import annotations

import base64

import pytest

from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def pair(tmp_path):
    place = tmp_path / "Dropbox" / "journal"
    place.mkdir(parents=True)
    a = Workspace.create(tmp_path / "laptop.rj", PASS, owner="Ana Leader")
    # Rows made on the laptop first, so local ids differ between the two journals.
    a.journal.add("Padding so the ids differ.", title="Earlier", tags=["rota"])
    a.devices.set_place(PlaceSpec("folder", str(place)), PASS, name="laptop")
    b = Workspace.create(tmp_path / "desktop.rj", PASS)
    b.journal.add("Only here.", title="Desktop first", tags=["zzz", "yyy"])
    b.devices.join(PlaceSpec("folder", str(place)), PASS, name="desktop")
    yield a, b
    a.close()
    b.close()


def _entry(ws: Workspace, title: str):
    row = ws.db.query_one("SELECT id, uid FROM entry WHERE title = ?", (title,))
    if row is None:
        return None
    eid = row["id"]
    tags = sorted(
        r[0]
        for r in ws.db.query(
            "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id WHERE entry_id = ?",
            (eid,),
        )
    )
    comments = [r[0] for r in ws.db.query("SELECT text FROM comment WHERE entry_id = ?", (eid,))]
    files = [
        (r[0], bytes(r[1]))
        for r in ws.db.query("SELECT name, data FROM attachment WHERE entry_id = ?", (eid,))
    ]
    return row["uid"], tags, comments, files


def test_delete_and_restore_travel_both_ways(pair, tmp_path):
    a, b = pair
    eid = a.journal.add("Difficult call with the family.", title="Family", tags=["empathy"])
    a.db.execute(
        "INSERT INTO comment(uid, entry_id, author, text, created, entry_hash, outgoing, sent) "
        "VALUES ('c-1', ?, 'Me', 'Note to self', '2026-11-30T10:00:00Z', 'h', 0, 0)",
        (eid,),
    )
    picture = tmp_path / "sketch.png"
    picture.write_bytes(PNG)
    a.attachments.add_file(eid, picture)
    a.devices.sync()
    b.devices.sync()
    before = _entry(b, "Family")
    assert before is not None and before == _entry(a, "Family")

    a.trash.move(eid)
    a.devices.sync()
    b.devices.sync()
    assert _entry(b, "Family") is None
    assert [t.title for t in b.trash.list()] == ["Family"]

    # Restored on the desktop: back on both, whole, with the same uid.
    (trashed,) = b.trash.list()
    b.trash.restore(trashed.id)
    assert _entry(b, "Family") == before
    b.devices.sync()
    a.devices.sync()
    assert _entry(a, "Family") == before
    assert a.trash.list() == [] and b.trash.list() == []
    assert a.devices.conflicts() == [] and b.devices.conflicts() == []


def test_emptying_the_trash_travels(pair):
    a, b = pair
    eid = a.journal.add("Gone for good.", title="Gone")
    a.trash.move(eid)
    a.devices.sync()
    b.devices.sync()
    assert len(b.trash.list()) == 1
    assert b.trash.empty() == 1
    b.devices.sync()
    a.devices.sync()
    assert a.trash.list() == []
