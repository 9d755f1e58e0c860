"""Our own JSON export, read back strictly.

Shape (version 1)::

    {"format": "reflectjournal-export", "version": 1, "entries": [
        {"uid": "…", "kind": "reflection|session|shared", "title": "…", "body": "markdown",
         "created": "2026-11-26T09:30:00+00:00", "updated": "…"|null, "tags": ["burnout"],
         "mood": 1-5|null, "energy": 1-5|null, "visibility": "private|mentor|coach",
         "model": "gibbs"|null, "sections": {"feelings": "…"}, "starred": false,
         "comments": [{"author": "…", "text": "…", "created": "…"}], "from": "…"|null,
         "id": "…", "attachments": [{"name": "board.png", "mime": "image/png",
         "data": "base64…"}]}]}

``uid``, ``kind``, ``title``, ``body`` and ``created`` are required; the rest are optional
and filled with defaults. An entry with an unknown field, a wrong type or a repeated uid
refuses the whole file (ImportFailed naming the entry, 1-based, and the field): our own
format has no excuse for being wrong, and a half-import would be worse. Other keys beside
``format``/``version``/``entries`` at the top level are ignored.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from pathlib import Path
from typing import Any

from reflectjournal.errors import ImportFailed

from .records import in_range
from .safety import MAX_FILE_BYTES, load_json_strict, read_bytes_capped, shown

FORMAT = "reflectjournal-export"
VERSION = 1
KINDS = ("reflection", "session", "shared")
VISIBILITIES = ("private", "mentor", "coach")
_NAME = "The ReflectJournal export"

_REQUIRED = ("uid", "kind", "title", "body", "created")
_OPTIONAL: dict[str, Any] = {
    "id": None,
    "updated": None,
    "tags": [],
    "mood": None,
    "energy": None,
    "visibility": "private",
    "model": None,
    "sections": {},
    "starred": False,
    "comments": [],
    "from": None,
    "attachments": [],
}
_COMMENT_KEYS = {"author", "text", "created"}


class _Bad(Exception):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(field, problem)
        self.field, self.problem = field, problem


def _text(value: object, field: str, *, empty_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise _Bad(field, "must be text")
    if not empty_ok and not value.strip():
        raise _Bad(field, "must not be empty")
    return value


def _when(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise _Bad(field, "must be a date and time as text")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(field, f"'{shown(value)}' is not an ISO date and time") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise _Bad(field, "must include a UTC offset")
    if not in_range(when):
        raise _Bad(field, "is out of range")
    return when


def _scale(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise _Bad(field, "must be a whole number from 1 to 5, or null")
    return value


def _entry(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Bad("entry", "must be a JSON object")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _Bad(unknown[0], "is not a field of a version 1 export")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise _Bad(missing[0], "is missing")
    out: dict[str, Any] = {key: raw.get(key, default) for key, default in _OPTIONAL.items()}
    out["uid"] = _text(raw["uid"], "uid", empty_ok=False)
    if raw["kind"] not in KINDS:
        raise _Bad("kind", f"must be one of {', '.join(KINDS)}")
    out["kind"] = raw["kind"]
    out["title"] = _text(raw["title"], "title")
    out["body"] = _text(raw["body"], "body")
    out["created"] = _when(raw["created"], "created")
    if out["updated"] is not None:
        out["updated"] = _when(out["updated"], "updated")
    if out["id"] is not None and (
        isinstance(out["id"], bool) or not isinstance(out["id"], str | int)
    ):
        raise _Bad("id", "must be text or a number")
    tags = out["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise _Bad("tags", "must be a list of non-empty text")
    out["tags"] = list(tags)
    out["mood"] = _scale(out["mood"], "mood")
    out["energy"] = _scale(out["energy"], "energy")
    if out["visibility"] not in VISIBILITIES:
        raise _Bad("visibility", f"must be one of {', '.join(VISIBILITIES)}")
    for key in ("model", "from"):
        if out[key] is not None:
            _text(out[key], key)
    sections = out["sections"] if out["sections"] is not None else {}
    if not isinstance(sections, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sections.items()
    ):
        raise _Bad("sections", "must map section names to text")
    out["sections"] = dict(sections)
    if not isinstance(out["starred"], bool):
        raise _Bad("starred", "must be true or false")
    comments = out["comments"] if out["comments"] is not None else []
    if not isinstance(comments, list):
        raise _Bad("comments", "must be a list")
    checked = []
    for number, comment in enumerate(comments, start=1):
        field = f"comments[{number}]"
        if not isinstance(comment, dict) or set(comment) != _COMMENT_KEYS:
            raise _Bad(field, "must have exactly author, text and created")
        checked.append(
            {
                "author": _text(comment["author"], f"{field}.author"),
                "text": _text(comment["text"], f"{field}.text"),
                "created": _when(comment["created"], f"{field}.created"),
            }
        )
    out["comments"] = checked
    out["attachments"] = _attachments(out["attachments"])
    return out


def _attachments(value: object) -> list[tuple[str, bytes]]:
    """``[{"name", "mime", "data": base64}]``: each checked as an attachment added here is."""
    from reflectjournal.errors import ReflectJournalError
    from reflectjournal.services.attachments import check

    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad("attachments", "must be a list")
    found = []
    for number, item in enumerate(value, start=1):
        field = f"attachments[{number}]"
        if not isinstance(item, dict) or not {"name", "data"} <= set(item) <= {
            "name",
            "mime",
            "data",
        }:
            raise _Bad(field, "must have a name and its data")
        name = _text(item["name"], f"{field}.name", empty_ok=False)
        try:
            data = base64.b64decode(_text(item["data"], f"{field}.data"), validate=True)
            check(name, data)
        except (ValueError, binascii.Error):
            raise _Bad(f"{field}.data", "is not base64") from None
        except ReflectJournalError as exc:
            raise _Bad(field, str(exc).rstrip(".")) from None
        found.append((name, data))
    return found


def parse_reflectjournal_json(data: bytes) -> list[dict[str, Any]]:
    """Validate a ReflectJournal export and return its entries as plain dicts.

    Every known key is present in each dict (defaults filled in); ``created``, ``updated``
    and each comment's ``created`` are timezone-aware datetimes.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFailed(f"{_NAME} is larger than an import accepts.")
    document = load_json_strict(data, _NAME)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFailed(
            f"{_NAME} is not a ReflectJournal export: its 'format' is not '{FORMAT}'."
        )
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ImportFailed(
            f"{_NAME} was written by a newer ReflectJournal (format version {version}); "
            "update ReflectJournal and import it again."
        )
    if version != VERSION or isinstance(version, bool):
        raise ImportFailed(f"{_NAME} has an unknown format version ({version!r}).")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise ImportFailed(f"{_NAME} is damaged: 'entries' is not a list.")
    out: list[dict[str, Any]] = []
    first_seen: dict[str, int] = {}
    for number, raw in enumerate(entries, start=1):
        try:
            entry = _entry(raw)
        except _Bad as bad:
            where = "" if bad.field == "entry" else f"'{shown(bad.field)}' "
            raise ImportFailed(
                f"{_NAME} was refused: entry {number} {where}{bad.problem}."
            ) from None
        if entry["uid"] in first_seen:
            raise ImportFailed(
                f"{_NAME} was refused: entry {number} repeats the uid of entry "
                f"{first_seen[entry['uid']]}."
            )
        first_seen[entry["uid"]] = number
        out.append(entry)
    return out


def parse_reflectjournal_file(path: Path) -> list[dict[str, Any]]:
    """:func:`parse_reflectjournal_json` on a file, read with the size cap."""
    return parse_reflectjournal_json(read_bytes_capped(Path(path), MAX_FILE_BYTES))
