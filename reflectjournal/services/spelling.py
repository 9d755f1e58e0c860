"""British English spell checking, offline: Enchant (pyenchant) with a hunspell en_GB dictionary.

Why these: pyenchant is maintained, runs the same on Linux, Windows and macOS, and asks the
system's own spelling library, so the dictionary is the one the person's other programs use
(hunspell-en-gb on Debian and Ubuntu; the Windows wheels carry Enchant and its dictionaries;
on macOS, Homebrew's enchant). Nothing is sent anywhere.

Privacy: words a person adds ("rota", a colleague's name) are kept in the journal's encrypted
settings and given to Enchant for this session only (``add_to_session``). Enchant's own "add"
would write them to a plain-text file in the home folder, so it is never called.

When Enchant or the dictionary is missing, ``Speller.problem`` says so in one sentence and the
editor simply does not underline anything.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from reflectjournal.services import settings
from reflectjournal.storage.database import Database

log = logging.getLogger(__name__)

LANGUAGE = "en_GB"
MAX_SUGGESTIONS = 6
# Words as a person writes them: letters, with inner apostrophes or hyphens ("don't", "e-rota").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Not prose: links, e-mail addresses, inline code, #tags, [[links]].
_SKIP = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|`[^`]*`|#[\w-]+|\[\[[^\]]*\]\]")
MISSING = (
    "Spell check is off: British English needs the Enchant library and a hunspell en_GB "
    "dictionary (on Debian or Ubuntu: apt install libenchant-2-2 hunspell-en-gb)."
)


class Speller:
    """Checks words against en_GB plus the journal's own words; suggestions for the rest."""

    def __init__(self, extra_words: list[str] | tuple[str, ...] = (), language: str = LANGUAGE):
        self.problem = ""
        self._dict: Any = None
        try:
            import enchant  # type: ignore[import-untyped]

            # A broker of its own: Enchant shares a dictionary (and the words added to it this
            # session) between every Dict of one broker, so one journal's words would show up
            # in the next journal opened in the same window.
            self._broker = enchant.Broker()
            self._dict = self._broker.request_dict(language)
        except ImportError:
            self.problem = MISSING
        except Exception:  # DictNotFoundError, or an Enchant without providers
            log.info("no %s dictionary for spell checking", language)
            self.problem = MISSING
        self._own: set[str] = set()
        self._known = lru_cache(maxsize=20_000)(self._check_uncached)
        for word in extra_words:
            self.learn(word)

    @property
    def available(self) -> bool:
        return self._dict is not None

    def _check_uncached(self, word: str) -> bool:
        return bool(self._dict.check(word))

    def check(self, word: str) -> bool:
        """True for a correctly spelt word (and for anything that is not one to check)."""
        if self._dict is None or not _worth_checking(word):
            return True
        if word.lower() in self._own:
            return True
        plain = word.replace("’", "'")
        return self._known(plain) or (plain[:1].isupper() and self._known(plain.lower()))

    def suggest(self, word: str) -> list[str]:
        if self._dict is None:
            return []
        return [s for s in self._dict.suggest(word.replace("’", "'"))][:MAX_SUGGESTIONS]

    def learn(self, word: str) -> None:
        """Accept ``word`` from now on (this session; the caller keeps it in the journal)."""
        self._own.add(word.lower())
        if self._dict is not None:
            self._dict.add_to_session(word)
            self._known.cache_clear()

    def misspelt(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, length) of each misspelt word in ``text`` (one line or block)."""
        if self._dict is None:
            return
        masked = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
        for match in _WORD.finditer(masked):
            if not self.check(match.group(0)):
                yield match.start(), len(match.group(0))


def _worth_checking(word: str) -> bool:
    """Single letters, acronyms (NHS, ICU) and words with digits are left alone."""
    return len(word) > 1 and not word.isupper() and not any(c.isdigit() for c in word)


def own_words(db: Database) -> list[str]:
    try:
        words = json.loads(settings.read(db, settings.SPELLING_WORDS))
    except ValueError:
        return []
    return [str(w) for w in words] if isinstance(words, list) else []


def add_own_word(db: Database, word: str) -> list[str]:
    """Keep ``word`` in the journal's own dictionary (encrypted, travels with the journal)."""
    words = own_words(db)
    if word.strip() and word.lower() not in {w.lower() for w in words}:
        words.append(word.strip())
        settings.write(db, settings.SPELLING_WORDS, json.dumps(sorted(words, key=str.lower)))
    return words


def is_on(db: Database) -> bool:
    return settings.read(db, settings.SPELLING) != "0"


def set_on(db: Database, on: bool) -> None:
    settings.write(db, settings.SPELLING, "1" if on else "0")


class SpellingPrefs:
    """The journal's spelling choices, as the front ends see them (``workspace.spelling``)."""

    def __init__(self, db: Database):
        self.db = db

    def own_words(self) -> list[str]:
        return own_words(self.db)

    def add_own_word(self, word: str) -> list[str]:
        return add_own_word(self.db, word)

    def is_on(self) -> bool:
        return is_on(self.db)

    def set_on(self, on: bool) -> None:
        set_on(self.db, on)
