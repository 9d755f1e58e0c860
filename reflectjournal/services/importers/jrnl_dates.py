"""Reading jrnl's entry dates as the user wrote them.

jrnl writes each entry's date with the journal's ``timeformat`` (``strftime``) and reads it
back with ``strptime``, falling back to a fuzzy parser. We do the same when the format is
known (the user's jrnl configuration, or ``--date-format``), and otherwise recognise the
common layouts:

* year first: ``2024-01-05 08:30``, ``2024-01-05 08:30:00 PM`` (jrnl's ``%F %r``), ``2024/01/05``;
* day or month first: ``05.01.2024 08:30``, ``05/01/2024 8:30 PM``, ``05-01-2024``. Which one
  is settled by the dates themselves (a 13th or later in either place); a journal where every
  date could be read both ways is refused with a sentence naming ``--date-format``, never
  guessed. With dots, day first is assumed, as nobody writes months first with dots.

A date without a time is placed at 09:00 (jrnl's ``default_hour``). A *partial* date,
``[2019-07 14:23]``, is read as jrnl reads it: the first of the month (the entry carries a
note saying so, for the report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from reflectjournal.errors import ImportFailed

from .records import in_range, localise

DEFAULT_HOUR, DEFAULT_MINUTE = 9, 0

_TIME = r"(?:[ T,]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})" + _TIME)
_PARTIAL = re.compile(r"(\d{4})-(\d{1,2})" + _TIME)
# A year and a time, no month or day: jrnl (dateutil) reads it as 1 January of that year.
_YEAR_ONLY = re.compile(r"(\d{4})[ T,]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?")
#: Starts like a date, so a bracket holding it is an entry's date line, read or not.
DATEISH = re.compile(
    r"\s*(?:\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?(?:\s|T|$)|\d{4}[ T]\d{1,2}:\d{2})"
)


@dataclass(frozen=True)
class Stamp:
    when: datetime
    note: str | None = None  # set when the date was completed (a partial date)


def _clock(
    hour: str | None, minute: str | None, second: str | None, half: str | None
) -> tuple[int, int, int] | None:
    h = DEFAULT_HOUR if hour is None else int(hour)
    m = DEFAULT_MINUTE if minute is None else int(minute)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "p" else 0)
    return h, m, int(second or 0)


def _make(
    y: int, mo: int, d: int, clock: tuple[int, int, int] | None, tz: tzinfo
) -> datetime | None:
    if clock is None:
        return None
    try:
        naive = datetime(y, mo, d, *clock)
    except ValueError:
        return None
    return localise(naive, tz) if in_range(naive) else None


class DateReader:
    """Turns the text of a date into an aware time, in one of three ways (see module notes).

    ``fmt`` is a strptime format; ``order`` is ``"dmy"`` or ``"mdy"`` for day/month-first
    dates (decided by :class:`OrderEvidence`).
    """

    def __init__(self, tz: tzinfo, fmt: str | None = None, order: str | None = None):
        self.tz = tz
        self.fmt = _for_strptime(fmt) if fmt else None
        self.order = order
        self.width = len(datetime(2024, 12, 28, 23, 59, 59).strftime(fmt)) if fmt else 0

    def read(self, text: str) -> Stamp | None:
        """The whole of ``text`` as a date, or None."""
        text = text.strip()
        if self.fmt:
            try:
                naive = datetime.strptime(text, self.fmt)
            except ValueError:
                naive = None
            if naive is not None and in_range(naive):
                return Stamp(localise(naive, self.tz))
        match = _YEAR_FIRST.fullmatch(text)
        if match:
            y, _, mo, d, *clock = match.groups()
            when = _make(int(y), int(mo), int(d), _clock(*clock), self.tz)
            return Stamp(when) if when else None
        match = _YEAR_LAST.fullmatch(text)
        if match:
            a, _, b, y, *clock = match.groups()
            if self.order == "ask" and a != b and int(a) <= 12 and int(b) <= 12:
                return None  # could be either; the caller says so
            day, month = (a, b) if self._day_first(match.group(2)) else (b, a)
            when = _make(int(y), int(month), int(day), _clock(*clock), self.tz)
            return Stamp(when) if when else None
        match = _PARTIAL.fullmatch(text)
        if match:
            y, mo, *clock = match.groups()
            when = _make(int(y), int(mo), 1, _clock(*clock), self.tz)
            if when:
                return Stamp(
                    when,
                    f"the date '{text}' has no day; read as the 1st of the month, as jrnl does",
                )
        match = _YEAR_ONLY.fullmatch(text)
        if match:
            y, *clock = match.groups()
            when = _make(int(y), 1, 1, _clock(*clock), self.tz)
            if when:
                return Stamp(
                    when,
                    f"the date '{text}' has no month or day; read as 1 January, as jrnl does",
                )
        return None

    def read_prefix(self, line: str) -> tuple[Stamp, str] | None:
        """A date at the start of ``line`` (jrnl 1.x entries, Markdown export headings) and
        the rest of the line after it."""
        if self.fmt and len(line) >= self.width:
            try:
                naive = datetime.strptime(line[: self.width], self.fmt)
            except ValueError:
                naive = None
            if naive is not None and in_range(naive):
                return Stamp(localise(naive, self.tz)), line[self.width + 1 :]
        for pattern in (_YEAR_FIRST, _YEAR_LAST):
            match = pattern.match(line)
            if match and (match.end() == len(line) or line[match.end()] == " "):
                stamp = self.read(match.group(0))
                if stamp is not None:
                    return stamp, line[match.end() + 1 :]
        return None

    def ambiguous(self, text: str) -> bool:
        """True when ``text`` was not read because it could be day-first or month-first."""
        match = _YEAR_LAST.fullmatch(text.strip())
        return bool(
            self.order == "ask"
            and match
            and match.group(1) != match.group(3)
            and int(match.group(1)) <= 12
            and int(match.group(3)) <= 12
        )

    def _day_first(self, separator: str) -> bool:
        if self.order in ("dmy", "mdy"):
            return self.order == "dmy"
        if self.fmt:
            return self.fmt.find("%d") < self.fmt.find("%m")
        return separator == "."


#: strftime shorthands jrnl users write (its default is ``%F %r``) that strptime lacks.
_SHORTHANDS = {"%F": "%Y-%m-%d", "%r": "%I:%M:%S %p", "%T": "%H:%M:%S", "%R": "%H:%M",
               "%D": "%m/%d/%y"}  # fmt: skip


def _for_strptime(fmt: str) -> str:
    for short, long in _SHORTHANDS.items():
        fmt = fmt.replace(short, long)
    return fmt


class OrderEvidence:
    """Collects day/month-first dates seen while scanning, to settle which order they use."""

    def __init__(self) -> None:
        self.other = 0  # dates in another layout (year first)
        self.first_over_12 = 0
        self.second_over_12 = 0
        self.undotted = 0
        self.example: str | None = None

    def see(self, text: str) -> None:
        match = _YEAR_LAST.match(text.strip())
        if not match:
            self.other += 1
            return
        a, sep, b = int(match.group(1)), match.group(2), int(match.group(3))
        if a > 12:
            self.first_over_12 += 1
        if b > 12:
            self.second_over_12 += 1
        if sep != ".":
            self.undotted += 1
            if self.example is None and a <= 12 and b <= 12 and a != b:
                self.example = text.strip()

    def order(self, name: str) -> str | None:
        """``"dmy"``, ``"mdy"``, None (no such dates, or dots), or ``"ask"`` when a few odd
        dates in a year-first journal could be read both ways (those entries are skipped
        with a reason, not guessed). Raises ImportFailed when the journal's own dates are
        ambiguous, or mixed."""
        if self.first_over_12 and self.second_over_12:
            raise ImportFailed(
                f"The dates in {name} are written both day-first and month-first; give the "
                "format with --date-format (for example '%d/%m/%Y %H:%M') and import again."
            )
        if self.first_over_12:
            return "dmy"
        if self.second_over_12:
            return "mdy"
        if self.undotted and self.example is not None:
            if self.other > self.undotted:
                return "ask"
            raise ImportFailed(
                f"The dates in {name} could be day-first or month-first ('{self.example}' "
                "could be either); give the format with --date-format '%d/%m/%Y %H:%M' or "
                "'%m/%d/%Y %H:%M' and import again."
            )
        return None


def check_format(fmt: str) -> str:
    """A ``--date-format`` as given, or ImportFailed when it cannot be a date format."""
    if "%" not in fmt or len(fmt) > 100:
        raise ImportFailed(
            f"'{fmt[:40]}' is not a date format; use strftime codes such as '%d.%m.%Y %H:%M'."
        )
    try:
        datetime(2024, 12, 28, 23, 59).strftime(fmt)
    except ValueError:
        raise ImportFailed(f"'{fmt[:40]}' is not a date format jrnl could have used.") from None
    return fmt
