"""First run, unlock, lock and single instance."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction

from reflectjournal.gui.app import AppController, SingleInstance
from reflectjournal.gui.dialogs import UnlockDialog, WelcomeDialog
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.keys import is_plain_sqlite


def test_welcome_creates_an_encrypted_journal(qtbot, tmp_path):
    path = tmp_path / "mine.rj"
    dialog = WelcomeDialog(path, keyring=None)
    qtbot.addWidget(dialog)
    assert not dialog.remember.isVisibleTo(dialog)  # no usable keyring: no false promise
    dialog.name.setText("Jo Leader")
    qtbot.keyClicks(dialog.passphrase, "river stone lamp ocean")
    assert dialog.hint.text()  # a strength hint appears as they type
    dialog.repeat.setText("river stone lamp oceans")
    dialog.create_button.click()
    assert "differ" in dialog.error.text()
    assert not path.exists()
    dialog.repeat.setText("short")
    dialog.passphrase.setText("short")
    dialog.create_button.click()
    assert "at least 8" in dialog.error.text() and not path.exists()
    dialog.passphrase.setText("river stone lamp ocean")
    dialog.repeat.setText("river stone lamp ocean")
    dialog.create_button.click()
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted
    workspace = dialog.workspace
    assert workspace.owner_name == "Jo Leader"
    workspace.journal.add("first words")
    workspace.close()
    assert path.exists() and not is_plain_sqlite(path)


def test_unlock_wrong_then_right_leaves_file_untouched(qtbot, workspace, passphrase):
    path = workspace.path
    workspace.journal.add("kept safe")
    workspace.close()
    before = path.read_bytes()
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText("not the passphrase")
    dialog.try_unlock()
    assert "did not open" in dialog.error.text()
    assert dialog.workspace is None and dialog.result() == 0
    assert path.read_bytes() == before
    dialog.passphrase.setText(passphrase)
    dialog.try_unlock()
    assert dialog.result() == UnlockDialog.DialogCode.Accepted
    assert dialog.workspace.journal.entries()[0].body == "kept safe"
    dialog.workspace.close()


def test_lock_now_closes_the_journal_and_unlock_reopens_it(qtbot, workspace, passphrase):
    path = workspace.path
    controller = AppController(path)
    first = controller.show(workspace)  # the controller deletes it when locking
    first.journal_view.editor.body.setPlainText("written before locking")
    seen = {}

    def answer_unlock() -> None:
        dialog = controller.unlock_dialog
        if dialog is None or not dialog.isVisible():
            return  # not asked yet; the timer tries again
        poll.stop()
        dialog.passphrase.setText("wrong passphrase!")
        dialog.try_unlock()
        seen["error"] = dialog.error.text()
        dialog.passphrase.setText(passphrase)
        dialog.try_unlock()

    poll = QTimer(interval=20)
    poll.timeout.connect(answer_unlock)
    poll.start()
    lock = next(a for a in first.findChildren(QAction) if a.shortcut().toString() == "Ctrl+L")
    lock.trigger()
    qtbot.waitUntil(lambda: controller.window is not None and controller.window is not first)
    assert "did not open" in seen["error"]
    second = controller.window
    qtbot.addWidget(second)
    # The text typed before locking was saved, not lost.
    assert [e.body for e in controller.workspace.journal.entries()] == ["written before locking"]
    second.finish()
    controller.close_workspace()


def test_auto_lock_after_idle_minutes(qtbot, window):
    window.workspace.set_setting("gui.autolock_minutes", "1")
    window.idle.last_input -= 30
    with qtbot.assertNotEmitted(window.lock_requested):
        window.check_idle()
    window.idle.last_input -= 60
    with qtbot.waitSignal(window.lock_requested, timeout=1000):
        window.check_idle()


def test_second_launch_hands_over_to_the_first(qtbot, tmp_path):
    first = SingleInstance(tmp_path / "j.rj")
    assert first.listen()
    second = SingleInstance(tmp_path / "j.rj")
    other = SingleInstance(tmp_path / "other.rj")
    assert not other.send_to_running(["reflectjournal"], timeout_ms=200)
    with qtbot.waitSignal(first.message, timeout=3000) as blocker:
        assert second.send_to_running(["reflectjournal", "--journal", "j.rj"])
    assert blocker.args == [[]]  # only "raise" travels, never the command line
    first.close()


def test_open_with_keyring_key_skips_the_dialog(tmp_path):
    class MemoryKeyring:
        def __init__(self):
            self.store = {}

        def usable(self):
            return True

        def get(self, path):
            return self.store.get(str(path))

        def set(self, path, secret):
            self.store[str(path)] = secret
            return True

    keyring = MemoryKeyring()
    ws = Workspace.create(tmp_path / "k.rj", "a long enough passphrase", keyring=keyring)
    ws.close()
    controller = AppController(tmp_path / "k.rj", keyring=keyring)
    opened = controller.first_workspace()
    assert opened is not None and opened.unlocked_by == "keyring"
    opened.close()
