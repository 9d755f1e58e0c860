"""The revalidation tracker: account details, CPD hours, the feedback log and reflective
discussions, and how far this cycle's evidence goes towards what the regulator asks for.

Records live in ``revalidation_record`` (one table, ``kind`` says which). A reflective
discussion record is built to travel: ``discussion_payload`` is the canonical content the
colleague confirms (by name, registration number, date and the accounts discussed), and
``confirm_discussion`` stores their confirmation when it comes back through the exchange.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services import settings
from reflectjournal.services.regulators import Regulator, regulator, theme_slugs
from reflectjournal.services.settings import REVALIDATION_REGULATOR, REVALIDATION_RENEWAL
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

ACCOUNT_TYPES = ("cpd", "feedback", "event")


@dataclass(frozen=True)
class AccountDetails:
    entry_id: int
    account_type: str
    themes: tuple[str, ...]
    benefit: str


@dataclass(frozen=True)
class CpdActivity:
    uid: str
    date: str
    title: str
    hours: float
    participatory: bool
    method: str
    entry_id: int | None


@dataclass(frozen=True)
class Feedback:
    uid: str
    date: str
    source: str
    summary: str
    entry_id: int | None


@dataclass(frozen=True)
class Discussion:
    uid: str
    date: str
    colleague_name: str
    colleague_pin: str
    colleague_email: str
    entry_ids: tuple[int, ...]
    confirmed_by: str
    confirmed_at: str | None

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by and self.confirmed_at)


@dataclass(frozen=True)
class Account:
    entry_id: int
    date: str
    title: str
    account_type: str  # "" when not chosen yet


@dataclass(frozen=True)
class Tracker:
    regulator: Regulator
    cycle_start: date
    cycle_end: date
    accounts: tuple[Account, ...]
    cpd: tuple[CpdActivity, ...]
    feedback: tuple[Feedback, ...]
    discussions: tuple[Discussion, ...]

    @property
    def cpd_hours(self) -> float:
        return round(sum(a.hours for a in self.cpd), 2)

    @property
    def participatory_hours(self) -> float:
        return round(sum(a.hours for a in self.cpd if a.participatory), 2)

    def still_needed(self) -> tuple[str, ...]:
        """What the cycle still lacks, one plain sentence each (empty when complete)."""
        c, needs = self.regulator.cycle, []
        if c.accounts and len(self.accounts) < c.accounts:
            needs.append(_more(c.accounts - len(self.accounts), "reflective account"))
        if c.cpd_hours and self.cpd_hours < c.cpd_hours:
            needs.append(_more(c.cpd_hours - self.cpd_hours, "hour") + " of CPD")
        if c.participatory_hours and self.participatory_hours < c.participatory_hours:
            gap = c.participatory_hours - self.participatory_hours
            needs.append(_more(gap, "participatory hour"))
        if c.feedback and len(self.feedback) < c.feedback:
            needs.append(_more(c.feedback - len(self.feedback), "piece", "pieces") + " of feedback")
        if c.discussion and not self.discussions:
            needs.append("a reflective discussion with another registrant")
        return tuple(needs)


def _more(amount: float, noun: str, plural: str = "") -> str:
    """'1 more reflective account', '26.5 more hours'."""
    amount = round(amount, 2)
    return f"{amount:g} more {noun if amount == 1 else plural or noun + 's'}"


def _iso_day(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise UsageError(f"The {what} '{value}' is not a date; write it as YYYY-MM-DD.") from None


class RevalidationService:
    def __init__(self, db: Database):
        self.db = db

    # ---- writing ---------------------------------------------------------------------------

    def _insert(self, kind: str, day: str, **fields: Any) -> str:
        uid = uuid.uuid4().hex
        stamp = now_utc().isoformat()
        values = {
            "title": "", "entry_id": None, "account_type": "", "themes": "[]", "benefit": "",
            "hours": None, "participatory": False, "method": "", "notes": "",
            "colleague_name": "", "colleague_pin": "", "colleague_email": "",
            "confirmed_by": "", "confirmed_at": None, "confirmation": "", "origin": "mine",
        } | fields  # fmt: skip
        columns = ["uid", "kind", "date", *values, "created", "updated"]
        with self.db.transaction():
            self.db.execute(
                f"INSERT INTO revalidation_record({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                (uid, kind, day, *values.values(), stamp, stamp),
            )
        return uid

    def _entry(self, entry_id: int | str | None) -> int | None:
        if entry_id in (None, ""):
            return None
        try:
            number = int(entry_id)
        except (TypeError, ValueError):
            raise UsageError(f"'{entry_id}' is not an entry id.") from None
        row = self.db.query_one("SELECT id, kind FROM entry WHERE id = ?", (number,))
        if row is None:
            raise NotFound(f"There is no entry {entry_id}.")
        if row[1] == "shared":
            raise UsageError(f"Entry {entry_id} is someone else's; a reflective account is yours.")
        return number

    def set_account(
        self,
        entry_id: int | str,
        account_type: str,
        themes: list[str] | None = None,
        benefit: str = "",
        regulator_slug: str | None = None,
    ) -> AccountDetails:
        """Record an entry's type of account and the regulator's themes it relates to."""
        number = self._entry(entry_id)
        assert number is not None  # an id was given, so _entry found it or raised
        if account_type not in ACCOUNT_TYPES:
            raise UsageError(
                f"'{account_type}' is not a type of account; choose one of "
                f"{', '.join(ACCOUNT_TYPES)}."
            )
        reg = regulator(regulator_slug or self.regulator_slug())
        chosen = theme_slugs(reg, themes or []) if reg else []
        day = self.db.scalar("SELECT substr(created, 1, 10) FROM entry WHERE id = ?", (number,))
        with self.db.transaction():
            self.db.execute(
                "DELETE FROM revalidation_record WHERE kind = 'account' AND entry_id = ?",
                (number,),
            )
        self._insert(
            "account",
            day,
            entry_id=number,
            account_type=account_type,
            themes=json.dumps(chosen),
            benefit=benefit.strip(),
        )
        return AccountDetails(number, account_type, tuple(chosen), benefit.strip())

    def add_cpd(
        self,
        title: str,
        day: str,
        hours: float,
        participatory: bool = False,
        method: str = "",
        entry_id: int | str | None = None,
    ) -> str:
        if not title.strip():
            raise UsageError("Give the CPD activity a title.")
        if not 0 < hours <= 1000:
            raise UsageError(f"{hours:g} is not a number of CPD hours; give more than 0.")
        return self._insert(
            "cpd",
            _iso_day(day, "date"),
            title=title.strip(),
            hours=float(hours),
            participatory=participatory,
            method=method.strip(),
            entry_id=self._entry(entry_id),
        )

    def add_feedback(
        self, summary: str, day: str, source: str, entry_id: int | str | None = None
    ) -> str:
        if not summary.strip():
            raise UsageError("Write a short summary of the feedback.")
        return self._insert(
            "feedback",
            _iso_day(day, "date"),
            title=summary.strip(),
            method=source.strip(),
            entry_id=self._entry(entry_id),
        )

    def add_discussion(
        self,
        colleague_name: str,
        day: str,
        colleague_pin: str = "",
        colleague_email: str = "",
        entry_ids: list[int | str] | None = None,
    ) -> str:
        if not colleague_name.strip():
            raise UsageError("Name the registrant you had the reflective discussion with.")
        ids = [self._entry(e) for e in entry_ids or []]
        return self._insert(
            "discussion",
            _iso_day(day, "date"),
            colleague_name=colleague_name.strip(),
            colleague_pin=colleague_pin.strip(),
            colleague_email=colleague_email.strip(),
            notes=json.dumps(ids),
        )

    def set_cycle(self, regulator_slug: str, renewal: str) -> None:
        reg = regulator(regulator_slug)
        if reg is None:
            raise UsageError("Name your regulator: nmc, gmc or hcpc.")
        day = _iso_day(renewal, "renewal date")
        with self.db.transaction():  # both or neither
            settings.write(self.db, REVALIDATION_REGULATOR, reg.slug)
            settings.write(self.db, REVALIDATION_RENEWAL, day)

    def regulator_slug(self) -> str | None:
        return settings.read(self.db, REVALIDATION_REGULATOR) or None

    # ---- the travelling discussion record ---------------------------------------------------

    def discussion_payload(self, uid: str) -> dict[str, Any]:
        """The content a colleague confirms: canonical, plain text, no entry bodies."""
        d = self._discussion(uid)
        titles = [
            self.db.scalar("SELECT title FROM entry WHERE id = ?", (i,)) or "" for i in d.entry_ids
        ]
        return {
            "type": "reflective-discussion",
            "uid": d.uid,
            "date": d.date,
            "registrant": settings.read(self.db, settings.OWNER_NAME),
            "colleague": {"name": d.colleague_name, "pin": d.colleague_pin},
            "accounts": titles,
        }

    def confirm_discussion(self, uid: str, confirmed_by: str, signature: str) -> Discussion:
        """Store a colleague's confirmation (their key fingerprint and signature)."""
        self._discussion(uid)
        with self.db.transaction():
            self.db.execute(
                "UPDATE revalidation_record SET confirmed_by = ?, confirmed_at = ?, "
                "confirmation = ?, updated = ? WHERE uid = ? AND kind = 'discussion'",
                (confirmed_by, now_utc().isoformat(), signature, now_utc().isoformat(), uid),
            )
        return self._discussion(uid)

    def _discussion(self, uid: str) -> Discussion:
        found = [d for d in self._discussions(None, None) if d.uid == uid]
        if not found:
            raise NotFound(f"There is no reflective discussion record {uid}.")
        return found[0]

    # ---- reading ---------------------------------------------------------------------------

    def account_details(self) -> dict[int, AccountDetails]:
        return {
            r[0]: AccountDetails(r[0], r[1], tuple(json.loads(r[2] or "[]")), r[3])
            for r in self.db.query(
                "SELECT entry_id, account_type, themes, benefit FROM revalidation_record "
                "WHERE kind = 'account' AND entry_id IS NOT NULL"
            )
        }

    def tracker(
        self,
        regulator_slug: str | None = None,
        renewal: str | None = None,
        today: date | None = None,
    ) -> Tracker:
        reg = regulator(regulator_slug or self.regulator_slug() or "nmc")
        assert reg is not None
        saved = settings.read(self.db, REVALIDATION_RENEWAL) or None
        end_text = renewal or saved
        today = today or datetime.now().astimezone().date()
        end = date.fromisoformat(_iso_day(end_text, "renewal date")) if end_text else today
        start = _years_before(end, reg.cycle.years) + timedelta(days=1)
        span = (start.isoformat(), end.isoformat())
        return Tracker(
            regulator=reg,
            cycle_start=start,
            cycle_end=end,
            accounts=self._accounts(*span),
            cpd=tuple(
                CpdActivity(r[0], r[1], r[2], r[3] or 0.0, bool(r[4]), r[5], r[6])
                for r in self._records("cpd", *span, "hours, participatory, method, entry_id")
            ),
            feedback=tuple(
                Feedback(r[0], r[1], r[3], r[2], r[4])
                for r in self._records("feedback", *span, "method, entry_id")
            ),
            discussions=self._discussions(*span),
        )

    def _records(self, kind: str, start: str, end: str, columns: str) -> list[Any]:
        return self.db.query(
            f"SELECT uid, date, title, {columns} FROM revalidation_record "
            "WHERE kind = ? AND date BETWEEN ? AND ? ORDER BY date, id",
            (kind, start, end),
        )

    def _discussions(self, start: str | None, end: str | None) -> tuple[Discussion, ...]:
        rows = self.db.query(
            "SELECT uid, date, colleague_name, colleague_pin, colleague_email, notes, "
            "confirmed_by, confirmed_at FROM revalidation_record WHERE kind = 'discussion' "
            "AND (? IS NULL OR date BETWEEN ? AND ?) ORDER BY date, id",
            (start, start, end),
        )
        return tuple(
            Discussion(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5] or "[]")), r[6], r[7])
            for r in rows
        )

    def _accounts(self, start: str, end: str) -> tuple[Account, ...]:
        """Entries marked as accounts, and reflections written with the CPD model."""
        rows = self.db.query(
            "SELECT e.id, substr(e.created, 1, 10), e.title, "
            "coalesce((SELECT r.account_type FROM revalidation_record r "
            "WHERE r.kind = 'account' AND r.entry_id = e.id), '') FROM entry e "
            "WHERE e.kind != 'shared' AND substr(e.created, 1, 10) BETWEEN ? AND ? AND "
            "(e.model = 'cpd' OR e.id IN (SELECT entry_id FROM revalidation_record "
            "WHERE kind = 'account')) ORDER BY e.created, e.id",
            (start, end),
        )
        return tuple(Account(r[0], r[1], r[2], r[3]) for r in rows)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
