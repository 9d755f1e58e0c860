"""Dates of birth in reflective prose, and the many dates that are not.

A date is a date of birth when

1. it follows a birth cue — "DOB", "D.O.B.", "date of birth", "birth date", "born",
   "birthday" (with linking words such as "is", "was", "on the" between) — unless "born" is
   figurative ("the idea was born on…", "born out of frustration") or "birthday" names a
   recent event ("my birthday party on 12/03/2026");
2. or, with no cue, it is a full date (day, month, year) that no event word claims — "on",
   "since", "dated", "qualified", "meeting", "published", "report", … just before it — and
   either at least :data:`UNCUED_DOB_MIN_YEARS` years old (a date from decades ago beside a
   patient is most often a birth date), or within the last eighteen years in a sentence about a
   child ("the toddler, 14/02/2023, …", "Baby Amelia, 02/10/2026").

Dates are read in the common UK forms (12/03/1956, 12-03-56, 12.03.1956, 1956-03-12,
12 March 1956, 12th Mar 1956, March 12, 1956, 03/1956, March 1956), with apostrophe years
("4th June '38") and spelled out ("the fourth of June, nineteen thirty-eight"). A year on its
own ("born in 1956") is not taken for a date of birth.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from datetime import date

from .findings import PRIORITY, Candidate

UNCUED_DOB_MIN_YEARS = 16
CHILD_YEARS = 18

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
          "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
             "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]  # fmt: skip
_DAY_WORDS = {w: i + 1 for i, w in enumerate(_ORDINALS)}
for _i, _w in enumerate(_ORDINALS[:9]):
    _DAY_WORDS[f"twenty-{_w}"] = _DAY_WORDS[f"twenty {_w}"] = 21 + _i
_DAY_WORDS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})

_W_UNIT = "(?:" + "|".join(_UNITS) + ")"
_W_TWO = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[\s-]+"
    + _W_UNIT
    + r")?|"
    + "|".join(_TEENS)
    + r"|oh[\s-]+"
    + _W_UNIT
    + ")"
)
_YEAR_WORDS = (
    r"(?:(?:eighteen|nineteen|twenty)(?:[\s-]+hundred(?:\s+and)?)?[\s-]+"
    + _W_TWO
    + r"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:"
    + _W_TWO
    + "|"
    + _W_UNIT
    + "))?)"
)
_DAY_WORD = "(?:" + "|".join(sorted((re.escape(w) for w in _DAY_WORDS), key=len, reverse=True))
_DAY_WORD += ")"
_DAY = r"(?:[0-9]{1,2}(?:st|nd|rd|th)?|" + _DAY_WORD + ")"
_YEAR = r"(?:[0-9]{4}|['’][0-9]{2}|" + _YEAR_WORDS + ")"


def _date_pattern(day: str, year: str) -> re.Pattern[str]:
    return re.compile(
        r"(?<![0-9A-Za-z/.-])(?:"
        r"(?P<d1>[0-9]{1,2})(?P<s1>[/.-])(?P<m1>[0-9]{1,2})(?P=s1)(?P<y1>[0-9]{4}|[0-9]{2})"
        r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{2})-(?P<d2>[0-9]{2})"
        r"|(?P<d3>" + day + r")(?:\s+of)?\s+(?P<mn3>" + _MONTH_NAME + r"),?\s+(?P<y3>" + year + ")"
        r"|(?P<mn4>" + _MONTH_NAME + r")\s+(?:the\s+)?(?P<d4>" + day + r"),?\s+(?P<y4>" + year + ")"
        r"|(?P<m5>[0-9]{1,2})/(?P<y5>[0-9]{4})"
        r"|(?P<mn6>" + _MONTH_NAME + r"),?\s+(?P<y6>" + year + ")"
        r")(?![0-9A-Za-z]|[/.-][0-9])",
        re.IGNORECASE,
    )


# Spelled-out days and years are rare, and their long alternations slow every position down:
# the full pattern runs only on text that has such a word in it.
_DATE = _date_pattern(_DAY, _YEAR)
_DATE_NUMERIC = _date_pattern(r"[0-9]{1,2}(?:st|nd|rd|th)?", r"(?:[0-9]{4}|['’][0-9]{2})")
_SPELLED_WORDS = (*_ORDINALS, "thirtieth", "eighteen", "nineteen", "twenty", "thousand")


def has_spelled_number(text: str) -> bool:
    """Whether a spelled-out day or year may be in ``text`` (a cheap substring test)."""
    lower = text.lower()
    return any(word in lower for word in _SPELLED_WORDS)


_DOB_CUE = re.compile(
    r"(?<![A-Za-z])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|born|birthday)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_CUE_GAP = re.compile(
    r"[\s:=\-–—,.()\[\]#]*(?:(?:is|was|on|of|as|given|recorded|listed|in|the)[\s:=\-–—,.]+)*",
    re.IGNORECASE,
)
_CUE_REACH = 25
# "born at 31 weeks on 14/02/2024", "born by caesarean in Leeds on …": a few words, then on/in.
_LONG_GAP = re.compile(r"\s+(?:[a-z0-9-]+\s+){1,5}?(?:on|in)\s+(?:the\s+)?$", re.IGNORECASE)
_LONG_REACH = 50
# "The idea was born…", "our service was born in…", "born out of frustration".
_FIGURATIVE_SUBJECT = re.compile(
    r"(?<![A-Za-z])(?:idea|ideas|project|plan|programme|program|initiative|scheme|service|"
    r"network|forum|movement|campaign|concept|proposal|strategy|partnership|collaboration|"
    r"collaborative|hub|app|tool|vision|culture|model|approach|team|unit|clinic|charity|"
    r"organisation|organization|trust|nhs|company|policy|pathway|framework|relationship|"
    r"friendship|group|course|conference|award|festival|tradition|it|this|that|which)"
    r"(?:\s+[A-Za-z'’-]+){0,6}?\s+(?:was|were|is|are|has\s+been|had\s+been|got)\s*$",
    re.IGNORECASE,
)
_FIGURATIVE_AFTER = re.compile(r"\s+(?:out\s+of|from|of|and\s+bred)\b", re.IGNORECASE)
# Words just before a date that make it an event, not a birth.
_EVENT_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:on|since|from|until|till|by|before|after|dated|between|and|to|of|at|"
    r"during|around|for|in|w/c|w/e|commencing|ending|starting|due|deadline|meeting|met|board|"
    r"committee|visit|visited|inspection|inspected|audit|published|publication|report|"
    r"reported|inquiry|review|qualified|qualifying|registered|registration|graduated|"
    r"graduating|joined|started|appointed|promoted|commenced|retired|founded|established|"
    r"launched|opened|closed|signed|agreed|approved|held|scheduled|planned|training|exam|"
    r"interview|appraisal|revalidation|revalidated|certificate|expires|expired|effective|"
    r"issued|incident|datix|version|v|updated|written|sent|received|letter|email|minutes|"
    r"policy|deadline|week|day|shift|conference|event|ceremony|wedding|funeral|party)"
    r"[\s,:()'’-]*(?:the\s+)?$",
    re.IGNORECASE,
)
_CHILD = re.compile(
    r"(?<![A-Za-z])(?:baby|babies|infant|newborn|neonate|neonatal|toddler|child|children|boy|"
    r"girl|son|daughter|grandson|granddaughter|twins?|triplets|pupil|teenager|adolescent|kid|"
    r"(?:day|week|month|year)s?[\s-]old|aged\s+[0-9]{1,2}|nicu|scbu|paediatric|pediatric)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\n](?:\s|$)")


def _year_from_words(words: str) -> int | None:
    tokens = re.split(r"[\s-]+", words.lower())
    tokens = [t for t in tokens if t not in ("and", "hundred")]
    if tokens[:2] == ["two", "thousand"]:
        rest = _small(tokens[2:])
        return 2000 + (rest or 0) if rest is not None else None
    century = {"eighteen": 18, "nineteen": 19, "twenty": 20}.get(tokens[0])
    rest = _small(tokens[1:])
    if century is None or rest is None:
        return None
    return century * 100 + rest


def _small(tokens: list[str]) -> int | None:
    """0-99 from words ("thirty eight", "oh five", "twelve"); None when not a number."""
    if not tokens:
        return 0
    if tokens[0] == "oh" and len(tokens) == 2 and tokens[1] in _UNITS:
        return _UNITS.index(tokens[1]) + 1
    if len(tokens) == 1 and tokens[0] in _UNITS:
        return _UNITS.index(tokens[0]) + 1
    if len(tokens) == 1 and tokens[0] in _TEENS:
        return 10 + _TEENS.index(tokens[0])
    if tokens[0] in _TENS and len(tokens) <= 2:
        unit = _UNITS.index(tokens[1]) + 1 if len(tokens) == 2 and tokens[1] in _UNITS else 0
        if len(tokens) == 2 and not unit:
            return None
        return 20 + 10 * _TENS.index(tokens[0]) + unit
    return None


def _year(raw: str, today: date) -> int | None:
    raw = raw.strip()
    if raw.isdigit():
        year = int(raw)
        if len(raw) == 2:
            year += 2000 if year <= today.year % 100 else 1900
        return year
    if raw[:1] in "'’":
        two = int(raw[1:])
        return two + (2000 if two <= today.year % 100 else 1900)
    return _year_from_words(raw)


def _day(raw: str) -> int:
    raw = raw.lower()
    if raw in _DAY_WORDS:
        return _DAY_WORDS[raw]
    return int(re.sub(r"[^0-9]", "", raw))


def _parse(m: re.Match[str], today: date) -> tuple[date | None, bool, bool]:
    """(the date, whether it has a day, whether its year is written in full)."""
    g = m.groupdict()
    try:
        if g["d1"]:
            year = _year(g["y1"], today)
            return date(year, int(g["m1"]), int(g["d1"])), True, len(g["y1"]) == 4  # type: ignore[arg-type]
        if g["y2"]:
            return date(int(g["y2"]), int(g["m2"]), int(g["d2"])), True, True
        if g["d3"]:
            year = _year(g["y3"], today)
            month = _MONTHS[g["mn3"][:3].lower()]
            return date(year, month, _day(g["d3"])), True, g["y3"][:1] not in "'’"  # type: ignore[arg-type]
        if g["d4"]:
            year = _year(g["y4"], today)
            month = _MONTHS[g["mn4"][:3].lower()]
            return date(year, month, _day(g["d4"])), True, g["y4"][:1] not in "'’"  # type: ignore[arg-type]
        if g["m5"]:
            return date(int(g["y5"]), int(g["m5"]), 1), False, True
        if g["mn6"]:
            year = _year(g["y6"], today)
            return date(year, _MONTHS[g["mn6"][:3].lower()], 1), False, True  # type: ignore[arg-type]
    except (ValueError, TypeError, KeyError):
        pass
    return None, False, False


def _sentence(text: str, start: int, end: int) -> str:
    left = max(0, start - 200)
    before = text[left:start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends:
        left += ends[-1]
    after = _SENTENCE_END.search(text, end, min(len(text), end + 200))
    return text[left : after.start() if after else min(len(text), end + 200)]


def _figurative(text: str, cue: re.Match[str]) -> bool:
    if not cue.group().lower().startswith("born"):
        return False
    if _FIGURATIVE_AFTER.match(text, cue.end()):
        return True
    before = text[max(0, cue.start() - 60) : cue.start()]
    return _FIGURATIVE_SUBJECT.search(before) is not None


def dates_of_birth(text: str, today: date) -> Iterable[Candidate]:
    cues = [c for c in _DOB_CUE.finditer(text) if not _figurative(text, c)]
    cue_ends = [c.end() for c in cues]
    priority = PRIORITY["date-of-birth"]
    pattern = _DATE if has_spelled_number(text) else _DATE_NUMERIC
    for m in pattern.finditer(text):
        when, has_day, full_year = _parse(m, today)
        if when is None or when > today or when.year < 1880:
            continue
        start = m.start()
        i = bisect.bisect_right(cue_ends, start) - 1
        cued = i >= 0 and (
            (start - cue_ends[i] <= _CUE_REACH and _CUE_GAP.fullmatch(text, cue_ends[i], start))
            or (
                start - cue_ends[i] <= _LONG_REACH
                and cues[i].group().lower() == "born"
                and _LONG_GAP.fullmatch(text, cue_ends[i], start) is not None
            )
        )
        if cued and cues[i].group().lower().startswith("birthday"):
            # "Birthday: 12/03/1956" is a birth date; "our 50th birthday on 3 May 2024" and
            # "my birthday party on 12/03/2026" are events.
            gap = text[cue_ends[i] : start]
            cued = when.year <= today.year - UNCUED_DOB_MIN_YEARS or (
                not re.search(r"[A-Za-z]", gap) and when.year <= today.year - 2
            )
        if cued:
            yield "date-of-birth", start, m.end(), priority
            continue
        if not has_day or _EVENT_BEFORE.search(text, max(0, start - 40), start):
            continue
        two_digit = m.group("y1") is not None and len(m.group("y1")) == 2
        apposition = text[max(0, start - 2) : start].rstrip(" ").endswith(("(", ","))
        if (two_digit or not full_year) and not apposition:
            continue
        old = 1900 <= when.year <= today.year - UNCUED_DOB_MIN_YEARS
        young = when.year > today.year - CHILD_YEARS
        if old or (young and _CHILD.search(_sentence(text, start, m.end()))):
            yield "date-of-birth", start, m.end(), priority
