"""Likely patient-identifiable information in text that is about to leave the machine.

Pure functions over strings, no I/O: the share and export paths call :func:`scan` on exactly
what would be sent, show the findings, and can :func:`redact` them.

The detectors aim at high precision (a reflective journal is full of meeting dates, ward
numbers, budgets and staff counts that identify nobody) without giving up recall on the
identifiers that matter:

``nhs-number``
    Ten digits, written together, 3-3-4 with spaces or 3-3-4 with hyphens, whose last digit is
    the valid modulus-11 check digit (weights 10..2; a remainder giving 10 means "never
    issued"). Right after "NHS number"/"NHS no"/"CHI" any grouping of the ten digits counts.
    An invalid check digit is *not* a finding; neither are ten identical digits.
    Scottish CHI numbers use the same check and are found too.
``date-of-birth``
    The rule (precision first):

    1. a date right after a birth cue — "DOB", "D.O.B.", "date of birth", "birth date",
       "born", "born on", "birthday" (up to 25 characters of punctuation and linking words
       such as "is", "was", "on" between the cue and the date). Full dates in any common UK
       form (12/03/1956, 12-03-56, 12.03.1956, 1956-03-12, 12 March 1956, 12th Mar 1956,
       March 12, 1956) and month-year forms (03/1956, March 1956) count, provided the date is
       real and not in the future ("birthday" needs a year at least two years back, so a
       birthday party date is not taken for a birth date);
    2. with no cue, only a *full* date (day, month and four-digit year) at least
       :data:`UNCUED_DOB_MIN_YEARS` years before the current year (and not before 1900).
       Events a leader reflects on — meetings, incidents, deadlines — almost always fall
       within the last few years, so "on 12/03/2026" is never flagged, while a full date
       from decades ago in a note about patients is most often a birth date. Known misses:
       an uncued birth date of a child or young adult; known false alarms: an uncued full date
       of a long-past event ("qualified on 01/09/1998").
``hospital-number``
    A token with at least five digits (or four digits and six characters) right after a cue (MRN, hospital number/no, hosp no,
    patient ID/number, unit number, case number, PAS number, RM/K number), or the letter-then-
    digits shape common to UK trust numbers with no cue: one to three capital letters followed
    by six to nine digits ("RXX123456", "K1234567").
``postcode``
    A full UK postcode (outward and inward code in the official format, e.g. "SW1A 1AA",
    "M1 1AE", "B33 8TH"). Upper case, or lower case when the inward code is not an ordinal
    ("b2 4th floor" is not a postcode).
``phone``
    UK numbers: 0 followed by 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9 (mobiles 07 must
    have 10), optionally grouped with spaces, hyphens or brackets, or the same after +44 /
    0044 (with an optional "(0)"). Short extensions ("ext 4421", "bleep 4471") and non-UK
    numbers are not found.
``email``
    An address with a dotted domain ending in an alphabetic top-level domain.
``sensitive-name``
    Each name the user listed, whole word, any case, any run of spaces between its words, and
    straight or curly apostrophes alike. Names shorter than two characters are ignored.

Overlaps are resolved so findings never overlap: a more specific kind wins (an NHS number
over a phone number, an email over a name inside it), then the longer match.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = ["KINDS", "KIND_LABELS", "Finding", "nhs_number_is_valid", "quiet_scan", "redact", "scan"]

KINDS = (
    "nhs-number",
    "date-of-birth",
    "hospital-number",
    "postcode",
    "phone",
    "email",
    "sensitive-name",
)
KIND_LABELS = {
    "nhs-number": "NHS number",
    "date-of-birth": "date of birth",
    "hospital-number": "hospital or MRN number",
    "postcode": "postcode",
    "phone": "phone number",
    "email": "email address",
    "sensitive-name": "sensitive name",
}
UNCUED_DOB_MIN_YEARS = 16
CONTEXT_CHARS = 30

# Which detector wins when two claim overlapping text (lower wins).
_PRIORITY = {
    "nhs-number": 0,
    "email": 1,
    "hospital-number": 2,  # cued; the uncued shape uses _SHAPE_PRIORITY
    "date-of-birth": 3,
    "phone": 4,
    "postcode": 5,
    "sensitive-name": 7,
}
_SHAPE_PRIORITY = 6


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offsets into the scanned text, end exclusive
    end: int
    text: str  # == scanned_text[start:end]
    context: str  # the finding with a little text either side, on one line

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# ---- NHS numbers ----------------------------------------------------------------------------

_NHS = re.compile(
    r"(?<![0-9A-Za-z+£$€])(?<![0-9][ \u00a0.,-])"
    r"([0-9]{3})([ \u00a0-]?)([0-9]{3})\2([0-9]{4})"
    r"(?![0-9A-Za-z])(?![ \u00a0.,-][0-9])"
)


def nhs_number_is_valid(number: str) -> bool:
    """The NHS number modulus-11 check on ten digits (separators are ignored)."""
    digits = re.sub(r"[ \u00a0-]", "", number)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == digits[0] * 10:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# After an explicit "NHS number" cue any grouping of the ten digits counts ("9434 765 919").
_NHS_CUED = re.compile(
    r"(?<![A-Za-z])(?:nhs|chi)\s*(?:number|no\.?|num|#)?\s*[:#=.]?\s*(?:(?:is|was)\s+)?"
    r"(?P<n>[0-9](?:[ \u00a0-]?[0-9]){9})(?![0-9A-Za-z])(?![ \u00a0.,-][0-9])",
    re.IGNORECASE,
)


def _nhs_numbers(text: str) -> Iterable[tuple[str, int, int, int]]:
    for m in _NHS.finditer(text):
        if nhs_number_is_valid(m.group(1) + m.group(3) + m.group(4)):
            yield "nhs-number", m.start(), m.end(), _PRIORITY["nhs-number"]
    for m in _NHS_CUED.finditer(text):
        if nhs_number_is_valid(m.group("n")):
            yield "nhs-number", m.start("n"), m.end("n"), _PRIORITY["nhs-number"]


# ---- dates of birth -------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    r"(?<![0-9A-Za-z/.-])(?:"
    r"(?P<d1>[0-9]{1,2})(?P<s1>[/.-])(?P<m1>[0-9]{1,2})(?P=s1)(?P<y1>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{2})-(?P<d2>[0-9]{2})"
    r"|(?P<d3>[0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mn3>" + _MONTH_NAME + r"),?\s+"
    r"(?P<y3>[0-9]{4})"
    r"|(?P<mn4>" + _MONTH_NAME + r")\s+(?P<d4>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<y4>[0-9]{4})"
    r"|(?P<m5>[0-9]{1,2})/(?P<y5>[0-9]{4})"
    r"|(?P<mn6>" + _MONTH_NAME + r"),?\s+(?P<y6>[0-9]{4})"
    r")(?![0-9A-Za-z]|[/.-][0-9])",
    re.IGNORECASE,
)
_DOB_CUE = re.compile(
    r"(?<![A-Za-z])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|born|birthday)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_CUE_GAP = re.compile(
    r"[\s:=\-–—,.()\[\]#]*(?:(?:is|was|on|of|as|given|recorded|listed|in)[\s:=\-–—,.]+)*",
    re.IGNORECASE,
)
_CUE_REACH = 25


def _parse_date(m: re.Match[str], today: date) -> tuple[date | None, bool]:
    """(the date, whether it has a day) or (None, False) for an impossible date."""
    g = m.groupdict()
    try:
        if g["d1"]:
            year = int(g["y1"])
            if len(g["y1"]) == 2:
                year += 2000 if year <= today.year % 100 else 1900
            return date(year, int(g["m1"]), int(g["d1"])), True
        if g["y2"]:
            return date(int(g["y2"]), int(g["m2"]), int(g["d2"])), True
        if g["d3"]:
            return date(int(g["y3"]), _MONTHS[g["mn3"][:3].lower()], int(g["d3"])), True
        if g["d4"]:
            return date(int(g["y4"]), _MONTHS[g["mn4"][:3].lower()], int(g["d4"])), True
        if g["m5"]:
            return date(int(g["y5"]), int(g["m5"]), 1), False
        if g["mn6"]:
            return date(int(g["y6"]), _MONTHS[g["mn6"][:3].lower()], 1), False
    except ValueError:
        pass
    return None, False


def _dates_of_birth(text: str, today: date) -> Iterable[tuple[str, int, int, int]]:
    cues = list(_DOB_CUE.finditer(text))
    cue_ends = [m.end() for m in cues]
    priority = _PRIORITY["date-of-birth"]
    for m in _DATE.finditer(text):
        when, has_day = _parse_date(m, today)
        if when is None or when > today or when.year < 1880:
            continue
        start = m.start()
        i = bisect.bisect_right(cue_ends, start) - 1
        cued = (
            i >= 0
            and start - cue_ends[i] <= _CUE_REACH
            and _CUE_GAP.fullmatch(text, cue_ends[i], start) is not None
        )
        if cued and cues[i].group().lower().startswith("birthday"):
            cued = when.year <= today.year - 2  # "birthday party on 12/03/2026" is an event
        four_digit_year = not m.group("y1") or len(m.group("y1")) == 4
        uncued_dob = (
            has_day and four_digit_year and 1900 <= when.year <= today.year - UNCUED_DOB_MIN_YEARS
        )
        if cued or uncued_dob:
            yield "date-of-birth", start, m.end(), priority


# ---- hospital / MRN numbers -----------------------------------------------------------------

_HOSPITAL_CUE = re.compile(
    r"(?<![A-Za-z])(?:"
    r"m\.?r\.?n\.?|medical\s+record\s+(?:number|no\.?)|hospital\s+(?:number|no\.?|num|id)"
    r"|hosp\.?\s*(?:no|number|num)\.?|patient\s+(?:id|identifier|number|no\.?)"
    r"|unit\s+(?:number|no\.?)|case\s+(?:number|no\.?)|pas\s+(?:number|no\.?|id)"
    r"|(?:rm|k)\s+(?:number|no\.?)"
    r")(?![A-Za-z])"
    r"[\s:#=.\-–]*(?:(?:is|was|of)\s+)?"
    r"(?P<id>[A-Za-z]{0,4}[0-9](?:[0-9]|[ -](?=[0-9])){3,14}[A-Za-z]?)"
    r"(?![0-9A-Za-z])(?![/.][0-9])",
    re.IGNORECASE,
)
_HOSPITAL_SHAPE = re.compile(r"(?<![0-9A-Za-z])[A-Z]{1,3}[0-9]{6,9}(?![0-9A-Za-z])")


def _hospital_numbers(text: str) -> Iterable[tuple[str, int, int, int]]:
    for m in _HOSPITAL_CUE.finditer(text):
        token = re.sub(r"[ -]", "", m.group("id"))
        digits = sum(c.isdigit() for c in token)
        if digits >= 5 or (digits >= 4 and len(token) >= 6):
            yield "hospital-number", m.start("id"), m.end("id"), _PRIORITY["hospital-number"]
    for m in _HOSPITAL_SHAPE.finditer(text):
        yield "hospital-number", m.start(), m.end(), _SHAPE_PRIORITY


# ---- postcodes ------------------------------------------------------------------------------

_POSTCODE = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"[ \u00a0]?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|GIR[ \u00a0]?0AA"
    r")(?![0-9A-Za-z])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"[0-9](?:st|nd|rd|th)", re.IGNORECASE)


def _postcodes(text: str) -> Iterable[tuple[str, int, int, int]]:
    for m in _POSTCODE.finditer(text):
        code = m.group()
        if not code.isupper():  # lower/mixed case: needs the space, and "4th" is no inward code
            if _ORDINAL_INWARD.fullmatch(code[-3:]) or not re.search(r"[ \u00a0]", code):
                continue
        yield "postcode", m.start(), m.end(), _PRIORITY["postcode"]


# ---- phone numbers --------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![0-9A-Za-z+/.£$€])"
    r"(?:(?:\+|00)44[ \u00a0-]?(?:\(0\)[ \u00a0-]?)?|\(0|0)"
    r"[1-9](?:[ \u00a0)-]{0,2}[0-9]){7,10}"
    r"(?![0-9A-Za-z])(?![ \u00a0.-][0-9])"
)


def _phones(text: str) -> Iterable[tuple[str, int, int, int]]:
    for m in _PHONE.finditer(text):
        raw = m.group()
        digits = re.sub(r"[^0-9]", "", raw)
        if raw.startswith(("+", "00")):
            national = digits[2:] if raw.startswith("+") else digits[4:]
            if national.startswith("0"):  # the "(0)" some people write
                national = national[1:]
        else:
            national = digits[1:]
        if raw.count("(") != raw.count(")"):
            continue
        if national[:1] not in "1235789" or not 9 <= len(national) <= 10:
            continue
        if national[0] == "7" and len(national) != 10:
            continue
        yield "phone", m.start(), m.end(), _PRIORITY["phone"]


# ---- emails ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})++"
)


def _emails(text: str) -> Iterable[tuple[str, int, int, int]]:
    for m in _EMAIL.finditer(text):
        address = m.group()
        end = m.end()
        while address and address[-1] in ".-":  # sentence punctuation after the address
            address, end = address[:-1], end - 1
        top_level = address.rsplit(".", 1)[-1]
        if "." in address.split("@", 1)[1] and top_level.isalpha() and len(top_level) >= 2:
            yield "email", m.start(), end, _PRIORITY["email"]


# ---- sensitive names ------------------------------------------------------------------------


_APOSTROPHE = re.compile("['’]")


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = set()
    for name in names:
        words = (name or "").split()
        if not words or len(" ".join(words)) < 2:
            continue
        escaped = [_APOSTROPHE.sub("['’]", re.escape(w)) for w in words]
        alternatives.add(r"\s+".join(escaped))
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)  # prefer "Jane Smith" to "Jane"
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)", re.IGNORECASE)


def _names(text: str, names: Sequence[str]) -> Iterable[tuple[str, int, int, int]]:
    pattern = _name_pattern(names)
    if pattern is not None:
        for m in pattern.finditer(text):
            yield "sensitive-name", m.start(), m.end(), _PRIORITY["sensitive-name"]


# ---- scan and redact ------------------------------------------------------------------------


def _context(text: str, start: int, end: int) -> str:
    """The hit in [brackets] with a little text either side, on one line."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)

    def flat(part: str) -> str:
        return " ".join(part.split())

    before, hit, after = flat(text[left:start]), flat(text[start:end]), flat(text[end:right])
    snippet = " ".join(p for p in (before, f"[{hit}]", after) if p)
    return f"{'…' if left > 0 else ''}{snippet}{'…' if right < len(text) else ''}"


