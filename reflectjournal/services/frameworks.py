"""Frameworks (taxonomies of challenges, capabilities, ...) and reflection models, as data.

Built-in files live in ``reflectjournal/resources`` and are found with importlib.resources so
an installed wheel and a frozen build find them too. A framework is copied into the journal
when installed (its TOML text kept), so a user's own framework survives its file being moved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services import settings
from reflectjournal.services.builtin_files import builtin_fingerprint as builtin_fingerprint
from reflectjournal.services.builtin_files import builtins_current
from reflectjournal.services.builtin_files import resource_texts as _resource_texts
from reflectjournal.services.tags import slugify
from reflectjournal.storage.database import Database

_MAX_FRAMEWORK_BYTES = 2 * 1024 * 1024
# How one item bears on another (``relations.<kind> = [...]`` in a framework file):
# - calls-for: a challenge or setting that needs the other item (a gap may be pointed out);
# - builds: a way of developing that grows the other item (a gap may be pointed out);
# - influences: the item moves an outcome (shown, never a deficit message);
# - related: the two belong to the same territory (shown, never a deficit message).
# A bare ``related = [...]`` list means "related".
RELATION_KINDS = ("calls-for", "builds", "influences", "related")
RELATION_TITLES = {
    "calls-for": "Calls for",
    "builds": "Builds",
    "influences": "Influences",
    "related": "Related",
}
# Categories whose items are capabilities a leader builds (neglect and ratings look at these);
# a framework file adds its own with ``counts_as = "capability"`` on a category.
CAPABILITY_CATEGORIES = ("capability", "dimension")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    prompt: str = ""
    actionable: bool = False


@dataclass(frozen=True)
class ReflectionModel:
    slug: str
    name: str
    kind: str
    description: str
    sections: tuple[Section, ...]
    source: str = ""  # who the model is after, credited wherever it is offered

    def actionable_section(self) -> Section | None:
        return next((s for s in self.sections if s.actionable), None)


@dataclass
class FrameworkSpec:
    slug: str
    name: str
    version: int
    description: str
    default: bool
    rating_scale: list[str]
    categories: list[dict[str, Any]]
    items: list[dict[str, Any]]
    source: str = field(repr=False, default="")
    # An optional pack ships with the app but is installed only when the leader asks for it.
    optional: bool = False


# The setting that remembers which built-in framework files the journal was last updated from.
BUILTINS_SETTING = settings.BUILTIN_FRAMEWORKS.key


def parse_framework(text: str, where: str = "framework file") -> FrameworkSpec:
    """Validate a framework TOML document; errors name the problem in one sentence."""
    import tomllib  # only when a file is parsed: not on the usual open (see install_builtins)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"The {where} is not valid TOML: {exc}.") from None
    head = data.get("framework")
    if not isinstance(head, dict) or not head.get("name"):
        raise UsageError(f"The {where} needs a [framework] table with a name.")
    slug = slugify(str(head.get("slug") or head["name"]))
    categories = data.get("categories") or []
    items = data.get("items") or []
    if not isinstance(categories, list) or not isinstance(items, list) or not items:
        raise UsageError(f"The {where} needs at least one [[items]] entry.")
    category_slugs = {slugify(str(c.get("slug", ""))) for c in categories if isinstance(c, dict)}
    seen = set()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise UsageError(f"Item {index} of the {where} has no name.")
        item_slug = slugify(str(item.get("slug") or item["name"]))
        if item_slug in seen:
            raise UsageError(f"The {where} lists the item '{item_slug}' twice.")
        seen.add(item_slug)
        category = slugify(str(item.get("category", "")))
        if category_slugs and category not in category_slugs:
            raise UsageError(
                f"Item '{item_slug}' of the {where} has an unknown category '{category}'."
            )
        relations = item.get("relations", {})
        if not isinstance(relations, dict) or not all(
            k in RELATION_KINDS and isinstance(v, list) for k, v in relations.items()
        ):
            raise UsageError(
                f"Item '{item_slug}' of the {where} has relations other than lists of "
                f"{', '.join(RELATION_KINDS)}."
            )
    return FrameworkSpec(
        slug=slug,
        name=str(head["name"]),
        version=int(head.get("version", 1)),
        description=str(head.get("description", "")),
        default=bool(head.get("default", False)),
        rating_scale=[str(x) for x in head.get("rating_scale", [])],
        categories=[c for c in categories if isinstance(c, dict)],
        items=items,
        source=text,
        optional=bool(head.get("optional", False)),
    )


@cache
def builtin_frameworks() -> tuple[FrameworkSpec, ...]:
    return tuple(parse_framework(text) for text in _resource_texts("frameworks"))


@cache
def reflection_models() -> dict[str, ReflectionModel]:
    import tomllib

    models = {}
    for text in _resource_texts("models"):
        data = tomllib.loads(text)
        head = data["model"]
        sections = tuple(
            Section(
                key=s["key"],
                title=s["title"],
                prompt=s.get("prompt", ""),
                actionable=bool(s.get("actionable", False)),
            )
            for s in data.get("sections", [])
        )
        models[head["slug"]] = ReflectionModel(
            slug=head["slug"],
            name=head["name"],
            kind=head.get("kind", "reflection"),
            description=head.get("description", ""),
            sections=sections,
            source=head.get("source", ""),
        )
    return models


def get_model(slug: str | None) -> ReflectionModel | None:
    if not slug:
        return None
    models = reflection_models()
    if slug not in models:
        known = ", ".join(sorted(models))
        raise UsageError(f"There is no reflection model '{slug}'; choose one of: {known}.")
    return models[slug]


@dataclass(frozen=True)
class FrameworkItem:
    slug: str
    name: str
    category: str
    description: str


@dataclass(frozen=True)
class ItemDetail:
    """One framework item or free tag, with what the Frameworks page shows about it."""

    id: int
    slug: str
    name: str
    category: str
    framework: str | None  # the framework's slug; None for a free tag
    description: str
    keywords: tuple[str, ...]
    questions: tuple[str, ...]  # coaching questions it raises
    calls_for: tuple[str, ...]  # free-text capabilities it asks of a leader
    related: tuple[str, ...]  # every item it points to, whatever the kind, in position order
    relations: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, slugs), RELATION_KINDS order

    def related_by(self, kind: str) -> tuple[str, ...]:
        """The items related to this one as ``kind`` (one of RELATION_KINDS); () if none."""
        return next((slugs for k, slugs in self.relations if k == kind), ())


@dataclass(frozen=True)
class FrameworkInfo:
    """An installed framework as the services return it."""

    slug: str
    name: str
    version: int
    description: str
    builtin: bool
    default: bool
    rating_scale: tuple[str, ...]
    items: tuple[FrameworkItem, ...]


class FrameworkService:
    def __init__(self, db: Database):
        self.db = db

    def install_builtins(self) -> None:
        """Install or update the shipped frameworks (cheap when they are current).

        Every open calls this. When the journal was last brought up to date from these very
        files (their fingerprint is stored beside it), one query answers: no TOML is parsed
        and no write lock is taken, which used to cost every command ~12 ms.
        """
        if builtins_current(self.db):
            return
        fingerprint = builtin_fingerprint()
        current = {
            row[0]: row[1]
            for row in self.db.query("SELECT slug, version FROM framework WHERE builtin = 1")
        }
        stale = [
            s
            for s in builtin_frameworks()
            if current.get(s.slug) != s.version and (not s.optional or s.slug in current)
        ]
        with self.db.transaction():
            for spec in stale:
                self._install(spec, builtin=True)
            settings.write(self.db, settings.BUILTIN_FRAMEWORKS, fingerprint)

    def optional_packs(self) -> list[FrameworkSpec]:
        """Shipped packs not installed yet (``frameworks add SLUG`` installs one)."""
        installed = {r[0] for r in self.db.query("SELECT slug FROM framework")}
        return [s for s in builtin_frameworks() if s.optional and s.slug not in installed]

    def add_pack(self, slug: str) -> FrameworkSpec:
        pack = next((s for s in builtin_frameworks() if s.optional and s.slug == slug), None)
        if pack is None:
            names = ", ".join(s.slug for s in builtin_frameworks() if s.optional)
            raise UsageError(
                f"There is no optional framework pack '{slug}'; the packs are {names}."
            )
        with self.db.transaction():
            self._install(pack, builtin=True)
        return pack

    def add_file(self, path: Path) -> FrameworkSpec:
        try:
            if path.stat().st_size > _MAX_FRAMEWORK_BYTES:
                raise UsageError(f"{path} is too large to be a framework file (over 2 MB).")
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"There is no file {path}.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path} could not be read as UTF-8 text: {exc}.") from None
        spec = parse_framework(text, where=f"framework file {path.name}")
        spec.default = False
        builtin = {f.slug for f in builtin_frameworks()}
        if spec.slug in builtin:
            raise UsageError(
                f"'{spec.slug}' is the name of a built-in framework; give yours another slug."
            )
        with self.db.transaction():
            self._install(spec, builtin=False)
        return spec

    def _install(self, spec: FrameworkSpec, builtin: bool) -> None:
        db = self.db
        row = db.query_one("SELECT id FROM framework WHERE slug = ?", (spec.slug,))
        values = (
            spec.name,
            spec.version,
            spec.description,
            int(builtin),
            int(spec.default),
            json.dumps(spec.rating_scale),
            spec.source,
        )
        if row is None:
            framework_id = db.execute(
                "INSERT INTO framework(name, version, description, builtin, is_default, "
                "rating_scale, source, slug) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, spec.slug),
            ).lastrowid
        else:
            framework_id = row[0]
            db.execute(
                "UPDATE framework SET name=?, version=?, description=?, builtin=?, "
                "is_default=?, rating_scale=?, source=? WHERE id=?",
                (*values, framework_id),
            )
        ids: dict[str, int] = {}
        for position, item in enumerate(spec.items):
            slug = slugify(str(item.get("slug") or item["name"]))
            existing = db.query_one("SELECT id, framework_id FROM tag WHERE slug = ?", (slug,))
            if existing is not None and existing[1] not in (None, framework_id):
                slug = f"{spec.slug}-{slug}"  # another framework owns the bare slug
                existing = db.query_one("SELECT id FROM tag WHERE slug = ?", (slug,))
            fields = (
                str(item["name"]),
                slugify(str(item.get("category", ""))) or "item",
                framework_id,
                str(item.get("description", "")),
                json.dumps([str(k).lower() for k in item.get("keywords", [])]),
                json.dumps([str(q) for q in item.get("questions", [])]),
                json.dumps([str(c) for c in item.get("calls_for", [])]),
                position,
            )
            if existing is None:
                tag_id = db.execute(
                    "INSERT INTO tag(name, category, framework_id, description, keywords, "
                    "questions, calls_for, position, private, slug) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (*fields, slug),
                ).lastrowid
            else:
                # A free tag the user made earlier is adopted by the framework, keeping its links.
                tag_id = existing[0]
                db.execute(
                    "UPDATE tag SET name=?, category=?, framework_id=?, description=?, "
                    "keywords=?, questions=?, calls_for=?, position=? WHERE id=?",
                    (*fields, tag_id),
                )
            ids[slugify(str(item.get("slug") or item["name"]))] = tag_id
        db.execute(
            "DELETE FROM tag_relation WHERE tag_id IN (SELECT id FROM tag WHERE framework_id = ?)",
            (framework_id,),
        )
        relations = [
            (ids[slugify(str(item.get("slug") or item["name"]))], ids[slugify(str(rel))], kind)
            for item in spec.items
            for kind, targets in item_relations(item)
            for rel in targets
            if slugify(str(rel)) in ids
        ]
        db.executemany(
            "INSERT OR IGNORE INTO tag_relation(tag_id, related_id, kind) VALUES (?, ?, ?)",
            relations,
        )

    def list(self) -> list[FrameworkInfo]:
        """Installed frameworks (the default first) with their items in order."""
        frameworks = []
        for fw in self.db.query(
            "SELECT id, slug, name, version, description, builtin, is_default, rating_scale "
            "FROM framework ORDER BY is_default DESC, builtin DESC, name"
        ):
            items = tuple(
                FrameworkItem(t["slug"], t["name"], t["category"], t["description"])
                for t in self.db.query(
                    "SELECT slug, name, category, description FROM tag "
                    "WHERE framework_id = ? ORDER BY position",
                    (fw["id"],),
                )
            )
            frameworks.append(
                FrameworkInfo(
                    slug=fw["slug"],
                    name=fw["name"],
                    version=int(fw["version"]),
                    description=fw["description"],
                    builtin=bool(fw["builtin"]),
                    default=bool(fw["is_default"]),
                    rating_scale=tuple(json.loads(fw["rating_scale"] or "[]")),
                    items=items,
                )
            )
        return frameworks

    def item(self, slug: str) -> ItemDetail:
        row = self.db.query_one(
            "SELECT t.*, f.slug AS framework FROM tag t LEFT JOIN framework f "
            "ON f.id = t.framework_id WHERE t.slug = ?",
            (slugify(slug),),
        )
        if row is None:
            raise NotFound(f"There is no framework item or tag '{slug}'.")
        links = self.db.query(
            "SELECT t.slug, r.kind FROM tag_relation r JOIN tag t ON t.id = r.related_id "
            "WHERE r.tag_id = ? ORDER BY t.position",
            (row["id"],),
        )
        by_kind = [(kind, tuple(r[0] for r in links if r[1] == kind)) for kind in RELATION_KINDS]
        return ItemDetail(
            id=int(row["id"]),
            slug=row["slug"],
            name=row["name"],
            category=row["category"],
            framework=row["framework"],
            description=row["description"],
            keywords=tuple(json.loads(row["keywords"] or "[]")),
            questions=tuple(json.loads(row["questions"] or "[]")),
            calls_for=tuple(json.loads(row["calls_for"] or "[]")),
            related=tuple(r[0] for r in links),
            relations=tuple((kind, slugs) for kind, slugs in by_kind if slugs),
        )

    def capability_categories(self) -> tuple[str, ...]:
        """Categories whose items count as capabilities, across the installed frameworks."""
        found = set(CAPABILITY_CATEGORIES)
        for (source,) in self.db.query("SELECT source FROM framework WHERE source != ''"):
            found |= _capability_categories_of(source)
        return tuple(sorted(found))


@cache
def _capability_categories_of(source: str) -> frozenset[str]:
    import tomllib

    try:
        categories = tomllib.loads(source).get("categories") or []
    except tomllib.TOMLDecodeError:
        return frozenset()
    return frozenset(
        slugify(str(c.get("slug", "")))
        for c in categories
        if isinstance(c, dict) and c.get("counts_as") == "capability"
    )


def item_relations(item: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """(kind, target slugs) for an item of a framework file, in RELATION_KINDS order."""
    table = item.get("relations") or {}
    found = [(kind, list(table.get(kind, []))) for kind in RELATION_KINDS]
    found[-1][1].extend(item.get("related", []))
    return [(kind, targets) for kind, targets in found if targets]
