"""Postcodes, phone numbers and e-mail addresses.

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
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import PRIORITY, Candidate

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


def postcodes(text: str) -> Iterable[Candidate]:
    for m in _POSTCODE.finditer(text):
        code = m.group()
        if not code.isupper():  # lower/mixed case: needs the space, and "4th" is no inward code
            if _ORDINAL_INWARD.fullmatch(code[-3:]) or not re.search(r"[ \u00a0]", code):
                continue
        yield "postcode", m.start(), m.end(), PRIORITY["postcode"]


# ---- phone numbers --------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![0-9A-Za-z+/.£$€])"
    r"(?:(?:\+|00)44[ \u00a0-]?(?:\(0\)[ \u00a0-]?)?|\(0|0)"
    r"[1-9](?:[ \u00a0)-]{0,2}[0-9]){7,10}"
    r"(?![0-9A-Za-z])(?![ \u00a0.-][0-9])"
)


def phones(text: str) -> Iterable[Candidate]:
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
        yield "phone", m.start(), m.end(), PRIORITY["phone"]


# ---- emails ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})++"
)


def emails(text: str) -> Iterable[Candidate]:
    for m in _EMAIL.finditer(text):
        address = m.group()
        end = m.end()
        while address and address[-1] in ".-":  # sentence punctuation after the address
            address, end = address[:-1], end - 1
        top_level = address.rsplit(".", 1)[-1]
        if "." in address.split("@", 1)[1] and top_level.isalpha() and len(top_level) >= 2:
            yield "email", m.start(), end, PRIORITY["email"]
