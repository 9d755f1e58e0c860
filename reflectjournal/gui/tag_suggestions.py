"""Tag suggestions while writing: up to three one-click buttons under the tags.

The suggester (services/suggest.py) runs on this machine only, from the frameworks' keywords and
the leader's own past tagging; it is built once per editor (it learns new tagging at the next open) and asked again after each pause in
typing, never per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from reflectjournal.errors import ReflectJournalError
from reflectjournal.services.workspace import Workspace

if TYPE_CHECKING:  # the suggester is built on the first suggestion, not at start-up
    from reflectjournal.services.suggest import TagSuggester

SUGGEST_MS = 1000  # after the last keystroke
SUGGEST_LIMIT = 50_000  # characters; beyond this the suggester reads only the start
SHOWN = 3


class TagSuggestions(QWidget):
    """``source()`` returns (text, current tag slugs, kind); ``accepted`` carries a slug."""

    accepted = Signal(str)

    def __init__(
        self, workspace: Workspace, source: Callable[[], tuple[str, list[str], str]], parent=None
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.source = source
        self._suggester: TagSuggester | None = None
        self.setAccessibleName("Suggested tags")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel("Suggested:")
        layout.addWidget(self.caption)
        self.buttons: list[QPushButton] = []
        for _ in range(SHOWN):
            button = QPushButton()
            button.setFlat(True)
            button.clicked.connect(lambda _=False, b=button: self._accept(b))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.timer = QTimer(self, singleShot=True, interval=SUGGEST_MS)
        self.timer.timeout.connect(self.update_now)
        # Long tag names ("Making the transition into leadership") must not widen the window
        # past 1024 px: the row takes the width it is given and shows the suggestions that fit.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.found: list[QPushButton] = []
        self.hide()

    def schedule(self) -> None:
        self.timer.start()

    def suggestions(self) -> list[tuple[str, str, str]]:
        """(slug, display name, reason) for what is on screen now."""
        text, current, kind = self.source()
        if kind == "shared" or not text.strip():
            return []
        try:
            if self._suggester is None:
                self._suggester = self.workspace.tag_suggester()
            found = self._suggester.suggest(text[:SUGGEST_LIMIT], top=SHOWN, exclude=current)
            return [
                (slug, self.workspace.frameworks.item(slug).name, reason)
                for slug, _score, reason in found
            ]
        except ReflectJournalError:  # a convenience, never an obstacle to writing
            return []

    def update_now(self) -> None:
        self.timer.stop()
        found = self.suggestions()
        for button, item in zip(self.buttons, found + [None] * SHOWN, strict=False):
            if item is None:
                button.hide()
                continue
            slug, name, reason = item
            button.setText(f"+ {name}")
            button.setToolTip(f"Add the tag {name}: {reason}" if reason else f"Add the tag {name}")
            button.setAccessibleName(f"Add suggested tag {name}")
            button.setProperty("slug", slug)
        self.found = [b for b, _item in zip(self.buttons, found, strict=False)]
        self._fit()
        self.setVisible(bool(found))

    def _fit(self) -> None:
        """Show the suggestions, best first, that fit the row's width."""
        parent = self.parentWidget()
        room = self.width() if self.isVisible() else parent.width() if parent else 10_000
        used = self.caption.sizeHint().width() + 12
        for button in self.buttons:
            wanted = button in self.found
            used += button.sizeHint().width() + 6 if wanted else 0
            button.setVisible(wanted and used <= room)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _accept(self, button: QPushButton) -> None:
        slug = button.property("slug")
        if slug:
            button.hide()
            self.found = [b for b in self.found if b is not button]
            self.accepted.emit(slug)
            self._fit()
            self.setVisible(bool(self.found))
