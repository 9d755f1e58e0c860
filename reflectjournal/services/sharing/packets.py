"""Share and feedback packets: signed by the sender, encrypted to one recipient.

Wire format (version 1)::

    MAGIC (8 bytes "RJPACKET") | version (1 byte) | header length (4 bytes, big-endian)
    | header (canonical JSON) | body (AES-256-GCM ciphertext with its 16-byte tag)

Header keys: ``format`` ("reflectjournal-packet"), ``version``, ``kind`` ("share" or
"feedback"), ``packet_id`` (32 hex digits), ``recipient`` (recipient's fingerprint),
``ephemeral`` (base64 X25519 public key), ``nonce`` (base64, 12 bytes), ``created``
(UTC, seconds) and ``size`` (body length, so a cut-short file is told apart from an
altered one).  Everything before the body is the GCM associated data, so no byte of
it can change unnoticed.

Key: HKDF-SHA256 over X25519(ephemeral, recipient), salted with both public keys, with
``info`` naming the format, the kind and the SHA-256 of the associated data.

Plaintext: a 64-byte Ed25519 signature followed by the canonical JSON inner document
``{"kind", "packet_id", "payload", "sender": {"name", "sign_public", "enc_public"},
"seq"}``.  The signature covers a domain prefix, the associated data and the inner
bytes, so a packet cannot be re-addressed to another recipient, or re-labelled, without
the sender's key.

Replay is the caller's job (it needs the database): it gets ``packet_id`` and ``seq``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reflectjournal.errors import UsageError

from .crypto import (
    CONTACT_FORMAT,
    KEY_BYTES,
    SIGNATURE_BYTES,
    Identity,
    StrictJSONError,
    b64decode_exact,
    b64encode,
    canonical_json,
    check_name,
    fingerprint,
    is_timestamp,
    name_problem,
    reject,
    sign,
    strict_json_loads,
    utc_timestamp,
    verify,
)

MAGIC = b"RJPACKET"
PACKET_VERSION = 1
PACKET_FORMAT = "reflectjournal-packet"
KINDS = ("share", "feedback")
MAX_PACKET_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 4096
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_SEQ = 2**53 - 1  # stays exact in every JSON reader

_PREFIX = struct.Struct(">BI")  # version, header length
_PREFIX_BYTES = len(MAGIC) + _PREFIX.size
_MIN_BODY = TAG_BYTES + SIGNATURE_BYTES + 2  # tag + signature + "{}"
_KDF_INFO = b"reflectjournal-packet-v1-key\x00"
_SIG_DOMAIN = b"reflectjournal-packet-sig-v1\x00"
_HEADER_KEYS = frozenset(
    {"format", "version", "kind", "packet_id", "recipient", "ephemeral", "nonce", "created", "size"}
)
_INNER_KEYS = frozenset({"kind", "packet_id", "payload", "sender", "seq"})
_SENDER_KEYS = frozenset({"name", "sign_public", "enc_public"})
_PACKET_ID_RE = re.compile(r"\A[0-9a-f]{32}\Z")
_FINGERPRINT_RE = re.compile(r"\A[A-Z2-7]{4}( [A-Z2-7]{4}){7}\Z")

# One sentence per way a packet can be refused; ``reason`` lets callers branch without
# parsing text.
_NOT_A_PACKET = "This file is not a ReflectJournal share or feedback packet."
_CARD_NOT_PACKET = (
    "This file is a contact card, not a packet; add it with the contact import command instead."
)
_UNSUPPORTED = (
    "This packet was made by a newer or unknown version of ReflectJournal (format version "
    "{version}); update ReflectJournal and try again."
)
_TRUNCATED = (
    "This packet is incomplete because the file was cut short; ask the sender to send it again."
)
_OVERSIZE = f"This packet is larger than the {MAX_PACKET_BYTES // (1024 * 1024)} MiB limit, so it was not opened."
_BAD_HEADER = (
    "This packet's header is damaged, so it was not opened; ask the sender to send it again."
)
_WRONG_RECIPIENT = (
    "This packet was addressed to someone else (fingerprint {recipient}), not to the owner "
    "of this journal."
)
_TAMPERED = "This packet was altered or damaged after it was sealed, so it was refused."
# Never the name the packet claims: a stranger can claim any name (issue 14).
_UNKNOWN_SIGNER = (
    "This packet was signed by an unknown key (fingerprint {fingerprint}), not one of your "
    "contacts, so it was refused; if you expected it, import and confirm the sender's card."
)
_BAD_SIGNATURE = "This packet's signature does not match its sender's key, so it was refused."
_MALFORMED = "This packet's contents are not in the expected layout, so it was refused."


@dataclass(frozen=True)
class OpenedPacket:
    kind: str
    packet_id: str
    sender_fingerprint: str
    sender_name: str
    seq: int | None
    payload: dict[str, Any]
    created: str
    sender_sign_public: bytes
    sender_enc_public: bytes


# --- sealing ---------------------------------------------------------------------------


def seal_share(
    payload: dict[str, Any],
    sender: Identity,
    sender_name: str,
    recipient_sign_public: bytes,
    recipient_enc_public: bytes,
    packet_id: str | None = None,
) -> bytes:
    """A share packet carrying ``payload`` from ``sender`` to one recipient."""
    return _seal_kind(
        "share",
        payload,
        sender,
        sender_name,
        recipient_sign_public,
        recipient_enc_public,
        packet_id,
        None,
    )


def seal_feedback(
    payload: dict[str, Any],
    sender: Identity,
    sender_name: str,
    recipient_sign_public: bytes,
    recipient_enc_public: bytes,
    seq: int,
    packet_id: str | None = None,
) -> bytes:
    """A feedback packet; ``seq`` (signed) lets the receiver refuse stale or replayed ones."""
    if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
        raise ValueError(f"seq must be an int from 0 to {MAX_SEQ}")
    return _seal_kind(
        "feedback",
        payload,
        sender,
        sender_name,
        recipient_sign_public,
        recipient_enc_public,
        packet_id,
        seq,
    )


def new_packet_id() -> str:
    return secrets.token_hex(16)


def _seal_kind(
    kind: str,
    payload: dict[str, Any],
    sender: Identity,
    sender_name: str,
    recipient_sign_public: bytes,
    recipient_enc_public: bytes,
    packet_id: str | None,
    seq: int | None,
) -> bytes:
    if not isinstance(payload, dict):
        raise TypeError("payload must be a dict")
    check_name(sender_name)
    packet_id = new_packet_id() if packet_id is None else packet_id
    if not isinstance(packet_id, str) or not _PACKET_ID_RE.match(packet_id):
        raise ValueError("packet_id must be 32 lowercase hex digits")
    inner = canonical_json(
        {
            "kind": kind,
            "packet_id": packet_id,
            "payload": payload,
            "sender": {
                "name": sender_name,
                "sign_public": b64encode(sender.sign_public),
                "enc_public": b64encode(sender.enc_public),
            },
            "seq": seq,
        }
    )
    return _seal_envelope(
        kind,
        packet_id,
        recipient_sign_public,
        recipient_enc_public,
        inner,
        lambda message: sign(sender, message),
    )


def _seal_envelope(
    kind: str,
    packet_id: str,
    recipient_sign_public: bytes,
    recipient_enc_public: bytes,
    inner: bytes,
    signer: Callable[[bytes], bytes],
) -> bytes:
    """Encrypt already-built ``inner`` bytes; separate so tests can forge odd packets."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = secrets.token_bytes(NONCE_BYTES)
    size = SIGNATURE_BYTES + len(inner) + TAG_BYTES
    header = canonical_json(
        {
            "format": PACKET_FORMAT,
            "version": PACKET_VERSION,
            "kind": kind,
            "packet_id": packet_id,
            "recipient": fingerprint(recipient_sign_public, recipient_enc_public),
            "ephemeral": b64encode(ephemeral_public),
            "nonce": b64encode(nonce),
            "created": utc_timestamp(),
            "size": size,
        }
    )
    aad = MAGIC + _PREFIX.pack(PACKET_VERSION, len(header)) + header
    if len(aad) + size > MAX_PACKET_BYTES:
        raise UsageError(
            f"The packet would be larger than the {MAX_PACKET_BYTES // (1024 * 1024)} MiB "
            "limit; choose fewer entries and try again."
        )
    signature = signer(_signed_bytes(aad, inner))
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_enc_public))
    key = _derive_key(shared, ephemeral_public, recipient_enc_public, kind, aad)
    return aad + AESGCM(key).encrypt(nonce, signature + inner, aad)


