"""Issue 16 item 7: files carry the exchange's own messages, so the place's rules hold on them.

Two real journals; files written by one and read by the other, lost, repeated, read out of
order, cut short or altered; the old single-packet files people already hold still import.
"""

from __future__ import annotations

import pytest

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.exchange import bundle
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.share import ShareRequest
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
TABLES = ("entry", "comment", "inbox", "outbox", "received_share", "entry_share", "person")


@pytest.fixture
def pair(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card(), role="mentor")
    mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card(), role="coachee")
    yield leader, mentor
    leader.close()
    mentor.close()


def _snapshot(ws: Workspace) -> dict:
    return {t: [tuple(r) for r in ws.db.query(f"SELECT * FROM {t} ORDER BY 1")] for t in TABLES}


def _shared(ws: Workspace) -> dict[str, str]:
    return {
        r["title"]: r["body"]
        for r in ws.db.query("SELECT title, body FROM entry WHERE kind = 'shared'")
    }


def _export(leader: Workspace, path, **kw):
    return leader.sharing.export_share(ShareRequest(to="Tom Mentor", **kw), path)


def test_files_read_out_of_order_or_twice_end_in_the_newest_state(pair, tmp_path):
    leader, mentor = pair
    rota = leader.journal.add("First draft.", title="Rota", visibility="mentor")
    _export(leader, tmp_path / "1.rjshare")
    leader.journal.edit(rota, body="Second draft, NHS number removed.")
    _export(leader, tmp_path / "2.rjshare")
    # The newer file first, then the older one, then the newer again: the newer text stays.
    assert mentor.sharing.import_share(tmp_path / "2.rjshare").added == 1
    late = mentor.sharing.import_share(tmp_path / "1.rjshare")
    assert (late.added, late.updated, late.already_imported) == (0, 0, True)
    assert _shared(mentor) == {"Rota": "Second draft, NHS number removed."}
    before = _snapshot(mentor)
    assert mentor.sharing.import_share(tmp_path / "2.rjshare").already_imported
    assert _snapshot(mentor) == before

    # Stop sharing: the withdrawal travels in the next file; an older file cannot undo it.
    leader.sharing.exchange.unshare(rota, "Tom Mentor")
    leader.sharing.export_feedback("Tom Mentor", tmp_path / "3.rjfeedback")
    assert mentor.sharing.import_feedback(tmp_path / "3.rjfeedback").withdrawn == 1
    assert _shared(mentor) == {}
    mentor.sharing.import_share(tmp_path / "2.rjshare")
    assert _shared(mentor) == {}


def test_a_lost_file_loses_nothing_and_receipts_stop_the_resending(pair, tmp_path):
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    _export(leader, tmp_path / "lost.rjshare")  # never delivered
    leader.journal.add("Two.", title="Two", visibility="mentor")
    second = _export(leader, tmp_path / "2.rjshare")
    assert second.messages == 2  # "One" goes again: nobody confirmed it
    got = mentor.sharing.import_share(tmp_path / "2.rjshare")
    assert (got.added, got.messages) == (2, 2)
    one = mentor.db.scalar("SELECT id FROM entry WHERE title = 'One'")
    mentor.sharing.comment(one, "Good start.")
    reply = mentor.sharing.export_feedback("Ana Leader", tmp_path / "back.rjfeedback")
    assert (reply.comments, reply.receipts) == (1, 2)
    got = leader.sharing.import_feedback(tmp_path / "back.rjfeedback")
    assert (got.attached, got.receipts) == (1, 1)
    # Both entries confirmed: they leave the outbox and never travel again.
    assert leader.db.scalar("SELECT count(*) FROM outbox") == 0
    assert leader.db.scalar("SELECT count(*) FROM entry_share WHERE received IS NULL") == 0
    recipients = leader.sharing.exchange.recipients(one)
    assert recipients[0].received is not None and recipients[0].sent is not None


