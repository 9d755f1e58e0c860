"""The pure cryptographic layer of sharing: identities, contact cards, packets."""

from __future__ import annotations

import json
import random
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.crypto import (
    MAX_CONTACT_CARD_BYTES,
    Identity,
    b64encode,
    canonical_json,
    content_hash,
    fingerprint,
    generate_identity,
    identity_from_private,
    make_contact_card,
    normalize_fingerprint,
    read_contact_card,
    sign,
)
from reflectjournal.services.sharing.packets import (
    MAGIC,
    MAX_PACKET_BYTES,
    open_packet,
    seal_feedback,
    seal_share,
)

CANARY = "ZEBRAFINCH-CANARY-7731"


@pytest.fixture(scope="module")
def alice() -> Identity:
    return generate_identity()


@pytest.fixture(scope="module")
def bob() -> Identity:
    return generate_identity()


@pytest.fixture(scope="module")
def mallory() -> Identity:
    return generate_identity()


def signers(*identities: Identity) -> dict[str, bytes]:
    return {ident.fingerprint: ident.sign_public for ident in identities}


def share(sender: Identity, recipient: Identity, payload=None, name="Alice Smith", **kw) -> bytes:
    payload = (
        {"entries": [{"title": "Ward round", "body": f"note {CANARY}"}]}
        if payload is None
        else payload
    )
    return seal_share(payload, sender, name, recipient.sign_public, recipient.enc_public, **kw)


def reason_of(data: bytes, recipient: Identity, known) -> tuple[str, str]:
    with pytest.raises(PacketRejected) as info:
        open_packet(data, recipient, known)
    return info.value.reason, str(info.value)


def forge(
    sender_doc_identity: Identity,
    signing_identity: Identity,
    recipient: Identity,
    inner: bytes | None = None,
    kind: str = "share",
    packet_id: str = "ab" * 16,
) -> bytes:
    """A packet whose claimed sender keys and actual signing key can differ."""
    if inner is None:
        inner = canonical_json(
            {
                "kind": kind,
                "packet_id": packet_id,
                "payload": {"x": 1},
                "seq": None,
                "sender": {
                    "name": "Alice Smith",
                    "sign_public": b64encode(sender_doc_identity.sign_public),
                    "enc_public": b64encode(sender_doc_identity.enc_public),
                },
            }
        )
    return packets._seal_envelope(
        kind,
        packet_id,
        recipient.sign_public,
        recipient.enc_public,
        inner,
        lambda message: sign(signing_identity, message),
    )


# --- identities and fingerprints -------------------------------------------------------


def test_identity_keys_are_raw_32_bytes_and_private_parts_hidden(alice):
    for key in (alice.sign_private, alice.enc_private, alice.sign_public, alice.enc_public):
        assert isinstance(key, bytes) and len(key) == 32
    assert alice.sign_private.hex() not in repr(alice)
    assert identity_from_private(alice.sign_private, alice.enc_private) == alice


def test_fingerprint_is_stable_readable_and_distinct(alice, bob):
    fp = fingerprint(alice.sign_public, alice.enc_public)
    assert fp == fingerprint(alice.sign_public, alice.enc_public) == alice.fingerprint
    groups = fp.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert set(fp.replace(" ", "")) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert fp != bob.fingerprint
    # Either key alone changes it.
    assert fingerprint(alice.sign_public, bob.enc_public) != fp
    assert fingerprint(bob.sign_public, alice.enc_public) != fp
    assert normalize_fingerprint(fp.replace(" ", "-").lower()) == fp


def test_content_hash_binds_title_body_sections_only():
    entry = {"title": "T", "body": "B", "sections": {"feelings": "tired"}, "id": 7, "mood": 3}
    h = content_hash(entry)
    assert len(h) == 64 and h == content_hash(dict(entry, id=8, mood=1))
    assert content_hash(dict(entry, body="B.")) != h
    assert content_hash(dict(entry, sections={"feelings": "fine"})) != h
    assert content_hash({"title": "T", "body": "B"}) == content_hash(
        {"title": "T", "body": "B", "sections": None}
    )


# --- contact cards ---------------------------------------------------------------------


def test_contact_card_round_trip(alice):
    data = make_contact_card("Dr Alice Smith", alice, role_hint="mentor")
    card = read_contact_card(data)
    assert card.name == "Dr Alice Smith" and card.role_hint == "mentor"
    assert card.sign_public == alice.sign_public and card.enc_public == alice.enc_public
    assert card.fingerprint == alice.fingerprint
    assert alice.fingerprint in data.decode()
    assert len(data) < 2048
    assert b64encode(alice.sign_private) not in data.decode()
    assert b64encode(alice.enc_private) not in data.decode()


