"""Beside the entry editor: a quiet patient-data hint, comments from others, and a button that
turns a reflection's action plan into actions.

Kept out of editor.py so the editor stays about writing; it creates these three widgets,
places them, and tells them when an entry was loaded or changed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.plain_text import rich
from reflectjournal.gui.preview import PreviewBrowser
from reflectjournal.services.display import date_text
from reflectjournal.services.entries import EntryComment
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.privacy import KIND_LABELS, KINDS
from reflectjournal.services.rendering import render_plain
from reflectjournal.services.workspace import Workspace

PRIVACY_MS = 800  # after the last keystroke: a scan per pause, not per key
PRIVACY_LIMIT = 100_000  # characters; longer text is checked in full when it is shared
SHARED_VISIBILITIES = ("mentor", "coach")
# Models whose entries are written to be read by others (a CPD account goes to a regulator).
MODELS_FOR_OTHER_READERS = ("cpd",)
_PLURALS = {
    "date-of-birth": "dates of birth",
    "email": "email addresses",
    "patient-name": "patients' or relatives' names",
    "address": "street addresses",
    "chi-number": "CHI numbers",
    "hc-number": "H&C numbers",
}


def privacy_hint_text(counts: dict[str, int]) -> str:
    """'Possible patient identifiers: 1 NHS number, 2 phone numbers' (empty when none)."""
    parts = []
    for kind in (*KINDS, *sorted(set(counts) - set(KINDS))):
        number = counts.get(kind, 0)
        if number:
            label = KIND_LABELS.get(kind, kind)
            parts.append(f"{number} {label if number == 1 else _PLURALS.get(kind, label + 's')}")
    return f"Possible patient identifiers: {', '.join(parts)}" if parts else ""


def hint_applies(visibility: str | None, kind: str, model: str | None) -> bool:
    """Entries a mentor or coach may be sent, and CPD accounts (written for a regulator)."""
    if kind == "shared":
        return False
    return visibility in SHARED_VISIBILITIES or model in MODELS_FOR_OTHER_READERS


class PrivacyHint(QLabel):
    """A small line under the editor, for entries others will read (see ``hint_applies``).

    ``source()`` returns (title, body, visibility, kind, model, entry id) of what is on screen.
    """

    def __init__(self, workspace: Workspace, source: Callable[[], tuple], parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.source = source
        self.setObjectName("privacyHint")
        self.setAccessibleName("Patient data hint")
        self.setToolTip(
            "Seen in this entry's text. Nothing is sent anywhere; before you share or export it, the "
            "privacy check shows each one and lets you remove it."
        )
        self.hide()
        self.timer = QTimer(self, singleShot=True, interval=PRIVACY_MS)
        self.timer.timeout.connect(self.check_now)

    def schedule(self) -> None:
        self.timer.start()

    def check_now(self) -> None:
        self.timer.stop()
        title, body, visibility, kind, model, entry_id = self.source()
        # A title taken from the first sentence would count the same identifier twice.
        text = body if title.strip() in body else f"{title}\n{body}"
        if not hint_applies(visibility, kind, model):
            self.setText("")
        elif len(text) > PRIVACY_LIMIT:
            self.setText("Long entry: the privacy check runs in full when you share it.")
        else:
            try:
                counts = self.workspace.privacy.quiet_scan(text, entry_id)
            except ReflectJournalError:  # a hint, never an obstacle to writing
                counts = {}
            self.setText(privacy_hint_text(counts))
        self.setVisible(bool(self.text()))


def _day(iso: str) -> str:
    return date_text(iso)


def comments_html(comments: Iterable[EntryComment]) -> str:
    """Others' words as plain text (nothing they typed is interpreted), newest last."""
    blocks = []
    for comment in comments:
        when = html.escape(_day(comment.created or ""))
        earlier = " · on an earlier version" if comment.earlier_version else ""
        blocks.append(
            f"<p><b>{html.escape(comment.author or 'Someone')}</b>"
            f" <span style='color:#6b7280'>{when}{earlier}</span></p>"
            f"{render_plain(comment.text or '')}"
        )
    return "<hr>".join(blocks)


class CommentsBox(QWidget):
    """Comments that came back from a mentor or coach on the open entry; hidden when none."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setObjectName("commentsHeading")
        self.view = PreviewBrowser()  # asks before any link, loads no resources
        self.view.setAccessibleName("Comments from others")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view)
        self.comments: list[EntryComment] = []
        self.hide()

    def show_comments(self, comments: Iterable[EntryComment]) -> None:
        self.comments = list(comments)
        if not self.comments:
            self.view.clear()
            self.hide()
            return
        count = len(self.comments)
        rich(self.heading, f"<b>{count} comment{'s' if count > 1 else ''} from others</b>")
        self.view.setHtml(comments_html(self.comments))
        self.show()


class PlanButton(QPushButton):
    """'Turn action plan into actions', shown for models with an actionable section.

    ``save()`` saves the entry first (the plan on screen is the one turned into actions) and
    returns its id, or None when there is nothing saved to work from.
    """

    def __init__(self, workspace: Workspace, save: Callable[[], int | None], parent=None):
        super().__init__("Turn action plan into actions", parent)
        self.workspace = workspace
        self.save = save
        self.setToolTip("Each item of the action plan becomes an open action you can track")
        self.clicked.connect(self.turn_into_actions)
        self.hide()

    def update_for(self, model_slug: str | None, kind: str) -> None:
        model = get_model(model_slug) if model_slug else None
        self.setVisible(
            kind != "shared" and model is not None and model.actionable_section() is not None
        )

    def turn_into_actions(self) -> list[int]:
        entry_id = self.save()
        if entry_id is None:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(
                self, "Actions", "Write the action plan first; then it can become actions."
            )
            return []
        from reflectjournal.gui.coaching_view import turn_plan_into_actions

        # Reported as a change event: the Coaching page lists the new actions.
        return turn_plan_into_actions(self.workspace, entry_id, self.window())
