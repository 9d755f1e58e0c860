"""Dates as users type them, and as the journal stores them.

Stored: UTC ISO text (sortable) plus the writer's UTC offset in minutes, so "which local day
was this written on?" has the answer the writer would give, across time zones and DST.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from reflectjournal.errors import UsageError


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def local_tz() -> tzinfo | None:
    return datetime.now().astimezone().tzinfo


def to_storage(moment: datetime) -> tuple[str, int]:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive means the machine's local time
    offset = moment.utcoffset() or timedelta(0)
    utc = moment.astimezone(UTC).replace(microsecond=0)
    return utc.isoformat(), int(offset.total_seconds() // 60)


_ZONES: dict[int, timezone] = {}


def from_storage(utc_iso: str, offset_minutes: int = 0) -> datetime:
    """The stored moment in the writer's own offset."""
    moment = datetime.fromisoformat(utc_iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # A page of 200 rows has a handful of offsets; making a timezone per row was a third of
    # turning a row into an entry.
    zone = _ZONES.get(offset_minutes)
    if zone is None:
        zone = _ZONES[offset_minutes] = timezone(timedelta(minutes=offset_minutes))
    return moment.astimezone(zone)


def parse_datetime(text: str) -> datetime:
    """``2026-11-26``, ``2026-11-26 09:30``, ``2026-11-26T09:30:00+01:00``, ``today``, ``yesterday``."""
    raw = text.strip()
    lowered = raw.lower()
    today = datetime.now().astimezone()
    if lowered in ("now",):
        return today.replace(microsecond=0)
    if lowered in ("today", "yesterday"):
        day = today.date() - timedelta(days=1 if lowered == "yesterday" else 0)
        return datetime.combine(day, time(12, 0)).astimezone()
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1) if " " in raw else raw)
    except ValueError:
        raise UsageError(
            f"'{text}' is not a date; use a form like 2026-11-26 or 2026-11-26T09:30."
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment


def parse_date(text: str) -> date:
    return parse_datetime(text).date() if "T" in text or " " in text.strip() else _plain_date(text)


def _plain_date(text: str) -> date:
    raw = text.strip().lower()
    if raw in ("today", "now"):
        return date.today()
    if raw == "yesterday":
        return date.today() - timedelta(days=1)
    if raw == "tomorrow":
        return date.today() + timedelta(days=1)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise UsageError(f"'{text}' is not a date; use a form like 2026-11-26.") from None


def range_start(text: str | None) -> str | None:
    """Lower bound (UTC ISO) for ``--since``: a bare date means the start of that local day."""
    if not text:
        return None
    if _is_bare_date(text):
        moment = datetime.combine(_plain_date(text), time.min).astimezone()
    else:
        moment = parse_datetime(text)
    return to_storage(moment)[0]


def range_end(text: str | None) -> str | None:
    """Exclusive upper bound for ``--until``: a bare date includes that whole local day."""
    if not text:
        return None
    if _is_bare_date(text):
        moment = datetime.combine(_plain_date(text) + timedelta(days=1), time.min).astimezone()
    else:
        moment = parse_datetime(text) + timedelta(seconds=1)
    return to_storage(moment)[0]


def _is_bare_date(text: str) -> bool:
    raw = text.strip().lower()
    return raw in ("today", "yesterday", "tomorrow", "now") or (
        len(raw) == 10 and raw[4] == "-" and raw[7] == "-"
    )
