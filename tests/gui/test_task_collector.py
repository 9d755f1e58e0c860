"""Background tasks keep out of the UI thread's way (gui/tasks.py): while one runs, the
collector leaves the objects that existed before it alone, so a full collection triggered by
the task does not hold the GIL for the whole heap. tests/benchmarks/test_bench_gui.py measures
what that buys."""

from __future__ import annotations

import gc
import threading

from reflectjournal.gui.tasks import run_task


def test_old_objects_are_frozen_out_of_collection_only_while_a_task_runs(qtbot):
    assert gc.get_freeze_count() == 0
    old = len(gc.get_objects())
    seen: dict[str, int] = {}

    def work(ctx):
        # Everything that existed when the task started sits in the permanent generation,
        # which a collection (even a full one) does not walk: gc.get_objects() lists the rest.
        seen["frozen"] = gc.get_freeze_count()
        seen["walked"] = len(gc.get_objects())

    with qtbot.waitSignal(run_task(work).done, timeout=10000):
        pass
    assert seen["frozen"] >= old // 2
    assert seen["walked"] < old // 2
    # Unfrozen when the last task ended: nothing stays out of collection for good.
    assert gc.get_freeze_count() == 0


def test_two_overlapping_tasks_unfreeze_only_when_both_have_ended(qtbot):
    first_in = threading.Event()
    release_first = threading.Event()
    counts: list[int] = []

    def first(ctx):
        first_in.set()
        release_first.wait(60)
        counts.append(gc.get_freeze_count())

    def second(ctx):
        first_in.wait(60)
        counts.append(gc.get_freeze_count())

    from PySide6.QtCore import QThreadPool

    pool = QThreadPool()  # two threads of its own, whatever else the global pool is doing
    pool.setMaxThreadCount(2)
    ended: list[str] = []  # connected before anything runs, so no end is missed
    a = run_task(first, pool=pool)
    a.done.connect(lambda: ended.append("first"))
    b = run_task(second, pool=pool)
    b.done.connect(lambda: ended.append("second"))
    qtbot.waitUntil(lambda: ended == ["second"], timeout=60_000)
    assert gc.get_freeze_count() > 0  # the first is still running
    release_first.set()
    qtbot.waitUntil(lambda: ended == ["second", "first"], timeout=60_000)
    assert all(count > 0 for count in counts) and len(counts) == 2
    assert gc.get_freeze_count() == 0
