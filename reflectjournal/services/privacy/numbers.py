"""Health service numbers (NHS, CHI, H&C) and hospital numbers, and numbers that are not.

NHS (England, Wales), CHI (Scotland) and H&C (Northern Ireland) numbers are all ten digits whose
last is a modulus-11 check digit (weights 10..2; a remainder giving 10 is never issued). They
are found in any grouping people write: together, 3-3-4, 4-3-3, 6-4 (CHI), with spaces, hyphens
or dots (one kind of separator per number). Right after an explicit cue ("NHS no", "CHI",
"H&C number") any ten digits count, since a typo in the check digit still points at the
patient. About 1 in 11 random ten-digit numbers passes the check, so a number right after a cue
for something else — a purchase order, PO, Datix, ESR,
cost centre, invoice or ticket — is not reported.

A 6+4 grouping whose first six digits are a real DDMMYY date is taken for a CHI number even when
the check fails: that shape is a CHI number's and little else's.

Which of the three it is: the nearest cue ("NHS", "CHI", "H&C"/"health and care number")
decides; without one, a 6-4 grouping whose first six digits are a real DDMMYY date is a CHI
number, and Scottish or Northern Irish place names in the text pick CHI (first six a date) or
H&C (the 320-399 range) over NHS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .findings import PRIORITY, SHAPE_PRIORITY, Candidate

_SEP = r"[ \u00a0.\-]"
# Ten digits in two to four groups of at least two, one separator throughout.
_TEN = re.compile(
    r"(?<![0-9A-Za-z+£$€])(?<![0-9][ \u00a0.,\-/])"
    r"(?:[0-9]{10}|[0-9]{2,8}(?P<s>" + _SEP + r")[0-9]{2,8}(?:(?P=s)[0-9]{2,8}){0,2})"
    r"(?![0-9A-Za-z])(?![ \u00a0.,\-/][0-9])"
)
_CUE_REACH = 40

_NHS_CUE = re.compile(r"(?<![A-Za-z])nhs(?![A-Za-z])", re.IGNORECASE)
_CHI_CUE = re.compile(r"(?<![A-Za-z])chi(?![A-Za-z])", re.IGNORECASE)
_HC_CUE = re.compile(
    r"(?<![A-Za-z])(?:h\s?(?:&|\+|and)\s?c|hcn|health\s+(?:and|&)\s+care\s+(?:number|no))"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_SCOTLAND = re.compile(
    r"\b(?:Scotland|Scottish|Glasgow|Edinburgh|Aberdeen|Dundee|Inverness|Lothian|Tayside|"
    r"Grampian|Lanarkshire|Ayrshire|Fife|Borders|Highland)\b"
)
_NORTHERN_IRELAND = re.compile(
    r"\b(?:Northern\s+Ireland|Belfast|Derry|Londonderry|Antrim|Armagh|Fermanagh|Tyrone|"
    r"HSC)\b"
)
# Cues for numbers that identify no patient. The number must follow within the same clause.
NOT_PATIENT_CUE = re.compile(
    r"(?<![A-Za-z])(?:purchase\s+order|p\.?o|order|requisition|req|invoice|inv|datix|esr|"
    r"payroll|employee|staff\s+(?:number|no|id)|assignment|cost\s*cent(?:re|er)|"
    r"budget(?:\s+(?:code|line))?|ticket|incident|account|acct|vat|company|charity|gmc|nmc|"
    r"hcpc|pin|ods|batch|lot|serial|asset|contract|tender|grant|course|booking|tracking)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_PATIENT_CUE = re.compile(
    r"(?<![A-Za-z])(?:nhs|chi|h&c|patient|wristband|mrn|hospital|dob|born|sticker|notes)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;!?\n](?:\s|$)")
_ABBREVIATION = re.compile(
    r"(?<![A-Za-z])(?:no|nos|ref|tel|inv|st|dr|mr|mrs|ms|approx|ext|num)$", re.IGNORECASE
)


def check_digit_ok(digits: str) -> bool:
    """The modulus-11 check shared by NHS, CHI and H&C numbers (ten digits only)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == digits[0] * 10:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number_is_valid(number: str) -> bool:
    """The NHS number modulus-11 check on ten digits (separators are ignored)."""
    return check_digit_ok(re.sub(r"[ \u00a0.\-]", "", number))


