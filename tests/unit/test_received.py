"""Receiving a file answers with one typed result (``Received``), whatever the file was.

Real journals write the files and read them: the result's outcome for each entry, its counts,
and the CLI's JSON built from it (cli/shapes.py), which keeps the documented keys.
"""

from __future__ import annotations

import secrets

import pytest

from reflectjournal.cli import shapes
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.received import Carrier, EntryOutcome, Received
from reflectjournal.services.sharing.service import FileKind
from reflectjournal.services.sharing.share import ShareRequest
from reflectjournal.services.timeutil import now_utc
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.fixture
def pair(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card(), role="mentor")
    mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card(), role="coachee")
    yield leader, mentor
    leader.close()
    mentor.close()


def _ref(leader: Workspace, mentor: Workspace, entry_id: int) -> str:
    """The opaque id the mentor knows the leader's entry by."""
    uid = leader.db.scalar("SELECT uid FROM entry WHERE id = ?", (entry_id,))
    return leader.sharing.identity.opaque_id(mentor.sharing.identity.get().fingerprint, uid)


def test_a_file_says_what_became_of_each_entry(pair, tmp_path):
    leader, mentor = pair
    one, two, three = (
        leader.journal.add(f"{n}.", title=n, visibility="mentor") for n in ("One", "Two", "Three")
    )
    share = ShareRequest(to="Tom Mentor")
    leader.sharing.export_share(share, tmp_path / "1.rjshare")
    first = mentor.sharing.import_share(tmp_path / "1.rjshare")
    refs = {n: _ref(leader, mentor, i) for n, i in (("one", one), ("two", two), ("three", three))}
    assert first.carrier is Carrier.MESSAGES and first.sender == "Ana Leader"
    assert first.fingerprint == leader.sharing.identity.get().fingerprint
    assert dict(first.outcomes) == dict.fromkeys(refs.values(), EntryOutcome.ADDED)
    assert (first.entries, first.added, first.messages, first.changed) == (3, 3, 3, True)

    # The mentor's receipt never comes back, so "One" travels again unchanged beside an edit,
    # a withdrawal and a new entry: one file holds all four outcomes.
    leader.journal.edit(two, body="Two, edited.")
    leader.sharing.exchange.unshare(three, "Tom Mentor")
    four = leader.journal.add("Four.", title="Four", visibility="mentor")
    leader.sharing.exchange.share(four, ["Tom Mentor"])
    # (``share export`` would share "Three" again: it shares every entry Tom may see.)
    leader.sharing.export_feedback("Tom Mentor", tmp_path / "2.rjshare")
    got = mentor.sharing.import_share(tmp_path / "2.rjshare")
    assert dict(got.outcomes) == {
        refs["one"]: EntryOutcome.UNCHANGED,
        refs["two"]: EntryOutcome.UPDATED,
        refs["three"]: EntryOutcome.WITHDRAWN,
        _ref(leader, mentor, four): EntryOutcome.ADDED,
    }
    assert (got.added, got.updated, got.unchanged, got.withdrawn) == (1, 1, 1, 1)
    assert (got.comments, got.receipts, got.already_imported, got.changed) == (0, 0, False, True)
    titles = {r["title"] for r in mentor.db.query("SELECT title FROM entry")}
    assert titles == {"One", "Two", "Four"}

    # The same file again: nothing new, each entry unchanged, and the JSON says so.
    again = mentor.sharing.import_share(tmp_path / "2.rjshare")
    assert again.already_imported and not again.changed
    assert set(dict(again.outcomes).values()) == {EntryOutcome.UNCHANGED}
    assert shapes.received_json(again) == {
        "from": "Ana Leader",
        "fingerprint": got.fingerprint,
        "messages": got.messages,
        "entries": 4,
        "added": 0,
        "updated": 0,
        "unchanged": 4,
        "withdrawn": 0,
        "comments": 0,
        "attached": 0,
        "unmatched": 0,
        "receipts": 0,
        "other": 0,
        "already_imported": True,
    }

    # Feedback back: a comment and receipts; the export result names the person.
    kept = mentor.db.scalar("SELECT id FROM entry WHERE title = 'Two'")
    mentor.sharing.comment(kept, "Good edit.")
    written = mentor.sharing.export_feedback("Ana Leader", tmp_path / "back.rjfeedback")
    assert (written.person.name, written.comments, written.entries) == ("Ana Leader", 1, 0)
    # One comment and one receipt message, confirming every message of hers that arrived.
    arrived = mentor.db.scalar("SELECT count(*) FROM inbox WHERE kind != 'receipt'")
    assert (written.messages, written.receipts) == (2, arrived)
    back = leader.sharing.import_feedback(tmp_path / "back.rjfeedback")
    assert (back.sender, back.outcomes, back.comments, back.attached) == ("Tom Mentor", (), 1, 1)
    assert back.receipts == 1 and back.changed
    assert leader.sharing.import_feedback(tmp_path / "back.rjfeedback").changed is False


