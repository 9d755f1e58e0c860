"""Words and two-word phrases that keep coming back in entries nobody tagged.

Computed in Python over the untagged entries' own text rather than the FTS5 vocabulary: the
full-text index is contentless and covers every entry, so asking it about "untagged entries
only" would mean scanning its whole instance table. The untagged subset is small (and capped),
so a plain tokenizer is both simpler and faster.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

MIN_ENTRIES = 3
MIN_LENGTH = 4
# Beyond this many untagged entries the most recent ones tell the story well enough, and the
# cap keeps full recomputation inside its budget on very large journals.
MAX_ENTRIES = 300

_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]")

# Common English words that carry no theme of their own, plus journal filler.
STOPWORDS = frozenset(
    """
    about above after again against also although always among another anyone anything
    around because been before being below between both came cannot could couldn't didn't
    does doesn't doing done don't down during each either else enough even ever every
    everyone everything felt from further getting going gone good got great had hadn't has
    hasn't have haven't having here herself himself into isn't itself just know knew last
    later least less like little made make makes making many maybe might more most much must
    myself need needed needs never next nothing now often once only other others ought ours
    ourselves over quite rather really said same says seem seemed seems several shall she'd
    should shouldn't since some someone something still such sure take taken than that that's
    their theirs them themselves then there there's these they they're thing things think
    this those though thought through today told tomorrow too took toward towards under
    until upon very want wanted wants wasn't week well went were weren't what what's when
    where whether which while whom whose will with within without won't would wouldn't yeah
    year yesterday your yours yourself yourselves day days time times back first felt feel
    feeling lot lots get gets let let's one two three way ways new old yes able keep kept
    went come comes coming look looked looking went tell asked ask asks bit put puts
    """.split()
)


def tokens(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(text.lower())]


def _terms(text: str) -> set[str]:
    words = tokens(text)
    found = {w for w in words if len(w) >= MIN_LENGTH and w not in STOPWORDS}
    for first, second in zip(words, words[1:], strict=False):
        if (
            first not in STOPWORDS
            and second not in STOPWORDS
            and len(first) >= 3
            and len(second) >= 3
            and first != second
        ):
            found.add(f"{first} {second}")
    return found


def recurring_terms(
    entries: Iterable[tuple[int, str]],
    known: set[str],
    *,
    min_entries: int = MIN_ENTRIES,
    top: int = 15,
) -> list[dict[str, Any]]:
    """Terms found in at least ``min_entries`` entries, most widespread first.

    ``known`` holds words and phrases already covered by a tag, so they are not proposed
    again. A word that only ever appears inside one frequent phrase is dropped in favour of
    the phrase.
    """
    counts: Counter[str] = Counter()
    examples: dict[str, list[int]] = {}
    for entry_id, text in entries:
        for term in _terms(text):
            if term in known:
                continue
            counts[term] += 1
            ids = examples.setdefault(term, [])
            if len(ids) < 20:
                ids.append(entry_id)
    frequent = {t: n for t, n in counts.items() if n >= min_entries}
    # A single word that never appears outside one frequent phrase adds nothing to it.
    for term in [t for t in frequent if " " in t]:
        for part in term.split():
            if frequent.get(part) == frequent[term]:
                del frequent[part]
    ranked = sorted(frequent.items(), key=lambda kv: (-kv[1], -(" " in kv[0]), kv[0]))
    return [{"term": t, "entries": n, "entry_ids": examples[t]} for t, n in ranked[:top]]


def contains_term(text: str, term: str) -> bool:
    return term in _terms(text)