def test_a_repeated_message_is_confirmed_again_when_the_receipt_was_lost(pair, tmp_path):
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    _export(leader, tmp_path / "1.rjshare")
    mentor.sharing.import_share(tmp_path / "1.rjshare")
    # The mentor's reply (carrying the receipt) is lost in the post.
    mentor.sharing.export_feedback("Ana Leader", tmp_path / "lost.rjfeedback")
    with pytest.raises(UsageError, match="nothing else is waiting"):
        mentor.sharing.export_feedback("Ana Leader", tmp_path / "none.rjfeedback")
    # The leader sends the unconfirmed entry again; reading it again re-arms the receipt.
    _export(leader, tmp_path / "2.rjshare")
    mentor.sharing.import_share(tmp_path / "2.rjshare")
    again = mentor.sharing.export_feedback("Ana Leader", tmp_path / "again.rjfeedback")
    assert again.receipts == 1
    leader.sharing.import_feedback(tmp_path / "again.rjfeedback")
    assert leader.db.scalar("SELECT count(*) FROM outbox") == 0


@pytest.mark.parametrize("cut", [9, 30, -1])
def test_a_half_written_file_is_refused_whole_then_read_when_complete(pair, tmp_path, cut):
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    leader.journal.add("Two.", title="Two", visibility="mentor")
    _export(leader, tmp_path / "s.rjshare")
    data = (tmp_path / "s.rjshare").read_bytes()
    (tmp_path / "half.rjshare").write_bytes(data[:cut])
    before = _snapshot(mentor)
    with pytest.raises(PacketRejected) as info:
        mentor.sharing.import_share(tmp_path / "half.rjshare")
    sentence = str(info.value)
    assert "cut short" in sentence or "altered or damaged" in sentence
    assert sentence.endswith(".") and "\n" not in sentence
    assert _snapshot(mentor) == before
    assert mentor.sharing.import_share(tmp_path / "s.rjshare").added == 2


def test_one_altered_message_refuses_the_whole_file(pair, tmp_path):
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    leader.journal.add("Two.", title="Two", visibility="mentor")
    _export(leader, tmp_path / "s.rjshare")
    data = bytearray((tmp_path / "s.rjshare").read_bytes())
    data[-5] ^= 0x40  # inside the second message's ciphertext
    (tmp_path / "bad.rjshare").write_bytes(bytes(data))
    before = _snapshot(mentor)
    with pytest.raises(PacketRejected, match="altered or damaged"):
        mentor.sharing.import_share(tmp_path / "bad.rjshare")
    assert _snapshot(mentor) == before


def test_a_file_for_someone_else_is_refused(pair, tmp_path):
    leader, mentor = pair
    carol = Workspace.create(tmp_path / "carol.rj", PASS, owner="Carol Coach")
    try:
        leader.sharing.contacts.import_card(carol.sharing.identity.contact_card(), role="coach")
        leader.journal.add("For Carol.", title="Carol", visibility="coach")
        leader.sharing.export_share(ShareRequest(to="Carol Coach"), tmp_path / "c.rjshare")
        before = _snapshot(mentor)
        with pytest.raises(PacketRejected, match="addressed to someone else"):
            mentor.sharing.import_share(tmp_path / "c.rjshare")
        assert _snapshot(mentor) == before
    finally:
        carol.close()


def test_old_single_packet_files_still_import(pair, tmp_path):
    leader, mentor = pair
    me = mentor.sharing.identity.get()
    leader.journal.add("Held from before.", title="Old file", visibility="mentor")
    item = leader.sharing.plan(ShareRequest(to="Tom Mentor"))
    old = packets.seal_share(
        item.payload, leader.sharing.identity.get(), "Ana Leader", me.sign_public, me.enc_public
    )
    (tmp_path / "old.rjshare").write_bytes(old)
    got = mentor.sharing.import_share(tmp_path / "old.rjshare")
    assert got.added == 1 and _shared(mentor) == {"Old file": "Held from before."}
    received = mentor.sharing.receive_file(tmp_path / "old.rjshare")
    assert received.kind == "share" and "already received" in received.sentence


