"""The desktop app, offscreen: the entry list's first paint, search-as-you-type latency, and
cold start to a painted main window (time and peak memory of a fresh process)."""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from conftest import COMMON_WORD, SIZE, Result, peak_rss_mb, run_once

from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.unlock import KeySources

IN_APP_BUDGET = 0.030
TYPING_BUDGET = 0.050  # issue 17: keystroke to repainted list
COLD_START_BUDGET = 2.0
MEMORY_BUDGET_MB = 350.0
HERE = Path(__file__).resolve().parent


def _need(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not in this checkout yet")


class _Key:
    def __init__(self, key_hex: str):
        self.key_hex = key_hex

    def get(self, path):
        return self.key_hex


@pytest.fixture(scope="module")
def gui_ws(journal_copy, corpus):
    key = corpus.key_file.read_text(encoding="utf-8").strip()
    ws = Workspace.open(journal_copy, KeySources(keyring=_Key(key), environ={}))
    yield ws
    ws.close()


def test_list_model_first_paint(benchmark, recorder, qapp, gui_ws):
    _need("reflectjournal.gui.entry_model")
    from PySide6.QtWidgets import QListView

    from reflectjournal.gui.entry_model import PAGE_SIZE, EntryDelegate, EntryListModel

    view = QListView()
    view.resize(500, 900)
    view.setItemDelegate(EntryDelegate(view))
    view.show()

    def first_paint():
        # Parented to the view, as the app does: Qt then owns it and it outlives this frame.
        model = EntryListModel(gui_ws.journal, parent=view)
        view.setModel(model)
        view.grab()  # lays out and paints the visible rows
        return model

    model = benchmark.pedantic(first_paint, rounds=15, iterations=1, warmup_rounds=2)
    assert model.rowCount() == min(PAGE_SIZE, SIZE)
    view.close()
    view.deleteLater()
    recorder.from_benchmark(
        "GUI entry list: first page loaded and painted", benchmark, budget_s=IN_APP_BUDGET
    )


def test_search_as_you_type(benchmark, recorder, qapp, gui_ws):
    _need("reflectjournal.gui.entry_model")
    from PySide6.QtWidgets import QListView

    from reflectjournal.gui.entry_model import EntryDelegate, EntryListModel

    view = QListView()
    view.resize(500, 900)
    view.setItemDelegate(EntryDelegate(view))
    model = EntryListModel(gui_ws.journal, parent=view)
    view.setModel(model)
    view.show()
    prefixes = [COMMON_WORD[:n] for n in range(2, len(COMMON_WORD) + 1)]
    latencies: list[float] = []

    def keystroke(text: str):
        started = time.perf_counter()
        model.set_search(text, EntryFilter())
        view.grab()
        latencies.append(time.perf_counter() - started)

    def type_word():
        for text in prefixes:
            keystroke(text)

    benchmark.pedantic(type_word, rounds=5, iterations=1, warmup_rounds=1)
    assert model.rowCount() > 0
    view.close()
    view.deleteLater()
    latencies.sort()
    result = recorder.add(
        Result(
            f"GUI search-as-you-type, per keystroke ('{prefixes[0]}' … '{COMMON_WORD}')",
            latencies[len(latencies) // 2],
            len(latencies),
            budget_s=IN_APP_BUDGET,
            samples=latencies,
        )
    )
    result.note = f"slowest keystroke {max(latencies) * 1000:.0f} ms (short prefixes match most)"


def test_cold_start(benchmark, recorder, corpus, journal_copy, cli_env):
    _need("reflectjournal.gui.main_window")
    env = dict(cli_env, QT_QPA_PLATFORM="offscreen")
    env["RJ_BENCH_KEY_HEX"] = corpus.key_file.read_text(encoding="utf-8").strip()
    command = [sys.executable, str(HERE / "gui_cold_start.py"), str(journal_copy)]
    seconds: list[float] = []

    def start():
        run = run_once(command, dict(env, RJ_BENCH_SPAWNED=repr(time.time())))
        assert run.returncode == 0, run.stderr.decode()[-500:]
        seconds.append(float(run.stdout.split()[-1]))

    benchmark.pedantic(start, rounds=5, iterations=1, warmup_rounds=1)
    peak = max(peak_rss_mb(command, dict(env, RJ_BENCH_SPAWNED="0")) for _ in range(2))
    recorder.add(
        Result(
            "GUI cold start to a painted main window (keyring key)",
            statistics.median(seconds[1:]),
            len(seconds) - 1,
            budget_s=COLD_START_BUDGET,
            peak_rss_mb=peak,
            budget_rss_mb=MEMORY_BUDGET_MB,
            note="fresh process each run, offscreen; from spawn to the first painted frame",
        )
    )


STALL_BUDGET = 0.100
STALL_ROUNDS = int(os.environ.get("RJ_BENCH_STALL_ROUNDS", "5"))


def _load() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def test_ui_thread_stall_during_import(benchmark, recorder, qapp, corpus, tmp_path):
    """The longest the UI thread waits while a SIZE-entry import runs in the background.

    The import runs as the app runs it (a task on its own connection, gui/io_dialogs.py); a
    timer on the UI thread does a trivial read every 5 ms, and the longest gap between two
    turns of the event loop is the stall a user would feel. Each round imports into a new
    journal; the figure is the median over rounds of each round's worst gap. On a shared
    machine a gap also holds time the scheduler gave to other processes, so the same loop is
    run with no import (the idle floor) and the UI thread's own CPU time per read is kept.
    """
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from reflectjournal.gui.tasks import run_task

    def watch(ws: Workspace, work=None, idle_s: float = 0.0) -> dict[str, float]:
        """Tick a UI-thread read every 5 ms while ``work`` runs (or for ``idle_s``)."""
        loop = QEventLoop()
        clock = QElapsedTimer()
        gaps: list[float] = []
        reads: list[float] = []
        read_cpu: list[float] = []
        last = [0.0]

        def tick() -> None:
            now = clock.nsecsElapsed() / 1e9
            if last[0]:
                gaps.append(now - last[0])
            cpu = time.thread_time()
            ws.journal.count()  # what a page does when it repaints: a read on the UI thread
            read_cpu.append(time.thread_time() - cpu)
            reads.append(clock.nsecsElapsed() / 1e9 - now)
            last[0] = clock.nsecsElapsed() / 1e9

        timer = QTimer(interval=5)
        timer.timeout.connect(tick)
        clock.start()
        timer.start()
        task = None
        if work is not None:
            task = run_task(work)
            task.done.connect(loop.quit)
        else:
            QTimer.singleShot(int(idle_s * 1000), loop.quit)
        loop.exec()
        timer.stop()
        elapsed = clock.nsecsElapsed() / 1e9
        if task is not None:
            assert task.error is None, task.error
        gaps.sort()
        return {
            "worst_gap": gaps[-1],
            "p99_gap": gaps[int(len(gaps) * 0.99) - 1],
            "worst_read": max(reads),
            "median_read": statistics.median(reads),
            "worst_read_cpu": max(read_cpu),
            "elapsed": elapsed,
        }

    rounds: list[dict[str, float]] = []
    loads: list[float] = []
    idle: list[dict[str, float]] = []

    def import_once() -> float:
        ws = Workspace.create(tmp_path / f"stall-{len(rounds)}.rj", "bench passphrase")

        def work(ctx):
            with ws.for_worker() as worker:
                return worker.imports.run("jrnl", corpus.jrnl_file, progress=ctx.report)

        try:
            idle.append(watch(ws, idle_s=1.0))
            load = _load()
            if load is not None:
                loads.append(load)
            rounds.append(watch(ws, work))
            assert ws.journal.count() == SIZE
        finally:
            ws.close()
        return rounds[-1]["worst_gap"]

    benchmark.pedantic(import_once, rounds=STALL_ROUNDS, iterations=1)

    def median(key: str, of: list[dict[str, float]]) -> float:
        return statistics.median(r[key] for r in of)

    worst = median("worst_gap", rounds)
    load_note = (
        f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores" if loads else ""
    )
    recorder.add(
        Result(
            f"UI-thread stall during a {SIZE // 1000}k-entry background import (longest gap)",
            worst,
            len(rounds),
            budget_s=STALL_BUDGET,
            samples=[r["worst_gap"] for r in rounds],
            note=(
                "median over rounds of each import's worst gap between turns of a 5 ms "
                f"UI-thread timer that reads the journal; p99 gap {median('p99_gap', rounds) * 1000:.0f} ms, "
                f"idle floor (no import) worst gap {median('worst_gap', idle) * 1000:.0f} ms; "
                f"the read itself: median {median('median_read', rounds) * 1000:.1f} ms, "
                f"worst {median('worst_read', rounds) * 1000:.0f} ms wall, "
                f"{median('worst_read_cpu', rounds) * 1000:.1f} ms UI-thread CPU; "
                f"import {median('elapsed', rounds):.1f} s; {load_note}"
            ),
        )
    )
    # The UI thread's own read never waits for the import's lock (its CPU time is the read's
    # time); a busy machine's scheduler can still hold it off the CPU for one gap or two, so
    # the worst gap is held to the budget only on a machine that is not over-committed.
    assert median("p99_gap", rounds) < STALL_BUDGET
    assert median("worst_read_cpu", rounds) < STALL_BUDGET
    if not loads or max(loads) < (os.cpu_count() or 1):
        assert worst < STALL_BUDGET, f"the UI thread stalled {worst * 1000:.0f} ms"


def test_keystroke_to_repainted_list(benchmark, recorder, qapp, gui_ws):
    """What a typist sees on the Journal page: from a key changing the search box to the list
    repainted with the new results, debounce included (adaptive: none after a quick search)."""
    _need("reflectjournal.gui.journal_view")
    from PySide6.QtCore import QEventLoop, QTimer

    from reflectjournal.gui.journal_view import JournalView

    page = JournalView(gui_ws)
    page.resize(1024, 640)
    page.show()
    prefixes = [COMMON_WORD[:n] for n in range(1, len(COMMON_WORD) + 1)]
    latencies: list[float] = []
    cpu: list[float] = []  # both threads: the search worker's and the UI's

    def keystroke(text: str) -> None:
        # Wait in an event loop, as the app does: a loop spinning processEvents() would hold
        # the interpreter lock and starve the search worker (+150 ms per keystroke).
        resets: list[bool] = []
        loop = QEventLoop()

        def reset() -> None:
            resets.append(True)
            loop.quit()

        page.model.modelReset.connect(reset)
        QTimer.singleShot(5000, loop.quit)
        started, started_cpu = time.perf_counter(), time.process_time()
        page.search.setText(text)
        if not resets:
            loop.exec()
        page.list.viewport().repaint()
        latencies.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        page.model.modelReset.disconnect(reset)
        assert resets, f"no search ran for {text!r}"

    def type_word():
        page.search.clear()
        qapp.processEvents()
        for text in prefixes:
            keystroke(text)

    benchmark.pedantic(type_word, rounds=5, iterations=1, warmup_rounds=1)
    assert page.model.rowCount() > 0
    page.finish()
    page.close()
    page.deleteLater()
    latencies.sort()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    recorder.add(
        Result(
            f"GUI keystroke to repainted list, Journal page ('{prefixes[0]}' … '{COMMON_WORD}')",
            latencies[len(latencies) // 2],
            len(latencies),
            budget_s=TYPING_BUDGET,
            samples=latencies,
            note=(
                f"slowest keystroke {max(latencies) * 1000:.0f} ms; debounce included; "
                f"search on the worker thread; CPU per keystroke (both threads) median "
                f"{statistics.median(cpu) * 1000:.0f} ms, slowest {max(cpu) * 1000:.0f} ms; "
                f"load {load:.1f}"
            ),
        )
    )
