"""Under the preview: "Linked from …", the entries whose text links to the one shown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.plain_text import esc, rich
from reflectjournal.services.display import date_text
from reflectjournal.services.workspace import Workspace

MAX_SHOWN = 8


class LinkedFrom(QLabel):
    open_entry = Signal(int)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.setWordWrap(True)
        self.setAccessibleName("Linked from")
        self.linkActivated.connect(self._activated)
        self.hide()

    def show_for(self, entry_id: int | None) -> None:
        linked = []
        if entry_id is not None:
            try:
                linked = self.workspace.links.linked_from(entry_id)
            except ReflectJournalError:
                linked = []
        if not linked:
            self.clear()
            self.hide()
            return
        parts = [
            f'<a href="rj-entry:{item.id}">{esc(item.title or "Untitled")}</a> '
            f"<span>({esc(date_text(item.created))})</span>"
            for item in linked[:MAX_SHOWN]
        ]
        more = len(linked) - MAX_SHOWN
        if more > 0:
            parts.append(f"and {more} more")
        rich(self, "Linked from " + ", ".join(parts))
        self.show()

    def _activated(self, link: str) -> None:
        number = link.removeprefix("rj-entry:")
        if number.isdigit():
            self.open_entry.emit(int(number))
