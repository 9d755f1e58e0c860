"""Long work off the UI thread: progress, cancel, and a finished/failed signal.

Usage::

    task = run_task(
        lambda ctx: importer.run(progress=ctx.report, cancelled=ctx.check),
        on_finished=on_done,                    # result of the function
        on_failed=show_error,                   # one user-facing sentence
    )
    task.progress.connect(bar.setValue2)        # (done, total)
    cancel_button.clicked.connect(task.cancel)

The worker starts on the next turn of the event loop, never inside ``run_task``: a function
that returns at once would otherwise report before the caller had connected anything, and
its result would be lost. Callbacks passed in are connected before the task exists for
anyone else; signals connected right after ``run_task`` returns are just as safe.

The function receives a :class:`TaskContext`; it calls ``ctx.report(done, total)`` now and
then and ``ctx.check()`` at safe points (raises :class:`Cancelled` once cancel was asked).
A task that writes much uses its own connection (``Workspace.for_worker()``), so the window's
reads never wait for its transaction; writes reach the window's pages as change events
(``gui/operations.py``).

While tasks run, the window must still turn its event loop every few milliseconds. CPython's
cyclic garbage collector stands in its way: a full collection walks the whole heap holding
the GIL, so one triggered by a worker's allocations froze the UI thread for 55-135 ms during
an import (measured: tests/benchmarks/test_bench_gui.py; more in the app, whose heap is
larger). So while any task runs, the objects that existed when it started are frozen out of
collection (``gc.freeze``): the collections made meanwhile (on the UI thread only, see
``gui/collector.py``) walk only what is new, and nothing is lost, since they are unfrozen when
the last task ends. (Running workers at a lower CPU priority was
tried and dropped: on a busy machine it starved the task itself.)

:func:`wait_for` is the same idiom for work the caller must have the answer to before it goes
on (opening a journal): the event loop keeps turning meanwhile, a notice appears if it takes a
while, and an error is raised again in the caller's thread exactly as a direct call raises it.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from reflectjournal.errors import ReflectJournalError, log_form

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a task by ``ctx.check()`` after the user pressed Cancel."""


class TaskContext:
    def __init__(self, task: Task):
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task._cancel.is_set()

    def check(self) -> None:
        if self._task._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int = 0) -> None:
        self._task.progress.emit(int(done), int(total))

    def step(self, done: int, total: int = 0) -> None:
        """A progress callback that is also a safe point: for work (a database copy) whose only
        way to stop midway is an exception raised from its own callback."""
        self.check()
        self.report(done, total)


class Task(QObject):
    """Lives in the UI thread; its signals are delivered there (queued from the worker)."""

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()  # after any of finished / failed / cancelled

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cancel = threading.Event()
        self.running = True
        self.error: BaseException | None = None  # what made it fail, for wait_for

    def cancel(self) -> None:
        self._cancel.set()


_quiet_lock = threading.Lock()
_quiet_tasks = 0


@contextmanager
def _collector_quiet() -> Iterator[None]:
    """While any task runs, full collections skip the objects that existed before it."""
    global _quiet_tasks
    with _quiet_lock:
        _quiet_tasks += 1
        if _quiet_tasks == 1:
            gc.freeze()  # O(1): the generations are spliced onto the permanent one
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_tasks -= 1
            if not _quiet_tasks:
                gc.unfreeze()


class _Runner(QRunnable):
    def __init__(self, task: Task, fn: Callable[[TaskContext], Any]):
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn

    def run(self) -> None:
        task = self._task
        try:
            with _collector_quiet():
                result = self._fn(TaskContext(task))
        except Cancelled:
            task.cancelled.emit()
        except ReflectJournalError as exc:
            log.info("background task refused: %s", log_form(exc))
            task.error = exc
            task.failed.emit(str(exc))
        except Exception as exc:  # the user gets a sentence; the traceback goes to the log
            log.exception("background task failed")
            task.error = exc
            task.failed.emit(f"Something went wrong in the background ({type(exc).__name__}).")
        else:
            task.finished.emit(result)
        task.running = False
        task.done.emit()


_alive: set[Task] = set()  # keeps tasks referenced until they report back


def run_task(
    fn: Callable[[TaskContext], Any],
    parent: QObject | None = None,
    pool: QThreadPool | None = None,
    *,
    on_finished: Callable[[Any], None] | None = None,
    on_failed: Callable[[str], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Task:
    task = Task(parent)
    for signal, callback in (
        (task.finished, on_finished),
        (task.failed, on_failed),
        (task.cancelled, on_cancelled),
        (task.progress, on_progress),
    ):
        if callback is not None:
            signal.connect(callback)
    _alive.add(task)
    task.done.connect(lambda: _alive.discard(task))
    runner = _Runner(task, fn)
    target = pool or QThreadPool.globalInstance()

    def start() -> None:
        if task._cancel.is_set():  # cancelled before it ever ran: say so, run nothing
            task.running = False
            task.cancelled.emit()
            task.done.emit()
            return
        target.start(runner)

    # Deferred (see the module docstring); tied to the task, so a task deleted with its
    # parent before the loop turns never starts.
    QTimer.singleShot(0, task, start)
    return task


T = TypeVar("T")


def wait_for(
    work: Callable[[], T],
    parent: QWidget | None = None,
    *,
    notice: str,
    notice_after_s: float,
) -> T:
    """Run ``work`` as a task and return its result, keeping the screen painted meanwhile.

    Quick work finishes before ``notice_after_s`` and shows nothing; slower work shows
    ``notice`` (no Cancel: what it does is never left half done) until it ends.
    """
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    task = run_task(lambda _ctx: work())
    task.finished.connect(lambda value: outcome.setdefault("value", value))
    task.done.connect(loop.quit)
    shown: list[QProgressDialog] = []

    def show_notice() -> None:
        if not task.running:
            return
        dialog = QProgressDialog(notice, "", 0, 0, parent)
        dialog.setCancelButton(None)
        dialog.setWindowTitle("ReflectJournal")
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        shown.append(dialog)

    timer = QTimer(singleShot=True)
    timer.timeout.connect(show_notice)
    timer.start(int(notice_after_s * 1000))
    if task.running:
        loop.exec()
    timer.stop()
    for dialog in shown:
        dialog.close()
        dialog.deleteLater()
    if task.error is not None:
        raise task.error
    if "value" not in outcome:
        raise Cancelled()
    return outcome["value"]
