"""A seeded, realistic benchmark corpus: our encrypted journal and a jrnl file of the same entries.

    .venv/bin/python tools/corpus.py --size 20000 [--seed 7] [--cache .bench-cache]

Entries span ten years, have a one-sentence title, a multi-paragraph Markdown body of about
1 KB (so 100k entries hold ~100 MB of text), 1-4 tags (framework items, weighted so a few are
common and most are rare, plus free tags), moods and energies; some are reflection-model
entries with structured sections, some are coaching-session notes with a coachee and actions.

Generated corpora are cached under ``.bench-cache/corpus-<size>-<seed>-v<version>/`` so reruns
are instant. The generator writes our journal with direct SQL in one transaction: the insert triggers are
set aside while rows go in (storage/bulk.py, as an import does) and the full-text index and the
pattern digest are filled in one pass before they are restored: the same rows the triggers
would have written, minus 1-4 re-tokenisations of every body.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / ".bench-cache"
GENERATOR_VERSION = 5
PASSPHRASE = "benchmark passphrase, not a secret"
SIZES = (1_000, 20_000, 100_000)
START = datetime(2016, 1, 4, tzinfo=UTC)
SPAN_DAYS = 10 * 365

FREE_TAGS = [
    "night-shift", "board-meeting", "team-huddle", "winter-pressures", "ward-round", "handover",
    "budget-review", "recruitment", "cqc-visit", "sickness-absence", "new-starter", "audit",
    "complaint", "bed-meeting", "rota", "appraisal", "incident-review", "away-day",
    "patient-feedback", "governance", "estates", "digital-rollout", "union-meeting", "locum-spend",
]  # fmt: skip
PEOPLE = [
    "Amira Haddad", "Ben Okafor", "Chloe Martin", "Dev Patel", "Ellen Murphy", "Femi Adeyemi",
    "Grace Liu", "Hamish Reid", "Isla Novak", "Jonas Berg", "Kavita Rao", "Liam O'Connor",
]  # fmt: skip

# Sentence parts: enough variety that word frequencies look like prose, not a repeated page.
_SUBJECTS = [
    "The team", "Our ward manager", "The night staff", "A junior doctor", "The matron",
    "Two senior nurses", "The finance lead", "Our service director", "The discharge team",
    "A new consultant", "The physiotherapists", "The board", "The on-call registrar",
    "Our pharmacist", "The bed manager", "The clinical lead", "Half the rota", "The HR partner",
]  # fmt: skip
_VERBS = [
    "raised concerns about", "pushed back on", "asked for clarity on", "worked late to cover",
    "quietly fixed", "challenged me on", "was frustrated by", "came up with a plan for",
    "escalated", "struggled with", "celebrated progress on", "questioned the data behind",
    "volunteered to lead", "missed the briefing on", "spent the morning untangling",
]  # fmt: skip
_OBJECTS = [
    "the staffing gaps on the medical wards", "the discharge backlog", "the new rota",
    "the infection control audit", "the delayed transfers", "the agency spend",
    "the sepsis pathway", "the handover process", "the outpatient waiting list",
    "the theatre schedule", "the quality improvement project", "the budget cuts",
    "the complaint from a family", "the falls prevention work", "the electronic records rollout",
    "the winter escalation plan", "the flow through the emergency department",
    "the revalidation paperwork", "the safeguarding referral", "the mortality review",
]  # fmt: skip
_FEELINGS = [
    "I felt stretched thin", "I noticed my patience running out", "I was proud of them",
    "I felt out of my depth", "I stayed calmer than I expected", "I was tired and short with people",
    "I felt heard for once", "I doubted my own judgement", "I felt energised",
    "I was anxious about the numbers", "I felt the weight of the decision",
    "I was relieved when it landed", "I felt caught between two loyalties",
]  # fmt: skip
_LINKS = [
    "because", "although", "and afterwards", "even though", "which meant", "so", "while",
    "until", "since", "and yet",
]  # fmt: skip
_REFLECTIONS = [
    "Next time I want to ask more questions before offering a fix",
    "I should protect an hour a week for thinking rather than firefighting",
    "It reminded me that compassion and clear boundaries are not opposites",
    "I need to share the reasoning, not only the decision",
    "Listening first bought more goodwill than any email would have",
    "The data told one story and the staff told another, and both were true",
    "I want to check in with the quieter members of the team",
    "Delegating this properly would free me to think about the whole pathway",
    "My own tiredness shaped how I heard the criticism",
    "A small experiment would teach us more than another meeting",
    "We keep treating the symptom and not the flow problem underneath",
    "I should ask my mentor how she handled a similar standoff",
]  # fmt: skip
# Rare details (each in ~0.3% of entries) give searches a selective word, as real journals have.
_RARE = [
    "A norovirus outbreak closed two bays", "The pagers failed during the IT outage",
    "A heatwave filled the department by noon", "The fire alarm interrupted the huddle",
    "A journalist phoned the switchboard", "The lifts broke down again", "A flood in the basement",
    "The coroner asked for a statement", "A patient brought homemade flapjacks",
    "The ombudsman report arrived",
]  # fmt: skip
_TITLES = [
    "A hard conversation about {obj}", "Thinking about {obj}", "What I learned from {obj}",
    "Another week of {obj}", "Small win on {obj}", "Still stuck on {obj}",
    "Notes after the meeting on {obj}", "Why {obj} keeps coming back", "Reflecting on {obj}",
]  # fmt: skip
_MODEL_BODIES = {
    "gibbs": ["Description", "Feelings", "Evaluation", "Analysis", "Conclusion", "Action plan"],
    "what-so-what-now-what": ["What?", "So what?", "Now what?"],
}


@dataclass
class CorpusEntry:
    id: int
    created: datetime
    title: str
    body: str
    tags: list[str]
    mood: int | None
    energy: int | None
    kind: str = "reflection"
    model: str | None = None
    starred: bool = False
    coachee: str | None = None
    actions: list[str] = field(default_factory=list)


def _sentence(rng: random.Random) -> str:
    s = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
    if rng.random() < 0.6:
        feeling = rng.choice(_FEELINGS)
        s += f", {rng.choice(_LINKS)} {feeling[0].lower() if feeling[0] != 'I' else 'I'}{feeling[1:]}"
    return s + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    parts = [_sentence(rng) for _ in range(sentences - 1)]
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(_REFLECTIONS) + ".")
    text = " ".join(parts)
    if rng.random() < 0.15:
        word = rng.choice(["really", "not", "again", "finally"])
        text = text.replace(f" {word} ", f" **{word}** ", 1)
    return text


def _body(rng: random.Random, model: str | None) -> str:
    if model:
        return "\n\n".join(
            f"## {heading}\n\n{_paragraph(rng, rng.randint(2, 4))}"
            for heading in _MODEL_BODIES[model]
        )
    paragraphs = [_paragraph(rng, rng.randint(2, 5)) for _ in range(rng.randint(3, 5))]
    if rng.random() < 0.03:
        paragraphs[0] = f"{rng.choice(_RARE)}. {paragraphs[0]}"
    if rng.random() < 0.2:
        items = rng.sample(_REFLECTIONS, 3)
        paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), "\n".join(f"- {i}" for i in items))
    return "\n\n".join(paragraphs)


def _tag_pool() -> tuple[list[str], list[float]]:
    """Framework items (default framework weighted up) then free tags, with Zipf-like weights."""
    sys.path.insert(0, str(ROOT))
    from reflectjournal.services.frameworks import builtin_frameworks

    slugs: list[str] = []
    for spec in sorted(builtin_frameworks(), key=lambda s: not s.default):
        slugs += [item["slug"] for item in spec.items if item.get("slug")]
    slugs += FREE_TAGS
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(slugs))]
    return slugs, weights


def generate(size: int, seed: int = 7, span_days: int = SPAN_DAYS) -> list[CorpusEntry]:
    """The same ``size`` entries for the same seed, oldest first, over ``span_days``."""
    rng = random.Random(seed)
    slugs, weights = _tag_pool()
    step = span_days * 86400 / size
    start = START + timedelta(days=SPAN_DAYS - span_days)  # every span ends on the same day
    entries = []
    for n in range(size):
        # Spread evenly over the days, written between 06:00 and 23:00, whole minutes (jrnl's
        # resolution).
        day = start + timedelta(days=int(n * step / 86400))
        created = day + timedelta(minutes=rng.randrange(6 * 60, 23 * 60))
        kind, model, coachee, actions = "reflection", None, None, []
        roll = rng.random()
        if roll < 0.08:
            kind, coachee = "session", rng.choice(PEOPLE)
            actions = [rng.choice(_REFLECTIONS) for _ in range(rng.randint(0, 2))]
        elif roll < 0.2:
            model = rng.choice(list(_MODEL_BODIES))
        tags: list[str] = []
        for slug in rng.choices(slugs, weights, k=rng.randint(1, 4)):
            if slug not in tags:
                tags.append(slug)
        obj = rng.choice(_OBJECTS)
        title = rng.choice(_TITLES).format(obj=obj)
        title = (f"Session with {coachee.split()[0]}: " + obj if coachee else title) + "."
        mood = rng.randint(1, 5) if rng.random() < 0.7 else None
        energy = rng.randint(1, 5) if mood is not None and rng.random() < 0.8 else None
        entries.append(
            CorpusEntry(
                id=n + 1,
                created=created,
                title=title,
                body=_body(rng, model),
                tags=tags,
                mood=mood,
                energy=energy,
                kind=kind,
                model=model,
                starred=rng.random() < 0.03,
                coachee=coachee,
                actions=actions,
            )
        )
    return entries


# ---- writing ---------------------------------------------------------------------------------


def write_journal(entries: list[CorpusEntry], path: Path, passphrase: str) -> None:
    from reflectjournal.services.entries import split_sections
    from reflectjournal.services.frameworks import get_model
    from reflectjournal.services.tags import ensure_tags
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage import bulk

    ws = Workspace.create(path, passphrase, owner="Bench Leader")
    db = ws.db
    try:
        with db.transaction():
            with bulk.triggers_set_aside(db) as fill:
                now = datetime.now(UTC).replace(microsecond=0).isoformat()
                all_slugs = sorted({s for e in entries for s in e.tags})
                tag_ids = dict(zip(all_slugs, ensure_tags(db, all_slugs), strict=True))
                people = {}
                for name in PEOPLE:
                    people[name] = db.execute(
                        "INSERT INTO person(uid, name, role, email, created, notes) "
                        "VALUES (?, ?, 'coachee', '', ?, '')",
                        (uuid.uuid4().hex, name, now),
                    ).lastrowid
                rows, tag_rows, section_rows, session_rows, action_rows = [], [], [], [], []
                for e in entries:
                    stamp = e.created.isoformat()
                    rows.append(
                        (e.id, uuid.uuid4().hex, e.kind, e.title, e.body, stamp, 0, stamp, e.mood,
                         e.energy, "private", e.model, int(e.starred))
                    )  # fmt: skip
                    tag_rows += [(e.id, tag_ids[s], "user") for s in e.tags]
                    if e.model:
                        model = get_model(e.model)
                        order = {s.key: i for i, s in enumerate(model.sections)}
                        section_rows += [
                            (e.id, key, order[key], text)
                            for key, text in split_sections(model, e.body).items()
                        ]
                    if e.coachee:
                        session_rows.append((e.id, e.id, people[e.coachee], stamp[:10], ""))
                        due = (e.created + timedelta(days=14)).date().isoformat()
                        done = e.created < START + timedelta(days=SPAN_DAYS - 120)
                        action_rows += [
                            (uuid.uuid4().hex, text, people[e.coachee], due,
                             "done" if done else "open", stamp, stamp if done else None, e.id, e.id)
                            for text in e.actions
                        ]  # fmt: skip
                db.executemany(
                    "INSERT INTO entry(id, uid, kind, title, body, created, created_offset, updated, "
                    "mood, energy, visibility, model, starred) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                db.executemany(
                    "INSERT INTO entry_tag(entry_id, tag_id, source) VALUES (?, ?, ?)", tag_rows
                )
                db.executemany(
                    "INSERT INTO entry_section(entry_id, key, position, body) VALUES (?, ?, ?, ?)",
                    section_rows,
                )
                db.executemany(
                    "INSERT INTO coaching_session(id, entry_id, person_id, date, agenda) "
                    "VALUES (?, ?, ?, ?, ?)",
                    session_rows,
                )
                db.executemany(
                    "INSERT INTO action(uid, text, owner_id, due, status, created, closed, entry_id, "
                    "session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    action_rows,
                )
                fill(1, max(e.id for e in entries))
        db.execute("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ws.close()


def jrnl_text(entries: list[CorpusEntry]) -> str:
    """jrnl 4.6's plain-text layout (as jrnl itself writes it): ``[date] Title`` then the body;
    tags are inline ``@slug`` words, so they go on the entry's last line."""
    chunks = []
    for e in entries:
        star = " *" if e.starred else ""
        tags = " ".join("@" + s for s in e.tags)
        chunks.append(f"[{e.created:%Y-%m-%d %H:%M}] {e.title}{star}\n{e.body}\n{tags}\n")
    return "\n".join(chunks)


