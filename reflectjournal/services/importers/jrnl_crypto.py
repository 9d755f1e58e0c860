"""Encrypted jrnl journals, decrypted in memory with the jrnl password.

jrnl has written three formats (read from jrnl's own ``jrnl/encryption/`` modules):

* **1.x** (``Jrnlv1Encryption``): raw bytes, a 16-byte IV then AES-256-CBC ciphertext; the key
  is SHA-256 of the password; PKCS7 padding, or space padding in the oldest versions. The text
  inside uses 1.x's unbracketed date lines.
* **2.x** (``Jrnlv2Encryption``): one Fernet token (``gAAAAA…``); the key is PBKDF2-HMAC-SHA256
  of the password over a salt fixed in jrnl's source, 100,000 iterations.
* **3.x** (``Jrnlv3Encryption``): ``JRNLv3``, a big-endian uint16 header length, a header
  (base64 of JSON, or raw JSON in early builds) holding a random ``salt``, then a Fernet token
  keyed as in 2.x with that salt.

Nothing decrypted is written anywhere: the plaintext lives only in the returned ``str``.
A wrong password raises :class:`WrongJrnlPassword`; a missing one :class:`JrnlPasswordNeeded`,
so a front end can ask for it and try again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
from typing import Any

from reflectjournal.errors import ImportFailed

V3_MAGIC = b"JRNLv3"
V2_MAGIC = b"gAAAAA"
#: jrnl 2.x's fixed PBKDF2 salt (jrnl/encryption/Jrnlv2Encryption.py).
V2_SALT = b"\xf2\xd5q\x0e\xc1\x8d.\xde\xdc\x8e6t\x89\x04\xce\xf8"
ITERATIONS = 100_000


class JrnlPasswordNeeded(ImportFailed):
    """The journal is encrypted and no password was given."""


class WrongJrnlPassword(ImportFailed):
    """The password does not open the journal."""


def needs_password_message(version: str) -> str:
    return (
        f"This jrnl journal is encrypted (jrnl {version}); give its jrnl password "
        "(--password-file FILE, or the password field when importing in the app)."
    )


WRONG_PASSWORD = (
    "That password does not open this jrnl journal; nothing was imported, try the password "
    "you use with jrnl."
)


def encryption_of(data: bytes, hint: object = None) -> str | None:
    """``"3.x"``, ``"2.x"``, ``"1.x"`` or None (plain text), by jrnl's own detection order.

    ``hint`` is the journal's ``encrypt`` setting from the jrnl configuration, when found:
    ``"jrnlv1"`` there settles a 1.x file whose random IV happens to start like a Fernet token.
    """
    if data.startswith(V3_MAGIC):
        return "3.x"
    if hint == "jrnlv1" and _could_be_v1(data):
        return "1.x"
    if data.lstrip().startswith(V2_MAGIC) and _is_base64url(data.strip()):
        return "2.x"
    if _could_be_v1(data) and (hint not in (None, False) or _looks_random(data)):
        return "1.x"
    return None


def _is_base64url(data: bytes) -> bool:
    head = data[:4096]
    return all(
        c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in head
    )


def _could_be_v1(data: bytes) -> bool:
    return len(data) >= 32 and len(data) % 16 == 0


def _looks_random(data: bytes) -> bool:
    """Ciphertext is random bytes; any text file, even in a legacy encoding, is mostly ASCII."""
    try:
        data[:65536].decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    texty = sum(1 for b in sample if 32 <= b < 127 or b in (9, 10, 13))
    return texty < 0.8 * len(sample)


def decrypt(data: bytes, password: str | None, version: str) -> str:
    """The journal's text. Raises JrnlPasswordNeeded, WrongJrnlPassword or ImportFailed."""
    if not password:
        raise JrnlPasswordNeeded(needs_password_message(version))
    secret = password.encode("utf-8")
    if version == "1.x":
        plain = _decrypt_v1(data, secret)
    elif version == "2.x":
        plain = _fernet(_pbkdf2(secret, V2_SALT), data.strip())
    else:
        plain = _fernet(_pbkdf2(secret, _v3_salt(data)), _v3_token(data))
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        # v1 has no authentication: a wrong key usually fails the padding, else lands here.
        raise WrongJrnlPassword(WRONG_PASSWORD) from None


def _pbkdf2(secret: bytes, salt: bytes) -> bytes:
    key = hashlib.pbkdf2_hmac("sha256", secret, salt, ITERATIONS, dklen=32)
    return base64.urlsafe_b64encode(key)


def _fernet(key: bytes, token: bytes) -> bytes:
    from cryptography.fernet import Fernet, InvalidToken

    try:
        return Fernet(key).decrypt(token)
    except InvalidToken:
        raise WrongJrnlPassword(WRONG_PASSWORD) from None


_DAMAGED = (
    "This encrypted jrnl journal is damaged (its header cannot be read); nothing was imported."
)


def _v3_header(data: bytes) -> tuple[dict[str, Any], int]:
    offset = len(V3_MAGIC)
    try:
        (length,) = struct.unpack_from(">H", data, offset)
    except struct.error:
        raise ImportFailed(_DAMAGED) from None
    start = offset + 2
    field = data[start : start + length]
    if len(field) != length:
        raise ImportFailed(_DAMAGED)
    try:
        try:
            header = json.loads(base64.b64decode(field, validate=True))
        except binascii.Error:  # early 3.x builds stored the JSON itself
            header = json.loads(field)
    except (ValueError, RecursionError):
        raise ImportFailed(_DAMAGED) from None
    if not isinstance(header, dict):
        raise ImportFailed(_DAMAGED)
    return header, start + length


def _v3_salt(data: bytes) -> bytes:
    header, _ = _v3_header(data)
    salt = header.get("salt")
    try:
        if not isinstance(salt, str):
            raise ValueError
        return base64.urlsafe_b64decode(salt)
    except (ValueError, binascii.Error):
        raise ImportFailed(_DAMAGED) from None


def _v3_token(data: bytes) -> bytes:
    _, end = _v3_header(data)
    return data[end:]


def _decrypt_v1(data: bytes, secret: bytes) -> bytes:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = hashlib.sha256(secret).digest()
    iv, body = data[:16], data[16:]
    if not body or len(body) % 16:
        raise ImportFailed(
            "This file looks like a jrnl 1.x encrypted journal but its length is wrong, "
            "so it is damaged; nothing was imported."
        )
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(body) + decryptor.finalize()
    if padded[-1] == 32:  # the oldest jrnl padded with spaces
        return padded.rstrip(b" ")
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise WrongJrnlPassword(WRONG_PASSWORD) from None