def _derive_key(
    shared: bytes, ephemeral_public: bytes, recipient_enc_public: bytes, kind: str, aad: bytes
) -> bytes:
    info = _KDF_INFO + kind.encode("ascii") + b"\x00" + hashlib.sha256(aad).digest()
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_enc_public,
        info=info,
    )
    return hkdf.derive(shared)


def _signed_bytes(aad: bytes, inner: bytes) -> bytes:
    return _SIG_DOMAIN + struct.pack(">I", len(aad)) + aad + inner


# --- opening ---------------------------------------------------------------------------


def open_packet(
    data: bytes, recipient: Identity, known_signers: Mapping[str, bytes]
) -> OpenedPacket:
    """Check, decrypt and verify a packet; raises ``PacketRejected`` for any bad input.

    ``known_signers`` maps a contact's fingerprint to their Ed25519 public key.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("packet data must be bytes")
    if len(data) > MAX_PACKET_BYTES:
        raise reject("oversize", _OVERSIZE)
    data = bytes(data)
    aad, header, body = _split(data)
    if header["recipient"] != recipient.fingerprint:
        raise reject("wrong_recipient", _WRONG_RECIPIENT.format(recipient=header["recipient"]))
    if len(body) < header["size"]:
        raise reject("truncated", _TRUNCATED)
    if len(body) > header["size"]:
        raise reject("tampered", _TAMPERED)
    plaintext = _decrypt(aad, header, body, recipient)
    signature, inner_bytes = plaintext[:SIGNATURE_BYTES], plaintext[SIGNATURE_BYTES:]
    inner, sender_sign, sender_enc = _parse_inner(inner_bytes, header)
    sender_fp = fingerprint(sender_sign, sender_enc)
    if known_signers.get(sender_fp) != sender_sign:
        raise reject(
            "unknown_signer",
            _UNKNOWN_SIGNER.format(fingerprint=sender_fp),
        )
    if not verify(sender_sign, signature, _signed_bytes(aad, inner_bytes)):
        raise reject("bad_signature", _BAD_SIGNATURE)
    return OpenedPacket(
        kind=header["kind"],
        packet_id=header["packet_id"],
        sender_fingerprint=sender_fp,
        sender_name=inner["sender"]["name"],
        seq=inner["seq"],
        payload=inner["payload"],
        created=header["created"],
        sender_sign_public=sender_sign,
        sender_enc_public=sender_enc,
    )


def _split(data: bytes) -> tuple[bytes, dict[str, Any], bytes]:
    """Check the fixed prefix and header; return (associated data, header, body)."""
    if not data.startswith(MAGIC):
        if data and MAGIC.startswith(data):
            raise reject("truncated", _TRUNCATED)
        head = data[:MAX_HEADER_BYTES].lstrip()
        if head.startswith(b"{") and f'"{CONTACT_FORMAT}"'.encode() in head:
            raise reject("contact_card", _CARD_NOT_PACKET)
        raise reject("not_a_packet", _NOT_A_PACKET)
    if len(data) <= len(MAGIC):
        raise reject("truncated", _TRUNCATED)
    version = data[len(MAGIC)]
    if version != PACKET_VERSION:
        raise reject("unsupported_version", _UNSUPPORTED.format(version=version))
    if len(data) < _PREFIX_BYTES:
        raise reject("truncated", _TRUNCATED)
    _, header_len = _PREFIX.unpack_from(data, len(MAGIC))
    if not 2 <= header_len <= MAX_HEADER_BYTES:
        raise reject("bad_header", _BAD_HEADER)
    end = _PREFIX_BYTES + header_len
    if len(data) < end:
        raise reject("truncated", _TRUNCATED)
    header = _parse_header(data[_PREFIX_BYTES:end])
    return data[:end], header, data[end:]


def _canonical_object(raw: bytes, keys: frozenset[str], bad: Exception) -> dict[str, Any]:
    """``raw`` as a canonical JSON object with exactly ``keys``, or ``bad`` raised."""
    try:
        found = strict_json_loads(raw, canonical=True)
    except StrictJSONError:
        raise bad from None
    if not isinstance(found, dict) or set(found) != keys:
        raise bad
    return found


def _parse_header(raw: bytes) -> dict[str, Any]:
    bad = reject("bad_header", _BAD_HEADER)
    header = _canonical_object(raw, _HEADER_KEYS, bad)
    size = header["size"]
    if (
        header["format"] != PACKET_FORMAT
        or type(header["version"]) is not int
        or header["version"] != PACKET_VERSION
        or header["kind"] not in KINDS
        or not isinstance(header["packet_id"], str)
        or not _PACKET_ID_RE.match(header["packet_id"])
        or not isinstance(header["recipient"], str)
        or not _FINGERPRINT_RE.match(header["recipient"])
        or not is_timestamp(header["created"])
        or type(size) is not int
        or not _MIN_BODY <= size <= MAX_PACKET_BYTES
    ):
        raise bad
    try:
        header["ephemeral"] = b64decode_exact(header["ephemeral"], KEY_BYTES)
        header["nonce"] = b64decode_exact(header["nonce"], NONCE_BYTES)
    except ValueError:
        raise bad from None
    return header


def _decrypt(aad: bytes, header: dict[str, Any], body: bytes, recipient: Identity) -> bytes:
    try:
        ephemeral = X25519PublicKey.from_public_bytes(header["ephemeral"])
        # A low-order ephemeral key makes the exchange fail: treat it as tampering.
        shared = X25519PrivateKey.from_private_bytes(recipient.enc_private).exchange(ephemeral)
        key = _derive_key(shared, header["ephemeral"], recipient.enc_public, header["kind"], aad)
        return AESGCM(key).decrypt(header["nonce"], body, aad)
    except (InvalidTag, ValueError):
        raise reject("tampered", _TAMPERED) from None


def _parse_inner(raw: bytes, header: dict[str, Any]) -> tuple[dict[str, Any], bytes, bytes]:
    malformed = reject("malformed", _MALFORMED)
    inner = _canonical_object(raw, _INNER_KEYS, malformed)
    sender, seq = inner["sender"], inner["seq"]
    if (
        inner["kind"] != header["kind"]
        or inner["packet_id"] != header["packet_id"]
        or not isinstance(inner["payload"], dict)
        or not isinstance(sender, dict)
        or set(sender) != _SENDER_KEYS
        or name_problem(sender["name"]) is not None
    ):
        raise malformed
    if header["kind"] == "share":
        if seq is not None:
            raise malformed
    elif type(seq) is not int or not 0 <= seq <= MAX_SEQ:
        raise malformed
    try:
        sign_public = b64decode_exact(sender["sign_public"], KEY_BYTES)
        enc_public = b64decode_exact(sender["enc_public"], KEY_BYTES)
    except ValueError:
        raise malformed from None
    return inner, sign_public, enc_public