JRNL_CONFIG = """\
colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: {journal}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: '4.6'
"""


@dataclass(frozen=True)
class Corpus:
    size: int
    seed: int
    folder: Path

    journal = property(lambda self: self.folder / "journal.rj")
    passphrase_file = property(lambda self: self.folder / "passphrase.txt")
    key_file = property(lambda self: self.folder / "key.hex")
    jrnl_file = property(lambda self: self.folder / "jrnl.txt")
    jrnl_config = property(lambda self: self.folder / "jrnl.yaml")
    meta_file = property(lambda self: self.folder / "meta.json")

    def meta(self) -> dict:
        return json.loads(self.meta_file.read_text(encoding="utf-8"))

    def jrnl_env(self) -> dict[str, str]:
        """An isolated HOME/XDG for jrnl, so it never reads or rewrites a real config."""
        home = self.folder / "jrnl-home"
        env = dict(os.environ, HOME=str(home), TZ="UTC")
        for name in ("CONFIG", "DATA", "CACHE", "STATE"):
            env[f"XDG_{name}_HOME"] = str(home / name.lower())
        return env

    def jrnl_command(self, *args: str) -> list[str]:
        jrnl = Path(sys.executable).with_name("jrnl")
        return [str(jrnl), "--config-file", str(self.jrnl_config), *args]


