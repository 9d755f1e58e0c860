"""Printing: exactly one JSON document with --json, a readable table otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reflectjournal.cli.terminal import escape_json
from reflectjournal.domain.enums import Kind
from reflectjournal.services.display import compact_datetime

if TYPE_CHECKING:
    from reflectjournal.services.entries import Entry


def emit_json(data: object) -> None:
    import json  # only --json needs it: a plain list or search does not load the encoder

    sys.stdout.write(escape_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def reply(args, data: Any, text: str | Callable[[Any], object], *, empty: str | None = None) -> int:
    """Answer a command: ``data`` as one JSON document with --json, else ``text`` for a person.

    Every command that takes --json has these two faces (docs/CLI.md: with --json, exactly one JSON
    document on stdout and nothing else), so they all answer through this one place. ``text`` is
    the line to print (it may hold newlines) or a function that prints ``data``; ``empty`` is
    printed instead when ``data`` is empty. Returns 0, the command's exit code.
    """
    if args.json:
        emit_json(data)
    elif empty is not None and not data:
        say(empty)
    elif callable(text):
        text(data)
    else:
        say(text)
    return 0


def _short_date(iso: str) -> str:
    """An entry's time as its writer wrote it."""
    return compact_datetime(iso, as_stored_offset=True)


def entry_lines(entries: Sequence[Entry]) -> None:
    """``list`` and ``search``: one line an entry."""
    if not entries:
        say("No entries.")
        return
    width = max(len(str(e.id)) for e in entries)
    for e in entries:
        tags = " ".join("@" + t for t in e.tags)
        kind = "" if e.kind is Kind.REFLECTION else f"[{e.kind}] "
        line = f"{e.id:>{width}}  {_short_date(e.created)}  {kind}{e.title}"
        say(line + (f"  {tags}" if tags else ""))


def entry_detail(e: Entry) -> None:
    """``show``: the entry, its facts and its comments."""
    say(e.title)
    meta = [_short_date(e.created), str(e.kind), str(e.visibility)]
    if e.is_shared and e.sender:
        meta.append(f"from {e.sender}")
    if e.model:
        meta.append(f"model {e.model}")
    if e.mood is not None:
        meta.append(f"mood {int(e.mood)}/5")
    if e.energy is not None:
        meta.append(f"energy {int(e.energy)}/5")
    say(" · ".join(meta))
    if e.tags:
        say(" ".join("@" + t for t in e.tags))
    say()
    say(e.body)
    for c in e.comments:
        say()
        note = " (on an earlier version)" if c.earlier_version else ""
        say(f"— {c.author}, {compact_datetime(c.created)}{note}:")
        say(c.text)
