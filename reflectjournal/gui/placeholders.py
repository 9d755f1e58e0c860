"""Empty states for pages whose full views are still being built.

Each says what the page will hold and what the user can already do to fill it, using what
the journal actually contains right now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reflectjournal.gui.plain_text import esc, rich_label
from reflectjournal.services.display import plural
from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.workspace import Workspace


def empty_state(title: str, paragraphs: list[str], parent=None) -> QWidget:
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    heading = rich_label(f"<h2>{esc(title)}</h2>")
    heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(heading)
    for text in paragraphs:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setMaximumWidth(560)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(2)
    page.setAccessibleName(title)
    return page


def coaching_page(workspace: Workspace, parent=None) -> QWidget:
    coachees = [p.name for p in workspace.people.list("coachee")]
    sessions = workspace.journal.count(EntryFilter(kind="session"))
    if coachees:
        who = f"This journal knows {plural(len(coachees), 'coachee')}: {', '.join(coachees[:5])}."
    else:
        who = "No coachees yet. Add one from the command line with "
        who += "reflectjournal person add NAME --role coachee."
    return empty_state(
        "Coaching",
        [
            "Your coachees, their session notes, the actions you agreed and a prep brief "
            "for the next session will be gathered on this page.",
            who,
            f"Session notes so far: {sessions}. They also appear in the Journal list.",
        ],
        parent,
    )


def shared_page(workspace: Workspace, parent=None) -> QWidget:
    received = workspace.journal.count(EntryFilter(kind="shared"))
    return empty_state(
        "Shared with me",
        [
            "Entries that a leader chooses to share with you, as their mentor or coach, "
            "are listed here read-only, ready for your comments.",
            f"Shared entries received so far: {received}."
            if received
            else "Nothing has been shared with you yet. Send your contact card to the "
            "leader; the share file they send back can be opened with "
            "reflectjournal share import FILE.",
        ],
        parent,
    )


def patterns_page(workspace: Workspace, parent=None) -> QWidget:
    total = workspace.journal.count()
    return empty_state(
        "Patterns",
        [
            "Which challenges keep coming back, which capabilities you are building, how "
            "your mood moves month by month and which actions are still open.",
            f"You have {plural(total, 'entry')}. Patterns become meaningful after a few weeks of "
            "writing; until this page is ready, reflectjournal patterns shows them in a "
            "terminal.",
        ],
        parent,
    )
