"""Entry values (``Entry``, and ``EntryRecord`` for exports) and reflection-model sections."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reflectjournal.domain.enums import KINDS as KINDS
from reflectjournal.domain.enums import VISIBILITIES as VISIBILITIES
from reflectjournal.domain.enums import Kind, Scale, Visibility
from reflectjournal.errors import UsageError
from reflectjournal.services.timeutil import from_storage

if TYPE_CHECKING:
    from reflectjournal.services.frameworks import ReflectionModel

TITLE_MAX = 120
ENTRY_MAX_BYTES = 16 * 1024 * 1024


@dataclass
class EntryFilter:
    """Which entries a list, a search, a count or an export covers (all of them by default)."""

    tags: list[str] = field(default_factory=list)
    since: str | None = None  # UTC ISO lower bound
    until: str | None = None  # UTC ISO exclusive upper bound
    kind: str | None = None
    mood_min: int | None = None
    mood_max: int | None = None
    visibility: str | None = None
    starred: bool | None = None
    sender_id: int | None = None
    limit: int | None = None
    offset: int = 0


def check_scale(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or Scale.parse(value) is None:
        raise UsageError(f"{name} must be a whole number from 1 to 5, not '{value}'.")
    return value


def check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is not None and value not in choices:
        raise UsageError(f"{name} must be one of {', '.join(choices)}, not '{value}'.")
    return value


def check_text(text: str, what: str = "The entry") -> str:
    if "\x00" in text:
        raise UsageError(f"{what} contains a NUL character, which a journal cannot store.")
    if len(text.encode("utf-8", "surrogatepass")) > ENTRY_MAX_BYTES:
        raise UsageError(f"{what} is larger than 16 MB; split it into several entries.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} contains text that is not valid Unicode.") from None
    return text


def derive_title(body: str) -> str:
    """A title from the first sentence of the first line of prose (headings as a fallback)."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    prose = [line for line in lines if not line.startswith("#")]
    for line in prose[:1] or [line.lstrip("#").strip() for line in lines[:1]]:
        match = re.match(r"(.+?[.!?])(\s|$)", line)
        title = match.group(1) if match else line
        return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"
    return "Untitled"


def compose_body(model: ReflectionModel, sections: dict[str, str]) -> str:
    """Markdown for a structured entry: one ``##`` heading per non-empty section."""
    parts = []
    for section in model.sections:
        text = sections.get(section.key, "").strip()
        if text:
            parts.append(f"## {section.title}\n\n{text}")
    return "\n\n".join(parts)


def split_sections(model: ReflectionModel, body: str) -> dict[str, str]:
    """Sections back out of a body written with the model's headings (any heading level).

    Text before the first recognised heading goes to the first section, so a model entry
    typed as plain text is still fully kept.
    """
    by_title = {_norm(s.title): s.key for s in model.sections}
    by_title.update({_norm(s.key.replace("-", " ")): s.key for s in model.sections})
    current = model.sections[0].key if model.sections else None
    collected: dict[str, list[str]] = {}
    for line in body.splitlines():
        heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading and _norm(heading.group(1)) in by_title:
            current = by_title[_norm(heading.group(1))]
            continue
        if current is not None:
            collected.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in collected.items() if "\n".join(v).strip()}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class EntryComment:
    """Someone's comment on an entry; ``created`` is stored UTC ISO text."""

    author: str
    text: str
    created: str
    earlier_version: bool = False  # written on an earlier version of the entry's text


@dataclass(frozen=True)
class Entry:
    """One entry as the services return it. Times are ISO text in the writer's own offset."""

    id: int
    kind: Kind
    title: str
    body: str
    created: str
    updated: str
    tags: tuple[str, ...]
    mood: Scale | None
    energy: Scale | None
    visibility: Visibility
    model: str | None
    starred: bool
    comments: tuple[EntryComment, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()  # (key, text) in the model's order
    sender: str | None = None  # who shared it (kind SHARED); None when unknown or not shared

    @property
    def is_shared(self) -> bool:
        return self.kind is Kind.SHARED


def entry_from_row(
    row: Any,
    tags: list[str],
    comments: tuple[EntryComment, ...] = (),
    sections: tuple[tuple[str, str], ...] = (),
    sender: str | None = None,
) -> Entry:
    return Entry(
        id=int(row["id"]),
        kind=Kind(row["kind"]),
        title=row["title"],
        body=row["body"],
        created=from_storage(row["created"], row["created_offset"]).isoformat(),
        updated=from_storage(row["updated"], row["created_offset"]).isoformat(),
        tags=tuple(tags),
        mood=Scale.parse(row["mood"]),
        energy=Scale.parse(row["energy"]),
        visibility=Visibility(row["visibility"]),
        model=row["model"],
        starred=bool(row["starred"]),
        comments=comments,
        sections=sections,
        sender=sender,
    )


def content_hash(title: str, body: str) -> str:
    """Identity of one version of an entry's text; comments are bound to it."""
    import hashlib  # only entries with comments are hashed: most commands never load OpenSSL

    canonical = json.dumps(
        {"body": body, "title": title}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
