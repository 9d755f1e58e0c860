"""Tag suggestions while writing: framework keywords plus the leader's own past tagging.

Two signals, both computed on this machine from this journal only:

1. **Keywords.** Each framework item carries a short list of words and phrases typical of it
   (``tag.keywords``); an item's name counts as one too. Text and keywords are compared as
   runs of stemmed words, so "referral" finds "referrals" and "C. diff" finds "c diff". A
   keyword several items share counts for a share of a hit, and two whole hits make a match
   as strong as it gets, because one stray word ("rota") is a hint, not a verdict. Scope
   items (team, service, board) count for less: they say where, not what about.
2. **The leader's own tagging.** A multinomial naive Bayes model over their tagged entries
   (each tag is a class; an entry with two tags teaches both). It learns the private
   vocabulary the framework cannot know: ward names, colleagues' roles, pet phrases. A tag
   needs ``MIN_EXAMPLES`` entries, and words in common with the text, before the model may
   speak for it.

3. **The item's own description.** Each item's name, description and keywords form a small
   TF-IDF profile; the text's cosine similarity to it finds the item when the writer used none
   of its keywords ("I recovered faster than last winter" is close to resilience's "recovering
   from setbacks").

The final score is half the mean of the first two and half the third (each in 0..1), so an
item the signals agree on rises to the top and any one of them can still surface a candidate.
Measured on 111 held-out snippets that no tuning ever saw: see README ("Tag suggestions").
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reflectjournal.services.patterns.words import STOPWORDS
from reflectjournal.storage.chunks import in_chunks
from reflectjournal.storage.database import Database

MIN_EXAMPLES = 2
# Training on the most recent tagged entries keeps the model current and quick to build.
MAX_TRAINING = 5000
# Two distinct, specific keyword hits make a keyword match as strong as it gets.
KEYWORD_SATURATION = 2.0
# Naive Bayes multiplies one factor per word, so a long text makes its softmax all-or-nothing
# even when the words are only loosely related. Averaging the log-likelihood over the words
# (then sharpening by this factor) keeps its confidence comparable across text lengths.
BAYES_SHARPNESS = 4.0
# A tag the model has seen fewer than this many words in common with stays silent.
MIN_SHARED_WORDS = 2
# Below this share of belief the model has nothing useful to say about a tag.
MIN_BAYES = 0.1
MAX_PHRASE = 6
# Closeness to an item's description is the weakest signal: it breaks ties and finds an item
# when no keyword was used, but never outweighs a keyword or the leader's own history.
PROFILE_SHARE = 0.5
MIN_PROFILE = 0.1
# Below this a suggestion is noise whatever its source.
MIN_SCORE = 0.025

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Longest first, so "ations" is stripped before "s". Kept deliberately simple: the same
# stripping applies to keywords and to the text, so over-stemming only ever merges words.
_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ions", "ion", "ies", "ied",
    "ers", "er", "ed", "ly", "s",
)  # fmt: skip
# "-es" is a plural ending only after these ("boxes", "patches"); elsewhere ("rates") only the
# "s" goes, so "rates" stays apart from "raters".
_ES_AFTER = ("ss", "x", "z", "ch", "sh")
# Scope items (team, service, board...) and the clinical/managerial split describe where the
# work sits rather than what it was about; their keywords ("team", "handover") turn up in
# almost every entry, so they count for less and the themes come first.
CATEGORY_WEIGHT = {"level": 0.5, "leadership-type": 0.5, "context": 0.8}


@dataclass
class _Profiles:
    """Each item as a bag of words (name, description, keywords, questions), TF-IDF weighted."""

    vectors: dict[int, dict[str, float]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)


@dataclass
class _Model:
    word_counts: dict[int, Counter[str]] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)
    docs: dict[int, int] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    n_docs: int = 0


@dataclass(frozen=True)
class _Tag:
    id: int
    slug: str
    name: str
    default: bool
    weight: float = 1.0


@dataclass
class _Keywords:
    # stemmed phrase -> [(tag id, the keyword as written)]
    phrases: dict[tuple[str, ...], list[tuple[int, str]]] = field(default_factory=dict)
    # stemmed phrase -> weight: 1 / number of items sharing it, so a word several items claim
    # ("support", "review") counts for less than one only a single item uses.
    weight: dict[tuple[str, ...], float] = field(default_factory=dict)
    longest: int = 1


# A journal reuses a few thousand words; caching makes training on 5k entries about as quick
# as it was before stemming.
@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Crude English suffix stripping: "referrals" and "referral", "rotas" and "rota" meet."""
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("es") and word[:-2].endswith(_ES_AFTER) and len(word) > 4:
        return word[:-2]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            # "class", "census", "analysis": a final s that is not a plural.
            if suffix == "s" and word[-2] in "siu":
                break
            word = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                word += "y"
            break
    # "running" -> "runn" -> "run": a doubled final consonant left behind by -ing/-ed/-er.
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def _words(text: str) -> list[str]:
    """Normalised tokens: punctuation is a word break ("C. diff" = "c diff"), then stemmed."""
    return [stem(w) for w in _TOKEN.findall(text.lower())]