def test_a_file_handed_to_the_app_says_what_it_was(pair, tmp_path):
    leader, mentor = pair
    leader.journal.add("One.", title="One", visibility="mentor")
    leader.sharing.export_share(ShareRequest(to="Tom Mentor"), tmp_path / "1.rjshare")
    got = mentor.sharing.receive_file(tmp_path / "1.rjshare")
    assert (got.kind, got.sender, got.changed) == (FileKind.SHARE, "Ana Leader", True)
    assert got.sentence == "From Ana Leader: 1 new."
    kept = mentor.db.scalar("SELECT id FROM entry WHERE title = 'One'")
    mentor.sharing.comment(kept, "Good start.")
    mentor.sharing.export_feedback("Ana Leader", tmp_path / "back.rjfeedback")
    got = leader.sharing.receive_file(tmp_path / "back.rjfeedback")
    assert (got.kind, got.sender, got.changed) == (FileKind.FEEDBACK, "Tom Mentor", True)
    assert got.sentence == "From Tom Mentor: 1 comment on your entries."
    card = tmp_path / "tom.card"
    card.write_bytes(mentor.sharing.identity.contact_card())
    got = leader.sharing.receive_file(card)
    assert (got.kind, got.sender, got.changed) == (FileKind.CONTACT, "Tom Mentor", False)


def test_old_packets_answer_with_the_same_result_and_keep_their_json(pair, tmp_path):
    leader, mentor = pair
    entry = leader.journal.add("Held from before.", title="Old", visibility="mentor")
    me, ana = mentor.sharing.identity.get(), leader.sharing.identity.get()
    plan = leader.sharing.plan(ShareRequest(to="Tom Mentor"))
    (tmp_path / "old.rjshare").write_bytes(
        packets.seal_share(plan.payload, ana, "Ana Leader", me.sign_public, me.enc_public)
    )
    got = mentor.sharing.import_share(tmp_path / "old.rjshare")
    ref = _ref(leader, mentor, entry)
    assert got == Received(
        "Ana Leader",
        ana.fingerprint,
        Carrier.SHARE_PACKET,
        ((ref, EntryOutcome.ADDED),),
        packet=got.packet,
    )
    assert got.packet
    assert shapes.received_json(got) == {
        "from": "Ana Leader",
        "fingerprint": ana.fingerprint,
        "packet": got.packet,
        "entries": 1,
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "already_imported": False,
    }
    again = mentor.sharing.import_share(tmp_path / "old.rjshare")
    assert again.already_imported and again.outcomes == ((ref, EntryOutcome.UNCHANGED),)

    body = leader.journal.entry(entry)
    from reflectjournal.services import entries as E

    comment = {
        "uid": secrets.token_hex(16),
        "entry": ref,
        "binding": leader.sharing.identity.binding(
            me.fingerprint, E.content_hash(body.title, body.body)
        ),
        "text": "Thanks for sharing.",
        "created": now_utc().isoformat(),
    }
    payload = {"format": "reflectjournal-feedback", "version": 1, "comments": [comment]}
    (tmp_path / "old.rjfeedback").write_bytes(
        packets.seal_feedback(payload, me, "Tom Mentor", ana.sign_public, ana.enc_public, seq=7)
    )
    fed = leader.sharing.import_feedback(tmp_path / "old.rjfeedback")
    assert (fed.carrier, fed.seq, fed.comments, fed.attached, fed.changed) == (
        Carrier.FEEDBACK_PACKET,
        7,
        1,
        1,
        True,
    )
    assert shapes.received_json(fed) == {
        "already_imported": False,
        "from": "Tom Mentor",
        "fingerprint": me.fingerprint,
        "seq": 7,
        "comments": 1,
        "attached": 1,
        "unmatched": 0,
    }
    assert [c.text for c in leader.journal.entry(entry).comments] == ["Thanks for sharing."]
