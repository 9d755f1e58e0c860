"""GUI tests run headless: the offscreen platform, set before any QApplication exists."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest  # noqa: E402

PASSPHRASE = "correct horse battery staple"  # the same as tests/conftest.py


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
