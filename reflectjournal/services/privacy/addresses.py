"""Street addresses without a postcode: "14 Acacia Avenue", "Flat 2, 31 Mill Lane", "3/1 Leith Walk".

A house number (or a flat number and house number) followed by one to three capitalised words
and a street word (Street, Road, Avenue, Close, Wynd, …) is an address. A street named without
a number is reported only after "lives at/on", "address" or "moved to" — "our new hub on
Station Road" names a workplace, not a home.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import PRIORITY, Candidate

_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Crescent|Cres|Drive|Dr|Grove|Place|Pl|Way|"
    r"Court|Ct|Gardens|Gdns|Terrace|Terr|Row|Walk|Square|Sq|Hill|View|Rise|Mews|Green|Parade|"
    r"Wynd|Brae|Vale|Park|Gate|Croft|Fold|Chase|Meadow|Meadows|Boulevard|Embankment|Quay|"
    r"Wharf|Yard|Loan|Vennel|Circus|Crossway|Approach|Heights|Grange|Lea|Causeway|Broadway|"
    r"Esplanade|Promenade|Bank|Side|End)"
)
_WORD = r"[A-Z][a-z'’]+(?:-[A-Z][a-z]+)?"
_FLAT = r"(?:(?:Flat|Apartment|Apt|Unit|Room)\s+[0-9]{1,4}[A-Za-z]?,?\s+)"
_NUMBERED = re.compile(
    rf"(?<![\w/.£$€-])(?P<addr>{_FLAT}?[0-9]{{1,4}}[A-Za-z]?(?:/[0-9]{{1,3}})?,?\s+"
    rf"(?:{_WORD}\s+){{1,3}}{_STREET})(?![A-Za-z])"
    # "the 2 Oak Lane clinic" is a workplace, not someone's home.
    r"(?!\s+(?:clinic|site|hub|centre|center|building|offices|office|surgery|practice|"
    r"headquarters|hq|campus|depot|unit|team|service)\b)"
)
_CUED = re.compile(
    rf"(?<![A-Za-z])(?:lives?|living|lived|resides?|residing|address(?:\s+is)?|moved|home)\s+"
    rf"(?:(?:at|on|in|to|is)\s+)(?P<addr>(?:{_WORD}\s+){{1,3}}{_STREET})(?![A-Za-z])"
)
# Numbers that count something else before a capitalised phrase ("Ward 22 Park View"? no).
_NOT_HOUSE = re.compile(
    r"(?<![A-Za-z])(?:ward|room|level|floor|bay|bed|band|block|theatre|building|unit|page|"
    r"section|year|week|day|step|phase|wave|cohort|version|table|figure|item)\s+$",
    re.IGNORECASE,
)


# Addresses of public life, which identify no patient.
_PUBLIC = re.compile(r"Downing\s+Street|Whitehall|Victoria\s+Embankment", re.IGNORECASE)


def street_addresses(text: str, numbered: bool = True) -> Iterable[Candidate]:
    priority = PRIORITY["address"]
    for m in _NUMBERED.finditer(text) if numbered else ():
        if _PUBLIC.search(m.group("addr")):
            continue
        start = m.start("addr")
        if _NOT_HOUSE.search(text, max(0, start - 12), start):
            continue
        yield "address", start, m.end("addr"), priority
    for m in _CUED.finditer(text):
        yield "address", m.start("addr"), m.end("addr"), priority
