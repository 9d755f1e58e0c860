"""A quiet note on the owner's own Patterns page when their mood or energy has stayed low.

It says what it noticed, lists where help is, and can be switched off from the note itself
(the journal remembers; Settings is not needed). Nothing is shown when all is well.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from reflectjournal.gui import operations
from reflectjournal.gui.plain_text import rich
from reflectjournal.services import wellbeing
from reflectjournal.services.workspace import Workspace


class CareNoteBanner(QFrame):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName("careNote")
        self.setAccessibleName("A note about how you have been")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setOpenExternalLinks(False)
        self.hide_button = QPushButton("Don't show this")
        self.hide_button.setFlat(True)
        self.hide_button.setToolTip("You can switch it back on from Patterns' options menu.")
        self.hide_button.clicked.connect(self.switch_off)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignTop)
        self.refresh()

    def refresh(self) -> None:
        note = self.workspace.wellbeing.own_care_note()
        self.setVisible(note is not None)
        if note is None:
            self.text.clear()
            return
        places = " · ".join(f"<b>{escape(name)}</b>" for name, _ in wellbeing.SIGNPOSTS)
        rich(self.text, f"{escape(note.sentence())}<br>{places}")
        self.text.setToolTip(
            "\n".join(f"{name}: {what}" for name, what in wellbeing.SIGNPOSTS)
            + "\n\n"
            + wellbeing.URGENT
        )

    def switch_off(self) -> None:
        self._switch(False)

    def switch_on(self) -> None:
        self._switch(True)

    def _switch(self, on: bool) -> None:
        # Through the window's events: the View menu's tick follows the note's own button.
        operations.perform(
            operations.events_of(self),
            lambda: self.workspace.wellbeing.set_own_care_note(on),
            operations.Changes(settings=True),
        )
        self.refresh()