def _features(text: str) -> list[str]:
    return [
        stem(w)
        for w in _TOKEN.findall(text.lower())
        if len(w) > 2 and w not in STOPWORDS and not w.isdigit()
    ]


class TagSuggester:
    """Build once per open journal; call ``refresh()`` after the leader tags more entries."""

    def __init__(self, db: Database, *, hold_out: Collection[int] = ()):
        """``hold_out``: entry ids the model must not learn from (for honest evaluation)."""
        self.db = db
        self.hold_out = frozenset(hold_out)
        self._tags: dict[int, _Tag] | None = None
        self._keywords: _Keywords | None = None
        self._model: _Model | None = None
        self._profiles: _Profiles | None = None

    def refresh(self) -> None:
        self._tags = None
        self._keywords = None
        self._model = None
        self._profiles = None

    def suggest(
        self, text: str, top: int = 5, exclude: tuple[str, ...] | list[str] = ()
    ) -> list[tuple[str, float, str]]:
        """[(slug, score 0..1, reason)], best first, leaving out tags in ``exclude``."""
        if not text.strip() or top <= 0:
            return []
        tags = self._load_tags()
        bayes = self._bayes_scores(text)
        keyword_score, keyword_hits = self._keyword_scores(_words(text))
        profile = self._profile_scores(text)
        skip = set(exclude)
        scored = []
        for tag_id in set(keyword_score) | set(bayes) | set(profile):
            tag = tags.get(tag_id)
            if tag is None or tag.slug in skip:
                continue
            kw = keyword_score.get(tag_id, 0.0)
            nb = bayes.get(tag_id, 0.0)
            closeness = profile.get(tag_id, 0.0) * tag.weight
            score = (1 - PROFILE_SHARE) * (kw + nb) / 2 + PROFILE_SHARE * closeness
            if score < MIN_SCORE:
                continue
            reasons = []
            if kw:
                reasons.append("mentions " + ", ".join(f"“{h}”" for h in keyword_hits[tag_id][:3]))
            if nb >= MIN_BAYES:
                examples = self._model.docs.get(tag_id, 0) if self._model else 0
                reasons.append(f"reads like {examples} of your entries tagged {tag.name}")
            if not reasons:
                reasons.append(f"close to how the framework describes {tag.name}")
            scored.append((tag.slug, round(score, 3), "; ".join(reasons), tag.default))
        scored.sort(key=lambda s: (-s[1], not s[3], s[0]))
        return [(slug, score, reason) for slug, score, reason, _ in scored[:top]]

    # ---- keywords -----------------------------------------------------------------------------

    def _load_tags(self) -> dict[int, _Tag]:
        if self._tags is None:
            tags = {}
            keywords = _Keywords()
            # Items of frameworks the leader has never used stay quiet: three frameworks
            # naming the same idea would otherwise crowd the list with near-duplicates.
            for row in self.db.query(
                "SELECT t.id, t.slug, t.name, t.keywords, coalesce(f.is_default, 0), t.category "
                "FROM tag t LEFT JOIN framework f ON f.id = t.framework_id "
                "WHERE f.id IS NULL OR f.is_default = 1 OR EXISTS (SELECT 1 FROM entry_tag et "
                "JOIN tag u ON u.id = et.tag_id WHERE u.framework_id = f.id)"
            ):
                weight = CATEGORY_WEIGHT.get(row[5], 1.0)
                tags[row[0]] = _Tag(row[0], row[1], row[2], bool(row[4]), weight)
                phrases = {row[2].lower(), *json.loads(row[3] or "[]")}
                for phrase in sorted(phrases):
                    key = tuple(_words(phrase))
                    if not key or len(key) > MAX_PHRASE:
                        continue
                    owners = keywords.phrases.setdefault(key, [])
                    if all(owner != row[0] for owner, _ in owners):
                        owners.append((row[0], phrase))
                    keywords.longest = max(keywords.longest, len(key))
            for key, owners in keywords.phrases.items():
                keywords.weight[key] = 1.0 / len(owners)
            self._tags, self._keywords = tags, keywords
        return self._tags

    def _keyword_scores(self, words: list[str]) -> tuple[dict[int, float], dict[int, list[str]]]:
        keywords = self._keywords
        assert keywords is not None
        evidence: dict[int, float] = {}
        hits: dict[int, list[str]] = {}
        seen: set[tuple[str, ...]] = set()
        # Every run of up to ``longest`` words is looked up once: a dictionary probe per
        # n-gram instead of a regular expression per keyword.
        for start in range(len(words)):
            for n in range(1, min(keywords.longest, len(words) - start) + 1):
                key = tuple(words[start : start + n])
                owners = keywords.phrases.get(key)
                if owners is None or key in seen:
                    continue
                seen.add(key)
                for tag_id, phrase in owners:
                    evidence[tag_id] = evidence.get(tag_id, 0.0) + keywords.weight[key]
                    hits.setdefault(tag_id, []).append(phrase)
        tags = self._tags or {}
        scores = {
            t: min(1.0, e / KEYWORD_SATURATION) * (tags[t].weight if t in tags else 1.0)
            for t, e in evidence.items()
        }
        return scores, hits

    # ---- closeness to each item's own description ------------------------------------------

    def _load_profiles(self) -> _Profiles:
        if self._profiles is None:
            tags = self._load_tags()
            docs: dict[int, Counter[str]] = {}
            for row in self.db.query("SELECT id, name, description, keywords, questions FROM tag"):
                if row[0] not in tags:
                    continue
                phrases = [row[1], row[2], *json.loads(row[3] or "[]")]
                docs[row[0]] = Counter(_features(" ".join(phrases)))
            n = len(docs) or 1
            df: Counter[str] = Counter()
            for words in docs.values():
                df.update(set(words))
            idf = {w: math.log((1 + n) / (1 + d)) for w, d in df.items()}
            vectors = {}
            for tag_id, words in docs.items():
                vec = {w: (1 + math.log(c)) * idf[w] for w, c in words.items() if idf[w] > 0}
                norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
                vectors[tag_id] = {w: x / norm for w, x in vec.items()}
            self._profiles = _Profiles(vectors, idf)
        return self._profiles

    def _profile_scores(self, text: str) -> dict[int, float]:
        """Cosine similarity of the text to each item's profile, scaled so the best is 1."""
        profiles = self._load_profiles()
        counts = Counter(w for w in _features(text) if w in profiles.idf)
        if not counts:
            return {}
        vec = {w: (1 + math.log(c)) * profiles.idf[w] for w, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        sims = {
            t: sum(x * item.get(w, 0.0) for w, x in vec.items()) / norm
            for t, item in profiles.vectors.items()
        }
        sims = {t: v for t, v in sims.items() if v >= MIN_PROFILE}
        return sims

    # ---- naive Bayes over the leader's own entries ------------------------------------------

    def _train(self) -> _Model:
        model = _Model()
        rows = self.db.query(
            "SELECT e.id, e.title, e.body FROM entry e WHERE e.kind != 'shared' AND EXISTS "
            "(SELECT 1 FROM entry_tag et WHERE et.entry_id = e.id) "
            "ORDER BY e.created DESC LIMIT ?",
            (MAX_TRAINING,),
        )
        rows = [r for r in rows if r[0] not in self.hold_out]
        if not rows:
            return model
        ids = [r[0] for r in rows]
        tags_of: dict[int, list[int]] = {}
        for marks, chunk in in_chunks(ids):
            for entry_id, tag_id in self.db.query(
                f"SELECT entry_id, tag_id FROM entry_tag WHERE entry_id IN ({marks})", chunk
            ):
                tags_of.setdefault(entry_id, []).append(tag_id)
        for entry_id, title, body in rows:
            words = Counter(_features(f"{title}\n{body}"))
            model.vocabulary.update(words)
            model.n_docs += 1
            for tag_id in tags_of.get(entry_id, []):
                model.word_counts.setdefault(tag_id, Counter()).update(words)
                model.totals[tag_id] = model.totals.get(tag_id, 0) + sum(words.values())
                model.docs[tag_id] = model.docs.get(tag_id, 0) + 1
        return model

    def _bayes_scores(self, text: str) -> dict[int, float]:
        if self._model is None:
            self._model = self._train()
        model = self._model
        words = [w for w in _features(text) if w in model.vocabulary]
        eligible = [t for t, n in model.docs.items() if n >= MIN_EXAMPLES]
        if not words or len(eligible) < 2:
            return {}
        v = len(model.vocabulary)
        logs = {}
        shared = {}
        for tag_id in eligible:
            counts, total = model.word_counts[tag_id], model.totals[tag_id]
            prior = math.log(model.docs[tag_id] / model.n_docs)
            likelihood = sum(math.log((counts[w] + 1) / (total + v)) for w in words)
            logs[tag_id] = prior + BAYES_SHARPNESS * likelihood / len(words)
            shared[tag_id] = len({w for w in words if counts[w]})
        # Softmax over tags: a share of belief, not a calibrated probability.
        peak = max(logs.values())
        weights = {t: math.exp(value - peak) for t, value in logs.items()}
        total_weight = sum(weights.values())
        return {
            t: w / total_weight
            for t, w in weights.items()
            if shared[t] >= min(MIN_SHARED_WORDS, len(set(words)))
        }


def precision_at_k(db: Database, k: int = 3) -> dict[str, Any]:
    """How often the top ``k`` suggestions are tags the leader actually chose.

    Leave-one-text-out: entries sharing a title are the same piece of writing (the demo journal
    repeats its scenes), so each distinct text is scored by a model that never saw any copy of
    it. Returns precision@k (right suggestions over k per text, so offering fewer than k never
    flatters the figure), the precision of what was actually shown, hit@k (share of texts with
    at least one right suggestion) and how many texts were scored.
    """
    groups: dict[str, list[int]] = {}
    texts: dict[str, tuple[str, set[str]]] = {}
    for entry_id, title, body, tags in db.query(
        "SELECT e.id, e.title, e.body, (SELECT group_concat(t.slug, ' ') FROM entry_tag et "
        "JOIN tag t ON t.id = et.tag_id WHERE et.entry_id = e.id) FROM entry e "
        "WHERE e.kind != 'shared' ORDER BY e.id"
    ):
        if not tags:
            continue
        groups.setdefault(title, []).append(entry_id)
        texts.setdefault(title, (f"{title}\n{body}", set(tags.split())))
    cases = [(TagSuggester(db, hold_out=ids), *texts[title]) for title, ids in groups.items()]
    return _score(cases, k)


def precision_on_sample(db: Database, sample: list[dict[str, Any]], k: int = 3) -> dict[str, Any]:
    """The same figures for labelled texts that are not in the journal.

    ``sample``: [{"text": ..., "tags": [slug, ...]}] (tests/unit/data/suggest_sample.toml).
    The journal's own entries train the model as they would in use.
    """
    suggester = TagSuggester(db)
    return _score([(suggester, case["text"], set(case["tags"])) for case in sample], k)


def _score(cases: list[tuple[TagSuggester, str, set[str]]], k: int) -> dict[str, Any]:
    right = suggested = hits = 0
    for suggester, text, truth in cases:
        found = [slug for slug, _, _ in suggester.suggest(text, top=k)]
        right += sum(1 for slug in found if slug in truth)
        suggested += len(found)
        hits += any(slug in truth for slug in found)
    n = len(cases)
    return {
        "precision": round(right / (k * n), 3) if n else None,
        "precision_shown": round(right / suggested, 3) if suggested else None,
        "hit_rate": round(hits / n, 3) if n else None,
        "texts": n,
    }
