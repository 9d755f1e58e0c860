"""Likely patient identifiers in text that is about to leave the machine.

Pure functions over strings: the share dialog and ``share export`` run :func:`scan` over every
outgoing title, body and section; the editor runs :func:`quiet_scan` as the user types.

The detectors lean towards recall where a miss would be costly (NHS numbers are checked with
their mod-11 digit, so a random ten-digit number is not flagged, but a valid one always is),
and anchor the noisier kinds (dates of birth, hospital numbers) on the words people write
beside them, because a reflective journal is full of meeting dates and reference numbers that
identify nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CONTEXT_CHARS = 30

LABELS = {
    "nhs-number": "NHS number",
    "date-of-birth": "date of birth",
    "hospital-number": "hospital or MRN number",
    "postcode": "postcode",
    "phone": "phone number",
    "email": "email address",
    "name": "sensitive name",
}

_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
    r",?\s+\d{4})"
)
_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*(?P<hit>" + _DATE + r")",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\d+])(?P<hit>\d{3}[ \-]?\d{3}[ \-]?\d{4})(?![\d])")
# Trust numbers follow a keyword ("MRN 1234567", "hospital no: K123456") or have the common
# letters-then-digits shape ("RJ1234567").
_HOSPITAL_KEYWORD = re.compile(
    r"\b(?:mrn|m\.r\.n\.|hospital\s+(?:number|no\.?|id)|hosp\.?\s+no\.?|patient\s+(?:id|number|no\.?)"
    r"|unit\s+(?:number|no\.?)|case\s+(?:number|no\.?)|pas\s+(?:number|no\.?))"
    r"\s*[:#\-]?\s*(?P<hit>[A-Z]{0,3}\d[\d ]{3,11}\d[A-Z]?)\b",
    re.IGNORECASE,
)
_HOSPITAL_SHAPE = re.compile(r"\b(?P<hit>[A-Z]{1,3}\d{6,8})\b")
_POSTCODE = re.compile(
    r"\b(?P<hit>(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])(?P<hit>(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s\-]?\d){6,8})(?![\d])"
)
_EMAIL = re.compile(r"(?P<hit>\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b)")


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of LABELS
    start: int
    end: int
    text: str
    context: str  # the hit with a little text either side, on one line

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 over the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    snippet = f"{'…' if start > CONTEXT_CHARS else ''}{before}[{text[start:end]}]{after}"
    snippet += "…" if end + CONTEXT_CHARS < len(text) else ""
    return " ".join(snippet.split())


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.split()
    if not words:
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?P<hit>{body})(?!\w)", re.IGNORECASE)


def scan(text: str, sensitive_names: Iterable[str] = ()) -> list[Finding]:
    """Every likely identifier in ``text``, in reading order, without overlaps."""
    raw: list[tuple[str, int, int]] = []

    def collect(kind: str, pattern: re.Pattern[str], keep=lambda m: True) -> None:
        for m in pattern.finditer(text):
            if keep(m):
                raw.append((kind, m.start("hit"), m.end("hit")))

    # Order matters: when two detectors claim the same characters, the earlier one wins.
    collect("nhs-number", _NHS, lambda m: nhs_check_digit_ok(re.sub(r"\D", "", m.group("hit"))))
    collect("date-of-birth", _DOB)
    collect("hospital-number", _HOSPITAL_KEYWORD)
    collect("email", _EMAIL)
    collect("phone", _PHONE, lambda m: 10 <= len(re.sub(r"\D", "", m.group("hit"))) <= 13)
    collect("hospital-number", _HOSPITAL_SHAPE)
    collect("postcode", _POSTCODE)
    for name in sensitive_names:
        pattern = _name_pattern(name)
        if pattern is not None:
            collect("name", pattern)
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, start, end in raw:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        findings.append(Finding(kind, start, end, text[start:end], _context(text, start, end)))
    findings.sort(key=lambda f: f.start)
    return findings


def quiet_scan(text: str, sensitive_names: Iterable[str] = ()) -> dict[str, int]:
    """Counts per kind, for a small unobtrusive warning in the editor."""
    counts: dict[str, int] = {}
    for finding in scan(text, sensitive_names):
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    return counts


def redact(text: str, findings: Iterable[Finding] | None = None, sensitive_names=()) -> str:
    """``text`` with each finding replaced by a marker saying what was removed."""
    found = list(scan(text, sensitive_names) if findings is None else findings)
    for finding in sorted(found, key=lambda f: f.start, reverse=True):
        text = text[: finding.start] + f"[{finding.label} removed]" + text[finding.end :]
    return text
