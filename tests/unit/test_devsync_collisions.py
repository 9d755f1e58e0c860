"""Records that could never be written as they are (issue 21 item 2): settled the same way
on every device, or shown to the person; never retried at every sync."""

from __future__ import annotations

import pytest

from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


def png(colour: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def pair(tmp_path):
    place = tmp_path / "Dropbox" / "journal"
    place.mkdir(parents=True)
    a = Workspace.create(tmp_path / "laptop.rj", PASS, owner="Ana Leader")
    a.people.add("Sam Coachee", "coachee")
    a.journal.add("Ward round notes.", title="Ward round")
    a.devices.set_place(PlaceSpec("folder", str(place)), PASS, name="laptop")
    b = Workspace.create(tmp_path / "desktop.rj", PASS)
    b.devices.join(PlaceSpec("folder", str(place)), PASS, name="desktop")
    yield a, b
    a.close()
    b.close()


def sync(*journals: Workspace) -> list:
    results = [ws.devices.sync() for ws in journals]
    for r in results:
        assert r.errors == []
    return results


def _agreement(ws: Workspace) -> list[tuple]:
    return [
        tuple(r)
        for r in ws.db.query(
            "SELECT a.uid, a.sessions, a.frequency, a.limits FROM agreement a "
            "JOIN person p ON p.id = a.person_id WHERE p.name = 'Sam Coachee'"
        )
    ]


def test_an_agreement_made_for_one_person_on_two_devices_is_merged(pair):
    a, b = pair
    a.programmes.set_agreement("Sam Coachee", sessions=6, frequency="Monthly")
    b.programmes.set_agreement("Sam Coachee", sessions=8, frequency="Monthly")
    sync(a, b, a, b)
    # One agreement on both devices, the same one; the frequency agreed on both merges, the
    # number of sessions differs and waits for the person.
    assert len(_agreement(a)) == 1 and _agreement(a)[0][0] == _agreement(b)[0][0]
    assert _agreement(a)[0][2] == "Monthly"
    for ws in (a, b):
        (conflict,) = ws.devices.conflicts()
        assert conflict.kind == "agreement"
        assert [f.field for f in conflict.fields] == ["sessions"]
        assert sorted(v.value for v in conflict.fields[0].values) == [6, 8]
        assert ws.db.scalar("SELECT count(*) FROM sync_doc WHERE conflict = 2") == 0
    b.devices.resolve(b.devices.conflicts()[0].id, "shown", sync=False)
    chosen = _agreement(b)[0][1]
    sync(b, a)
    assert _agreement(a) == _agreement(b) and _agreement(a)[0][1] == chosen
    assert a.devices.conflicts() == [] and b.devices.conflicts() == []
    # A later edit of the merged-away copy on either device lands on the one agreement.
    a.programmes.set_agreement("Sam Coachee", limits="Risk of harm only")
    sync(a, b)
    assert _agreement(b)[0][3] == "Risk of harm only"


def test_the_same_file_name_attached_on_two_devices_keeps_both(pair):
    a, b = pair
    ea = a.db.scalar("SELECT id FROM entry WHERE title = 'Ward round'")
    eb = b.db.scalar("SELECT id FROM entry WHERE title = 'Ward round'")
    a.attachments.add(ea, "scan.png", png("red"))
    b.attachments.add(eb, "scan.png", png("blue"))
    sync(a, b, a, b)
    files = "SELECT name, sha256 FROM attachment ORDER BY name"
    assert [r[0] for r in a.db.query(files)] == ["scan (2).png", "scan.png"]
    assert [tuple(r) for r in a.db.query(files)] == [tuple(r) for r in b.db.query(files)]
    for ws in (a, b):
        assert ws.devices.conflicts() == []
        assert ws.db.scalar("SELECT count(*) FROM sync_doc WHERE conflict = 2") == 0
    # Settled once: later syncs carry nothing more.
    for result in sync(a, b):
        assert result.sent == 0 and result.changed == 0


def test_a_record_that_waits_is_kept_and_tried_only_when_something_arrives(pair):
    """A record that cannot be written yet (here: of a table a newer version of the app has)
    is kept, never dropped, and tried again when something arrives, not at every sync."""
    a, b = pair
    b.db.execute(
        "INSERT INTO sync_doc(key, tbl, heads, conflict) VALUES (?, ?, ?, 2)",
        ("future_table:x", "future_table", '[{"d":"ffff:1","vv":{"ffff":1},"t":1,"f":{}}]'),
    )
    nothing = b.devices.sync()
    assert (nothing.changed, nothing.unapplied) == (0, 0)  # not tried: nothing arrived
    a.journal.add("Something new", title="New")
    a.devices.sync()
    arrived = b.devices.sync()
    assert (arrived.changed, arrived.unapplied) == (1, 1)  # tried again, and still kept
    assert b.db.scalar("SELECT conflict FROM sync_doc WHERE key = 'future_table:x'") == 2
