"""The Journal page's searches, off the UI thread: the newest one wins.

Every keystroke in the search box (and every filter change while words are typed) submits a
search. It runs on a worker thread over the page's own connection to the journal
(``Workspace.for_worker()``, kept open between searches so its page cache stays warm), one
search at a time, so however slow a query is the window keeps taking keys.

Submitting a search cancels the one before it: SQLite stops a running statement within about
a millisecond (``JournalService.stop_when``), a search still queued never starts, and a result
that arrives anyway for an older search is dropped. The list therefore only ever shows the
latest query's results.
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from reflectjournal.errors import Interrupted
from reflectjournal.gui.entry_model import MATCHES_WITH_PAGE, first_page
from reflectjournal.gui.tasks import Cancelled, Task, TaskContext, run_task
from reflectjournal.services.entries import EntryFilter

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Found:
    """The first page of one search, ready for ``EntryListModel.show_page``."""

    serial: int
    query: str
    entry_filter: EntryFilter
    rows: list[dict[str, Any]]
    seconds: float  # the worker's time for it (what the adaptive debounce goes by)


class SearchRunner(QObject):
    found = Signal(object)  # Found, for the latest search only
    failed = Signal(str)  # one sentence, for the latest search only

    def __init__(self, workspace: Workspace, parent: QObject | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one search at a time, on one connection
        self._pool.setExpiryTimeout(-1)  # the thread (and its connection) stays
        self._stack: ExitStack | None = None  # the worker connection, opened on its thread
        self._journal: JournalService | None = None
        self._task: Task | None = None
        self._serial = 0
        self._closed = False
        self.last_seconds = 0.0  # how long the last finished search took on the worker

    @property
    def busy(self) -> bool:
        """A search was submitted and its results have not been shown yet."""
        return self._task is not None

    def submit(self, query: str, entry_filter: EntryFilter) -> None:
        """Search now on the worker; whatever ran before is cancelled."""
        if self._closed:
            return
        self.cancel()
        self._serial += 1
        serial = self._serial

        def work(ctx: TaskContext) -> Found:
            ctx.check()  # typed over while it waited for the thread
            started = time.perf_counter()
            journal = self._worker_journal()
            try:
                with journal.stop_when(lambda: ctx.cancelled):
                    rows = first_page(journal, query, entry_filter, MATCHES_WITH_PAGE)
            except Interrupted:
                raise Cancelled() from None
            return Found(serial, query, entry_filter, rows, time.perf_counter() - started)

        self._task = run_task(
            work,
            self,
            self._pool,
            on_finished=self._finished,
            on_failed=lambda message: self._failed(serial, message),
        )

    def cancel(self) -> None:
        """Stop the search in flight (its results, should they still come, are dropped)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._serial += 1

    def close(self) -> None:
        """Stop searching and close the worker's connection (before the journal closes)."""
        self._closed = True
        self.cancel()
        self._pool.waitForDone()
        if self._stack is not None:
            self._stack.close()
            self._stack = None
            self._journal = None

    def _worker_journal(self) -> JournalService:
        """The worker's own connection; only ever touched on the pool's one thread."""
        if self._journal is None:
            stack = ExitStack()
            worker = stack.enter_context(self._workspace.for_worker())
            self._stack, self._journal = stack, worker.journal
        return self._journal

    def _finished(self, result: Found) -> None:
        if result.serial != self._serial:
            return  # an older search, typed over: never shown
        self._task = None
        self.last_seconds = result.seconds
        self.found.emit(result)

    def _failed(self, serial: int, message: str) -> None:
        if serial != self._serial:
            return
        self._task = None
        self.failed.emit(message)