def test_contact_card_refuses_bad_names(alice):
    for name in ("", " padded", "a" * 201, "evil\u202ename", "tab\there"):
        with pytest.raises(UsageError):
            make_contact_card(name, alice)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d, o: d.update(name="Mallory"), "bad_signature"),
        (lambda d, o: d.update(role_hint="coach"), "bad_signature"),
        (lambda d, o: d.update(enc_public=b64encode(o.enc_public)), "bad_signature"),
        (lambda d, o: d.update(sign_public=b64encode(o.sign_public)), "bad_signature"),
        (lambda d, o: d.update(fingerprint=o.fingerprint), "bad_signature"),
        (lambda d, o: d.update(version=2), "unsupported_version"),
        (lambda d, o: d.update(format="something-else"), "not_a_card"),
        (lambda d, o: d.update(extra=1), "malformed"),
        (lambda d, o: d.pop("created"), "malformed"),
        (lambda d, o: d.update(signature="!!"), "malformed"),
        (lambda d, o: d.update(name="\u202eevil"), "malformed"),
    ],
)
def test_contact_card_tampering_is_refused(alice, mallory, change, reason):
    doc = json.loads(make_contact_card("Alice", alice, role_hint="mentor"))
    change(doc, mallory)
    with pytest.raises(PacketRejected) as info:
        read_contact_card(json.dumps(doc).encode())
    assert info.value.reason == reason


def test_contact_card_swapped_keys_resigned_by_other_key_is_refused(alice, mallory):
    """Mallory re-signs a card carrying Alice's keys: the signature cannot match Alice's key."""
    from reflectjournal.services.sharing import crypto

    doc = json.loads(make_contact_card("Alice", alice))
    fields = {k: v for k, v in doc.items() if k != "signature"}
    doc["signature"] = b64encode(sign(mallory, crypto._card_signing_bytes(fields)))
    with pytest.raises(PacketRejected, match="signature"):
        read_contact_card(json.dumps(doc).encode())


def test_contact_card_every_byte_flip_is_refused_or_harmless(alice):
    data = make_contact_card("Alice", alice)
    original = read_contact_card(data)
    for i in range(len(data)):
        mutated = bytearray(data)
        mutated[i] ^= 0x01
        try:
            card = read_contact_card(bytes(mutated))
        except PacketRejected:
            continue
        # Only insignificant whitespace may change without rejection.
        assert card == original


