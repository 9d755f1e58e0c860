"""Qt objects in garbage cycles are freed on the UI thread, never on a background worker."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt

from reflectjournal.gui.tasks import run_task


def test_a_cycle_holding_a_qt_object_is_freed_on_the_ui_thread(qtbot):
    assert not gc.isenabled()  # the automatic collector would run on any thread
    started, stop = threading.Event(), threading.Event()

    def allocate(_ctx):  # young cycles, fast enough to cross the collector's threshold often
        started.set()
        while not stop.is_set():
            for _ in range(1000):
                cycle: list[object] = []
                cycle.append(cycle)
        return "done"

    task = run_task(allocate)
    try:
        qtbot.waitUntil(started.is_set, timeout=10_000)
        freed_on: list[int] = []
        holder = QObject()
        holder.destroyed.connect(
            lambda *_: freed_on.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
        )
        box: list[object] = [holder]
        box.append(box)  # unreachable once dropped: only a collection frees it
        del holder, box
        qtbot.waitUntil(lambda: freed_on != [], timeout=10_000)
    finally:
        # Listening before the worker is told to stop: once told, it can finish and signal
        # before a listener connected afterwards would hear it.
        with qtbot.waitSignal(task.done, timeout=10_000):
            stop.set()
    assert freed_on == [threading.get_ident()]