def _clause_before(text: str, start: int, reach: int = _CUE_REACH) -> tuple[str, int]:
    """The text before ``start`` back to the clause's beginning (at most ``reach`` chars)."""
    left = max(0, start - reach)
    window = text[left:start]
    last = None
    for end in _CLAUSE_END.finditer(window):
        if not (window[end.start()] == "." and _ABBREVIATION.search(window, 0, end.start())):
            last = end
    if last is not None:
        return window[last.end() :], left + last.end()
    return window, left


def not_a_patient_number(text: str, start: int) -> bool:
    """Whether a cue for an order, Datix, ESR, invoice … is the nearest cue before ``start``."""
    window, _ = _clause_before(text, start)
    other = [m.end() for m in NOT_PATIENT_CUE.finditer(window)]
    if not other:
        return False
    patient = [m.end() for m in _PATIENT_CUE.finditer(window)]
    return not patient or max(other) > max(patient)


_DIRECT_CUE = re.compile(
    r"(?<![A-Za-z])(?:nhs|chi|h\s?(?:&|\+|and)\s?c|hcn|health\s+(?:and|&)\s+care)"
    r"(?:\s+(?:number|no|num))?\.?\s*(?:[:#=]\s*)?(?:(?:is|was|of)\s+)?$",
    re.IGNORECASE,
)


def _cued_directly(text: str, start: int) -> bool:
    return _DIRECT_CUE.search(text, max(0, start - 30), start) is not None


def _ddmmyy_ok(digits: str) -> bool:
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
            return True
        except ValueError:
            continue
    return False


def _is_chi_shape(written: str, digits: str) -> bool:
    groups = re.split(r"[ \u00a0.\-]", written)
    return [len(g) for g in groups] == [6, 4] and _ddmmyy_ok(digits)


def _which(text: str, m: re.Match[str], digits: str) -> str:
    window, _ = _clause_before(text, m.start(), 60)
    cues = []
    for kind, cue in (("nhs-number", _NHS_CUE), ("chi-number", _CHI_CUE), ("hc-number", _HC_CUE)):
        cues += [(c.end(), kind) for c in cue.finditer(window)]
    if cues:
        return max(cues)[1]
    if _is_chi_shape(m.group(), digits):
        return "chi-number"
    if _NORTHERN_IRELAND.search(text) and 320 <= int(digits[:3]) <= 399:
        return "hc-number"
    if _SCOTLAND.search(text) and _ddmmyy_ok(digits):
        return "chi-number"
    return "nhs-number"


def health_numbers(text: str) -> Iterable[Candidate]:
    for m in _TEN.finditer(text):
        digits = re.sub(r"[^0-9]", "", m.group())
        if len(digits) != 10:
            continue
        # Right after "NHS number", "CHI", "H&C no" a reader takes any ten digits for one (a
        # typo in the check digit still points at the patient); elsewhere the check decides.
        chi_shape = _is_chi_shape(m.group(), digits)  # 6+4 with a real DDMMYY: a CHI number
        if not check_digit_ok(digits) and not chi_shape and not _cued_directly(text, m.start()):
            continue
        if not_a_patient_number(text, m.start()):
            continue
        kind = _which(text, m, digits)
        yield kind, m.start(), m.end(), PRIORITY[kind]


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
_HOSPITAL_SHAPE = re.compile(r"(?<![0-9A-Za-z])(?P<p>[A-Z]{1,3})[0-9]{6,9}(?![0-9A-Za-z])")
# Letter prefixes of references that are not hospital numbers.
_NOT_HOSPITAL_PREFIX = {"PO", "INV", "DW", "TKT", "REQ", "CC", "ESR", "GMC", "NMC", "VAT", "INC",
                        "REF", "ORD", "PIN", "SR", "CR", "W", "WEB", "CHG", "PRB", "RFC"}  # fmt: skip


def hospital_numbers(text: str) -> Iterable[Candidate]:
    for m in _HOSPITAL_CUE.finditer(text):
        token = re.sub(r"[ -]", "", m.group("id"))
        digits = sum(c.isdigit() for c in token)
        if digits >= 5 or (digits >= 4 and len(token) >= 6):
            yield "hospital-number", m.start("id"), m.end("id"), PRIORITY["hospital-number"]
    for m in _HOSPITAL_SHAPE.finditer(text):
        if m.group("p") in _NOT_HOSPITAL_PREFIX or not_a_patient_number(text, m.start()):
            continue
        yield "hospital-number", m.start(), m.end(), SHAPE_PRIORITY
