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


# ---- the single-instance socket --------------------------------------------------------------


def test_socket_lives_in_a_private_folder_not_the_shared_temp(tmp_path, monkeypatch):
    import os
    import stat
    import tempfile

    from reflectjournal.gui.app import SingleInstance

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    instance = SingleInstance(tmp_path / "j.rj")
    folder = os.path.dirname(instance.name)
    assert folder.startswith(str(runtime))
    assert not instance.name.startswith(tempfile.gettempdir() + "/reflectjournal")
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    # A runtime folder others can enter is not trusted: the state folder is used instead.
    os.chmod(runtime, 0o777)
    assert not SingleInstance(tmp_path / "j.rj").name.startswith(str(runtime))


def test_a_squatted_socket_gets_nothing(qtbot, tmp_path, monkeypatch):
    """Someone listens where the app used to put its socket (the shared temp folder, with a
    predictable name) and where it puts it now: a second launch must send them nothing."""
    import hashlib
    import os
    import socket
    import tempfile
    import threading

    from reflectjournal.gui.app import RAISE_MESSAGE, SingleInstance

    journal = tmp_path / "j.rj"
    digest = hashlib.sha256(str(journal.resolve()).encode()).hexdigest()[:16]
    old_name = os.path.join(tempfile.gettempdir(), f"reflectjournal-{os.getuid()}-{digest}")
    received: list[bytes] = []

    def squat(path: str) -> socket.socket:
        if os.path.exists(path):
            os.unlink(path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        server.settimeout(2)

        def serve():
            try:
                conn, _ = server.accept()
                received.append(conn.recv(4096))
                conn.close()
            except OSError:
                pass

        threading.Thread(target=serve, daemon=True).start()
        return server

    squatter = squat(old_name)
    try:
        second = SingleInstance(journal)
        assert second.name != old_name
        assert not second.send_to_running(["reflectjournal", "--journal", "secret-name.rj"], 300)
    finally:
        squatter.close()
        os.unlink(old_name)
    assert received == []

    # In our own folder a listener gets "raise" and nothing else.
    inside = squat(second.name)
    try:
        assert second.send_to_running(["reflectjournal", "--journal", "secret-name.rj"], 1000)
        qtbot.waitUntil(lambda: bool(received), timeout=2000)
    finally:
        inside.close()
    assert received == [RAISE_MESSAGE]


def test_peer_from_another_uid_is_refused(qtbot, tmp_path, monkeypatch, caplog):
    from reflectjournal.gui import app as app_module

    first = app_module.SingleInstance(tmp_path / "j.rj", folder=tmp_path)
    assert first.listen()
    raised = []
    first.message.connect(raised.append)
    # The server sees a peer whose uid is not ours (as another user's process would be).
    real_uid = app_module.os.getuid()
    monkeypatch.setattr(app_module, "peer_uid", lambda sock: real_uid + 1)
    second = app_module.SingleInstance(tmp_path / "j.rj", folder=tmp_path)
    assert not second.send_to_running()  # the sender checks the server's uid too
    # A raw client the server sees as another uid: its "raise" is dropped.
    import socket

    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.connect(first.name)
    raw.sendall(app_module.RAISE_MESSAGE)
    raw.close()
    refused = "refused a single-instance message from another user"
    qtbot.waitUntil(lambda: refused in caplog.text, timeout=3000)
    assert raised == []
    monkeypatch.setattr(app_module, "peer_uid", lambda sock: real_uid)
    with qtbot.waitSignal(first.message, timeout=3000):
        assert second.send_to_running()
    assert raised == [[]]
    first.close()


# ---- verified contacts -----------------------------------------------------------------------


def test_first_share_to_an_unverified_contact_asks_explicitly(qtbot, tmp_path):
    from reflectjournal.gui.sharing_view import ContactsDialog, ShareDialog
    from reflectjournal.services.sharing.verification import verified_on

    pw = "correct horse battery staple"
    leader = Workspace.create(tmp_path / "leader.rj", pw, owner="Alice Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", pw, owner="Bob Mentor")
    card = mentor.sharing.identity.contact_card("mentor")
    fp = leader.sharing.contacts.import_card(card).contact.fingerprint
    leader.journal.add("For Bob", visibility="mentor")
    asked = []
    dialog = ShareDialog(leader, confirm=lambda name, f: asked.append((name, f)) or False)
    qtbot.addWidget(dialog)
    assert not dialog.save_to(tmp_path / "no.rjp")
    assert asked == [("Bob Mentor", fp)] and not (tmp_path / "no.rjp").exists()
    assert "not confirmed" in dialog.summary.text()
    dialog.confirm = lambda name, f: asked.append((name, f)) or True
    assert dialog.save_to(tmp_path / "yes.rjp") and (tmp_path / "yes.rjp").exists()
    assert verified_on(leader.db, fp)
    assert dialog.save_to(tmp_path / "again.rjp") and len(asked) == 2  # asked only until verified
    contacts = ContactsDialog(leader, confirm=lambda *a: True)
    qtbot.addWidget(contacts)
    assert "verified 20" in contacts.list.item(0).text()
    leader.close()
    mentor.close()


# ---- the welcome dialog ----------------------------------------------------------------------


def test_welcome_refuses_a_weak_passphrase_and_offers_a_generated_one(qtbot, tmp_path):
    from reflectjournal.gui.dialogs import WelcomeDialog
    from reflectjournal.storage.keys import _words

    path = tmp_path / "journal.rj"
    dialog = WelcomeDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Jo Leader")
    dialog.passphrase.setText("password123")
    dialog.repeat.setText("password123")
    assert dialog.strength.value() <= 1 and "common" in dialog.hint.text().lower()
    dialog.create_button.click()
    assert "easy to guess" in dialog.error.text() and not path.exists()
    qtbot.mouseClick(
        dialog.suggest_button, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton
    )
    words = dialog.passphrase.text().split(" ")
    assert len(words) == 6 and all(w in _words() for w in words)
    assert dialog.repeat.text() == dialog.passphrase.text()
    assert dialog.suggestion.isVisible() and dialog.passphrase.text() in dialog.suggestion.text()
    assert dialog.strength.value() == 4
    dialog.grab().save(str(tmp_path / "welcome.png"))
    dialog.create_button.click()
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted and path.exists()
    dialog.workspace.close()
