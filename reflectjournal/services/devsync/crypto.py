"""Sealing what goes into the place, and the sync key's wrappings (``cryptography``).

- Every change set, snapshot part and device record is compressed, then sealed with
  AES-256-GCM under the sync key of its epoch; the object's name is associated data, so an
  object renamed or swapped in the place fails to open instead of being applied.
- The sync keys (every epoch's, so old change sets stay readable) travel wrapped twice:
  under a key derived from the journal's passphrase (the journal's own Argon2id scheme with a
  fresh salt: a new device joins with the passphrase), and to each device's X25519 key (so
  devices pick up a rotated key without the passphrase, and a removed device cannot).
- A passphrase change re-wraps the keys; nothing else is re-uploaded.
"""

from __future__ import annotations

import json
import os
import secrets
import zlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from reflectjournal.errors import ReflectJournalError
from reflectjournal.storage.keys import SALT_BYTES, current_scheme, new_salt, scheme_of

SEALED = b"RJS1"
BY_PASSPHRASE = b"RJW1"
TO_DEVICE = b"RJD1"
MAX_PLAIN = 256 * 1024 * 1024  # a decompressed object larger than this is refused


class Unreadable(ReflectJournalError):
    """An object in the place that does not open (damaged, half-written, or not ours)."""


def new_sync_key() -> bytes:
    return secrets.token_bytes(32)


def seal(key: bytes, epoch: int, name: str, payload: bytes) -> bytes:
    header = SEALED + epoch.to_bytes(4, "big")
    nonce = os.urandom(12)
    body = AESGCM(key).encrypt(nonce, zlib.compress(payload, 6), header + name.encode())
    return header + nonce + body


def epoch_of(data: bytes) -> int | None:
    if len(data) < 8 + 12 + 16 or data[:4] != SEALED:
        return None
    return int.from_bytes(data[4:8], "big")


def unseal(keys: dict[int, bytes], name: str, data: bytes) -> bytes:
    epoch = epoch_of(data)
    if epoch is None or epoch not in keys:
        raise Unreadable(name)
    try:
        packed = AESGCM(keys[epoch]).decrypt(data[8:20], data[20:], data[:8] + name.encode())
        inflater = zlib.decompressobj()
        plain = inflater.decompress(packed, MAX_PLAIN)
        if inflater.unconsumed_tail:
            raise Unreadable(name)
        return plain
    except (InvalidTag, zlib.error) as exc:
        raise Unreadable(name) from exc


def _keys_json(keys: dict[int, bytes]) -> bytes:
    return json.dumps({str(e): k.hex() for e, k in sorted(keys.items())}).encode()


def _keys_from(plain: bytes) -> dict[int, bytes]:
    doc = json.loads(plain)
    return {int(e): bytes.fromhex(k) for e, k in doc.items()}


def wrap_with_passphrase(keys: dict[int, bytes], passphrase: str, name: str) -> bytes:
    salt = new_salt(current_scheme())
    kek = current_scheme().derive(passphrase, salt)
    nonce = os.urandom(12)
    body = AESGCM(kek).encrypt(nonce, _keys_json(keys), BY_PASSPHRASE + name.encode())
    return BY_PASSPHRASE + salt + nonce + body


def unwrap_with_passphrase(data: bytes, passphrase: str, name: str) -> dict[int, bytes] | None:
    """The keys, or None when the passphrase does not open them."""
    if data[:4] != BY_PASSPHRASE or len(data) < 4 + SALT_BYTES + 12 + 16:
        raise Unreadable(name)
    salt = data[4 : 4 + SALT_BYTES]
    kek = scheme_of(salt).derive(passphrase, salt)
    nonce = data[4 + SALT_BYTES : 16 + SALT_BYTES]
    try:
        plain = AESGCM(kek).decrypt(nonce, data[16 + SALT_BYTES :], BY_PASSPHRASE + name.encode())
    except InvalidTag:
        return None
    return _keys_from(plain)


def new_device_key() -> bytes:
    return X25519PrivateKey.generate().private_bytes_raw()


def device_public(private: bytes) -> bytes:
    return (
        X25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def _kek(shared: bytes, name: str) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"rj-device-wrap:" + name.encode()).derive(
        shared
    )


def wrap_to_device(keys: dict[int, bytes], public: bytes, name: str) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    eph_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    nonce = os.urandom(12)
    body = AESGCM(_kek(shared, name)).encrypt(nonce, _keys_json(keys), TO_DEVICE + eph_public)
    return TO_DEVICE + eph_public + nonce + body


def unwrap_for_device(data: bytes, private: bytes, name: str) -> dict[int, bytes]:
    if data[:4] != TO_DEVICE or len(data) < 4 + 32 + 12 + 16:
        raise Unreadable(name)
    eph_public = data[4:36]
    shared = X25519PrivateKey.from_private_bytes(private).exchange(
        X25519PublicKey.from_public_bytes(eph_public)
    )
    try:
        plain = AESGCM(_kek(shared, name)).decrypt(data[36:48], data[48:], TO_DEVICE + eph_public)
    except InvalidTag as exc:
        raise Unreadable(name) from exc
    return _keys_from(plain)
