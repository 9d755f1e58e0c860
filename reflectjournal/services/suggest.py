"""Tag suggestions while writing: framework keywords plus the leader's own past tagging.

Two signals, both computed on this machine from this journal only:

1. **Keywords.** Each framework item carries a short list of words and phrases typical of it
   (``tag.keywords``); an item's name counts as one too. Two distinct hits make a keyword
   match as strong as it gets, because one stray word ("rota") is a hint, not a verdict.
2. **The leader's own tagging.** A multinomial naive Bayes model over their tagged entries
   (each tag is a class; an entry with two tags teaches both). It learns the private
   vocabulary the framework cannot know: ward names, colleagues' roles, pet phrases. A tag
   needs ``MIN_EXAMPLES`` entries before the model may speak for it.

The final score is the mean of the two (each in 0..1), so an item both signals agree on rises
to the top, and either signal alone can still surface a candidate.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from reflectjournal.services.patterns.words import STOPWORDS, tokens
from reflectjournal.storage.database import Database

MIN_EXAMPLES = 2
# Training on the most recent tagged entries keeps the model current and quick to build.
MAX_TRAINING = 5000
KEYWORD_SATURATION = 2


@dataclass
class _Model:
    word_counts: dict[int, Counter] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)
    docs: dict[int, int] = field(default_factory=dict)
    vocabulary: set[str] = field(default_factory=set)
    n_docs: int = 0


@dataclass(frozen=True)
class _Tag:
    id: int
    slug: str
    name: str
    patterns: tuple[tuple[str, re.Pattern], ...]
    default: bool


def _features(text: str) -> list[str]:
    return [w for w in tokens(text) if len(w) > 2 and w not in STOPWORDS]


def _phrase_pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<![a-z0-9])" + re.escape(phrase.lower()) + r"(?![a-z0-9])")


class TagSuggester:
    """Build once per open journal; call ``refresh()`` after the leader tags more entries."""

    def __init__(self, db: Database, *, hold_out: Collection[int] = ()):
        """``hold_out``: entry ids the model must not learn from (for honest evaluation)."""
        self.db = db
        self.hold_out = frozenset(hold_out)
        self._tags: dict[int, _Tag] | None = None
        self._model: _Model | None = None

    def refresh(self) -> None:
        self._tags = None
        self._model = None

    def suggest(
        self, text: str, top: int = 5, exclude: tuple[str, ...] | list[str] = ()
    ) -> list[tuple[str, float, str]]:
        """[(slug, score 0..1, reason)], best first, leaving out tags in ``exclude``."""
        lowered = text.lower()
        if not lowered.strip() or top <= 0:
            return []
        tags = self._load_tags()
        bayes = self._bayes_scores(lowered)
        keyword_score, keyword_hits = self._keyword_scores(lowered, tags)
        skip = set(exclude)
        scored = []
        for tag_id in set(keyword_score) | set(bayes):
            tag = tags.get(tag_id)
            if tag is None or tag.slug in skip:
                continue
            kw = keyword_score.get(tag_id, 0.0)
            nb = bayes.get(tag_id, 0.0)
            score = (kw + nb) / 2
            if score < 0.05:
                continue
            reasons = []
            if kw:
                reasons.append("mentions " + ", ".join(f"“{h}”" for h in keyword_hits[tag_id][:3]))
            if nb >= 0.1:
                examples = self._model.docs.get(tag_id, 0) if self._model else 0
                reasons.append(f"reads like {examples} of your entries tagged {tag.name}")
            scored.append((tag.slug, round(score, 3), "; ".join(reasons), tag.default))
        scored.sort(key=lambda s: (-s[1], not s[3], s[0]))
        return [(slug, score, reason) for slug, score, reason, _ in scored[:top]]

    # ---- keywords -----------------------------------------------------------------------------

    def _load_tags(self) -> dict[int, _Tag]:
        if self._tags is None:
            tags = {}
            # Items of frameworks the leader has never used stay quiet: three frameworks
            # naming the same idea would otherwise crowd the list with near-duplicates.
            for row in self.db.query(
                "SELECT t.id, t.slug, t.name, t.keywords, coalesce(f.is_default, 0) "
                "FROM tag t LEFT JOIN framework f ON f.id = t.framework_id "
                "WHERE f.id IS NULL OR f.is_default = 1 OR EXISTS (SELECT 1 FROM entry_tag et "
                "JOIN tag u ON u.id = et.tag_id WHERE u.framework_id = f.id)"
            ):
                phrases = {row[2].lower(), *json.loads(row[3] or "[]")}
                patterns = tuple((p, _phrase_pattern(p)) for p in sorted(phrases) if p.strip())
                tags[row[0]] = _Tag(row[0], row[1], row[2], patterns, bool(row[4]))
            self._tags = tags
        return self._tags

    @staticmethod
    def _keyword_scores(
        lowered: str, tags: dict[int, _Tag]
    ) -> tuple[dict[int, float], dict[int, list[str]]]:
        scores: dict[int, float] = {}
        hits: dict[int, list[str]] = {}
        for tag in tags.values():
            found = [phrase for phrase, pattern in tag.patterns if pattern.search(lowered)]
            if found:
                hits[tag.id] = found
                scores[tag.id] = min(1.0, len(found) / KEYWORD_SATURATION)
        return scores, hits

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
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            for entry_id, tag_id in self.db.query(
                f"SELECT entry_id, tag_id FROM entry_tag WHERE entry_id IN "
                f"({','.join('?' * len(chunk))})",
                chunk,
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

    def _bayes_scores(self, lowered: str) -> dict[int, float]:
        if self._model is None:
            self._model = self._train()
        model = self._model
        words = [w for w in _features(lowered) if w in model.vocabulary]
        eligible = [t for t, n in model.docs.items() if n >= MIN_EXAMPLES]
        if not words or len(eligible) < 2:
            return {}
        v = len(model.vocabulary)
        logs = {}
        for tag_id in eligible:
            counts, total = model.word_counts[tag_id], model.totals[tag_id]
            prior = math.log(model.docs[tag_id] / model.n_docs)
            logs[tag_id] = prior + sum(math.log((counts[w] + 1) / (total + v)) for w in words)
        # Softmax over tags: a share of belief, not a calibrated probability.
        peak = max(logs.values())
        weights = {t: math.exp(value - peak) for t, value in logs.items()}
        total_weight = sum(weights.values())
        return {t: w / total_weight for t, w in weights.items()}


def precision_at_k(db: Database, k: int = 3) -> dict:
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
    right = suggested = hits = 0
    for title, ids in groups.items():
        text, truth = texts[title]
        found = [slug for slug, _, _ in TagSuggester(db, hold_out=ids).suggest(text, top=k)]
        right += sum(1 for slug in found if slug in truth)
        suggested += len(found)
        hits += any(slug in truth for slug in found)
    return {
        "precision": round(right / (k * len(groups)), 3) if groups else None,
        "precision_shown": round(right / suggested, 3) if suggested else None,
        "hit_rate": round(hits / len(groups), 3) if groups else None,
        "texts": len(groups),
    }
