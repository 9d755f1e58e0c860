"""Key derivation for SQLCipher journals, versioned so its cost can be raised again.

We hand SQLCipher a raw 256-bit key that we derive ourselves, instead of letting SQLCipher run
PBKDF2 on the passphrase at every open. Two reasons:

* a memory-hard function (Argon2id now, scrypt before) makes guessing passphrases on GPUs and
  custom hardware far costlier than PBKDF2;
* the OS keyring can hold the derived key, so unlocking from the keyring needs no key
  stretching at all and the command line stays fast.

The salt is the 16 bytes SQLCipher keeps at the start of every encrypted file, and it also
carries the scheme: ``b"RJ"`` + one scheme byte + 13 random bytes (104 bits of salt). Keeping the
marker inside the salt means it travels with every copy SQLCipher makes (backup, restore,
migration copy) with no side file to lose, and it cannot be edited to a cheaper scheme: the salt
is part of the key, so a changed marker just fails to open the file. Files written before
schemes existed have a fully random salt and use scheme 1; in the 1-in-65,536 case that such a
salt begins with the marker, the marked scheme fails and scheme 1 is tried next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

SALT_BYTES = 16
KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"
MARKER = b"RJ"

# The test suite creates hundreds of journals: it sets this variable so new journals use the
# cheap TEST scheme. A journal made that way is upgraded at its next unlock without it.
ENV_TEST_KDF = "REFLECTJOURNAL_TEST_WEAK_KDF"


# Typed tuples, not dataclasses: this module is on every open's path, and a frozen dataclass
# costs ~1 ms to create at import (generated methods compiled), a NamedTuple a tenth of that.
class Scheme(NamedTuple):
    number: int
    kdf: str  # "scrypt" | "argon2id"
    # scrypt: n, r, p. argon2id: memory in KiB, iterations, lanes.
    cost: tuple[int, int, int]
    marked: bool = True

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        secret = passphrase.encode("utf-8")
        if self.kdf == "scrypt":
            from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

            n, r, p = self.cost
            return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(secret)
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        memory, iterations, lanes = self.cost
        return Argon2id(
            salt=salt, length=KEY_BYTES, iterations=iterations, lanes=lanes, memory_cost=memory
        ).derive(secret)


# Never change a scheme's parameters (that would lock people out of their files): add one.
LEGACY = Scheme(1, "scrypt", (2**15, 8, 1), marked=False)  # 32 MiB, ~90 ms
# Argon2id, 128 MiB, 3 passes, 4 lanes: ~0.4 s of one core here, 0.5-1 s on a 2020 laptop.
ARGON2ID_128M = Scheme(2, "argon2id", (128 * 1024, 3, 4))
TEST = Scheme(0x7F, "scrypt", (2**10, 8, 1))  # ~1 ms; only with ENV_TEST_KDF
SCHEMES = {s.number: s for s in (LEGACY, ARGON2ID_128M, TEST)}
PRODUCTION = ARGON2ID_128M


def current_scheme() -> Scheme:
    """The scheme new keys are made with (and older files are upgraded to)."""
    return TEST if os.environ.get(ENV_TEST_KDF) == "1" else PRODUCTION


def scheme_of(salt: bytes) -> Scheme:
    if len(salt) == SALT_BYTES and salt[:2] == MARKER and salt[2] in SCHEMES:
        scheme = SCHEMES[salt[2]]
        if scheme.marked:
            return scheme
    return LEGACY


def schemes_to_try(salt: bytes) -> list[Scheme]:
    """The salt's scheme, then (for a marked salt that may be a legacy random one) scheme 1."""
    first = scheme_of(salt)
    return [first] if first is LEGACY else [first, LEGACY]


def new_salt(scheme: Scheme) -> bytes:
    if not scheme.marked:
        return os.urandom(SALT_BYTES)
    return MARKER + bytes([scheme.number]) + os.urandom(SALT_BYTES - 3)


class RawKey(NamedTuple):
    """A derived SQLCipher key; ``salt`` is only needed when creating a file."""

    key: bytes
    salt: bytes | None = None

    def __repr__(self) -> str:  # never the key itself, in a log line or a traceback
        return "RawKey(...)"

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


