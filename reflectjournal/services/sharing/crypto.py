"""Identities, fingerprints, canonical JSON and contact cards for sharing.

Pure cryptography and encoding: no database, no files, no Qt.  Everything here works on
bytes the caller read or will write, so the same code serves the CLI, the GUI and tests.

Keys are kept as raw bytes (32 each) so the storage layer can keep them however it likes;
they are turned into ``cryptography`` key objects only at the moment of use.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from reflectjournal.errors import PacketRejected, UsageError

KEY_BYTES = 32
SIGNATURE_BYTES = 64
MAX_NAME_CHARS = 200

CONTACT_FORMAT = "reflectjournal-contact"
CONTACT_VERSION = 1
MAX_CONTACT_CARD_BYTES = 16 * 1024
ROLE_HINTS = frozenset({"leader", "mentor", "coach", "coachee"})

# Domain-separation prefixes: a signature or hash made for one purpose can never be
# replayed as one made for another.
_FINGERPRINT_DOMAIN = b"reflectjournal-fingerprint-v1\x00"
_CONTACT_SIG_DOMAIN = b"reflectjournal-contact-sig-v1\x00"

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NO_ENC = serialization.NoEncryption()

_TIMESTAMP_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


def reject(reason: str, message: str) -> PacketRejected:
    """A ``PacketRejected`` with a machine-readable ``reason`` beside its sentence."""
    exc = PacketRejected(message)
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


# --- canonical JSON and strict decoding -------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that we sign, hash and compare."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


class StrictJSONError(ValueError):
    """Input was not strict UTF-8 JSON (duplicate keys, NaN, bad bytes, too deep)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise StrictJSONError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise StrictJSONError(f"non-standard JSON constant {name}")


def strict_json_loads(data: bytes, *, canonical: bool = False) -> Any:
    """Decode JSON refusing anything ambiguous; with ``canonical`` the bytes must be canonical.

    Raises :class:`StrictJSONError` and nothing else for bad input.
    """
    try:
        text = data.decode("utf-8", errors="strict")
        if text.startswith("\ufeff"):
            raise StrictJSONError("byte-order mark")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
        if canonical and canonical_json(value) != data:
            raise StrictJSONError("not in canonical form")
    except StrictJSONError:
        raise
    except (UnicodeError, ValueError, RecursionError, TypeError) as exc:
        raise StrictJSONError(str(exc)) from exc
    return value


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def b64decode_exact(text: Any, length: int) -> bytes:
    """Strict standard base64 of exactly ``length`` bytes, in its one canonical spelling."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc
    if len(raw) != length or b64encode(raw) != text:
        raise ValueError("wrong length or non-canonical base64")
    return raw


def utc_timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP_RE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def name_problem(name: Any) -> str | None:
    """Why ``name`` is not acceptable as a person's display name, or None if it is."""
    if not isinstance(name, str):
        return "it is not text"
    if not name or name != name.strip():
        return "it is empty or has leading or trailing spaces"
    if len(name) > MAX_NAME_CHARS:
        return f"it is longer than {MAX_NAME_CHARS} characters"
    # Control and format characters (including bidi overrides) could disguise a name.
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} for ch in name):
        return "it contains control or invisible characters"
    return None


def check_name(name: Any) -> str:
    problem = name_problem(name)
    if problem is not None:
        raise UsageError(
            f"The name cannot be used because {problem}; use 1 to {MAX_NAME_CHARS} "
            "visible characters."
        )
    return str(name)  # name_problem found it is text


# --- identities and fingerprints -------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A person's two key pairs as raw 32-byte values; private halves stay out of repr."""

    sign_private: bytes = field(repr=False)
    enc_private: bytes = field(repr=False)
    sign_public: bytes
    enc_public: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_public, self.enc_public)


def generate_identity() -> Identity:
    """Fresh Ed25519 (signing) and X25519 (encryption) key pairs."""
    sign_key = Ed25519PrivateKey.generate()
    enc_key = X25519PrivateKey.generate()
    return Identity(
        sign_private=sign_key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC),
        enc_private=enc_key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC),
        sign_public=sign_key.public_key().public_bytes(_RAW, _RAW_PUB),
        enc_public=enc_key.public_key().public_bytes(_RAW, _RAW_PUB),
    )


def identity_from_private(sign_private: bytes, enc_private: bytes) -> Identity:
    """Rebuild an identity from its stored private halves (the public halves follow)."""
    if len(sign_private) != KEY_BYTES or len(enc_private) != KEY_BYTES:
        raise ValueError("private keys must be 32 raw bytes each")
    sign_key = Ed25519PrivateKey.from_private_bytes(bytes(sign_private))
    enc_key = X25519PrivateKey.from_private_bytes(bytes(enc_private))
    return Identity(
        sign_private=bytes(sign_private),
        enc_private=bytes(enc_private),
        sign_public=sign_key.public_key().public_bytes(_RAW, _RAW_PUB),
        enc_public=enc_key.public_key().public_bytes(_RAW, _RAW_PUB),
    )


