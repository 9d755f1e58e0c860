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


def test_two_overlapping_tasks_unfreeze_only_when_both_have_ended():
    """The freeze is counted: one task ending while another runs leaves it in place. Plain
    threads run the same context manager a task's runner does."""
    from reflectjournal.gui.tasks import _collector_quiet

    first_in, release_first, second_done = threading.Event(), threading.Event(), threading.Event()
    counts: list[int] = []

    def first() -> None:
        with _collector_quiet():
            first_in.set()
            release_first.wait(60)
        counts.append(gc.get_freeze_count())  # after it ended: the second had ended before

    def second() -> None:
        first_in.wait(60)
        with _collector_quiet():
            pass
        counts.append(gc.get_freeze_count())  # the first still runs
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert second_done.wait(60)
    release_first.set()
    for thread in threads:
        thread.join(60)
    assert counts[0] > 0  # the second ended while the first ran: still frozen
    assert counts[1] == 0  # the last one out unfroze
    assert gc.get_freeze_count() == 0