def derive_key(passphrase: str, salt: bytes, scheme: Scheme | None = None) -> RawKey:
    """The key for ``salt`` under its own scheme (or ``scheme``, to try an alternative)."""
    chosen = scheme or scheme_of(salt)
    return RawKey(chosen.derive(passphrase, salt))


def candidate_keys(passphrase: str, salt: bytes) -> Iterator[tuple[Scheme, RawKey]]:
    """Keys to try, cheapest certain first: see ``schemes_to_try``. A generator, so the
    fallback is only derived when the first key failed."""
    for scheme in schemes_to_try(salt):
        yield scheme, RawKey(scheme.derive(passphrase, salt))


def new_key(passphrase: str, scheme: Scheme | None = None) -> RawKey:
    """A key and fresh, scheme-marked salt for a file about to be created."""
    chosen = scheme or current_scheme()
    salt = new_salt(chosen)
    return RawKey(chosen.derive(passphrase, salt), salt)


def read_salt(path: Path) -> bytes | None:
    """The salt of an encrypted journal, or None if the file is too short to be one."""
    with open(path, "rb") as handle:
        head = handle.read(SALT_BYTES)
    return head if len(head) == SALT_BYTES else None


def is_plain_sqlite(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attack"
_ESTIMATE_CHARS = 100  # zxcvbn slows down on very long input; a prefix decides anyway


def _estimate(passphrase: str, user_inputs: tuple[str, ...] = ()) -> dict[str, Any]:
    from zxcvbn import zxcvbn

    words = ["reflectjournal", "reflect", "journal", "diary", *user_inputs]
    result: dict[str, Any] = zxcvbn(passphrase[:_ESTIMATE_CHARS], user_inputs=words)
    return result


def passphrase_problem(passphrase: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new passphrase is refused, or None if acceptable.

    Length alone says little ("password1234" is long, "Tr0ub4dor&3" is short and fair), so
    the decision is zxcvbn's: its estimate of guesses against dictionaries, common passwords,
    names, keyboard patterns, dates and l33t substitutions, refused below score 3 (about 10^8
    guesses; with Argon2id at 0.5 s per guess that is years on one machine).
    """
    if "\x00" in passphrase:
        return "The passphrase must not contain a NUL character."
    if len(passphrase) < 8:
        return "The passphrase is too short: use at least 8 characters, or a few unrelated words."
    result = _estimate(passphrase, user_inputs)
    if result["score"] >= MIN_SCORE:
        return None
    warning = (result.get("feedback") or {}).get("warning") or ""
    why = f" ({warning.rstrip('.')})" if warning else ""
    return (
        f"That passphrase would be easy to guess{why}; use four or more unrelated words, "
        "or the suggested one."
    )


def strength_hint(passphrase: str, user_inputs: tuple[str, ...] = ()) -> tuple[int, str]:
    """A 0-4 score and a one-line hint, for the passphrase meter."""
    if len(passphrase) < 8:
        return 0, "Too short: use at least 8 characters, or a few unrelated words."
    result = _estimate(passphrase, user_inputs)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    advice = feedback.get("warning") or " ".join(feedback.get("suggestions") or [])
    label = {0: "Very weak", 1: "Weak", 2: "Fair", 3: "Good", 4: "Strong"}[score]
    if score < MIN_SCORE:
        return score, f"{label}: {advice or 'add more unrelated words.'}"
    return score, f"{label}."


@lru_cache(maxsize=1)
def _words() -> tuple[str, ...]:
    from importlib import resources

    text = (resources.files("reflectjournal.resources") / "wordlists" / "eff_large.txt").read_text(
        encoding="utf-8"
    )
    return tuple(w for w in text.split("\n") if w and not w.startswith("#"))


def generate_passphrase(words: int = 6) -> str:
    """Six words drawn with ``secrets`` from the EFF long list: log2(7776^6) = 77 bits."""
    import secrets  # not at import: it loads hmac and OpenSSL, which unlocking never needs

    pool = _words()
    return " ".join(secrets.choice(pool) for _ in range(words))