def test_contact_card_size_cap_and_garbage(alice):
    card = make_contact_card("Alice", alice)
    padded = card[:-2] + b" " * MAX_CONTACT_CARD_BYTES + b"}\n"
    for data, reason in [
        (padded, "oversize"),
        (b"", "not_a_card"),
        (b"\xff\xfe{}", "not_a_card"),
        (b"[1, 2]", "not_a_card"),
        (b'{"a": 1, "a": 2}', "not_a_card"),
        (b"\xef\xbb\xbf" + card, "not_a_card"),
        (card[: len(card) // 2], "not_a_card"),
    ]:
        with pytest.raises(PacketRejected) as info:
            read_contact_card(data)
        assert info.value.reason == reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_contact_card_random_bytes_only_packet_rejected(data):
    with pytest.raises(PacketRejected):
        read_contact_card(data)


# --- packets: round trips --------------------------------------------------------------


def test_share_round_trip(alice, bob):
    payload = {
        "entries": [{"title": "Ward round", "body": f"note {CANARY}", "mood": 3.5}],
        "emoji": "caf\u00e9 \u2615",
    }
    data = share(alice, bob, payload)
    opened = open_packet(data, bob, signers(alice))
    assert opened.kind == "share" and opened.seq is None
    assert opened.payload == payload
    assert opened.sender_name == "Alice Smith"
    assert opened.sender_fingerprint == alice.fingerprint
    assert opened.sender_sign_public == alice.sign_public
    assert len(opened.packet_id) == 32 and int(opened.packet_id, 16) >= 0
    assert data.startswith(MAGIC)
    assert CANARY.encode() not in data
    assert b"Ward round" not in data and b"Alice Smith" not in data


def test_feedback_round_trip_and_packet_id(alice, bob):
    pid = "0123456789abcdef" * 2
    data = seal_feedback(
        {"comments": [{"text": CANARY}]},
        bob,
        "Bob Jones",
        alice.sign_public,
        alice.enc_public,
        seq=41,
        packet_id=pid,
    )
    opened = open_packet(data, alice, signers(bob))
    assert (opened.kind, opened.packet_id, opened.seq) == ("feedback", pid, 41)
    assert opened.payload == {"comments": [{"text": CANARY}]}
    assert CANARY.encode() not in data


def test_packets_are_unique_even_for_same_payload(alice, bob):
    a, b = share(alice, bob), share(alice, bob)
    assert a != b
    assert (
        open_packet(a, bob, signers(alice)).packet_id
        != open_packet(b, bob, signers(alice)).packet_id
    )


def test_seal_rejects_bad_arguments(alice, bob):
    with pytest.raises(ValueError):
        share(alice, bob, packet_id="not-hex")
    with pytest.raises(ValueError):
        seal_feedback({}, alice, "A", bob.sign_public, bob.enc_public, seq=-1)
    with pytest.raises(ValueError):
        seal_feedback({}, alice, "A", bob.sign_public, bob.enc_public, seq=True)
    with pytest.raises(ValueError):
        share(alice, bob, {"x": float("nan")})
    with pytest.raises(UsageError):
        share(alice, bob, name="bad\x00name")


# --- packets: refusals -----------------------------------------------------------------


def test_every_refusal_has_its_own_sentence(alice, bob, mallory):
    good = share(alice, bob)
    header_len = struct.unpack(">I", good[9:13])[0]
    messages = {
        "not_a_packet": reason_of(b"PK\x03\x04 zip file", bob, signers(alice)),
        "contact_card": reason_of(make_contact_card("Alice", alice), bob, signers(alice)),
        "unsupported_version": reason_of(MAGIC + b"\x02" + good[9:], bob, signers(alice)),
        "truncated": reason_of(good[:-1], bob, signers(alice)),
        "bad_header": reason_of(good[:13] + b"x" + good[14:], bob, signers(alice)),
        "wrong_recipient": reason_of(good, mallory, signers(alice)),
        "tampered": reason_of(good[:-1] + bytes([good[-1] ^ 1]), bob, signers(alice)),
        "unknown_signer": reason_of(good, bob, signers(mallory)),
        "bad_signature": reason_of(forge(alice, mallory, bob), bob, signers(alice)),
        "malformed": reason_of(forge(alice, alice, bob, inner=b"{not json"), bob, signers(alice)),
    }
    assert header_len > 0
    for reason, (got, _) in messages.items():
        assert got == reason
    sentences = [text for _, text in messages.values()]
    assert len(set(sentences)) == len(sentences)
    for text in sentences:
        assert text.endswith(".") and text[0].isupper() and "\n" not in text
        assert "Traceback" not in text


def test_oversize_is_refused_before_anything_else(alice, bob):
    with pytest.raises(PacketRejected) as info:
        open_packet(MAGIC + bytes(MAX_PACKET_BYTES), bob, signers(alice))
    assert info.value.reason == "oversize"


def test_wrong_recipient_is_reported_without_decrypting(alice, bob, mallory, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("tried to decrypt")

    monkeypatch.setattr(packets, "_decrypt", boom)
    reason, text = reason_of(share(alice, bob), mallory, signers(alice))
    assert reason == "wrong_recipient" and bob.fingerprint in text


def test_impostor_with_same_name_is_unknown_signer(alice, bob, mallory):
    impostor = share(mallory, bob, name="Alice Smith")
    reason, text = reason_of(impostor, bob, signers(alice))
    assert reason == "unknown_signer" and mallory.fingerprint in text


def test_claiming_known_keys_but_signing_with_another_is_bad_signature(alice, bob, mallory):
    reason, _ = reason_of(forge(alice, mallory, bob), bob, signers(alice, mallory))
    assert reason == "bad_signature"


def test_known_fingerprint_with_different_key_is_unknown_signer(alice, bob, mallory):
    reason, _ = reason_of(share(alice, bob), bob, {alice.fingerprint: mallory.sign_public})
    assert reason == "unknown_signer"


@pytest.mark.parametrize(
    "inner",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"kind":"share"}',
        b'{"a":1,"a":1}',
        b"[" * 100000 + b"]" * 100000,
        canonical_json(
            {
                "kind": "share",
                "packet_id": "cd" * 16,
                "payload": {},
                "seq": None,
                "sender": {"name": "A", "sign_public": "", "enc_public": ""},
            }
        ),
    ],
)
def test_malformed_inner_is_refused(alice, bob, inner):
    reason, _ = reason_of(forge(alice, alice, bob, inner=inner), bob, signers(alice))
    assert reason == "malformed"


def test_inner_that_disagrees_with_header_is_refused(alice, bob):
    base = {
        "kind": "share",
        "packet_id": "ab" * 16,
        "payload": {},
        "seq": None,
        "sender": {
            "name": "A",
            "sign_public": b64encode(alice.sign_public),
            "enc_public": b64encode(alice.enc_public),
        },
    }
    for change in (
        {"packet_id": "cd" * 16},
        {"kind": "feedback"},
        {"seq": 3},
        {"payload": []},
        {"extra": 1},
    ):
        inner = canonical_json({**base, **change})
        reason, _ = reason_of(forge(alice, alice, bob, inner=inner), bob, signers(alice))
        assert reason == "malformed", change
    # A feedback packet needs an integer sequence number.
    inner = canonical_json({**base, "kind": "feedback", "seq": None})
    forged = forge(alice, alice, bob, inner=inner, kind="feedback")
    assert reason_of(forged, bob, signers(alice))[0] == "malformed"


def test_every_byte_flip_is_refused(alice, bob):
    data = share(alice, bob, {"n": CANARY})
    header_end = 13 + struct.unpack(">I", data[9:13])[0]
    assert len(data) - header_end > 100
    reasons = set()
    for i in range(len(data)):
        for mask in (0x01, 0x80, 0xFF):
            mutated = bytearray(data)
            mutated[i] ^= mask
            with pytest.raises(PacketRejected) as info:
                open_packet(bytes(mutated), bob, signers(alice))
            reasons.add(info.value.reason)
    assert len(data) >= 200
    assert {"not_a_packet", "unsupported_version", "bad_header", "tampered"} <= reasons


def test_truncation_at_every_length_is_refused(alice, bob):
    data = share(alice, bob)
    for length in range(len(data)):
        with pytest.raises(PacketRejected) as info:
            open_packet(data[:length], bob, signers(alice))
        assert info.value.reason in {"truncated", "not_a_packet"}
        if length > 0:
            assert info.value.reason == "truncated"


def test_appended_bytes_are_refused(alice, bob):
    data = share(alice, bob)
    reason, _ = reason_of(data + b"\x00", bob, signers(alice))
    assert reason == "tampered"


def test_rewritten_header_field_is_refused(alice, bob):
    """Re-encode the header with a changed field (valid JSON, right length): GCM catches it."""
    data = share(alice, bob)
    header_len = struct.unpack(">I", data[9:13])[0]
    header = json.loads(data[13 : 13 + header_len])
    for key, value in [
        ("created", "2001-01-01T00:00:00Z"),
        ("packet_id", "ee" * 16),
        ("kind", "feedback"),
    ]:
        new_header = canonical_json(dict(header, **{key: value}))
        forged = (
            MAGIC + struct.pack(">BI", 1, len(new_header)) + new_header + data[13 + header_len :]
        )
        assert reason_of(forged, bob, signers(alice))[0] == "tampered", key


def test_low_order_ephemeral_key_is_refused(alice, bob):
    data = share(alice, bob)
    header_len = struct.unpack(">I", data[9:13])[0]
    header = json.loads(data[13 : 13 + header_len])
    header["ephemeral"] = b64encode(bytes(32))
    new_header = canonical_json(header)
    forged = MAGIC + struct.pack(">BI", 1, len(new_header)) + new_header + data[13 + header_len :]
    assert reason_of(forged, bob, signers(alice))[0] == "tampered"


_HYPOTHESIS_RECIPIENT = generate_identity()
_HYPOTHESIS_SENDER = generate_identity()
_HYPOTHESIS_PACKET = seal_share(
    {"k": "v"},
    _HYPOTHESIS_SENDER,
    "S",
    _HYPOTHESIS_RECIPIENT.sign_public,
    _HYPOTHESIS_RECIPIENT.enc_public,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_random_bytes_only_packet_rejected(data):
    recipient = _HYPOTHESIS_RECIPIENT
    with pytest.raises(PacketRejected):
        open_packet(data, recipient, {})
    with pytest.raises(PacketRejected):
        open_packet(MAGIC + b"\x01" + data, recipient, {})


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_splices_of_a_real_packet_only_packet_rejected(data):
    packet = _HYPOTHESIS_PACKET
    start = data.draw(st.integers(0, len(packet)))
    junk = data.draw(st.binary(min_size=1, max_size=32))
    length = data.draw(st.integers(0, 32))
    mutated = packet[:start] + junk + packet[start + length :]
    if mutated == packet:
        return
    with pytest.raises(PacketRejected):
        open_packet(
            mutated,
            _HYPOTHESIS_RECIPIENT,
            {_HYPOTHESIS_SENDER.fingerprint: _HYPOTHESIS_SENDER.sign_public},
        )


def test_sampled_positions_with_random_values_are_refused(alice, bob):
    """Beyond single-bit flips: random replacement bytes at ≥200 sampled positions."""
    data = share(alice, bob, {"entries": [{"body": "x" * 500}]})
    rng = random.Random(1234)
    positions = rng.sample(range(len(data)), 250)
    for i in positions:
        mutated = bytearray(data)
        mutated[i] = (mutated[i] + rng.randrange(1, 256)) % 256
        with pytest.raises(PacketRejected):
            open_packet(bytes(mutated), bob, signers(alice))
