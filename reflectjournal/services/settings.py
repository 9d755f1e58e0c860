"""Journal settings: every key in one registry, read and written in one place.

Settings live in the encrypted journal (the ``setting`` table), so they travel with the file
and nothing about the owner lands on disk in plain text. A key not in ``REGISTRY`` is a bug
(``require`` says so), except the per-entry draft keys under ``DRAFT_PREFIX``.
"""

from __future__ import annotations

from typing import NamedTuple

from reflectjournal.storage.database import Database


# A typed tuple: every open reads a setting, and a frozen dataclass costs ~1 ms to create.
class SettingKey(NamedTuple):
    key: str
    default: str
    meaning: str


OWNER_NAME = SettingKey(
    "owner.name", "", "the journal owner's name, shown to people they share with"
)
SENSITIVE_NAMES = SettingKey(
    "privacy.sensitive_names", "[]", "JSON list of names the privacy check looks for"
)
FINE_NAMES = SettingKey(
    "privacy.fine_names", "[]", "JSON list of staff and public names the privacy check lets pass"
)
BACKUP_KEEP = SettingKey("backup.keep", "5", "how many automatic backups to keep; 0 turns them off")
AUTOLOCK_MINUTES = SettingKey(
    "gui.autolock_minutes", "15", "minutes of inactivity before the window locks; 0 never"
)
REMINDER_TIME = SettingKey("reminder.time", "", "HH:MM of the daily reminder, empty for none")
CARE_NOTE = SettingKey(
    "wellbeing.care_note", "on", "off hides the care-for-the-carer note on the own Patterns page"
)
RETENTION_MONTHS = SettingKey(
    "coaching.retention_months", "", "months coaching records are kept after a relationship ends"
)
BUILTIN_FRAMEWORKS = SettingKey(
    "frameworks.builtin_fingerprint", "", "which shipped framework files the journal holds"
)
SHOW_STREAK = SettingKey(
    "patterns.show_streak", "0", "1 shows the writing streak on the Patterns page (off by default)"
)
REVALIDATION_REGULATOR = SettingKey(
    "revalidation.regulator", "", "nmc, gmc or hcpc: whose revalidation the tracker follows"
)
REVALIDATION_RENEWAL = SettingKey(
    "revalidation.renewal", "", "ISO date the current revalidation cycle ends"
)
SPELLING = SettingKey("spelling.on", "1", "0 turns British English spell check off in the editor")
SPELLING_WORDS = SettingKey(
    "spelling.words", "[]", "JSON list of words added to this journal's own dictionary"
)
DRAFT_PREFIX = "draft."  # draft.<entry id> or draft.new: unsaved editor state (gui/drafts.py)
# contact.verified:<fingerprint> = ISO date the contact's key was compared (sharing/verification.py)
VERIFIED_PREFIX = "contact.verified:"
PREFIXES = (DRAFT_PREFIX, VERIFIED_PREFIX)  # families of keys, one per draft or contact

REGISTRY: dict[str, SettingKey] = {
    s.key: s
    for s in (
        OWNER_NAME,
        SENSITIVE_NAMES,
        FINE_NAMES,
        BACKUP_KEEP,
        AUTOLOCK_MINUTES,
        REMINDER_TIME,
        CARE_NOTE,
        RETENTION_MONTHS,
        BUILTIN_FRAMEWORKS,
        SHOW_STREAK,
        REVALIDATION_REGULATOR,
        REVALIDATION_RENEWAL,
        SPELLING,
        SPELLING_WORDS,
    )
}

_UPSERT = (
    "INSERT INTO setting(key, value) VALUES (?, ?) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


def require(key: SettingKey | str) -> str:
    """The key's text, refusing keys nobody registered (a typo would silently lose a setting)."""
    name = key.key if isinstance(key, SettingKey) else key
    if name not in REGISTRY and not name.startswith(PREFIXES):
        raise KeyError(f"unregistered setting {name!r}; add it to services/settings.py")
    return name


def read(db: Database, key: SettingKey | str, default: str | None = None) -> str:
    name = require(key)
    value = db.scalar("SELECT value FROM setting WHERE key = ?", (name,))
    if value is not None:
        return str(value)
    if default is not None:
        return default
    return key.default if isinstance(key, SettingKey) else REGISTRY.get(name, _NONE).default


def write(db: Database, key: SettingKey | str, value: str) -> None:
    """Set one key (joins the caller's transaction if there is one)."""
    with db.transaction():
        db.execute(_UPSERT, (require(key), value))


def delete(db: Database, key: SettingKey | str) -> None:
    with db.transaction():
        db.execute("DELETE FROM setting WHERE key = ?", (require(key),))


def with_prefix(db: Database, prefix: str) -> list[tuple[str, str]]:
    """(key, value) pairs whose key starts with ``prefix``, in key order."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.query(
        "SELECT key, value FROM setting WHERE key LIKE ? ESCAPE '\\' ORDER BY key",
        (escaped + "%",),
    )
    return [(str(r[0]), str(r[1])) for r in rows]


_NONE = SettingKey("", "", "")

__all__ = [
    "AUTOLOCK_MINUTES",
    "BACKUP_KEEP",
    "CARE_NOTE",
    "DRAFT_PREFIX",
    "PREFIXES",
    "FINE_NAMES",
    "OWNER_NAME",
    "REGISTRY",
    "REMINDER_TIME",
    "RETENTION_MONTHS",
    "SENSITIVE_NAMES",
    "SettingKey",
    "VERIFIED_PREFIX",
    "delete",
    "read",
    "require",
    "with_prefix",
    "write",
]
