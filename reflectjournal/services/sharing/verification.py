"""Verified contacts and names that may impersonate someone.

A contact is *verified* once the user confirmed, by phone or in person, that the fingerprint
on the card is the one its owner reads out. The date is kept in the journal's settings under
the fingerprint itself, so a new key for the same name is unverified again.

Kept apart from ``identity.py`` so sharing front ends (packets, the exchange) only need
``is_verified`` / ``needs_confirmation`` before the first send to someone.
"""

from __future__ import annotations

import unicodedata

from reflectjournal.services import settings
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

_PREFIX = settings.VERIFIED_PREFIX


def _key(fingerprint: str) -> str:
    return _PREFIX + fingerprint


def mark_verified(db: Database, fingerprint: str) -> str:
    """Record that ``fingerprint`` was compared and matched; returns the date recorded."""
    when = now_utc().date().isoformat()
    settings.write(db, _key(fingerprint), when)
    return when


def verified_on(db: Database, fingerprint: str | None) -> str | None:
    """The date the fingerprint was confirmed, or None if it never was."""
    if not fingerprint:
        return None
    return settings.read(db, _key(fingerprint), "") or None


def is_verified(db: Database, fingerprint: str | None) -> bool:
    return verified_on(db, fingerprint) is not None


def needs_confirmation(db: Database, fingerprint: str | None) -> bool:
    """True before the first share to a contact whose fingerprint was never confirmed:
    the front end must then ask explicitly (CLI: ``--unverified-ok``)."""
    return not is_verified(db, fingerprint)


def unverified_sentence(name: str, fingerprint: str) -> str:
    return (
        f"You have not confirmed {name}'s fingerprint ({fingerprint}) yet, so this could be "
        "someone else's key; compare it with them by phone or in person first."
    )


def name_warnings(name: str) -> list[str]:
    """Why a contact's name may be dressed up to look like someone else's (empty if not).

    NFKC folds compatibility look-alikes (full-width letters, ligatures, mathematical
    alphabets); the Unicode confusables table catches letters from another script that look
    like Latin ones (Cyrillic "а" in "Ana"), and mixed scripts in one word are flagged.
    """
    from confusable_homoglyphs import confusables

    warnings: list[str] = []
    if unicodedata.normalize("NFKC", name) != name:
        warnings.append(
            "This name uses look-alike characters (such as full-width or styled letters) "
            "that could imitate another name."
        )
    mixed = any(confusables.is_mixed_script(word) for word in name.split())
    if mixed or confusables.is_dangerous(name):
        warnings.append(
            "This name mixes letters from different alphabets that look alike, as an "
            "impostor's card might; check the fingerprint with extra care."
        )
    return warnings
