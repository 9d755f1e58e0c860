"""Any order, duplicate, loss-then-redelivery of messages ends where in-order delivery ends.

Two real journals (a leader and a mentor). Each example makes fresh entries on the leader,
runs a random story of edits, redactions, withdrawals and re-shares, and collects the sealed
messages in the order they were queued. The mentor then receives them shuffled, some twice,
some lost and redelivered at the end; the result must equal what in-order delivery gives,
which is the leader's final intent. Comments from the mentor form a set the same way.
"""

from __future__ import annotations

import secrets

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.errors import PacketRejected
from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.incoming import Incoming
from reflectjournal.services.sharing import packets
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp("convergence")
    leader = Workspace.create(root / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(root / "mentor.rj", PASS, owner="Tom Mentor")
    leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card(), role="mentor")
    mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card())
    yield leader, mentor
    leader.close()
    mentor.close()


_op = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 1), st.sampled_from(["calm", "NHS [redacted]", "x"])),
    st.tuples(st.just("unshare"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("reshare"), st.integers(0, 1), st.just("")),
)


def _story(leader: Workspace, ops) -> tuple[list[int], list[tuple[str, bytes]]]:
    """Run ``ops`` on two fresh entries; return them and the messages queued, in order."""
    exchange = leader.sharing.exchange
    tag = secrets.token_hex(4)
    entries = [leader.journal.add(f"v0 {tag} {i}", title=f"{tag}-{i}") for i in range(2)]
    before = leader.db.scalar("SELECT coalesce(max(rowid), 0) FROM outbox")
    for entry in entries:
        exchange.share(entry, ["Tom Mentor"])
    shared = [True, True]
    for n, (op, i, text) in enumerate(ops):
        if op == "edit":
            leader.journal.edit(entries[i], body=f"v{n + 1} {tag} {text}")
            exchange.outgoing.queue_changes()
        elif op == "unshare" and shared[i]:
            exchange.unshare(entries[i], "Tom Mentor")
            shared[i] = False
        elif op == "reshare" and not shared[i]:
            exchange.share(entries[i], ["Tom Mentor"])
            shared[i] = True
    rows = leader.db.query(
        "SELECT message_id, sealed FROM outbox WHERE rowid > ? ORDER BY rowid", (before,)
    )
    return entries, [(r["message_id"], bytes(r["sealed"])) for r in rows]


def _deliver(ws: Workspace, sealed: list[bytes]) -> None:
    me = ws.sharing.identity.get()
    signers = ws.sharing.contacts.known_signers()
    incoming = Incoming(ws.db, ws.sharing)
    for data in sealed:
        message = messages.open_message(data, me, signers)
        sender = ws.sharing.contacts.by_fingerprint(message.sender_fingerprint)
        incoming.apply(message, sender)


def _mentor_view(mentor: Workspace, leader: Workspace, entries: list[int]) -> dict:
    fp = mentor.sharing.identity.get().fingerprint
    view = {}
    for entry in entries:
        uid = leader.db.scalar("SELECT uid FROM entry WHERE id = ?", (entry,))
        ref = leader.sharing.identity.opaque_id(fp, uid)
        row = mentor.db.query_one(
            "SELECT title, body FROM entry WHERE kind = 'shared' AND import_key = ?",
            ("share:" + ref,),
        )
        view[entry] = None if row is None else (row["title"], row["body"])
    return view


