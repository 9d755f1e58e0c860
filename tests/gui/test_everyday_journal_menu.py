"""Issue 18: Open journal… and Change passphrase… in the app; locking keeps your place;
the passphrase forms (show toggle, errors that clear, the keyring explained)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from reflectjournal.errors import WrongPassphrase
from reflectjournal.gui.app import AppController
from reflectjournal.gui.dialogs import UnlockDialog, WelcomeDialog
from reflectjournal.gui.journal_dialogs import ChangePassphraseDialog, change_passphrase
from reflectjournal.services.old_backups import OldBackups
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.unlock import KeySources

NEW_PASSPHRASE = "lantern orchard velvet compass"


def _answer_unlock(controller, passphrase: str) -> QTimer:
    def answer() -> None:
        dialog = controller.unlock_dialog
        if dialog is None or not dialog.isVisible():
            return
        poll.stop()
        dialog.passphrase.setText(passphrase)
        dialog.try_unlock()

    poll = QTimer(interval=20)
    poll.timeout.connect(answer)
    poll.start()
    return poll


def _open(path, passphrase):
    return Workspace.open(path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase}))


def test_open_journal_from_the_file_menu(qtbot, workspace, passphrase, tmp_path):
    other_path = tmp_path / "other.rj"
    other = Workspace.create(other_path, passphrase, owner="Other")
    other.journal.add("In the other journal.")
    other.close()
    controller = AppController(workspace.path)
    first = controller.show(workspace)
    texts = [a.text() for a in first.menuBar().actions()[0].menu().actions()]
    assert "&Open journal…" in texts and "&Change passphrase…" in texts
    _answer_unlock(controller, passphrase)
    first.open_journal(other_path)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window is not first)
    second = controller.window
    qtbot.addWidget(second)
    assert controller.workspace.path == other_path
    assert [e.body for e in controller.workspace.journal.entries()] == ["In the other journal."]
    assert "other.rj" in second.windowTitle()
    second.finish()
    controller.close_workspace()


def test_change_passphrase_in_the_app(qtbot, workspace, passphrase):
    path = workspace.path
    workspace.journal.add("Kept through the change.")
    controller = AppController(path)
    window = controller.show(workspace)
    dialog = ChangePassphraseDialog(workspace, window)  # goes with the window it belongs to
    dialog.exec = lambda: (dialog.check_and_accept(), dialog.result())[1]
    dialog.current.setText("not it at all")
    dialog.new.setText(NEW_PASSPHRASE)
    dialog.repeat.setText(NEW_PASSPHRASE)
    assert "current passphrase is not right" in (dialog.problem() or "")
    dialog.check_and_accept()
    assert dialog.error.text()
    dialog.current.textEdited.emit("x")  # typing again clears the error
    assert dialog.error.text() == ""
    dialog.current.setText(passphrase)
    window.change_passphrase(dialog)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window is not window)
    qtbot.addWidget(controller.window)
    assert controller.window.journal_view.model.rowCount() == 1  # the new window reads it
    controller.window.finish()
    controller.close_workspace()
    reopened = _open(path, NEW_PASSPHRASE)
    assert [e.body for e in reopened.journal.entries()] == ["Kept through the change."]
    reopened.close()
    try:
        _open(path, passphrase).close()
    except WrongPassphrase:
        pass
    else:
        raise AssertionError("the old passphrase still opens the journal")


def test_locking_keeps_the_page_the_entry_and_the_focus(qtbot, workspace, passphrase):
    entry = workspace.journal.add("The one I was reading.", title="Reading")
    workspace.journal.add("Another.", title="Other")
    controller = AppController(workspace.path)
    first = controller.show(workspace)
    first.open_entry(entry)
    assert first.journal_view.editor.entry_id == entry
    _answer_unlock(controller, passphrase)
    first.lock_requested.emit()
    qtbot.waitUntil(lambda: controller.window is not None and controller.window is not first)
    second = controller.window  # locked again below: the controller deletes it
    assert second.nav.currentRow() == 0
    assert second.journal_view.editor.entry_id == entry
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second.journal_view.editor.body)
    second.go("patterns")
    _answer_unlock(controller, passphrase)
    second.lock_requested.emit()
    qtbot.waitUntil(lambda: controller.window is not None and controller.window is not second)
    third = controller.window
    qtbot.addWidget(third)
    assert third.stack.currentWidget() is third.pages["patterns"]
    third.finish()
    controller.close_workspace()


def test_welcome_form_shows_clears_and_explains(qtbot, tmp_path):
    dialog = WelcomeDialog(tmp_path / "mine.rj", keyring=None)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("short")
    dialog.repeat.setText("short")
    dialog.create_button.click()
    assert "at least 8" in dialog.error.text()
    qtbot.keyClicks(dialog.passphrase, " and now much longer words")
    assert dialog.error.text() == ""  # it stayed after a valid passphrase
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_passphrase.setChecked(True)
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.repeat.echoMode() == QLineEdit.EchoMode.Normal
    assert "no system keyring" in dialog.keyring_note.text()


def test_unlock_explains_why_it_asks_and_can_show_the_passphrase(qtbot, workspace):
    workspace.close()
    dialog = UnlockDialog(workspace.path, keyring=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keyring_note.isVisible() and "no system keyring" in dialog.keyring_note.text()
    dialog.passphrase.setText("wrong one")
    dialog.try_unlock()
    assert dialog.error.text()
    qtbot.keyClicks(dialog.passphrase, "x")
    assert dialog.error.text() == ""
    dialog.show_passphrase.click()
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_creating_a_journal_says_what_it_is_doing(qtbot, tmp_path, monkeypatch):
    from reflectjournal.gui import tasks

    seen = {}

    def recording_wait_for(work, parent=None, *, notice, notice_after_s):
        seen.update(
            notice=notice,
            after=notice_after_s,
            button=(dialog.create_button.text(), dialog.create_button.isEnabled()),
        )
        return work()

    monkeypatch.setattr(tasks, "wait_for", recording_wait_for)
    dialog = WelcomeDialog(tmp_path / "new.rj", keyring=None)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(NEW_PASSPHRASE)
    dialog.repeat.setText(NEW_PASSPHRASE)
    dialog.create_button.click()
    assert "Creating your journal" in seen["notice"] and seen["after"] < 1
    assert seen["button"] == ("Creating…", False)  # no second click while it works
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.create_button.text() == "Create journal"
    dialog.workspace.close()


@pytest.mark.parametrize(
    ("choice", "said"),
    [
        (OldBackups.KEEP, " 1 older backup still open with the old passphrase; delete them when "),
        (OldBackups.REENCRYPT, " Re-encrypted 1 older backup."),
        (OldBackups.DELETE, " Deleted 1 older backup."),
    ],
)
def test_a_passphrase_change_says_what_became_of_older_backups(window, workspace, choice, said):
    made = workspace.backups.rotate()
    dialog = ChangePassphraseDialog(workspace, window)
    dialog.exec = lambda: QDialog.DialogCode.Accepted
    dialog.values = lambda: (NEW_PASSPHRASE, choice)
    sentence = change_passphrase(window, None, dialog)
    assert sentence is not None
    assert sentence.startswith("Passphrase changed; the journal was re-encrypted and checked.")
    assert said in sentence
    assert made.exists() is (choice is not OldBackups.DELETE)
