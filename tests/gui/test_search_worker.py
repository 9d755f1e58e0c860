"""Issue 17: search never freezes the Journal page. Words are searched on a worker thread over
the page's own connection; the next keystroke stops the search in flight, and only the
latest query's results are ever shown."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from reflectjournal.gui import search_runner
from reflectjournal.gui.journal_view import SEARCH_DEBOUNCE_MS, JournalView

# Counting this far takes SQLite tens of seconds: a search that is not stopped shows.
ENDLESS = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000000) "
    "SELECT count(*) FROM n"
)


@pytest.fixture
def page(qtbot, workspace):
    workspace.journal.add("Rota gaps again on the night shift.", title="Rota", tags=["burnout"])
    workspace.journal.add("Budget meeting went well.", title="Budget")
    view = JournalView(workspace)
    qtbot.addWidget(view)
    view.show()
    shown: list[str] = []
    view.model.modelReset.connect(lambda: shown.append(view.model.query))
    view.shown_queries = shown  # type: ignore[attr-defined]
    yield view
    view.finish()


def _titles(view: JournalView) -> list[str]:
    return [view.model.index(row).data() for row in range(view.model.rowCount())]


def test_a_slow_search_does_not_block_typing_and_is_stopped_by_the_next_key(
    qtbot, page, monkeypatch
):
    real_first_page = search_runner.first_page
    started = threading.Event()
    outcome: list[str] = []
    worker_threads: set[int] = set()

    def first_page(journal, query, entry_filter, matches=0):
        worker_threads.add(threading.get_ident())
        if query == "slow":
            started.set()
            try:
                journal.db.query(ENDLESS)
            except Exception as exc:
                outcome.append(type(exc).__name__)
                raise
            outcome.append("ran to its end")
        return real_first_page(journal, query, entry_filter, matches)

    monkeypatch.setattr(search_runner, "first_page", first_page)
    page.search.setFocus()
    qtbot.keyClicks(page.search, "slow")
    qtbot.waitUntil(started.is_set, timeout=5000)

    # The window keeps turning while the search runs: a timer ticks, keys are taken.
    ticks: list[int] = []
    timer = QTimer(page, interval=5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=2000)
    assert not outcome, "the slow search ended before it was typed over"
    timer.stop()

    page.search.selectAll()
    qtbot.keyClicks(page.search, "rota")
    assert page.search.text() == "rota"  # typed while the slow search was still running
    qtbot.waitUntil(lambda: page.model.query == "rota", timeout=5000)
    assert outcome == ["Interrupted"]  # SQLite stopped the stale query; it did not run out
    assert _titles(page) == ["Rota"]
    assert "slow" not in page.shown_queries
    assert threading.get_ident() not in worker_threads  # every search ran off the UI thread


def test_results_of_a_search_typed_over_are_never_shown(qtbot, page, monkeypatch):
    real_first_page = search_runner.first_page
    gate = threading.Event()
    waiting = threading.Event()

    def first_page(journal, query, entry_filter, matches=0):
        rows = real_first_page(journal, query, entry_filter, matches)
        if query == "rota":  # a search that ignores being cancelled and answers late
            waiting.set()
            gate.wait(10)
        return rows

    monkeypatch.setattr(search_runner, "first_page", first_page)
    page.search.setText("rota")
    qtbot.waitUntil(waiting.is_set, timeout=5000)
    page.search.setText("budget")
    QTimer.singleShot(50, gate.set)  # the stale answer arrives after the newer query was asked
    qtbot.waitUntil(lambda: page.model.query == "budget", timeout=5000)
    qtbot.waitUntil(lambda: not page.searcher.busy, timeout=5000)
    assert _titles(page) == ["Budget"]
    assert "rota" not in page.shown_queries


def test_a_search_with_a_filter_runs_on_the_worker_too(qtbot, page, monkeypatch):
    calls: list[tuple[str, list[str]]] = []
    real_first_page = search_runner.first_page

    def first_page(journal, query, entry_filter, matches=0):
        calls.append((query, list(entry_filter.tags)))
        return real_first_page(journal, query, entry_filter, matches)

    monkeypatch.setattr(search_runner, "first_page", first_page)
    page.search.setText("gaps")
    qtbot.waitUntil(lambda: page.model.query == "gaps", timeout=5000)
    page.add_tag_filter("burnout")
    qtbot.waitUntil(lambda: page.model.entry_filter.tags == ["burnout"], timeout=5000)
    assert _titles(page) == ["Rota"]
    assert calls == [("gaps", []), ("gaps", ["burnout"])]


def test_debounce_adapts_to_how_long_the_last_search_took(qtbot, page):
    page.searcher.last_seconds = 0.004
    page.search.setText("r")
    assert page._debounce.interval() == 0  # quick: the next key searches at once
    page.searcher.last_seconds = 0.4
    page.search.setText("ro")
    assert page._debounce.interval() == SEARCH_DEBOUNCE_MS  # slow: wait for a pause
    qtbot.waitUntil(lambda: page.model.query == "ro", timeout=5000)
    assert page.searcher.last_seconds < 0.4  # measured again by the search that just ran


def test_enter_moves_into_results_once_the_search_has_shown_them(qtbot, page):
    page.search.setFocus()
    qtbot.keyClicks(page.search, "budget")
    qtbot.keyClick(page.search, "\r")
    qtbot.waitUntil(lambda: page.list.hasFocus(), timeout=5000)
    assert page.model.query == "budget" and _titles(page) == ["Budget"]
    assert page.list.currentIndex().row() == 0


def test_finish_closes_the_search_connection(qtbot, page):
    page.search.setText("rota")
    qtbot.waitUntil(lambda: page.model.query == "rota", timeout=5000)
    assert page.searcher._journal is not None
    page.finish()
    assert page.searcher._journal is None
    page.search.setText("budget")  # after finish nothing more is searched
    assert not page.searcher.busy