def _leader_intent(leader: Workspace, entries: list[int]) -> dict:
    intent = {}
    for entry in entries:
        active = leader.db.scalar("SELECT active FROM entry_share WHERE entry_id = ?", (entry,))
        row = leader.db.query_one("SELECT title, body FROM entry WHERE id = ?", (entry,))
        intent[entry] = (row["title"], row["body"]) if active else None
    return intent


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_op, max_size=6), data=st.data())
def test_any_delivery_order_converges_to_in_order_delivery(pair, ops, data):
    leader, mentor = pair
    entries, queued = _story(leader, ops)
    sealed = [s for _, s in queued]
    order = data.draw(st.permutations(range(len(sealed))), label="order")
    dupes = data.draw(st.lists(st.sampled_from(range(len(sealed))), max_size=4), label="dupes")
    lost = data.draw(st.sets(st.sampled_from(range(len(sealed))), max_size=3), label="lost")
    first_pass = [sealed[i] for i in order if i not in lost] + [sealed[i] for i in dupes]
    _deliver(mentor, first_pass)
    _deliver(mentor, [sealed[i] for i in sorted(lost)] + [sealed[i] for i in dupes])  # redelivery
    assert _mentor_view(mentor, leader, entries) == _leader_intent(leader, entries)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_comments_form_a_set_whatever_the_order(pair, data):
    leader, mentor = pair
    entry = leader.journal.add("Something to comment on.", title="Commented")
    fp = mentor.sharing.identity.get().fingerprint
    uid = leader.db.scalar("SELECT uid FROM entry WHERE id = ?", (entry,))
    ref = leader.sharing.identity.opaque_id(fp, uid)
    leader_contact = mentor.sharing.contacts.by_fingerprint(
        leader.sharing.identity.get().fingerprint
    )
    sealed = []
    for n in range(data.draw(st.integers(1, 5), label="count")):
        body = {
            "type": "comment",
            "comment": {
                "uid": secrets.token_hex(16),
                "entry": ref,
                "binding": "0" * 64,
                "text": f"comment {n}",
                "created": "2026-11-30T10:00:00+00:00",
            },
        }
        sealed.append(
            messages.seal(
                body,
                mentor.sharing.identity.get(),
                "Tom Mentor",
                leader_contact.keys,
                messages.new_message_id(),
            )
        )
    order = data.draw(st.lists(st.sampled_from(sealed), min_size=len(sealed), max_size=12))
    _deliver(leader, order + sealed)
    texts = sorted(
        r[0] for r in leader.db.query("SELECT text FROM comment WHERE entry_id = ?", (entry,))
    )
    assert texts == [f"comment {n}" for n in range(len(sealed))]


# --- what is refused, with one sentence and nothing written ------------------------------


def _counts(ws: Workspace) -> tuple:
    return tuple(
        ws.db.scalar(f"SELECT count(*) FROM {t}")
        for t in ("entry", "comment", "inbox", "received_share")
    )


def _one_message(leader: Workspace) -> bytes:
    entry = leader.journal.add("Refusal test.", title="Refusal")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    return bytes(leader.db.scalar("SELECT sealed FROM outbox ORDER BY rowid DESC LIMIT 1"))


def test_tampered_truncated_oversized_readdressed_and_unknown_are_refused(pair, tmp_path):
    leader, mentor = pair
    data = _one_message(leader)
    me = mentor.sharing.identity.get()
    signers = mentor.sharing.contacts.known_signers()
    before = _counts(mentor)
    flipped = bytearray(data)
    flipped[-40] ^= 1
    stranger = Workspace.create(tmp_path / "stranger.rj", PASS, owner="Eve Stranger")
    try:
        stranger.sharing.contacts.import_card(leader.sharing.identity.contact_card())
        other = _one_message_to(leader, stranger)
        cases = {
            "tampered": bytes(flipped),
            "truncated": data[: len(data) - 10],
            "oversized": data + b"\0" * (packets.MAX_PACKET_BYTES + 1 - len(data)),
            "re-addressed": other,
        }
        for case, raw in cases.items():
            with pytest.raises(PacketRejected) as caught:
                messages.open_message(raw, me, signers)
            sentence = str(caught.value)
            assert sentence.endswith(".") and "\n" not in sentence, case
        with pytest.raises(PacketRejected, match="not one of your contacts"):
            messages.open_message(data, me, {})
    finally:
        stranger.close()
    assert _counts(mentor) == before


def _one_message_to(leader: Workspace, person_ws: Workspace) -> bytes:
    name = person_ws.sharing.identity.name()
    leader.sharing.contacts.import_card(person_ws.sharing.identity.contact_card(), role="coach")
    entry = leader.journal.add("For someone else.", title="Else")
    leader.sharing.exchange.share(entry, [name])
    return bytes(leader.db.scalar("SELECT sealed FROM outbox ORDER BY rowid DESC LIMIT 1"))