def scan(
    text: str, sensitive_names: Sequence[str] = (), *, today: date | None = None
) -> list[Finding]:
    """Every likely identifier in ``text``, sorted by position, never overlapping.

    ``today`` fixes the reference date for the date-of-birth rule (tests); it defaults to the
    current date.
    """
    if not text:
        return []
    if isinstance(sensitive_names, str):  # a single name passed by mistake
        sensitive_names = [sensitive_names]
    today = today or date.today()
    candidates = [
        *_nhs_numbers(text),
        *_emails(text),
        *_hospital_numbers(text),
        *_dates_of_birth(text, today),
        *_phones(text),
        *_postcodes(text),
        *_names(text, sensitive_names),
    ]
    # Most specific kind first, then the longer match, then reading order.
    candidates.sort(key=lambda c: (c[3], c[1] - c[2], c[1]))
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end, _ in candidates:
        i = bisect.bisect_left(starts, start)
        if i > 0 and ends[i - 1] > start:  # overlaps the one before
            continue
        if i < len(starts) and starts[i] < end:  # overlaps the one after
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        chosen.append((kind, start, end))
    chosen.sort(key=lambda c: c[1])
    return [
        Finding(kind, start, end, text[start:end], _context(text, start, end))
        for kind, start, end in chosen
    ]


def quiet_scan(text: str, sensitive_names: Sequence[str] = ()) -> dict[str, int]:
    """Counts per kind, for a small unobtrusive warning in the editor."""
    counts: dict[str, int] = {}
    for finding in scan(text, sensitive_names):
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    return counts


def redact(
    text: str, findings: Iterable[Finding] | None = None, *, sensitive_names: Sequence[str] = ()
) -> str:
    """``text`` with each finding replaced by a marker such as ``[NHS number removed]``.

    Without ``findings`` the text is scanned first. Findings must come from scanning this very
    text (a finding whose offsets do not hold its text raises ``ValueError``); overlapping
    findings are redacted once, as one span.
    """
    if findings is None:
        findings = scan(text, sensitive_names)
    spans = sorted(findings, key=lambda f: (f.start, -f.end))
    out: list[str] = []
    position = 0
    for finding in spans:
        if text[finding.start : finding.end] != finding.text or finding.start < 0:
            raise ValueError("a privacy finding does not belong to this text")
        if finding.start < position:  # overlaps one already redacted: widen that one
            position = max(position, finding.end)
            continue
        out.append(text[position : finding.start])
        out.append(f"[{finding.label} removed]")
        position = finding.end
    out.append(text[position:])
    return "".join(out)
