"""Keeping coaching notes responsibly: a retention period, with reminders, never silent deletion.

Coaching bodies (EMCC, ICF) and data protection law ask practitioners to keep notes no longer
than needed and to say how long that is in the agreement. The journal records the period the
practitioner chose and, once a relationship has been over for longer, says so (on the Coaching
page, in ``reminders`` and in ``retention due``). Deleting is always the practitioner's own
act ('person delete NAME --sessions delete'), after which nothing of that person remains.

A relationship is over when its agreement records an end; without an agreement, when the last
session is older than the period (nothing else marks an end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reflectjournal.errors import UsageError
from reflectjournal.services import settings
from reflectjournal.storage.database import Database

SETTING = settings.RETENTION_MONTHS.key
MAX_MONTHS = 240


@dataclass(frozen=True)
class RetentionDue:
    person_id: int
    name: str
    role: str
    since: str  # ISO date the relationship ended (or was last active)
    reason: str  # "ended" | "inactive"
    sessions: int
    goals: int


def months_setting(db: Database) -> int | None:
    value = settings.read(db, settings.RETENTION_MONTHS)
    return int(value) if value and value.isdigit() else None


def set_months(db: Database, months: int | None) -> None:
    """The retention period in months after a relationship ends; None = no period set."""
    if months is not None and not (isinstance(months, int) and 1 <= months <= MAX_MONTHS):
        raise UsageError(
            f"A retention period is a whole number of months from 1 to {MAX_MONTHS}, or 'off'."
        )
    if months is None:
        settings.delete(db, settings.RETENTION_MONTHS)
    else:
        settings.write(db, settings.RETENTION_MONTHS, str(months))


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due(db: Database, today: date | None = None) -> list[RetentionDue]:
    """People whose notes have been kept past the retention period (empty when none is set)."""
    months = months_setting(db)
    if months is None:
        return []
    cutoff = _months_before(today or date.today(), months).isoformat()
    rows = db.query(
        "SELECT p.id, p.name, p.role, a.ended, "
        "(SELECT max(substr(date, 1, 10)) FROM coaching_session s WHERE s.person_id = p.id) "
        "AS last, (SELECT count(*) FROM coaching_session s WHERE s.person_id = p.id) AS n, "
        "(SELECT count(*) FROM goal g WHERE g.person_id = p.id) AS goals "
        "FROM person p LEFT JOIN agreement a ON a.person_id = p.id "
        "WHERE p.role IN ('coachee', 'mentee') ORDER BY p.name COLLATE NOCASE"
    )
    result = []
    for r in rows:
        if not r["n"] and not r["goals"]:
            continue  # nothing held beyond the name
        if r["ended"]:
            if r["ended"] < cutoff:
                result.append(
                    RetentionDue(
                        r["id"], r["name"], r["role"], r["ended"], "ended", r["n"], r["goals"]
                    )
                )
        elif r["last"] and r["last"] < cutoff:
            result.append(
                RetentionDue(
                    r["id"], r["name"], r["role"], r["last"], "inactive", r["n"], r["goals"]
                )
            )
    return result


def sentence(item: RetentionDue, months: int) -> str:
    what = "ended" if item.reason == "ended" else "had its last session"
    return (
        f"Your notes on {item.name} are past your {months}-month retention period (the "
        f"relationship {what} on {item.since}); export what you must keep, then delete them."
    )


class Retention:
    """The retention period and who is past it, for the front ends (``workspace.retention``)."""

    def __init__(self, db: Database):
        self.db = db

    def months(self) -> int | None:
        return months_setting(self.db)

    def set_months(self, months: int | None) -> None:
        set_months(self.db, months)

    def due(self, today: date | None = None) -> list[RetentionDue]:
        return due(self.db, today)

    def sentences(self, today: date | None = None) -> list[str]:
        """One sentence per person past the period (empty when no period is set)."""
        months = self.months()
        return [sentence(d, months) for d in self.due(today)] if months else []
