"""GUI tests run headless: the offscreen platform, set before any QApplication exists."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest

PASSPHRASE = "correct horse battery staple"  # the same as tests/conftest.py


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread(qapp):
    """As the app does: no Qt object is ever freed by a collection on a worker thread."""
    from reflectjournal.gui import collector

    collector.install(qapp)


@pytest.fixture(autouse=True)
def _plain_text_rule(qapp):
    """Every GUI test runs under the app's rule: labels show plain text unless they opt in."""
    from reflectjournal.gui import plain_text

    plain_text.install(qapp)


@pytest.fixture
def window(qtbot, workspace, monkeypatch):
    """A main window on a fresh journal; modal questions answer "Yes" unless a test says not."""
    from PySide6.QtWidgets import QMessageBox

    from reflectjournal.gui.main_window import MainWindow

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.autolock_timer.stop()


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


def _insert_bulk_entries(workspace, count: int) -> None:
    """Thousands of entries straight into the table (FTS triggers keep search working)."""
    db = workspace.db
    rows = [
        (
            f"uid-{n}",
            "reflection",
            f"Entry number {n}",
            f"Body {n} " + ("handover " if n % 10 == 0 else "rota "),
            f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+00:00",
            0,
            "2026-11-26T00:00:00+00:00",
            1 + n % 5,
            "private",
            0,
        )
        for n in range(count)
    ]
    with db.transaction():
        db.executemany(
            "INSERT INTO entry(uid, kind, title, body, created, created_offset, updated, mood, "
            "visibility, starred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture
def bulk_entries():
    """Thousands of entries written straight into the table, for paging and repaint tests."""
    return _insert_bulk_entries
