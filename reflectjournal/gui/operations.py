"""Operations and change events: every write the window makes, and who hears about it.

In the manner of Anki's ``CollectionOp``/``OpChanges``: a page never refreshes another page
itself. It runs its write through :func:`perform` (quick, on the UI thread) or
:func:`perform_in_background` (long: imports, restores), saying what the write changed as a
:class:`Changes`; the window's one :class:`Events` object then tells every page, and each page
decides what that means for it (the Journal list updates a row or reloads, Coaching and Shared
with me refresh, Patterns recomputes when it is next shown). Navigation travels the same way:
``events.open_entry(id)`` asks the window to show an entry in the Journal page.

``initiator`` is the page that made the change; a page may skip the refresh it has already
done itself (``initiator is self``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar, overload

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from reflectjournal.errors import ReflectJournalError

log = logging.getLogger(__name__)

R = TypeVar("R")


@dataclass(frozen=True, kw_only=True)
class Changes:
    """What one operation changed. Entry ids, when known, let the Journal list update rows."""

    entries_added: frozenset[int] = field(default_factory=frozenset)
    entries_edited: frozenset[int] = field(default_factory=frozenset)
    entries_removed: frozenset[int] = field(default_factory=frozenset)
    entries: bool = False  # entries changed in ways not listed by id (an import, a received share)
    tags: bool = False  # tags or frameworks (names, new free tags, ratings)
    people: bool = False
    sessions: bool = False
    actions: bool = False
    programmes: bool = False  # agreements, goals and their ratings, 360 results
    shared: bool = False  # received entries, comments, contacts
    settings: bool = False
    everything: bool = False  # the journal itself changed under us (restore, passphrase change)

    @classmethod
    def entry_added(cls, entry_id: int, **areas: Any) -> Changes:
        return cls(entries_added=frozenset({entry_id}), **areas)

    @classmethod
    def entry_edited(cls, entry_id: int, **areas: Any) -> Changes:
        return cls(entries_edited=frozenset({entry_id}), **areas)

    @classmethod
    def entry_removed(cls, entry_id: int, **areas: Any) -> Changes:
        return cls(entries_removed=frozenset({entry_id}), **areas)

    @property
    def entry_ids(self) -> frozenset[int]:
        return self.entries_added | self.entries_edited | self.entries_removed

    @property
    def touches_entries(self) -> bool:
        """Anything the entry list, search or patterns read from may have changed."""
        return self.everything or self.entries or bool(self.entry_ids)

    @property
    def any(self) -> bool:
        return self.touches_entries or any(
            (
                self.tags,
                self.people,
                self.sessions,
                self.actions,
                self.programmes,
                self.shared,
                self.settings,
            )
        )

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            merged[f.name] = (mine | theirs) if isinstance(mine, frozenset) else (mine or theirs)
        return Changes(**merged)


NO_CHANGES = Changes()


class Events(QObject):
    """One per main window: the bus every page listens to."""

    changed = Signal(object, object)  # Changes, initiator (the page that made them, or None)
    open_entry_requested = Signal(int)  # show this entry in the Journal page

    def report(self, changes: Changes, initiator: object | None = None) -> None:
        if changes.any:
            self.changed.emit(changes, initiator)

    def open_entry(self, entry_id: int) -> None:
        self.open_entry_requested.emit(int(entry_id))


PRIVATE_EVENTS = "reflectjournal-private-events"


def events_of(widget: QObject | None) -> Events:
    """The window's events object for ``widget``: its own, or its nearest ancestor's.

    A page built on its own (in a test, or a dialog without a window) gets a private one, so
    code never has to ask whether anyone is listening; it is the widget's child, so the next
    call for the widget (or anything inside it) finds the same one.
    """
    node = widget
    while node is not None:
        found = getattr(node, "events", None)
        if isinstance(found, Events):
            return found
        private = node.findChild(Events, PRIVATE_EVENTS, Qt.FindChildOption.FindDirectChildrenOnly)
        if private is not None:
            return private
        node = node.parent()
    made = Events(widget)
    made.setObjectName(PRIVATE_EVENTS)
    return made


@overload
def perform(
    events: Events,
    op: Callable[[], R],
    changes: Changes | Callable[[R], Changes],
    *,
    initiator: object | None = None,
) -> R: ...


@overload
def perform(
    events: Events,
    op: Callable[[], R],
    changes: Changes | Callable[[R], Changes],
    *,
    initiator: object | None = None,
    on_error: Callable[[str], None],
) -> R | None: ...


def perform(
    events: Events,
    op: Callable[[], R],
    changes: Changes | Callable[[R], Changes],
    *,
    initiator: object | None = None,
    on_error: Callable[[str], None] | None = None,
) -> R | None:
    """Run one quick write now and report what it changed.

    A refusal (:class:`ReflectJournalError`) goes to ``on_error`` as its one sentence and
    returns None, with nothing reported; without ``on_error`` it is raised to the caller.
    """
    try:
        result = op()
    except ReflectJournalError as exc:
        if on_error is None:
            raise
        on_error(str(exc))
        return None
    events.report(changes(result) if callable(changes) else changes, initiator)
    return result


def perform_in_background(
    events: Events,
    op: Callable[[Any], R],
    changes: Changes | Callable[[R], Changes],
    *,
    parent: QObject | None = None,
    pool: QThreadPool | None = None,
    initiator: object | None = None,
    on_finished: Callable[[R], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Run a long write off the UI thread (``op`` gets the task context) and report on success.

    Returns the :class:`~reflectjournal.gui.tasks.Task`. The report comes before
    ``on_finished`` so the pages are current when the caller tells the user it is done.
    A cancelled or failed write reports nothing: it changed nothing.
    """
    from reflectjournal.gui.tasks import run_task

    def finished(result: R) -> None:
        events.report(changes(result) if callable(changes) else changes, initiator)
        if on_finished is not None:
            on_finished(result)

    return run_task(
        op,
        parent,
        pool,
        on_finished=finished,
        on_failed=on_failed,
        on_cancelled=on_cancelled,
        on_progress=on_progress,
    )


def listen(widget: QWidget, handler: Callable[[Changes, object], None]) -> Events:
    """Connect ``handler`` to the window's changes for as long as ``widget`` lives."""
    events = events_of(widget)
    events.changed.connect(handler)
    return events


def entry_ids(ids: Iterable[int]) -> frozenset[int]:
    return frozenset(int(i) for i in ids)


__all__ = [
    "NO_CHANGES",
    "Changes",
    "Events",
    "WhenShown",
    "entry_ids",
    "events_of",
    "listen",
    "perform",
    "perform_in_background",
]


class WhenShown(QObject):
    """Refresh a page now if it is on screen, else the next time it is shown.

    Pages that are built but hidden do no work for every change elsewhere (an autosave, an
    import); they catch up once, when the user comes back to them.
    """

    def __init__(self, page: QWidget, refresh: Callable[[], None]):
        super().__init__(page)
        self._page = page
        self._refresh = refresh
        self.pending = False
        page.installEventFilter(self)

    def request(self) -> None:
        if self._page.isVisible():
            self.pending = False
            self._refresh()
        else:
            self.pending = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A collection that frees a closed page breaks its cycle with this filter by clearing
        # the filter's attributes first; the page's own teardown may still send it events.
        if "_page" not in self.__dict__:
            return False
        if watched is self._page and event.type() == QEvent.Type.Show and self.pending:
            self.pending = False
            self._refresh()
        return False