def test_a_file_and_a_place_carry_the_same_messages(pair, tmp_path):
    """A message read from a file is not applied again when it also arrives through a place,
    and the receipt for it travels back through the place."""
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    _export(leader, tmp_path / "1.rjshare")
    assert mentor.sharing.import_share(tmp_path / "1.rjshare").added == 1
    root = tmp_path / "Shared"
    root.mkdir()
    leader.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    mentor.sharing.exchange.set_place(PlaceSpec("folder", str(root)))
    leader.sharing.exchange.sync()  # publishes the unconfirmed message in the place
    got = mentor.sharing.exchange.sync()
    assert got.received == 0 and mentor.journal.count() == 1
    leader.sharing.exchange.sync()
    assert leader.db.scalar("SELECT count(*) FROM outbox") == 0


def test_bundle_framing_is_checked():
    with pytest.raises(PacketRejected, match="not a ReflectJournal"):
        bundle.unpack(b"hello")
    with pytest.raises(PacketRejected, match="cut short"):
        bundle.unpack(b"RJBUN")
    with pytest.raises(PacketRejected, match="newer or unknown"):
        bundle.unpack(b"RJBUNDLE\x02\x00\x00\x00\x01")
    with pytest.raises(PacketRejected, match="altered or damaged"):
        bundle.unpack(bundle.pack([b"x"]) + b"trailing")
    assert bundle.unpack(bundle.pack([b"ab", b"c"])) == [b"ab", b"c"]


def test_coaching_kinds_travel_by_file_too(cli, tmp_path):
    """New message kinds need nothing of their own on the file route: "what I want to bring"
    goes in the leader's file, and the coach's file brings back word that it arrived."""
    import json

    ana_path, cat_path = tmp_path / "ana.rj", tmp_path / "cat.rj"

    def ana(*a):
        return cli(*a, journal_path=ana_path)

    def cat(*a):
        return cli(*a, journal_path=cat_path)

    for run, name in ((ana, "Ana Leader"), (cat, "Cat Coach")):
        assert run("init", "--name", name, "--no-keyring")[0] == 0
    assert ana("contact", "export", str(tmp_path / "ana.card"))[0] == 0
    assert cat("contact", "export", str(tmp_path / "cat.card"))[0] == 0
    assert ana("contact", "import", str(tmp_path / "cat.card"), "--role", "coach")[0] == 0
    assert cat("contact", "import", str(tmp_path / "ana.card"))[0] == 0
    assert ana("bring", "add", "--with", "Cat Coach", "Saying no to the rota")[0] == 0
    code, out, err = ana(
        "feedback", "export", "--to", "Cat Coach", "--out", str(tmp_path / "a.rjfeedback"),
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["messages"] == 1
    code, out, err = cat("feedback", "import", str(tmp_path / "a.rjfeedback"), "--json")
    assert code == 0 and json.loads(out)["other"] == 1, err
    (item,) = json.loads(cat("bring", "list", "--json")[1])
    assert (item["direction"], item["text"]) == ("received", "Saying no to the rota")
    code, out, err = cat(
        "feedback", "export", "--to", "Ana Leader", "--out", str(tmp_path / "c.rjfeedback"),
        "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["receipts"] == 1, err
    assert ana("feedback", "import", str(tmp_path / "c.rjfeedback"))[0] == 0
    (mine,) = json.loads(ana("bring", "list", "--json")[1])
    assert mine["received"] is not None


def test_a_contact_card_given_to_share_import_says_what_it_is(pair, tmp_path):
    leader, mentor = pair
    card = tmp_path / "ana.rjcontact"
    card.write_bytes(leader.sharing.identity.contact_card())
    with pytest.raises(PacketRejected, match="contact card"):
        mentor.sharing.import_share(card)
