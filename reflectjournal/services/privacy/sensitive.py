"""Names the user listed as sensitive (found anywhere) or marked as fine (never reported)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .findings import PRIORITY, Candidate, Finding

_APOSTROPHE = re.compile("['’]")
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "master", "mister", "dr", "baby", "patient"}


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


def listed_names(text: str, names: Sequence[str]) -> Iterable[Candidate]:
    pattern = _name_pattern(names)
    if pattern is not None:
        for m in pattern.finditer(text):
            yield "sensitive-name", m.start(), m.end(), PRIORITY["sensitive-name"]


def name_key(name: str) -> tuple[str, ...]:
    """The words that identify a person: no titles or initials, any case or apostrophe."""
    words = [_APOSTROPHE.sub("'", w).strip(".,").casefold() for w in name.split()]
    return tuple(w for w in words if w and w not in _TITLES and len(w) > 1)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def is_fine(finding: Finding, fine_keys: Sequence[tuple[str, ...]]) -> bool:
    """A patient-name finding for someone the user marked as fine ("Mrs Hollins, our matron")."""
    if finding.kind != "patient-name" or not fine_keys:
        return False
    key = name_key(finding.text)
    return any(_contains(key, fine) or _contains(fine, key) for fine in fine_keys)
