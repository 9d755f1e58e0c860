"""Long work off the UI thread: progress, cancel, and a finished/failed signal.

Usage::

    task = run_task(lambda ctx: importer.run(progress=ctx.report, cancelled=ctx.check))
    task.progress.connect(bar.setValue2)        # (done, total)
    task.finished.connect(on_done)              # result of the function
    task.failed.connect(show_error)             # one user-facing sentence
    cancel_button.clicked.connect(task.cancel)

The function receives a :class:`TaskContext`; it calls ``ctx.report(done, total)`` now and
then and ``ctx.check()`` at safe points (raises :class:`Cancelled` once cancel was asked).
Database access from the worker goes through the same ``Database``: it serialises calls with
its own lock, so the UI thread simply waits its turn for the duration of one statement.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reflectjournal.errors import ReflectJournalError

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

    def cancel(self) -> None:
        self._cancel.set()


class _Runner(QRunnable):
    def __init__(self, task: Task, fn: Callable[[TaskContext], Any]):
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn

    def run(self) -> None:
        task = self._task
        try:
            result = self._fn(TaskContext(task))
        except Cancelled:
            task.cancelled.emit()
        except ReflectJournalError as exc:
            log.info("background task refused: %s", exc)
            task.failed.emit(str(exc))
        except Exception as exc:  # the user gets a sentence; the traceback goes to the log
            log.exception("background task failed")
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
) -> Task:
    task = Task(parent)
    _alive.add(task)
    task.done.connect(lambda: _alive.discard(task))
    (pool or QThreadPool.globalInstance()).start(_Runner(task, fn))
    return task
