"""Two and three real journals meeting through a folder, a WebDAV server and an S3 server."""

from __future__ import annotations

import os

import pytest
from exchange_servers import (  # tests/exchange_servers.py
    ACCESS_KEY,
    DAV_PASSWORD,
    DAV_USER,
    SECRET_KEY,
    s3_server,  # noqa: F401 - fixture
    webdav_server,  # noqa: F401 - fixture
)

from reflectjournal.errors import UsageError
from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.exchange.store import MARKER_NAME
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
CANARY = "CANARY-title-Rota-7731"


def _pair_up(a: Workspace, b: Workspace, b_role: str = "mentor", a_role: str = "coachee"):
    a.sharing.contacts.import_card(b.sharing.identity.contact_card(), role=b_role)
    b.sharing.contacts.import_card(a.sharing.identity.contact_card(), role=a_role)


@pytest.fixture
def trio(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    coach = Workspace.create(tmp_path / "coach.rj", PASS, owner="Cat Coach")
    _pair_up(leader, mentor, "mentor")
    _pair_up(leader, coach, "coach")
    yield leader, mentor, coach
    for ws in (leader, mentor, coach):
        ws.close()


@pytest.fixture(params=["folder", "webdav", "s3"])
def spec(request, tmp_path):
    """A place every journal of the test can reach, and the folder its objects land in."""
    if request.param == "folder":
        root = tmp_path / "OneDrive" / "Mentoring"
        root.mkdir(parents=True)
        return PlaceSpec("folder", str(root)), root
    if request.param == "webdav":
        server = request.getfixturevalue("webdav_server")
        return (
            PlaceSpec("webdav", server.url + "exchange/", user=DAV_USER, secret=DAV_PASSWORD),
            server.root / "exchange",
        )
    server = request.getfixturevalue("s3_server")
    return (
        PlaceSpec("s3", server.url, bucket="programme", user=ACCESS_KEY, secret=SECRET_KEY),
        server.root / "programme",
    )


def _shared(ws: Workspace) -> dict[str, str]:
    return {
        r["title"]: r["body"]
        for r in ws.db.query("SELECT title, body FROM entry WHERE kind = 'shared'")
    }


def _comments(ws: Workspace, entry_id: int) -> list[tuple[str, str]]:
    return [
        (r["author"], r["text"])
        for r in ws.db.query(
            "SELECT author, text FROM comment WHERE entry_id = ? ORDER BY created, uid",
            (entry_id,),
        )
    ]


def test_share_with_two_people_comment_back_and_prune(trio, spec):
    leader, mentor, coach = trio
    place, disk = spec
    first = leader.sharing.exchange.set_place(place)
    assert first.created
    for ws in (mentor, coach):
        assert not ws.sharing.exchange.set_place(place).created
    entry = leader.journal.add("Handover ran late; I stayed calm.", title=CANARY)
    private = leader.journal.add("Not for anyone", title="Private thoughts")
    recipients = leader.sharing.exchange.share(entry, ["Tom Mentor", "Cat Coach"])
    assert [r.name for r in recipients] == ["Cat Coach", "Tom Mentor"]

    out = leader.sharing.exchange.sync()
    assert (out.sent, out.received, out.pending, out.errors) == (2, 0, 2, ())
    # the place holds only ciphertext under opaque names
    for path in disk.iterdir():
        assert path.name == MARKER_NAME or messages.split_name(path.name)
        raw = path.read_bytes()
        fingerprints = [ws.sharing.identity.get().fingerprint for ws in (leader, mentor, coach)]
        for secret in (CANARY.encode(), b"Ana", b"Tom", b"Handover", b"recipient"):
            assert secret not in raw
        for fp in fingerprints:  # not even whom a message is for (issue 16 item 1)
            assert fp.encode() not in raw and fp.replace(" ", "").encode() not in raw

    got = mentor.sharing.exchange.sync()
    assert (got.received, got.errors) == (1, ())
    assert _shared(mentor) == {CANARY: "Handover ran late; I stayed calm."}
    assert "Private thoughts" not in _shared(mentor)
    coach.sharing.exchange.sync()
    assert _shared(coach) == {CANARY: "Handover ran late; I stayed calm."}

    shared_id = mentor.db.scalar("SELECT id FROM entry WHERE kind = 'shared'")
    mentor.sharing.feedback.comment(shared_id, "Staying calm there was hard won.")
    assert mentor.sharing.exchange.sync().sent == 1

    back = leader.sharing.exchange.sync()
    assert back.received == 1 and back.pending == 0 and back.errors == ()
    assert _comments(leader, entry) == [("Tom Mentor", "Staying calm there was hard won.")]
    assert _comments(leader, private) == []
    by_name = {r.name: r for r in leader.sharing.exchange.recipients(entry)}
    assert by_name["Tom Mentor"].received and by_name["Cat Coach"].received

    # everyone has what they need: after the receipt round, the place holds only the marker
    mentor.sharing.exchange.sync()
    coach.sharing.exchange.sync()
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    assert sorted(os.listdir(disk)) == [MARKER_NAME]


def test_redaction_and_withdrawal_reach_the_recipient(trio, spec):
    leader, mentor, _ = trio
    place, _disk = spec
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(place)
    entry = leader.journal.add("Bed 4, NHS number 943 476 5919, fell.", title="Falls")
    leader.sharing.exchange.share(entry, ["Tom Mentor"], allow_identifiers=True)
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    assert "943 476 5919" in _shared(mentor)["Falls"]

    leader.journal.edit(entry, body="Bed 4, NHS number [redacted], fell.")
    assert leader.sharing.exchange.sync().sent == 1
    mentor.sharing.exchange.sync()
    assert _shared(mentor) == {"Falls": "Bed 4, NHS number [redacted], fell."}

    leader.sharing.exchange.unshare(entry, "Tom Mentor")
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    assert _shared(mentor) == {}


def test_deleting_a_shared_entry_withdraws_it_from_its_recipients(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "place"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Rota again, three gaps on nights.", title="Rota")
    kept = leader.journal.add("Still shared.", title="Kept")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.share(kept, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    assert set(_shared(mentor)) == {"Rota", "Kept"}

    leader.journal.delete(entry)
    out = leader.sharing.exchange.sync()
    assert (out.sent, out.errors) == (1, ())
    assert mentor.sharing.exchange.sync().errors == ()
    assert _shared(mentor) == {"Kept": "Still shared."}
    # the receipt for the withdrawal comes back to a journal that no longer has the entry
    assert leader.sharing.exchange.sync().errors == ()


def test_privacy_check_holds_an_entry_back_with_one_sentence(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Patient 943 476 5919 again.", title="Ward")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    out = leader.sharing.exchange.sync()
    assert out.sent == 0 and len(out.errors) == 1
    assert "was not sent to Tom Mentor" in out.errors[0] and "NHS" in out.errors[0]
    assert sorted(os.listdir(root)) == [MARKER_NAME]


def test_message_deleted_from_the_place_before_it_was_read_is_sent_again(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Rota again.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    for path in root.iterdir():
        if path.name != MARKER_NAME:
            path.unlink()  # someone tidied the shared folder
    assert mentor.sharing.exchange.sync().received == 0
    again = leader.sharing.exchange.sync()
    assert again.sent == 1 and again.pending == 1
    assert mentor.sharing.exchange.sync().received == 1
    assert _shared(mentor) == {"Rota": "Rota again."}


def test_half_written_message_is_ignored_then_applied_when_whole(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Rota again.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    (message,) = [p for p in root.iterdir() if p.name != MARKER_NAME]
    whole = message.read_bytes()
    message.write_bytes(whole[: len(whole) // 2])  # the sync app is still copying it
    got = mentor.sharing.exchange.sync()
    assert (got.received, got.errors) == (0, ())
    assert _shared(mentor) == {}
    message.write_bytes(whole)
    assert mentor.sharing.exchange.sync().received == 1


def test_moved_place_is_refused_and_deletes_nothing(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Rota again.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    for path in root.iterdir():
        path.unlink()  # the folder was emptied (or the URL now points elsewhere)
    out = mentor.sharing.exchange.sync()
    assert out.errors and "no longer holds this exchange's marker" in out.errors[0]
    assert _shared(mentor) == {"Rota": "Rota again."}
    assert list(root.iterdir()) == []


def test_server_stops_mid_sync_then_resumes(trio, webdav_server):  # noqa: F811
    leader, mentor, _ = trio
    place = PlaceSpec("webdav", webdav_server.url + "exchange/", user=DAV_USER, secret=DAV_PASSWORD)
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(place)
    ids = [leader.journal.add(f"Note {i}.", title=f"Note {i}") for i in range(3)]
    for entry in ids:
        leader.sharing.exchange.share(entry, ["Tom Mentor"])
    from reflectjournal.services.exchange.webdav import WebDAVStore

    real_put = WebDAVStore.put_if_absent
    calls = []

    def stop_after_first(self, name, data):
        calls.append(name)
        if len(calls) == 2:
            webdav_server.stop()
        return real_put(self, name, data)

    WebDAVStore.put_if_absent = stop_after_first
    try:
        out = leader.sharing.exchange.sync()
    finally:
        WebDAVStore.put_if_absent = real_put
    assert out.sent == 1 and out.pending == 3
    assert len(out.errors) == 1 and out.errors[0].startswith("The WebDAV folder 127.0.0.1")
    status = leader.db.query_one("SELECT unreachable_since, last_error FROM exchange_place")
    assert status["unreachable_since"] and status["last_error"] == out.errors[0]
    webdav_server.start()
    resumed = leader.sharing.exchange.sync()
    assert (resumed.sent, resumed.errors) == (2, ())
    assert leader.db.scalar("SELECT unreachable_since FROM exchange_place") is None
    assert mentor.sharing.exchange.sync().received == 3


def test_clocks_that_disagree_do_not_decide_which_version_wins(trio, tmp_path, monkeypatch):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("First version.", title="Clock")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    first = {p.name for p in root.iterdir()}
    # the leader's clock jumps back a year before the edit
    import reflectjournal.services.exchange.outgoing as outgoing_mod

    monkeypatch.setattr(outgoing_mod, "utc_timestamp", lambda: "2025-01-01T00:00:00Z")
    leader.journal.edit(entry, body="Second version.")
    leader.sharing.exchange.sync()
    second = {p.name for p in root.iterdir()} - first
    # deliver the newer one first, then the older one
    for name in first - {MARKER_NAME}:
        os.rename(root / name, tmp_path / name)
    mentor.sharing.exchange.sync()
    for name in first - {MARKER_NAME}:
        os.rename(tmp_path / name, root / name)
    mentor.sharing.exchange.sync()
    assert second and _shared(mentor) == {"Clock": "Second version."}


def test_exchange_set_refuses_a_missing_folder_in_one_sentence(trio, tmp_path):
    leader, _, _ = trio
    with pytest.raises(UsageError, match="There is no folder"):
        leader.sharing.exchange.set_place(PlaceSpec("folder", str(tmp_path / "nope")))
    assert leader.db.scalar("SELECT count(*) FROM exchange_place") == 0


class CountingStore:
    """Wraps a real store and counts the calls a sync makes."""

    def __init__(self, inner):
        self.inner, self.label, self.calls = inner, inner.label, []

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def counted(*args):
            self.calls.append(name)
            return method(*args)

        return counted


def test_a_sync_with_nothing_new_is_one_listing_per_place(trio, tmp_path):
    leader, mentor, coach = trio
    roots = [tmp_path / "a", tmp_path / "b"]
    for root in roots:
        root.mkdir()
    leader.sharing.exchange.set_place(PlaceSpec("folder", str(roots[0])), "Tom Mentor")
    leader.sharing.exchange.set_place(PlaceSpec("folder", str(roots[1])), "Cat Coach")
    mentor.sharing.exchange.set_place(PlaceSpec("folder", str(roots[0])))
    coach.sharing.exchange.set_place(PlaceSpec("folder", str(roots[1])))
    entry = leader.journal.add("Shared twice.", title="Twice")
    leader.sharing.exchange.share(entry, ["Tom Mentor", "Cat Coach"])
    for ws in (leader, mentor, coach, leader, mentor, coach, leader):
        ws.sharing.exchange.sync()
    exchange = leader.sharing.exchange
    opened = []
    real_open = exchange.open_store

    def counting_open(spec):
        opened.append(CountingStore(real_open(spec)))
        return opened[-1]

    exchange.open_store = counting_open
    result = exchange.sync()
    assert (result.sent, result.received, result.pending) == (0, 0, 0)
    assert [s.calls for s in opened] == [["list", "close"], ["list", "close"]]


def test_prep_brief_counts_a_late_shared_entry_as_new(trio, tmp_path):
    """Written before the last session, shared after it: new to the coach, so it is in."""
    from datetime import UTC, datetime, timedelta

    from reflectjournal.services.prep import build_brief

    leader, _, coach = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, coach):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    now = datetime.now(UTC).replace(microsecond=0)
    entry = leader.journal.add(
        "Written a week ago, shared today.", title="Late", when=now - timedelta(days=7)
    )
    coach.coaching.add_session("Ana Leader", notes="We met.", when=now - timedelta(days=2))
    leader.sharing.exchange.share(entry, ["Cat Coach"])
    leader.sharing.exchange.sync()
    coach.sharing.exchange.sync()
    brief = build_brief(coach, "Ana Leader")
    assert [s["title"] for s in brief.shared] == ["Late"]


TERMS = ("handover", "late", "smoothly", "teamwork", "resilience", "workforce", "norovirus")


def _derived(ws: Workspace) -> dict:
    """What the search index finds for each word (in any field, and as a tag), and the
    pattern digest's rows: the contentless index can only be compared by what it finds."""
    found = {}
    for term in TERMS:
        for query in (term, f"tags : {term}"):
            found[query] = [
                r[0]
                for r in ws.db.query(
                    "SELECT rowid FROM entry_fts WHERE entry_fts MATCH ? ORDER BY rowid", (query,)
                )
            ]
    return {
        "fts": found,
        "digest": [tuple(r) for r in ws.db.query("SELECT * FROM pattern_entry ORDER BY id")],
        "links": [tuple(r) for r in ws.db.query("SELECT * FROM pattern_link ORDER BY 1, 2, 3")],
    }


def test_applied_in_bulk_the_search_index_and_digest_match_a_rebuild(trio, tmp_path):
    """Messages are applied with the index triggers set aside (storage.bulk) for speed: the
    full-text index and the pattern digest must hold exactly what a rebuild writes, for new,
    rewritten (tags changed) and withdrawn entries alike."""
    from reflectjournal.storage import bulk, digest

    leader, mentor, _ = trio
    root = tmp_path / "Shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    own = mentor.journal.add("My own note about norovirus.", title="Mine", tags=["resilience"])
    ids = [
        leader.journal.add(
            f"Handover {n} ran late.", title=f"Late {n}", tags=["workforce-pressures"]
        )
        for n in range(3)
    ]
    for entry in ids:
        leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    leader.journal.edit(ids[0], body="Handover went smoothly.", tags=["teamwork", "resilience"])
    leader.sharing.exchange.unshare(ids[1], "Tom Mentor")
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    got = _derived(mentor)
    shared = {
        r["title"]: r["id"]
        for r in mentor.db.query("SELECT id, title FROM entry WHERE kind = 'shared'")
    }
    assert sorted(shared) == ["Late 0", "Late 2"]
    assert got["fts"]["tags : teamwork"] == [shared["Late 0"]]
    assert got["fts"]["tags : workforce"] == [shared["Late 2"]]
    assert got["fts"]["smoothly"] == [shared["Late 0"]]
    assert got["fts"]["tags : resilience"] == sorted([own, shared["Late 0"]])
    with mentor.db.transaction():
        mentor.db.execute("DELETE FROM entry_fts")
        mentor.db.execute(bulk.FTS_FILL, (0, 10**9))
        digest.rebuild(mentor.db)
    assert _derived(mentor) == got


def test_an_object_altered_in_the_place_is_refused_in_one_sentence(trio, tmp_path):
    leader, mentor, _ = trio
    root = tmp_path / "shared"
    root.mkdir()
    for ws in (leader, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    entry = leader.journal.add("Rota again.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    (message,) = [p for p in root.iterdir() if p.name != MARKER_NAME]
    whole = message.read_bytes()
    assert whole.startswith(messages.WRAP_MAGIC)
    altered = bytearray(whole)
    altered[-3] ^= 0x01
    message.write_bytes(bytes(altered))
    got = mentor.sharing.exchange.sync()
    assert got.received == 0 and len(got.errors) == 1
    assert got.errors[0].endswith("altered in the place after it was written, so it was refused.")
    assert _shared(mentor) == {}
    message.write_bytes(whole)
    assert mentor.sharing.exchange.sync().received == 1
