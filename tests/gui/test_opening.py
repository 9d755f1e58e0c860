"""Opening a journal off the UI thread, with a notice when it takes a while (an upgrade)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from reflectjournal.errors import WrongPassphrase
from reflectjournal.gui import opening
from reflectjournal.gui.app import AppController
from reflectjournal.gui.dialogs import UnlockDialog

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema-0001.rj"


def _notices() -> list[QProgressDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible() and w.labelText() == opening.NOTICE
    ]


def _watch(seen: list, release: threading.Event | None = None) -> QTimer:
    """From inside the open's own event loop: note a visible notice, then let the work end."""
    timer = QTimer()

    def look() -> None:
        if _notices() and not seen:
            seen.append(True)
            if release is not None:
                release.set()

    timer.timeout.connect(look)
    timer.start(10)
    return timer


def test_a_quick_open_shows_nothing_and_returns_its_result(qtbot):
    seen: list = []
    timer = _watch(seen)
    assert opening.run_with_notice(lambda: 42) == 42
    timer.stop()
    assert seen == []


def test_a_slow_open_shows_a_notice_and_keeps_painting(qtbot, monkeypatch):
    monkeypatch.setattr(opening, "NOTICE_AFTER_S", 0.01)
    release = threading.Event()
    seen: list = []
    timer = _watch(seen, release)
    # The work waits until the test has seen the notice on screen.
    assert opening.run_with_notice(lambda: release.wait(10) and "opened") == "opened"
    timer.stop()
    assert seen == [True] and _notices() == []


def test_errors_come_back_to_the_caller_as_they_were(qtbot, monkeypatch):
    monkeypatch.setattr(opening, "NOTICE_AFTER_S", 0.01)
    release = threading.Event()
    seen: list = []
    timer = _watch(seen, release)

    def refuse():
        release.wait(10)
        raise WrongPassphrase("That passphrase did not open the journal.")

    with pytest.raises(WrongPassphrase, match="did not open"):
        opening.run_with_notice(refuse)
    timer.stop()
    assert seen == [True]


def test_the_app_upgrades_an_old_journal_behind_the_notice(qtbot, tmp_path, monkeypatch):
    """A schema-0001 journal opened by the app: the notice shows, the upgrade completes."""
    from reflectjournal.storage import migrate

    monkeypatch.setattr(opening, "NOTICE_AFTER_S", 0.0)
    journal = tmp_path / "old.rj"
    shutil.copyfile(FIXTURE, journal)
    monkeypatch.setenv("REFLECTJOURNAL_PASSPHRASE", "fixture passphrase for schema 0001")
    seen: list = []
    timer = _watch(seen)
    workspace = AppController(journal).first_workspace()
    timer.stop()
    try:
        assert migrate.current_revision(workspace.db) == migrate.SCHEMA_HEAD
        assert [e.title for e in workspace.journal.found("agen")] == ["Night shift gaps"]
    finally:
        workspace.close()
    assert seen == [True]


def test_unlock_dialog_opens_through_the_notice_and_keeps_its_messages(qtbot, tmp_path):
    journal = tmp_path / "old.rj"
    shutil.copyfile(FIXTURE, journal)
    dialog = UnlockDialog(journal, keyring=None)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("not the passphrase")
    dialog.try_unlock()
    assert "did not open" in dialog.error.text() and dialog.workspace is None
    dialog.passphrase.setText("fixture passphrase for schema 0001")
    dialog.try_unlock()
    assert dialog.result() == UnlockDialog.DialogCode.Accepted
    assert dialog.workspace.journal.count() == 3
    dialog.workspace.close()
