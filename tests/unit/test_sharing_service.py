"""Sharing between two real journals (a leader and a mentor), through the services."""

from __future__ import annotations

import dataclasses
import json

import pytest

from reflectjournal.domain.enums import Role
from reflectjournal.errors import NotFound, PacketRejected, PrivacyCheckFailed, UsageError
from reflectjournal.services.exchange import bundle, messages
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.crypto import generate_identity, make_contact_card
from reflectjournal.services.sharing.identity import (
    CardImport,
    Contact,
    ImportedContact,
    PublicKeys,
)
from reflectjournal.services.sharing.service import Sender
from reflectjournal.services.sharing.share import ShareRequest
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SECRET = "PRIVATE-CANARY-4417"
PRIVATE_TAG_SECRET = "divorce-canary"


@pytest.fixture
def pair(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Alice Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Bob Mentor")
    (tmp_path / "alice.card").write_bytes(leader.sharing.identity.contact_card())
    (tmp_path / "bob.card").write_bytes(mentor.sharing.identity.contact_card("mentor"))
    leader.sharing.contacts.import_card((tmp_path / "bob.card").read_bytes())
    mentor.sharing.contacts.import_card((tmp_path / "alice.card").read_bytes())
    yield leader, mentor
    leader.close()
    mentor.close()


def snapshot(ws: Workspace) -> dict:
    """Every row a packet import could touch: equal snapshots mean nothing was written."""
    tables = ("entry", "entry_tag", "entry_section", "comment", "packet_log", "person", "tag")
    return {t: [tuple(r) for r in ws.db.query(f"SELECT * FROM {t} ORDER BY 1")] for t in tables}


def leader_entries(leader: Workspace) -> dict[str, int]:
    j = leader.journal
    with leader.db.transaction():
        leader.db.execute(
            "INSERT INTO tag(slug, name, category, description, keywords, questions, calls_for, "
            "position, private) VALUES (?, 'Divorce', 'free', '', '[]', '[]', '[]', 0, 1)",
            (PRIVATE_TAG_SECRET,),
        )
    return {
        "shared": j.add(
            "Rota gaps again; I felt stretched.",
            title="Rota gaps",
            tags=["workforce-pressures", PRIVATE_TAG_SECRET],
            mood=2,
            energy=3,
            visibility="mentor",
            when=_when("2026-11-02T18:45:00+00:00"),
        ),
        "gibbs": j.add(
            model="gibbs",
            sections={"description": "A tense huddle.", "feelings": "Anxious."},
            visibility="mentor",
            when=_when("2026-11-03T08:10:00+00:00"),
        ),
        "private": j.add(f"Not for anyone {SECRET}", title=f"Private {SECRET}"),
        "coach_only": j.add("For my coach only", visibility="coach"),
    }


def _when(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_identity_made_once_and_private_keys_stay_in_the_journal(workspace, tmp_path):
    sharing = workspace.sharing
    assert not sharing.identity.exists()
    first = sharing.identity.summary()
    assert first.name == "Test Leader" and len(first.fingerprint.split()) == 8
    assert sharing.identity.summary() == first
    assert workspace.db.scalar("SELECT count(*) FROM identity") == 1
    private = sharing.identity.get().sign_private
    workspace.close()
    raw = (tmp_path / "journal.rj").read_bytes()
    assert private not in raw  # encrypted at rest


def test_share_packet_holds_only_what_the_recipient_may_see(pair, tmp_path):
    leader, mentor = pair
    ids = leader_entries(leader)
    out = tmp_path / "s.rjp"
    plan = leader.sharing.export_share(ShareRequest(to="Bob Mentor"), out)
    assert plan.count == 2
    data = out.read_bytes()
    assert SECRET.encode() not in data and b"Rota gaps" not in data  # encrypted
    # The file carries the exchange's own signed, encrypted messages, one per entry version.
    assert data.startswith(bundle.MAGIC) and plan.messages == 2
    signers = {leader.sharing.identity.get().fingerprint: leader.sharing.identity.get().sign_public}
    opened = [
        messages.open_message(m, mentor.sharing.identity.get(), signers)
        for m in bundle.unpack(data)
    ]
    assert [m.type for m in opened] == ["entry", "entry"]
    text = json.dumps([m.body for m in opened])
    assert SECRET not in text and "For my coach only" not in text
    assert PRIVATE_TAG_SECRET not in text
    first, second = (m.body["entry"] for m in opened)
    assert first["title"] == "Rota gaps" and first["date"] == "2026-11-02"
    assert first["tags"] == ["workforce-pressures"]
    assert "mood" not in first and "energy" not in first
    assert "18:45" not in text and "T" not in first["date"]
    uid = leader.db.scalar("SELECT uid FROM entry WHERE id = ?", (ids["shared"],))
    assert uid not in text and str(ids["shared"]) != first["id"]
    assert second["model"] == "gibbs" and second["sections"]["feelings"] == "Anxious."
    # Mood travels only when chosen.
    with_mood = leader.sharing.plan(ShareRequest(to="Bob Mentor", include_mood=True))
    assert (with_mood.payload["entries"][0]["mood"], with_mood.payload["entries"][0]["energy"]) == (
        2,
        3,
    )


def test_opaque_ids_differ_per_recipient(pair, tmp_path):
    leader, _ = pair
    leader_entries(leader)
    other = generate_identity()
    card = make_contact_card("Carol Mentor", other, "mentor")
    leader.sharing.contacts.import_card(card)
    a = leader.sharing.plan(ShareRequest(to="Bob Mentor")).payload["entries"][0]["id"]
    b = leader.sharing.plan(ShareRequest(to="Carol Mentor")).payload["entries"][0]["id"]
    assert a != b


def test_filters_by_tag_and_since(pair):
    leader, _ = pair
    leader_entries(leader)
    by_tag = leader.sharing.plan(ShareRequest(to="Bob Mentor", tags=["workforce-pressures"]))
    assert [e["title"] for e in by_tag.payload["entries"]] == ["Rota gaps"]
    since = leader.sharing.plan(ShareRequest(to="Bob Mentor", since="2026-11-03T00:00:00+00:00"))
    assert len(since.payload["entries"]) == 1 and since.payload["entries"][0]["model"] == "gibbs"


def test_round_trip_import_idempotent_update_and_feedback(pair, tmp_path):
    leader, mentor = pair
    ids = leader_entries(leader)
    leader.sharing.export_share(ShareRequest(to="Bob Mentor"), tmp_path / "s1.rjp")
    first = mentor.sharing.import_share(tmp_path / "s1.rjp")
    assert (first.added, first.updated, first.sender) == (2, 0, "Alice Leader")
    before = snapshot(mentor)
    again = mentor.sharing.import_share(tmp_path / "s1.rjp")
    assert again.already_imported and snapshot(mentor) == before

    shared = mentor.journal.entries()
    assert {e.kind for e in shared} == {"shared"}
    alice = mentor.people.get("Alice Leader")
    assert mentor.sharing.senders() == [Sender(alice.id, "Alice Leader", alice.fingerprint, 2)]
    assert leader.sharing.senders() == []
    assert all(e.sender == "Alice Leader" and e.visibility == "private" for e in shared)
    assert SECRET not in json.dumps([dataclasses.asdict(e) for e in shared])
    rota = next(e for e in shared if e.title == "Rota gaps")
    with pytest.raises(UsageError, match="read-only"):
        mentor.journal.edit(int(rota.id), body="changed")

    # A newer packet updates what changed, without duplicating.
    leader.journal.edit(ids["shared"], body="Rota gaps again; I asked for help.")
    leader.sharing.export_share(ShareRequest(to="Bob Mentor"), tmp_path / "s2.rjp")
    second = mentor.sharing.import_share(tmp_path / "s2.rjp")
    assert (second.added, second.updated, second.unchanged) == (0, 1, 1)
    assert mentor.journal.entry(rota.id).body == "Rota gaps again; I asked for help."
    assert mentor.journal.count() == 2

    mentor.sharing.comment(rota.id, "What help did you ask for?")
    gibbs = next(e for e in shared if e.model == "gibbs")
    mentor.sharing.comment(gibbs.id, "Good use of Gibbs.")
    summary = mentor.sharing.export_feedback("Alice Leader", tmp_path / "f1.rjp")
    # Two comments, and receipts for the three entry versions that arrived.
    assert (summary.comments, summary.receipts) == (2, 3)

    # The leader edits the Gibbs entry after sharing: that comment is on an earlier version.
    leader.journal.edit(ids["gibbs"], sections={"description": "A tense huddle, resolved."})
    got = leader.sharing.import_feedback(tmp_path / "f1.rjp")
    assert (got.attached, got.unmatched) == (2, 0)
    rota_comments = leader.journal.entry(ids["shared"]).comments
    assert [(c.author, c.text, c.earlier_version) for c in rota_comments] == [
        ("Bob Mentor", "What help did you ask for?", False)
    ]
    gibbs_comments = leader.journal.entry(ids["gibbs"]).comments
    assert [(c.text, c.earlier_version) for c in gibbs_comments] == [("Good use of Gibbs.", True)]
    assert leader.journal.entry(ids["private"]).comments == ()

    # The same feedback twice changes nothing (comments are a set).
    before = snapshot(leader)
    again = leader.sharing.import_feedback(tmp_path / "f1.rjp")
    assert (again.already_imported, again.attached) == (True, 0)
    assert snapshot(leader) == before

    # Receipts travel on files too: the leader's next file confirms the comments, so the
    # mentor has nothing left to send, and the leader's outbox is empty once confirmed.
    assert leader.db.scalar("SELECT count(*) FROM outbox") == 0
    leader.sharing.export_share(ShareRequest(to="Bob Mentor"), tmp_path / "s3.rjp")
    back = mentor.sharing.import_share(tmp_path / "s3.rjp")
    # ...and carries the Gibbs entry's new version, which the mentor confirms in turn.
    assert (back.receipts, back.added, back.updated) == (1, 0, 1)
    f3 = mentor.sharing.export_feedback("Alice Leader", tmp_path / "f3.rjp")
    assert (f3.comments, f3.receipts) == (0, 1)
    assert leader.sharing.import_feedback(tmp_path / "f3.rjp").receipts == 1
    assert leader.db.scalar("SELECT count(*) FROM outbox") == 0
    with pytest.raises(UsageError, match="no new comments"):
        mentor.sharing.export_feedback("Alice Leader", tmp_path / "f-empty.rjp")
    assert not (tmp_path / "f-empty.rjp").exists()
    assert mentor.db.scalar("SELECT count(*) FROM outbox") == 0


def test_feedback_out_of_order_or_lost_loses_no_comment(pair, tmp_path):
    """Issue 16: an older feedback file arriving after a newer one used to be refused as a
    replay, and a lost one could not be sent again; both now end with every comment."""
    leader, mentor = pair
    ids = leader_entries(leader)
    leader.sharing.export_share(ShareRequest(to="Bob Mentor"), tmp_path / "s.rjp")
    mentor.sharing.import_share(tmp_path / "s.rjp")
    rota = mentor.db.scalar("SELECT id FROM entry WHERE title = 'Rota gaps'")
    mentor.sharing.comment(rota, "First thought.")
    mentor.sharing.export_feedback("Alice Leader", tmp_path / "f1.rjp")
    mentor.sharing.comment(rota, "Second thought.")
    mentor.sharing.export_feedback("Alice Leader", tmp_path / "f2.rjp")
    # f2 carries both comments (the first is not confirmed yet), f1 arrives late: no harm.
    assert leader.sharing.import_feedback(tmp_path / "f2.rjp").attached == 2
    late = leader.sharing.import_feedback(tmp_path / "f1.rjp")
    assert late.attached == 0
    texts = sorted(c.text for c in leader.journal.entry(ids["shared"]).comments)
    assert texts == ["First thought.", "Second thought."]
    # f1 and f2 lost in the post: --all sends every comment again, and nothing doubles
    mentor.sharing.export_feedback("Alice Leader", tmp_path / "again.rjp", include_sent=True)
    assert leader.sharing.import_feedback(tmp_path / "again.rjp").attached == 0
    assert len(leader.journal.entry(ids["shared"]).comments) == 2


def test_comment_only_on_shared_entries(pair):
    leader, _ = pair
    ids = leader_entries(leader)
    with pytest.raises(UsageError, match="your own"):
        leader.sharing.comment(ids["shared"], "note to self")
    with pytest.raises(NotFound):
        leader.sharing.comment(999, "x")


def test_privacy_check_blocks_redacts_or_sends_anyway(pair, tmp_path):
    leader, mentor = pair
    leader.sharing.add_sensitive_name("Mrs Jones")
    leader.journal.add(
        "Saw mrs  jones today, NHS 943 476 5919, lives near SW1A 1AA.", visibility="mentor"
    )
    out = tmp_path / "s.rjp"
    planned = leader.sharing.plan(ShareRequest(to="Bob Mentor")).findings
    entry = leader.journal.entries()[0]
    assert {(f.field, f.kind, f.text) for f in planned if f.kind == "nhs-number"} == {
        ("title", "nhs-number", "943 476 5919"),
        ("body", "nhs-number", "943 476 5919"),
    }
    assert {(f.entry, f.date) for f in planned} == {(entry.title, entry.created[:10])}
    with pytest.raises(PrivacyCheckFailed) as info:
        leader.sharing.export_share(ShareRequest(to="Bob Mentor"), out)
    assert info.value.findings == planned
    kinds = sorted({f.kind for f in info.value.findings})
    assert kinds == ["nhs-number", "postcode", "sensitive-name"]
    assert not out.exists()
    assert leader.db.scalar("SELECT count(*) FROM packet_log") == 0

    plan = leader.sharing.export_share(ShareRequest(to="Bob Mentor", redact=True), out)
    body = plan.payload["entries"][0]["body"]
    assert "943 476 5919" not in body and "[NHS number removed]" in body
    assert "jones" not in body.lower()
    # The leader's own entry is untouched by redaction.
    assert "943 476 5919" in leader.journal.entries()[0].body

    sent = leader.sharing.export_share(ShareRequest(to="Bob Mentor"), out, allow_identifiers=True)
    assert "943 476 5919" in sent.payload["entries"][0]["body"] and sent.findings


def test_sensitive_names_setting(workspace):
    s = workspace.sharing
    assert s.add_sensitive_name("  Mr   Patel ") == ["Mr Patel"]
    assert s.add_sensitive_name("mr patel") == ["Mr Patel"]
    assert [f.kind for f in s.scan("Met MR PATEL at clinic")] == ["sensitive-name"]
    assert s.quiet_scan("mr patel, mr patel") == {"sensitive-name": 2}
    with pytest.raises(UsageError):
        s.remove_sensitive_name("nobody")
    assert s.remove_sensitive_name("MR PATEL") == []


def test_share_refuses_coachee_and_unknown_people(pair):
    leader, _ = pair
    leader.people.add("Dana", "coachee")
    with pytest.raises(UsageError, match="no keys"):
        leader.sharing.plan(ShareRequest(to="Dana"))
    with pytest.raises(NotFound):
        leader.sharing.plan(ShareRequest(to="Nobody"))


def test_contact_import_links_by_name_and_refuses_key_swap(workspace):
    erin_id = workspace.people.add("Erin Coach", "coach")
    erin = generate_identity()
    result = workspace.sharing.contacts.import_card(make_contact_card("Erin Coach", erin))
    assert result == ImportedContact(
        Contact(
            erin_id,
            "Erin Coach",
            Role.COACH,
            result.contact.fingerprint,
            workspace.people.get(erin_id).uid,
            PublicKeys(erin.sign_public, erin.enc_public),
        ),
        CardImport.LINKED,
    )
    assert workspace.db.scalar("SELECT count(*) FROM person") == 1
    again = workspace.sharing.contacts.import_card(make_contact_card("Erin Coach", erin))
    assert again == dataclasses.replace(result, status=CardImport.UNCHANGED)
    assert workspace.sharing.contacts.list() == [result.contact]
    impostor = make_contact_card("Erin Coach", generate_identity())
    before = snapshot(workspace)
    with pytest.raises(PacketRejected, match="different fingerprint"):
        workspace.sharing.contacts.import_card(impostor)
    assert snapshot(workspace) == before
    with pytest.raises(UsageError, match="your own"):
        workspace.sharing.contacts.import_card(workspace.sharing.identity.contact_card())


# ---- bad packets: one sentence each, nothing written ------------------------------------------


@pytest.fixture
def shared(pair, tmp_path):
    leader, mentor = pair
    leader_entries(leader)
    path = tmp_path / "s.rjp"
    leader.sharing.export_share(ShareRequest(to="Bob Mentor"), path)
    return leader, mentor, path.read_bytes()


def _refused(mentor, tmp_path, data: bytes, reason: str, pattern: str, what="share"):
    path = tmp_path / "bad.rjp"
    path.write_bytes(data)
    before = snapshot(mentor)
    receive = mentor.sharing.import_share if what == "share" else mentor.sharing.import_feedback
    with pytest.raises(PacketRejected, match=pattern) as info:
        receive(path)
    assert getattr(info.value, "reason", reason) == reason
    message = str(info.value)
    assert message.endswith(".") and "\n" not in message
    assert snapshot(mentor) == before


def test_flipped_byte_is_refused(shared, tmp_path):
    _, mentor, data = shared
    flipped = bytearray(data)
    flipped[-40] ^= 0x01
    _refused(mentor, tmp_path, bytes(flipped), "tampered", "altered or damaged")


def test_truncated_packet_is_refused(shared, tmp_path):
    _, mentor, data = shared
    _refused(mentor, tmp_path, data[:-25], "truncated", "cut short")
    _refused(mentor, tmp_path, data[:5], "truncated", "cut short")


def test_not_a_packet_is_refused(shared, tmp_path):
    _, mentor, _ = shared
    _refused(mentor, tmp_path, b"Dear Bob, here are my notes", "not_a_packet", "not a Reflect")
    _refused(mentor, tmp_path, b"", "not_a_packet", "not a Reflect")


def test_packet_for_someone_else_is_refused(shared, tmp_path):
    leader, mentor, _ = shared
    carol = generate_identity()
    leader.sharing.contacts.import_card(make_contact_card("Carol Mentor", carol, "mentor"))
    path = tmp_path / "carol.rjp"
    leader.sharing.export_share(ShareRequest(to="Carol Mentor"), path)
    _refused(mentor, tmp_path, path.read_bytes(), "wrong_recipient", "addressed to someone else")


def test_unknown_and_different_signer_are_refused(shared, tmp_path):
    _, mentor, _ = shared
    stranger = generate_identity()
    payload = {"format": "reflectjournal-share", "version": 1, "entries": []}
    me = mentor.sharing.identity.get()
    data = packets.seal_share(payload, stranger, "Alice Leader", me.sign_public, me.enc_public)
    _refused(mentor, tmp_path, data, "unknown_signer", "not one of your contacts")
    # Claims to be Alice (her public keys inside) but signed by someone else.
    alice = mentor.db.query_one(
        "SELECT sign_public, enc_public FROM person WHERE name = ?", ("Alice Leader",)
    )
    from reflectjournal.services.sharing.crypto import b64encode, canonical_json, sign

    inner = canonical_json(
        {
            "kind": "share",
            "packet_id": "cd" * 16,
            "payload": payload,
            "seq": None,
            "sender": {
                "name": "Alice Leader",
                "sign_public": b64encode(bytes(alice["sign_public"])),
                "enc_public": b64encode(bytes(alice["enc_public"])),
            },
        }
    )
    forged = packets._seal_envelope(
        "share", "cd" * 16, me.sign_public, me.enc_public, inner, lambda m: sign(stranger, m)
    )
    _refused(mentor, tmp_path, forged, "bad_signature", "signature does not match")


def test_wrong_kind_and_bad_payload_are_refused(shared, tmp_path):
    leader, mentor, data = shared
    me = mentor.sharing.identity.get()
    old = packets.seal_share(
        {"format": "reflectjournal-share", "version": 1, "entries": []},
        leader.sharing.identity.get(),
        "Alice Leader",
        me.sign_public,
        me.enc_public,
    )
    _refused(mentor, tmp_path, old, "", "share packet, not feedback", what="feedback")
    bad = packets.seal_share(
        {"format": "reflectjournal-share", "version": 1, "entries": [{"id": "x"}]},
        leader.sharing.identity.get(),
        "Alice Leader",
        me.sign_public,
        me.enc_public,
    )
    _refused(mentor, tmp_path, bad, "", "expected layout")


def test_missing_file_is_one_sentence(workspace, tmp_path):
    with pytest.raises(UsageError, match="There is no file"):
        workspace.sharing.import_share(tmp_path / "nope.rjp")
