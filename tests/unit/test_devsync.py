"""Device sync between journals through a folder: capture, merge, conflicts, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflectjournal.errors import UsageError
from reflectjournal.services.devsync.service import DeviceSync
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


def journal(path: Path) -> Workspace:
    return Workspace.create(path, PASS, owner="Ada Leader")


def entries(ws: Workspace) -> dict[str, tuple]:
    """Every entry by uid: what a person would see (title, body, mood, tags, sections)."""
    out = {}
    for row in ws.db.query("SELECT id, uid, title, body, mood FROM entry"):
        tags = sorted(
            r[0]
            for r in ws.db.query(
                "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                "WHERE et.entry_id = ?",
                (row[0],),
            )
        )
        sections = sorted(
            tuple(r)
            for r in ws.db.query(
                "SELECT key, body FROM entry_section WHERE entry_id = ?", (row[0],)
            )
        )
        out[row[1]] = (row[2], row[3], row[4], tuple(tags), tuple(sections))
    return out


@pytest.fixture
def pair(tmp_path):
    place = tmp_path / "Dropbox" / "journal"
    place.mkdir(parents=True)
    spec = PlaceSpec("folder", str(place))
    a = journal(tmp_path / "laptop.rj")
    a.journal.add("Handover went badly.\n\nI stayed late.", title="Night shift", tags=["burnout"])
    first = DeviceSync(a.db).set_place(spec, PASS, name="laptop")
    assert first.errors == []
    b = Workspace.create(tmp_path / "desktop.rj", PASS)
    joined = DeviceSync(b.db).join(spec, PASS, name="desktop")
    assert joined.errors == []
    yield a, b, place
    a.close()
    b.close()


def sync(*journals: Workspace) -> None:
    for ws in journals:
        result = DeviceSync(ws.db).sync()
        assert result.errors == [], result.errors


def test_joined_device_has_the_journal_and_place_holds_only_ciphertext(pair):
    a, b, place = pair
    assert entries(b) == entries(a)
    assert b.owner_name == "Ada Leader"
    for path in place.iterdir():
        data = path.read_bytes()
        for secret in (b"Handover", b"Night shift", b"burnout", b"Ada"):
            assert secret not in data
        assert path.name.startswith(("rj-", "reflectjournal-place"))


def test_edits_deletes_and_tags_travel_both_ways(pair):
    a, b, _ = pair
    eid = a.journal.add("Second", title="Two", tags=["resilience"])
    sync(a, b)
    uid = a.db.scalar("SELECT uid FROM entry WHERE id = ?", (eid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    b.journal.edit(bid, body="Second, revised", add_tags=["change-fatigue"], mood=2)
    sync(b, a)
    assert entries(a) == entries(b)
    assert entries(a)[uid][1] == "Second, revised"
    assert "change-fatigue" in entries(a)[uid][3]
    a.journal.delete(eid)
    sync(a, b)
    assert uid not in entries(b)
    assert entries(a) == entries(b)


def test_concurrent_edits_of_different_fields_and_tags_merge(pair):
    a, b, _ = pair
    uid, title = next(iter(entries(a).items()))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    a.journal.edit(aid, title="Night shift (Tuesday)", add_tags=["resilience"])
    b.journal.edit(bid, mood=2, add_tags=["change-fatigue"], remove_tags=["burnout"])
    sync(a, b, a)
    got = entries(a)[uid]
    assert got == entries(b)[uid]
    assert got[0] == "Night shift (Tuesday)" and got[2] == 2
    assert got[3] == ("change-fatigue", "resilience")
    assert DeviceSync(a.db).conflicts() == []


def test_text_edited_on_both_devices_merges_when_the_changes_do_not_overlap(pair):
    a, b, _ = pair
    uid = next(iter(entries(a)))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    a.journal.edit(aid, body="Handover went badly, again.\n\nI stayed late.")
    b.journal.edit(bid, body="Handover went badly.\n\nI stayed late and wrote it up.")
    sync(a, b, a)
    assert entries(a)[uid][1] == "Handover went badly, again.\n\nI stayed late and wrote it up."
    assert entries(a) == entries(b)
    assert DeviceSync(b.db).conflicts() == []


def test_overlapping_text_edits_keep_both_until_the_person_chooses(pair):
    a, b, _ = pair
    uid = next(iter(entries(a)))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    a.journal.edit(aid, body="Laptop's version.")
    b.journal.edit(bid, body="Desktop's version.")
    sync(a, b, a)
    assert entries(a) == entries(b)
    conflicts = DeviceSync(a.db).conflicts()
    assert len(conflicts) == 1 and conflicts[0].id == f"entry:{uid}"
    values = {v.value for v in conflicts[0].fields[0].values}
    assert values == {"Laptop's version.", "Desktop's version."}
    # Each side is typed and names the device it came from by its name, not its id.
    sides = {(v.device, v.value) for v in conflicts[0].fields[0].values}
    assert sides == {("laptop", "Laptop's version."), ("desktop", "Desktop's version.")}
    assert all(isinstance(v.t, int) for v in conflicts[0].fields[0].values)
    # An edit elsewhere in the entry does not choose for the person.
    a.journal.edit(aid, mood=4)
    sync(a, b, a)
    assert len(DeviceSync(b.db).conflicts()) == 1
    assert entries(b)[uid][2] == 4
    shown = entries(b)[uid][1]
    other = ({"Laptop's version.", "Desktop's version."} - {shown}).pop()
    DeviceSync(b.db).resolve(f"entry:{uid}", "other")
    sync(b, a)
    assert entries(a)[uid][1] == other == entries(b)[uid][1]
    assert DeviceSync(a.db).conflicts() == [] == DeviceSync(b.db).conflicts()


def test_delete_on_one_device_and_edit_on_the_other_keeps_the_entry(pair):
    a, b, _ = pair
    uid = next(iter(entries(a)))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    a.journal.delete(aid)
    b.journal.edit(bid, body="Still matters.")
    sync(a, b, a)
    assert entries(a) == entries(b)
    assert entries(a)[uid][1] == "Still matters."
    assert [c.fields[0].field for c in DeviceSync(a.db).conflicts()] == [None]


def test_wrong_passphrase_cannot_join_and_nothing_is_written(pair, tmp_path):
    _, _, place = pair
    c = Workspace.create(tmp_path / "phone.rj", "another passphrase 123")
    with pytest.raises(UsageError, match="passphrase does not open"):
        DeviceSync(c.db).join(PlaceSpec("folder", str(place)), "another passphrase 123")
    assert not DeviceSync(c.db).enabled
    c.close()


def test_removed_device_cannot_read_what_comes_after(pair, tmp_path):
    a, b, place = pair
    c = Workspace.create(tmp_path / "phone.rj", PASS)
    DeviceSync(c.db).join(PlaceSpec("folder", str(place)), PASS, name="phone")
    sync(a, b, c, a)
    assert {d.name for d in DeviceSync(a.db).devices()} == {"laptop", "desktop", "phone"}
    DeviceSync(a.db).remove("phone", PASS)
    a.journal.add("After the phone was lost", title="Secret plans")
    sync(a, b, c)
    assert "Secret plans" in {v[0] for v in entries(b).values()}
    assert "Secret plans" not in {v[0] for v in entries(c).values()}
    # It still holds the old key, but what it writes now is refused by the others.
    c.journal.add("Written after removal", title="Injected")
    sync(c, a, b)
    assert "Injected" not in {v[0] for v in entries(a).values()} | {
        v[0] for v in entries(b).values()
    }
    c.close()


def test_passphrase_change_rewraps_without_reuploading(pair, tmp_path):
    a, _, place = pair
    before = {p.name: p.stat().st_size for p in place.iterdir() if p.name.startswith("rj-cs")}
    a.change_passphrase("a brand new passphrase 42")
    DeviceSync(a.db).rewrap("a brand new passphrase 42")
    sync(a)
    after = {p.name: p.stat().st_size for p in place.iterdir() if p.name.startswith("rj-cs")}
    assert before == after
    c = Workspace.create(tmp_path / "tablet.rj", "a brand new passphrase 42")
    DeviceSync(c.db).join(PlaceSpec("folder", str(place)), "a brand new passphrase 42")
    assert entries(c) == entries(a)
    c.close()


def test_device_offline_for_months_catches_up_after_compaction(pair, tmp_path, monkeypatch):
    from reflectjournal.services.devsync import engine

    a, b, place = pair
    monkeypatch.setattr(engine, "COMPACT_AFTER", 4)
    c = Workspace.create(tmp_path / "old-laptop.rj", PASS)
    DeviceSync(c.db).join(PlaceSpec("folder", str(place)), PASS, name="old laptop")
    cid = c.db.scalar("SELECT id FROM entry")
    c.journal.edit(cid, title="Edited while offline")  # never synced until the end
    for n in range(8):
        a.journal.add(f"Week {n}", title=f"Week {n}")
        sync(a, b)
    changesets = [p for p in place.iterdir() if p.name.startswith("rj-cs-")]
    assert len(changesets) <= 5  # compacted into a snapshot
    assert any(p.name.startswith("rj-sm-") for p in place.iterdir())
    sync(c, a, b)
    assert entries(c) == entries(a) == entries(b)
    assert "Edited while offline" in {v[0] for v in entries(a).values()}
    assert {f"Week {n}" for n in range(8)} <= {v[0] for v in entries(c).values()}
    c.close()


def test_conflict_resolved_with_new_text_reaches_both_devices(pair):
    a, b, _ = pair
    uid = next(iter(entries(a)))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    a.journal.edit(aid, body="Laptop's version.", mood=2)
    b.journal.edit(bid, body="Desktop's version.", mood=4)
    sync(a, b, a)
    conflict = DeviceSync(a.db).conflicts()[0]
    assert {f.field for f in conflict.fields} == {"body", "mood"}
    shown_mood = next(f for f in conflict.fields if f.field == "mood").values[0].value
    DeviceSync(a.db).resolve(conflict.id, "text", "Both, merged by hand.")
    sync(b)
    for ws in (a, b):
        assert entries(ws)[uid][1] == "Both, merged by hand."
        assert entries(ws)[uid][2] == shown_mood
        assert DeviceSync(ws.db).conflicts() == []
    with pytest.raises(UsageError, match="no conflict"):
        DeviceSync(a.db).resolve(conflict.id, "shown")


def test_a_place_that_holds_a_journal_or_lost_its_marker_is_refused(pair, tmp_path):
    from reflectjournal.services.exchange.store import PlaceRefused

    a, b, place = pair
    other = Workspace.create(tmp_path / "other.rj", PASS)
    with pytest.raises(PlaceRefused, match="already holds a synced journal"):
        DeviceSync(other.db).set_place(PlaceSpec("folder", str(place)), PASS)
    assert not DeviceSync(other.db).enabled
    with pytest.raises(UsageError, match="device you are using"):
        DeviceSync(a.db).remove("laptop", PASS)
    with pytest.raises(UsageError, match="not this journal's passphrase"):
        DeviceSync(a.db).remove("desktop", "not the passphrase at all")
    # An emptied place (a moved URL, a wiped folder) deletes nothing here.
    before = entries(a)
    for path in place.iterdir():
        path.unlink()
    result = DeviceSync(a.db).sync()
    assert result.errors and "marker" in result.errors[0]
    assert entries(a) == before
    other.close()


def test_attachments_travel_with_their_entry(pair):
    a, b, _ = pair
    uid = next(iter(entries(a)))
    aid = a.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    picture = bytes(range(256)) * 64
    a.db.execute(
        "INSERT INTO attachment(entry_id, name, mime, size, sha256, data, created) "
        "VALUES (?, 'ward.png', 'image/png', ?, 'x', ?, '2026-11-30')",
        (aid, len(picture), picture),
    )
    sync(a, b)
    bid = b.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
    got = b.db.query_one("SELECT entry_id, name, data FROM attachment")
    assert (got[0], got[1], bytes(got[2])) == (bid, "ward.png", picture)


class CountingStore:
    """A folder store that counts every call the sync makes to the place."""

    def __init__(self, root):
        from reflectjournal.services.exchange.folder import FolderStore

        self.inner = FolderStore(root)
        self.calls = {"list": 0, "get": 0, "put": 0, "delete": 0}

    def list(self):
        self.calls["list"] += 1
        return self.inner.list()

    def get(self, name):
        self.calls["get"] += 1
        return self.inner.get(name)

    def put_if_absent(self, name, data):
        self.calls["put"] += 1
        return self.inner.put_if_absent(name, data)

    def delete(self, name):
        self.calls["delete"] += 1
        return self.inner.delete(name)

    def close(self):
        self.inner.close()


def test_a_sync_with_nothing_new_costs_one_listing(pair):
    a, b, place = pair
    a.journal.add("Something new", title="New")
    sync(a, b, a, b)
    store = CountingStore(place)
    for _ in range(3):
        result = DeviceSync(b.db).sync(store=store)
        assert (result.errors, result.changed, result.sent) == ([], 0, 0)
    assert store.calls == {"list": 3, "get": 0, "put": 0, "delete": 0}
    # Something new: the listing, the one change set it names, and the laptop's device
    # record (republished with its last sync after it sent).
    a.journal.add("One more", title="More")
    sync(a)
    store.calls = dict.fromkeys(store.calls, 0)
    assert DeviceSync(b.db).sync(store=store).changed == 1
    assert store.calls["list"] == 1 and store.calls["get"] == 2 and store.calls["put"] == 0
