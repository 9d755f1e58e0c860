"""Tag names as people type them, and the journal's tag rows."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reflectjournal.storage.chunks import in_chunks
from reflectjournal.storage.database import Database

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``@Workforce Pressures`` → ``workforce-pressures``; ASCII, lower case, hyphens."""
    stripped = text.strip().lstrip("@#").strip()
    ascii_text = (
        unicodedata.normalize("NFKD", stripped).encode("ascii", "ignore").decode("ascii").lower()
    )
    return _NON_SLUG.sub("-", ascii_text).strip("-")


def display_name(text: str) -> str:
    """A readable name for a slug or category: ``board-domain`` → ``Board domain``."""
    cleaned = " ".join(text.strip().lstrip("@#").replace("-", " ").split())
    return cleaned[:1].upper() + cleaned[1:] if cleaned else cleaned


def name_as_written(text: str) -> str:
    """A free tag's name as the person typed it: ``#e-rostering`` → ``e-rostering`` (the
    hyphen stays; only the tag sign and spare spaces go)."""
    return " ".join(text.strip().lstrip("@#").split())


@dataclass(frozen=True)
class TagInfo:
    """A tag's row: its framework (None for a free tag) and how many entries carry it."""

    id: int
    slug: str
    name: str
    category: str
    framework: str | None
    description: str = ""
    count: int = 0


@dataclass(frozen=True)
class TagUsage:
    """A tag and how many entries carry it."""

    slug: str
    name: str
    category: str  # challenge, capability, … or "free"
    framework: str | None  # the framework's slug; None for a free tag
    count: int
    # The framework's words for what the item is about ("staff", "rota", "vacancies"): the
    # tag picker finds Workforce pressures when "staff" is typed.
    keywords: tuple[str, ...] = ()
    description: str = ""


def find_tag_ids(db: Database, slugs: list[str]) -> dict[str, int]:
    if not slugs:
        return {}
    found: dict[str, int] = {}
    for marks, chunk in in_chunks(slugs):
        rows = db.query(f"SELECT slug, id FROM tag WHERE slug IN ({marks})", chunk)
        found.update({row[0]: row[1] for row in rows})
    return found


def ensure_tags(db: Database, names: list[str]) -> list[int]:
    """Ids for the given tag names; unknown slugs become free tags. Order kept, no repeats."""
    slugs: list[str] = []
    names_by_slug: dict[str, str] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in names_by_slug:
            slugs.append(slug)
            names_by_slug[slug] = name
    known = find_tag_ids(db, slugs)
    ids = []
    for slug in slugs:
        if slug not in known:
            cursor = db.execute(
                "INSERT INTO tag(slug, name, category, description, keywords, questions, "
                "calls_for, position, private) VALUES (?, ?, 'free', '', '[]', '[]', '[]', 0, 0)",
                (slug, display_name(names_by_slug[slug])),
            )
            known[slug] = cursor.lastrowid
        ids.append(known[slug])
    return ids


def ensure_free_tag(db: Database, written: str) -> str:
    """A free tag named exactly as the person typed it ("e-rostering" stays so; a slug given on
    the command line, "my-ward", reads "My ward" through ``ensure_tags``). Returns its slug."""
    slug = slugify(written)
    if slug and not find_tag_ids(db, [slug]):
        db.execute(
            "INSERT INTO tag(slug, name, category, description, keywords, questions, "
            "calls_for, position, private) VALUES (?, ?, 'free', '', '[]', '[]', '[]', 0, 0)",
            (slug, name_as_written(written)),
        )
    return slug
