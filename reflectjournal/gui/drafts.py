"""Crash-safe drafts, kept inside the encrypted journal (the ``setting`` table).

Unsaved editor state is written here a moment after each change and removed once the entry
itself is saved, so a crash or a killed process loses at most a fraction of a second of
typing, and nothing ever lands on disk as plain text.
"""

from __future__ import annotations

import json

from reflectjournal.services import settings
from reflectjournal.services.workspace import Workspace

PREFIX = settings.DRAFT_PREFIX


def key_for(entry_id: int | None) -> str:
    return f"{PREFIX}{entry_id if entry_id is not None else 'new'}"


def save(workspace: Workspace, entry_id: int | None, state: dict) -> None:
    workspace.set_setting(key_for(entry_id), json.dumps(state, ensure_ascii=False))


def discard(workspace: Workspace, entry_id: int | None) -> None:
    workspace.delete_setting(key_for(entry_id))


def pending(workspace: Workspace) -> list[tuple[int | None, dict]]:
    """Drafts left behind by an earlier run: (entry id or None for a new entry, state)."""
    found = []
    for key, value in workspace.settings_with_prefix(PREFIX):
        suffix = key[len(PREFIX) :]
        try:
            state = json.loads(value)
        except ValueError:
            continue
        entry_id = int(suffix) if suffix.isdigit() else None
        if suffix.isdigit() or suffix == "new":
            found.append((entry_id, state))
    return found
