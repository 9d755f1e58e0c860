"""Exchange messages: one immutable, signed, encrypted change each, with its own id.

The envelope is the share packet's (``sharing.packets``, kind ``message``): Ed25519 signature
inside AES-256-GCM to one recipient, header authenticated, size bounded. Inside, the payload
is one of::

    {"type": "entry",    "ref": R, "entry_version": N, "entry": {...as in a share packet...}}
    {"type": "withdraw", "ref": R, "entry_version": N}
    {"type": "comment",  "comment": {"uid", "entry", "binding", "text", "created"}}
    {"type": "receipt",  "ids": [[message_id, received_at], ...]}
    {"type": K, "ref": R, "item_version": N, "item": {...}}   for K in kinds.ITEM_TYPES

The last form carries programme copies, session summaries, "what I want to bring" and
reflective discussion records with their confirmations (``kinds.py`` says what each holds).

``ref`` is the per-recipient opaque id of the sender's entry; ``entry_version`` counts that entry's
changes for that recipient at the sender, so "newest wins" needs no clock. A withdrawal is a
version like any other, so an older copy arriving late cannot bring a withdrawn entry back.

In the place a message is stored as ``<mailbox>-<message id>``. The mailbox is derived from
the X25519 exchange of the two people's keys and the direction, so only those two can tell
whose messages an object holds; the object itself is the sealed message wrapped once more in
a key only those two share (``wrap``), so the place sees neither names nor fingerprints.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from reflectjournal.errors import PacketRejected
from reflectjournal.services.sharing import packets
from reflectjournal.services.sharing.crypto import Identity, is_timestamp, reject
from reflectjournal.services.sharing.feedback import _validated_comments
from reflectjournal.services.sharing.identity import PublicKeys
from reflectjournal.services.sharing.share import (
    PAYLOAD_FORMAT as SHARE_FORMAT,
)
from reflectjournal.services.sharing.share import (
    PAYLOAD_VERSION as SHARE_VERSION,
)
from reflectjournal.services.sharing.share import (
    _validated_entries,
)

from . import kinds

FORMAT = "reflectjournal-message"
VERSION = 1
TYPES = ("entry", "withdraw", "comment", "receipt", *kinds.ITEM_TYPES)
MAX_RECEIPT_IDS = 5000
MAX_VERSION = 2**53 - 1
_ID_RE = re.compile(r"\A[0-9a-f]{32}\Z")
_NAME_RE = re.compile(r"\A([0-9a-f]{16})-([0-9a-f]{32})\Z")
_MAILBOX_INFO = b"reflectjournal-mailbox-v1\x00"
_MALFORMED = "This message's contents are not in the expected layout, so it was refused."


def new_message_id() -> str:
    return secrets.token_hex(16)


def mailbox(me: Identity, their_enc_public: bytes, recipient_fingerprint: str) -> str:
    """The opaque prefix of messages to ``recipient_fingerprint`` between me and them."""
    shared = X25519PrivateKey.from_private_bytes(me.enc_private).exchange(
        X25519PublicKey.from_public_bytes(their_enc_public)
    )
    keys = sorted([me.enc_public, their_enc_public])
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=8,
        salt=hashlib.sha256(keys[0] + keys[1]).digest(),
        info=_MAILBOX_INFO + recipient_fingerprint.encode(),
    )
    return hkdf.derive(shared).hex()


_WRAP_INFO = b"reflectjournal-place-wrap-v1\x00"
WRAP_MAGIC = b"RJPLACE1"
_WRAP_HEAD = len(WRAP_MAGIC) + 4 + 12  # magic, ciphertext length, nonce
_WRAP_TRUNCATED = "This message is still being written to the place; it is tried again later."
_WRAP_TAMPERED = "This message was altered in the place after it was written, so it was refused."


def place_key(me: Identity, their_enc_public: bytes) -> bytes:
    """The key two people wrap their messages in while they sit in a place.

    A sealed message's header names its recipient's fingerprint (files need it to say "this
    is for someone else"); in a shared place nobody but the two may read even that, so the
    whole message is encrypted once more, bound to its object name.
    """
    shared = X25519PrivateKey.from_private_bytes(me.enc_private).exchange(
        X25519PublicKey.from_public_bytes(their_enc_public)
    )
    keys = sorted([me.enc_public, their_enc_public])
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=hashlib.sha256(keys[0] + keys[1]).digest(),
        info=_WRAP_INFO,
    ).derive(shared)


def wrap(key: bytes, name: str, sealed: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    body = AESGCM(key).encrypt(nonce, sealed, name.encode("ascii"))
    return WRAP_MAGIC + len(body).to_bytes(4, "big") + nonce + body


def unwrap(key: bytes, name: str, data: bytes) -> bytes:
    """The sealed message inside a place object; ``PacketRejected`` with reason "truncated"
    for one still being written (left alone), "tampered" for anything else wrong."""
    if not data.startswith(WRAP_MAGIC):
        if WRAP_MAGIC.startswith(data):
            raise reject("truncated", _WRAP_TRUNCATED)
        raise reject("tampered", _WRAP_TAMPERED)
    if len(data) < _WRAP_HEAD:
        raise reject("truncated", _WRAP_TRUNCATED)
    size = int.from_bytes(data[len(WRAP_MAGIC) : len(WRAP_MAGIC) + 4], "big")
    body = data[_WRAP_HEAD:]
    if len(body) < size:
        raise reject("truncated", _WRAP_TRUNCATED)
    if len(body) > size:
        raise reject("tampered", _WRAP_TAMPERED)
    try:
        return AESGCM(key).decrypt(data[_WRAP_HEAD - 12 : _WRAP_HEAD], body, name.encode("ascii"))
    except InvalidTag:
        raise reject("tampered", _WRAP_TAMPERED) from None


def object_name(box: str, message_id: str) -> str:
    return f"{box}-{message_id}"


def split_name(name: str) -> tuple[str, str] | None:
    """(mailbox, message id) of a message object's name, None for anything else."""
    found = _NAME_RE.match(name)
    return (found.group(1), found.group(2)) if found else None


def seal(
    body: dict[str, Any],
    sender: Identity,
    sender_name: str,
    recipient: PublicKeys,
    message_id: str,
) -> bytes:
    payload = {"format": FORMAT, "version": VERSION, **body}
    return packets.seal_message(
        payload, sender, sender_name, recipient.sign, recipient.enc, message_id
    )


@dataclass(frozen=True)
class Message:
    message_id: str
    sender_fingerprint: str
    sender_name: str
    type: str
    body: dict[str, Any]


def open_message(data: bytes, me: Identity, known_signers: dict[str, bytes]) -> Message:
    """Decrypt, verify and check a message; ``PacketRejected`` (one sentence) otherwise."""
    opened = packets.open_packet(data, me, known_signers)
    if opened.kind != "message":
        raise PacketRejected(_MALFORMED)
    payload = opened.payload
    if payload.get("format") != FORMAT or payload.get("version") != VERSION:
        raise PacketRejected(_MALFORMED)
    kind = payload.get("type")
    if kind not in TYPES:
        raise PacketRejected(_MALFORMED)
    _CHECKS[kind](payload)
    return Message(
        message_id=opened.packet_id,
        sender_fingerprint=opened.sender_fingerprint,
        sender_name=opened.sender_name,
        type=kind,
        body=payload,
    )


def _bad() -> PacketRejected:
    return PacketRejected(_MALFORMED)


def _check_entry(payload: dict[str, Any]) -> None:
    # "version" is both the envelope's format version and the entry's version: the entry's
    # lives in "entry_version" to keep them apart.
    if set(payload) != {"format", "version", "type", "ref", "entry_version", "entry"}:
        raise _bad()
    _check_ref_version(payload)
    entry = payload["entry"]
    items = _validated_entries(
        {"format": SHARE_FORMAT, "version": SHARE_VERSION, "entries": [entry]}
    )
    if items[0]["id"] != payload["ref"]:
        raise _bad()


def _check_withdraw(payload: dict[str, Any]) -> None:
    if set(payload) != {"format", "version", "type", "ref", "entry_version"}:
        raise _bad()
    _check_ref_version(payload)


def _check_ref_version(payload: dict[str, Any]) -> None:
    ref, version = payload["ref"], payload["entry_version"]
    if not isinstance(ref, str) or not _ID_RE.match(ref):
        raise _bad()
    if type(version) is not int or not 1 <= version <= MAX_VERSION:
        raise _bad()


def _check_comment(payload: dict[str, Any]) -> None:
    if set(payload) != {"format", "version", "type", "comment"}:
        raise _bad()
    _validated_comments(
        {"format": "reflectjournal-feedback", "version": 1, "comments": [payload["comment"]]}
    )


def _check_receipt(payload: dict[str, Any]) -> None:
    if set(payload) != {"format", "version", "type", "ids"}:
        raise _bad()
    ids = payload["ids"]
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_RECEIPT_IDS:
        raise _bad()
    for pair in ids:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not isinstance(pair[0], str)
            or not _ID_RE.match(pair[0])
            or not is_timestamp(pair[1])
        ):
            raise _bad()


_CHECKS = {
    "entry": _check_entry,
    "withdraw": _check_withdraw,
    "comment": _check_comment,
    "receipt": _check_receipt,
    **{kind: kinds.check_payload for kind in kinds.ITEM_TYPES},
}
