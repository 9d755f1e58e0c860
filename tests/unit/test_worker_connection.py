"""A background write never makes the UI thread wait: workers use their own connection."""

from __future__ import annotations

import threading
import time

import pytest
from sqlcipher3 import dbapi2


def _jrnl(path, count: int) -> None:
    path.write_text(
        "".join(
            f"[2026-01-{1 + n % 28:02d} 09:{n % 60:02d}] Note {n}.\nBody {n}.\n\n"
            for n in range(count)
        ),
        encoding="utf-8",
    )


def test_the_ui_thread_reads_while_an_import_transaction_is_open(workspace, tmp_path):
    workspace.journal.add("Written before the import.")
    source = tmp_path / "big.txt"
    _jrnl(source, 600)
    inside = threading.Event()
    release = threading.Event()
    outcome: dict = {}

    def progress(done: int, total: int) -> None:
        if 0 < done < total:  # mid-import: rows written, transaction open, not committed
            inside.set()
            release.wait(20)

    def import_in_worker() -> None:
        try:
            with workspace.for_worker() as worker:
                outcome["report"] = worker.imports.run("jrnl", source, progress=progress)
        except BaseException as exc:  # pragma: no cover - reported by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=import_in_worker)
    thread.start()
    try:
        assert inside.wait(30), "the import never reported progress"
        started = time.monotonic()
        seen = workspace.journal.count()  # the UI thread's own connection
        titles = [e.title for e in workspace.journal.entries()]
        elapsed = time.monotonic() - started
    finally:
        release.set()
        thread.join(60)
    assert "error" not in outcome, outcome.get("error")
    # It read the last committed state (the import is not visible half-done), at once.
    assert seen == 1 and titles == ["Written before the import."]
    assert elapsed < 1.0, f"the UI thread waited {elapsed:.2f} s for a background write"
    assert workspace.journal.count() == 601  # and sees everything once it commits


def test_a_ui_write_during_a_background_write_waits_its_turn_then_lands(workspace, tmp_path):
    """Writes still queue (BEGIN IMMEDIATE): nothing is lost, nothing interleaves."""
    hold = threading.Event()
    holding = threading.Event()

    def writer() -> None:
        with workspace.for_worker() as worker:
            with worker.atomic():
                worker.journal.add("From the worker.")
                holding.set()
                hold.wait(20)

    thread = threading.Thread(target=writer)
    thread.start()
    assert holding.wait(20)
    timer = threading.Timer(0.3, hold.set)
    timer.start()
    workspace.journal.add("From the UI.")  # waits for the worker's commit, then lands
    thread.join(20)
    titles = sorted(e.title for e in workspace.journal.entries())
    assert titles == ["From the UI.", "From the worker."]


def test_a_worker_connection_is_closed_after_use(workspace):
    with workspace.for_worker() as worker:
        conn = worker.db.conn
        assert worker.journal.count() == 0
    with pytest.raises(dbapi2.ProgrammingError):  # "Cannot operate on a closed database"
        conn.execute("SELECT 1")