def fingerprint(sign_public: bytes, enc_public: bytes) -> str:
    """Eight groups of four base32 characters (160 bits) naming both public keys.

    Base32 (A-Z, 2-7) has no 0/O or 1/I/l pairs, so it survives being read aloud by phone.
    """
    if len(sign_public) != KEY_BYTES or len(enc_public) != KEY_BYTES:
        raise ValueError("public keys must be 32 raw bytes each")
    digest = hashlib.sha256(_FINGERPRINT_DOMAIN + bytes(sign_public) + bytes(enc_public))
    text = base64.b32encode(digest.digest()[:20]).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalize_fingerprint(text: str) -> str:
    """The canonical spelling of a fingerprint typed with any spacing, dashes or case."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def sign(identity: Identity, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(identity.sign_private).sign(message)


def verify(sign_public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def content_hash(entry: dict[str, Any]) -> str:
    """SHA-256 hex of an entry's shareable content (title, body, sections).

    Binds a comment to the exact version of the entry it was written about.  Missing and
    empty values hash alike so sender and receiver need not agree on how they store "none".
    """
    content = {
        "title": entry.get("title") or "",
        "body": entry.get("body") or "",
        "sections": entry.get("sections") or {},
    }
    return hashlib.sha256(canonical_json(content)).hexdigest()


# --- contact cards ---------------------------------------------------------------------


@dataclass(frozen=True)
class ContactCard:
    name: str
    sign_public: bytes
    enc_public: bytes
    fingerprint: str
    role_hint: str | None
    created: str


_CARD_KEYS = frozenset(
    {
        "format",
        "version",
        "name",
        "role_hint",
        "sign_public",
        "enc_public",
        "fingerprint",
        "created",
        "signature",
    }
)


def _card_signing_bytes(fields: dict[str, Any]) -> bytes:
    return _CONTACT_SIG_DOMAIN + canonical_json(fields)


def make_contact_card(name: str, identity: Identity, role_hint: str | None = None) -> bytes:
    """A small self-signed JSON document carrying a name and both public keys."""
    check_name(name)
    if role_hint is not None and role_hint not in ROLE_HINTS:
        raise UsageError(f"The role must be one of: {', '.join(sorted(ROLE_HINTS))}.")
    fields: dict[str, Any] = {
        "format": CONTACT_FORMAT,
        "version": CONTACT_VERSION,
        "name": name,
        "role_hint": role_hint,
        "sign_public": b64encode(identity.sign_public),
        "enc_public": b64encode(identity.enc_public),
        "fingerprint": identity.fingerprint,
        "created": utc_timestamp(),
    }
    fields["signature"] = b64encode(sign(identity, _card_signing_bytes(fields)))
    # Indented so a person opening the file can see the name and fingerprint.
    text = json.dumps(fields, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def read_contact_card(data: bytes) -> ContactCard:
    """Decode and verify a contact card; raises ``PacketRejected`` on anything wrong."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("contact card data must be bytes")
    if len(data) > MAX_CONTACT_CARD_BYTES:
        raise reject(
            "oversize",
            f"This contact card is larger than {MAX_CONTACT_CARD_BYTES // 1024} KiB, "
            "so it is not a ReflectJournal contact card.",
        )
    try:
        doc = strict_json_loads(bytes(data))
    except StrictJSONError:
        raise reject("not_a_card", "This file is not a ReflectJournal contact card.") from None
    if not isinstance(doc, dict) or doc.get("format") != CONTACT_FORMAT:
        raise reject("not_a_card", "This file is not a ReflectJournal contact card.")
    version = doc.get("version")
    if type(version) is not int or version != CONTACT_VERSION:
        raise reject(
            "unsupported_version",
            "This contact card was made by a newer or unknown version of ReflectJournal; "
            "update ReflectJournal and try again.",
        )
    malformed = reject(
        "malformed",
        "This contact card is damaged or incomplete; ask its owner to export it again.",
    )
    if set(doc) != _CARD_KEYS:
        raise malformed
    role_hint = doc["role_hint"]
    if (
        name_problem(doc["name"]) is not None
        or (role_hint is not None and role_hint not in ROLE_HINTS)
        or not is_timestamp(doc["created"])
        or not isinstance(doc["fingerprint"], str)
    ):
        raise malformed
    try:
        sign_public = b64decode_exact(doc["sign_public"], KEY_BYTES)
        enc_public = b64decode_exact(doc["enc_public"], KEY_BYTES)
        signature = b64decode_exact(doc["signature"], SIGNATURE_BYTES)
    except ValueError:
        raise malformed from None
    fields = {key: value for key, value in doc.items() if key != "signature"}
    if not verify(sign_public, signature, _card_signing_bytes(fields)):
        raise reject(
            "bad_signature",
            "This contact card's signature does not match its keys, so it was altered "
            "or damaged; ask its owner to export it again.",
        )
    actual = fingerprint(sign_public, enc_public)
    if doc["fingerprint"] != actual:
        raise reject(
            "fingerprint_mismatch",
            "This contact card's printed fingerprint does not match its keys, so it "
            "cannot be trusted.",
        )
    return ContactCard(
        name=doc["name"],
        sign_public=sign_public,
        enc_public=enc_public,
        fingerprint=actual,
        role_hint=role_hint,
        created=doc["created"],
    )
