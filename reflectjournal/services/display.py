"""How the journal shows times, dates and counts to a person: one home for every front end.

- Moments stored in UTC (comments, sessions, backups) are shown in this machine's local time.
- An entry's own time is the writer's wall-clock time (its stored offset), which is what they
  remember writing; for entries written here that is this machine's local time too.
- One date style, "30 Nov 2026", and one date-and-time style, "30 Nov 2026, 12:51".
- Counts agree with their nouns: "1 entry", "2 entries", "1 day".
"""

from __future__ import annotations

from datetime import UTC, date, datetime

_IRREGULAR = {"entry": "entries", "day": "days", "person": "people", "category": "categories"}


def parse_moment(value: str | datetime) -> datetime | None:
    """An aware datetime from stored ISO text (naive means UTC); None for text that is not one."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local(value: str | datetime) -> datetime | None:
    """The moment in this machine's local time zone."""
    moment = parse_moment(value)
    return moment.astimezone() if moment is not None else None


def as_written(value: str | datetime) -> datetime | None:
    """The moment in the offset it carries (an entry's writer's local time)."""
    return parse_moment(value)


def date_text(value: str | datetime | date | None, *, as_stored_offset: bool = False) -> str:
    """ "30 Nov 2026": a date, or a stored moment's local day; text that is no date comes back."""
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return value
    else:
        moment = as_written(value) if as_stored_offset else local(value)
        if moment is None:
            return str(value)
        day = moment.date()
    return f"{day.day} {day:%b %Y}"


def datetime_text(value: str | datetime | None, *, as_stored_offset: bool = False) -> str:
    """ "30 Nov 2026, 12:51" in local time (or, for an entry, in the writer's own offset)."""
    if value is None:
        return ""
    moment = as_written(value) if as_stored_offset else local(value)
    if moment is None:
        return str(value)
    return f"{moment.day} {moment:%b %Y}, {moment:%H:%M}"


def compact_datetime(value: str | datetime, *, as_stored_offset: bool = False) -> str:
    """ "2026-11-30 12:51": the column style of the command line's lists (sortable, scriptable)."""
    if as_stored_offset and isinstance(value, str) and _is_plain_iso(value):
        # An entry's time as written is its stored text's own date and time: no need to parse
        # it (and strftime) for each of a list's lines.
        return f"{value[:10]} {value[11:16]}"
    moment = as_written(value) if as_stored_offset else local(value)
    if moment is None:
        return str(value)[:16].replace("T", " ")
    return moment.strftime("%Y-%m-%d %H:%M")


def _is_plain_iso(text: str) -> bool:
    """``YYYY-MM-DDTHH:MM…`` with a year from 1000 (as ``datetime.isoformat`` writes them)."""
    return (
        len(text) >= 16
        and text[4] == "-"
        and text[7] == "-"
        and text[10] in "T "
        and text[13] == ":"
        and text[0] != "0"
        and (text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16]).isdigit()
        and "0" < text[5:7] < "13"
        and "0" < text[8:10] < "32"
        and text[11:13] < "24"
        and text[14:16] < "60"
        and (len(text) == 16 or not text[16].isdigit())
    )


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 entry", "0 entries", "3 days": the number and the noun that agrees with it."""
    return f"{count} {noun_for(count, noun, many)}"


def noun_for(count: int, noun: str, many: str | None = None) -> str:
    if count == 1:
        return noun
    if many is not None:
        return many
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    return noun + "s"


__all__ = [
    "as_written",
    "compact_datetime",
    "date_text",
    "datetime_text",
    "local",
    "noun_for",
    "parse_moment",
    "plural",
]
