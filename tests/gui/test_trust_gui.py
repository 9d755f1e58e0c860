"""Issue 14 in the app: an unencrypted journal opens only on an explicit choice and then
says so for as long as it is open."""

from __future__ import annotations

import hashlib

from reflectjournal.services.workspace import Workspace


def test_plaintext_journal_needs_a_choice_and_stays_flagged(qtbot, tmp_path, monkeypatch):
    from reflectjournal.gui.app import AppController

    path = tmp_path / "journal.rj"
    Workspace.create(path, None, owner="Someone").close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    asked = []
    controller = AppController(path)
    monkeypatch.setattr(controller, "confirm_unencrypted", lambda text: asked.append(text) or False)
    assert controller.first_workspace() is None
    assert "not encrypted" in asked[0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before

    monkeypatch.setattr(controller, "confirm_unencrypted", lambda text: True)
    workspace = controller.first_workspace()
    assert workspace is not None and not workspace.db.encrypted
    window = controller.show(workspace)
    qtbot.addWidget(window)
    warning = window.unencrypted_warning
    assert warning is not None and warning.isVisible() and "not encrypted" in warning.text()
    assert "NOT ENCRYPTED" in window.windowTitle()
    for key in ("coaching", "patterns", "journal"):
        window.go(key)
        assert warning.isVisible()
    window.grab().save(str(tmp_path / "unencrypted.png"))
    window.autolock_timer.stop()
    window.finish()
    window.hide()
    controller.close_workspace()


def test_encrypted_journal_has_no_warning(qtbot, workspace):
    from reflectjournal.gui.main_window import MainWindow

    window = MainWindow(workspace)
    qtbot.addWidget(window)
    assert window.unencrypted_warning is None
    window.autolock_timer.stop()
