"""Key derivation for SQLCipher journals.

We hand SQLCipher a raw 256-bit key that we derive ourselves with scrypt, instead of letting
SQLCipher run PBKDF2 on the passphrase at every open. Two reasons:

* scrypt is memory-hard, so guessing passphrases on a GPU is far costlier than with PBKDF2;
* the OS keyring can hold the derived key, so unlocking from the keyring needs no key
  stretching at all and the command line stays fast.

The salt is the 16 random bytes SQLCipher keeps at the start of every encrypted file. A new
journal is created with a salt we choose (``x'<key><salt>'``), and every copy we make (backup,
passphrase change) is keyed the same way, so the passphrase always opens the file it belongs to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SALT_BYTES = 16
KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"

# Scheme 1. Changing these would lock users out of existing files: add a scheme 2 instead.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


@dataclass(frozen=True)
class RawKey:
    """A derived SQLCipher key; ``salt`` is only needed when creating a file."""

    key: bytes
    salt: bytes | None = None

    def pragma_value(self) -> str:
        material = self.key + (self.salt or b"")
        return f"\"x'{material.hex()}'\""

    def hex(self) -> str:
        return self.key.hex()

    @classmethod
    def from_hex(cls, text: str) -> RawKey | None:
        try:
            key = bytes.fromhex(text.strip())
        except ValueError:
            return None
        return cls(key) if len(key) == KEY_BYTES else None


def derive_key(passphrase: str, salt: bytes) -> RawKey:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return RawKey(kdf.derive(passphrase.encode("utf-8")))


def new_key(passphrase: str) -> RawKey:
    """A key and fresh salt for a file about to be created."""
    salt = os.urandom(SALT_BYTES)
    return RawKey(derive_key(passphrase, salt).key, salt)


def read_salt(path: Path) -> bytes | None:
    """The salt of an encrypted journal, or None if the file is too short to be one."""
    with open(path, "rb") as handle:
        head = handle.read(SALT_BYTES)
    return head if len(head) == SALT_BYTES else None


def is_plain_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def passphrase_problem(passphrase: str) -> str | None:
    """Why a new passphrase is refused, or None if acceptable."""
    if len(passphrase) < 8:
        return "The passphrase must be at least 8 characters long."
    if "\x00" in passphrase:
        return "The passphrase must not contain a NUL character."
    return None


def strength_hint(passphrase: str) -> tuple[int, str]:
    """A rough 0-4 score and one-line hint, for the first-run dialog."""
    length = len(passphrase)
    classes = sum(
        bool(f)
        for f in (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
        )
    )
    words = len(passphrase.split())
    if length < 8:
        return 0, "Too short: use at least 8 characters."
    score = 1
    if length >= 12:
        score += 1
    if length >= 16 or words >= 4:
        score += 1
    if classes >= 3 or words >= 4:
        score += 1
    hints = {
        1: "Weak: a few unrelated words make a stronger passphrase.",
        2: "Fair: longer is better than cleverer.",
        3: "Good.",
        4: "Strong.",
    }
    return score, hints[score]