def build(
    size: int, seed: int = 7, cache: Path = DEFAULT_CACHE, log=print, span_years: int = 10
) -> Corpus:
    """The cached corpus for (size, seed), generating it first if needed; ``span_years``
    other than ten spreads the same number of entries over that many years (its own
    corpus, ``-y<years>``; for measuring how a computation grows with the span)."""
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# generated benchmark corpora; never committed\n*\n", encoding="utf-8")
    from reflectjournal.storage.keys import current_scheme

    # A journal keyed under another scheme would be re-keyed at its first passphrase unlock,
    # inside a measurement: each key-derivation scheme has its own corpus.
    scheme = current_scheme().number
    span = "" if span_years == 10 else f"-y{span_years}"
    corpus = Corpus(
        size, seed, cache / f"corpus-{size}-{seed}-v{GENERATOR_VERSION}-k{scheme}{span}"
    )
    if corpus.meta_file.exists():
        corpus.passphrase_file.chmod(0o600)  # written before private files were required
        return corpus
    folder = corpus.folder
    folder.mkdir(exist_ok=True)
    for leftover in folder.glob("journal.rj*"):
        leftover.unlink()
    started = time.perf_counter()
    entries = generate(size, seed, span_years * 365 if span_years != 10 else SPAN_DAYS)
    log(f"generated {size} entries in {time.perf_counter() - started:.1f} s")
    corpus.passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    corpus.passphrase_file.chmod(0o600)  # others' readable passphrase files are refused
    t = time.perf_counter()
    write_journal(entries, corpus.journal, PASSPHRASE)
    log(f"wrote {corpus.journal} in {time.perf_counter() - t:.1f} s")
    from reflectjournal.storage.unlock import key_for

    corpus.key_file.write_text(key_for(corpus.journal, PASSPHRASE).hex(), encoding="utf-8")
    corpus.jrnl_file.write_text(jrnl_text(entries), encoding="utf-8")
    corpus.jrnl_config.write_text(
        JRNL_CONFIG.format(journal=json.dumps(str(corpus.jrnl_file))), encoding="utf-8"
    )
    _check_jrnl_reads_it(corpus, _tag_counts(entries))
    text_bytes = sum(len(e.body.encode()) + len(e.title.encode()) for e in entries)
    meta = {
        "size": size,
        "seed": seed,
        "generator": GENERATOR_VERSION,
        "text_bytes": text_bytes,
        "journal_bytes": corpus.journal.stat().st_size,
        "seconds": round(time.perf_counter() - started, 1),
        "tag_counts": _tag_counts(entries),
    }
    corpus.meta_file.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    log(f"corpus ready in {folder} ({meta['seconds']} s, {text_bytes / 1e6:.0f} MB of text)")
    return corpus


def _tag_counts(entries: list[CorpusEntry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entries:
        for s in e.tags:
            counts[s] = counts.get(s, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _check_jrnl_reads_it(corpus: Corpus, counts: dict[str, int]) -> None:
    """jrnl must see every entry and its tags, or the comparison would be against another
    journal. Asking for the rarest tag makes jrnl parse the whole file (linear); its full
    ``--tags`` listing is quadratic, so that comparison is left to the tags benchmark."""
    slug, expected = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    done = subprocess.run(
        corpus.jrnl_command("-n", str(expected + 1), "--format", "short", "@" + slug),
        env=corpus.jrnl_env(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    shown = len([line for line in done.stdout.splitlines() if line.strip()])
    if done.returncode != 0 or shown != expected:
        raise RuntimeError(
            f"jrnl shows {shown} entries tagged @{slug}, the corpus has {expected}: "
            f"{done.stderr.strip()[-300:]}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--span-years", type=int, default=10)
    args = parser.parse_args(argv)
    corpus = build(args.size, args.seed, args.cache, span_years=args.span_years)
    print(corpus.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
