"""The pages of the main window, in navigation order.

Each entry is (key, title, factory); ``factory(workspace, parent)`` returns the page widget
and is called the first time the page is shown, so start-up only pays for the Journal page.
To add a page (Coaching, Shared with me, Patterns), replace its placeholder factory below
with your own; the main window needs no change. Factories import their module lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from reflectjournal.services.workspace import Workspace


@dataclass(frozen=True)
class View:
    key: str
    title: str
    factory: Callable[[Workspace, QWidget | None], QWidget]
    shortcut: str = ""


def _journal(workspace: Workspace, parent: QWidget | None) -> QWidget:
    from reflectjournal.gui.journal_view import JournalView

    return JournalView(workspace, parent)


def _frameworks(workspace: Workspace, parent: QWidget | None) -> QWidget:
    from reflectjournal.gui.frameworks_view import FrameworksView

    return FrameworksView(workspace, parent)


def _coaching(workspace: Workspace, parent: QWidget | None) -> QWidget:
    from reflectjournal.gui.coaching_view import CoachingView

    return CoachingView(workspace, parent)


def _shared(workspace: Workspace, parent: QWidget | None) -> QWidget:
    from reflectjournal.gui.sharing_view import SharingView

    return SharingView(workspace, parent)


def _patterns(workspace: Workspace, parent: QWidget | None) -> QWidget:
    from reflectjournal.gui.patterns_view import PatternsView

    return PatternsView(workspace, parent)


VIEWS: list[View] = [
    View("journal", "Journal", _journal, "Ctrl+1"),
    View("coaching", "Coaching", _coaching, "Ctrl+2"),
    View("shared", "Shared with me", _shared, "Ctrl+3"),
    View("patterns", "Patterns", _patterns, "Ctrl+4"),
    View("frameworks", "Frameworks", _frameworks, "Ctrl+5"),
]
