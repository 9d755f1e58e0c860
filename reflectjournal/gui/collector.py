"""Garbage collection on the UI thread only.

CPython runs its cyclic collector in whichever thread happens to allocate when a threshold is
crossed, and a collection frees every unreachable cycle it finds. When such a cycle holds a Qt
object (a page's timer, a folder watcher and the object that owns them), Qt destroys it on that
thread: a background task's worker, say. Qt objects must die on the thread they live on; a
folder watcher's socket notifier torn down from a worker ("Socket notifiers cannot be enabled or
disabled from another thread") crashed the process in a later turn of the event loop.

So, as pyqtgraph does (``pyqtgraph.util.garbage_collector``), the automatic collector is turned
off and the UI thread collects on a short timer, generation by generation, with CPython's own
thresholds. Full collections walk the whole heap, which stalls the window, so they run at most
once every ``FULL_EVERY_S`` seconds; while a background task runs, the heap that existed before
it is frozen out of collection anyway (``gui/tasks.py``).
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer

TICK_MS = 100  # short, so each young collection stays small while a worker allocates fast
FULL_EVERY_S = 30.0


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._last_full = time.monotonic()
        self._timer = QTimer(self, interval=TICK_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()
        gc.disable()

    def collect(self) -> None:
        young, middle, old = gc.get_count()
        if young <= self.thresholds[0]:
            return
        gc.collect(0)
        if middle <= self.thresholds[1]:
            return
        gc.collect(1)
        now = time.monotonic()
        if old > self.thresholds[2] and now - self._last_full >= FULL_EVERY_S:
            self._last_full = now
            gc.collect(2)


def install(app: QCoreApplication) -> UiThreadCollector:
    """Collect only on ``app``'s thread from now on (once per application)."""
    existing = app.findChild(UiThreadCollector)
    if isinstance(existing, UiThreadCollector):
        return existing
    return UiThreadCollector(app)
