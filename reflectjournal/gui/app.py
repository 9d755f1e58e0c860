"""Start-up: the QApplication, one instance per journal, unlock, and the lock cycle.

``run_gui(args)`` is called by the launcher. There is no global app object: the Workspace
is built here and handed to the main window; locking closes it and builds a new one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from reflectjournal.errors import (
    JournalLocked,
    ReflectJournalError,
    UnencryptedJournal,
    WrongPassphrase,
)
from reflectjournal.gui.qt_typed import application

if TYPE_CHECKING:  # imported where used: start-up shows the unlock dialog before the window
    from reflectjournal.gui.dialogs import UnlockDialog
    from reflectjournal.gui.main_window import MainWindow
    from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)


# ---- one instance per journal ---------------------------------------------------------------


RAISE_MESSAGE = b"raise\n"


def runtime_folder() -> Path:
    """A folder only this user can enter, for the single-instance socket.

    ``$XDG_RUNTIME_DIR`` (or platformdirs' runtime folder) when it is ours and private, else a
    0700 folder in our state directory: never the shared temp folder, where anyone could
    create the socket first and receive what a second launch sends.
    """
    from reflectjournal.config import private_dir, state_dir

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        try:
            st = Path(runtime).stat()
        except OSError:
            st = None
        if st is not None and st.st_uid == os.getuid() and not st.st_mode & 0o077:
            return private_dir(Path(runtime) / "reflectjournal")
    return private_dir(state_dir() / "run")


def peer_uid(socket: QLocalSocket) -> int | None:
    """The uid of the process at the other end of a local socket (Linux: SO_PEERCRED)."""
    import socket as pysocket
    import struct

    fd = int(socket.socketDescriptor())
    if fd < 0 or not hasattr(pysocket, "SO_PEERCRED"):
        return None
    probe = pysocket.socket(fileno=os.dup(fd))
    try:
        creds = probe.getsockopt(pysocket.SOL_SOCKET, pysocket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    finally:
        probe.close()
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid


class SingleInstance(QObject):
    """One window per journal: a second launch asks the first to come to the front.

    The socket lives in a private runtime folder, the server accepts only peers with our
    uid, and the only message is "raise": nothing from the second command line travels.
    """

    message = Signal(list)

    def __init__(self, journal: Path, parent=None, folder: Path | None = None):
        super().__init__(parent)
        digest = hashlib.sha256(str(journal.expanduser().resolve()).encode()).hexdigest()[:16]
        if os.name == "nt":  # a named pipe, private to the logged-in session
            self.name = f"reflectjournal-{os.environ.get('USERNAME', '')}-{digest}"
        else:
            self.name = str((folder or runtime_folder()) / f"{digest}.sock")
        self.server: QLocalServer | None = None

    def send_to_running(self, argv: list[str] | None = None, timeout_ms: int = 500) -> bool:
        """Ask a running instance to raise its window (``argv`` is deliberately not sent)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        uid = peer_uid(socket)
        if uid is not None and uid != os.getuid():
            log.warning("the single-instance socket belongs to another user; ignored")
            socket.abort()
            return False
        socket.write(RAISE_MESSAGE)
        socket.flush()
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            # A crashed earlier run can leave its socket file behind.
            QLocalServer.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning("single-instance socket unavailable")
                return False
        self.server.newConnection.connect(self._incoming)
        return True

    def _incoming(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            uid = peer_uid(socket)
            if uid is not None and uid != os.getuid():
                log.warning("refused a single-instance message from another user")
                socket.abort()
                socket.deleteLater()
                continue
            # The sender writes six bytes and hangs up; reading them here (briefly
            # blocking) avoids keeping Python closures alive on the socket.
            data = bytearray()
            while len(data) <= len(RAISE_MESSAGE) and (
                socket.waitForReadyRead(500) or socket.bytesAvailable()
            ):
                data.extend(socket.read(64).data())
                if socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    break
            data.extend(socket.read(64).data())
            socket.close()
            socket.deleteLater()
            if bytes(data) != RAISE_MESSAGE:
                log.warning("ignored an unexpected single-instance message")
                continue
            self.message.emit([])

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


# ---- the lock cycle -------------------------------------------------------------------------


def keyring_store():
    if os.environ.get("REFLECTJOURNAL_NO_KEYRING"):
        return None
    from reflectjournal.services import unlocking

    return unlocking.keyring()


class AppController(QObject):
    """Owns the open Workspace and its window; locking swaps both for fresh ones."""

    def __init__(
        self,
        path: Path,
        *,
        keyring=None,
        passphrase_file: Path | None = None,
        title_suffix: str = "",
        allow_unencrypted: bool = False,
        parent=None,
    ):
        super().__init__(parent)
        self.path = path
        self.allow_unencrypted = allow_unencrypted
        self.keyring = keyring
        self.passphrase_file = passphrase_file
        self.title_suffix = title_suffix
        self.window: MainWindow | None = None
        self.workspace: Workspace | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.lock_hint = ""

    def first_workspace(self):
        """Create (welcome), or open with file/env/keyring, else ask; None if they give up."""
        from reflectjournal.gui.dialogs import WelcomeDialog
        from reflectjournal.gui.opening import run_with_notice
        from reflectjournal.services import unlocking

        if not self.path.exists():
            welcome = WelcomeDialog(self.path, self.keyring)
            if welcome.exec() != QDialog.DialogCode.Accepted:
                return None
            if welcome.workspace is not None:
                return welcome.workspace
            self.path = welcome.opened_path
        sources = unlocking.KeySources(
            passphrase_file=self.passphrase_file,
            keyring=self.keyring,
            allow_unencrypted=self.allow_unencrypted,
        )
        try:
            return run_with_notice(lambda: unlocking.open_journal(self.path, sources))
        except UnencryptedJournal as exc:
            if not self.confirm_unencrypted(str(exc)):
                return None
            self.allow_unencrypted = True
            sources.allow_unencrypted = True
            return run_with_notice(lambda: unlocking.open_journal(self.path, sources))
        except JournalLocked:
            return self.ask_unlock()
        except WrongPassphrase as exc:
            return self.ask_unlock(str(exc))

    def confirm_unencrypted(self, message: str) -> bool:
        """An unencrypted file at the journal's path is opened only on an explicit choice."""
        box = QMessageBox(QMessageBox.Icon.Warning, "This journal is not encrypted", message)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "Open it only if you created it without encryption yourself. Anything you write "
            "in it is stored in plain text."
        )
        open_button = box.addButton("Open unencrypted", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is open_button

    def ask_unlock(self, message: str = ""):
        from reflectjournal.gui.dialogs import UnlockDialog

        dialog = UnlockDialog(self.path, self.keyring, message=message)
        self.unlock_dialog = dialog
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        self.unlock_dialog = None
        return dialog.workspace if accepted else None

    def show(self, workspace: Workspace):
        from reflectjournal.gui.main_window import MainWindow

        self.workspace = workspace
        self.window = MainWindow(workspace, self.title_suffix)
        self.window.keyring = self.keyring
        self.window.lock_requested.connect(self.lock, Qt.ConnectionType.QueuedConnection)
        self.window.open_journal_requested.connect(
            self.open_other, Qt.ConnectionType.QueuedConnection
        )
        self.window.reopen_requested.connect(self.reopen, Qt.ConnectionType.QueuedConnection)
        self.window.show()
        QTimer.singleShot(0, self.window.offer_drafts)
        return self.window

    def lock(self) -> None:
        """Close the journal, then ask for the passphrase again (the keyring is not used)."""
        if self.window is None:
            return
        app = application()
        quit_on_close = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        window, self.window = self.window, None
        place = window.place()  # the page and entry come back after unlocking
        window.finish()
        window.hide()
        window.deleteLater()
        self.close_workspace()
        workspace = self.ask_unlock(
            "The journal is locked. Type the passphrase to open it again." + self.lock_hint
        )
        app.setQuitOnLastWindowClosed(quit_on_close)
        if workspace is None:
            app.quit()
            return
        self.show(workspace).restore_place(place)

    def _retire_window(self):
        """Take the window down (its work saved and stopped) without quitting the app."""
        window, self.window = self.window, None
        place = window.place()
        window.finish()
        window.hide()
        window.deleteLater()
        return place

    def reopen(self, message: str = "") -> None:
        """A fresh window over the same, re-keyed workspace, at the same place."""
        if self.window is None or self.workspace is None:
            return
        app = application()
        quit_on_close = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        place = self._retire_window()
        window = self.show(self.workspace)
        app.setQuitOnLastWindowClosed(quit_on_close)
        window.restore_place(place)
        if message:
            window.statusBar().showMessage(message, 15_000)
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "ReflectJournal",
                message,
                QMessageBox.StandardButton.Ok,
                window,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): nothing waits on it
            window.reopen_notice = box

    def open_other(self, path: Path) -> None:
        """Unlock ``path`` while this journal stays open; only then swap the two."""
        from reflectjournal.gui.dialogs import UnlockDialog
        from reflectjournal.gui.opening import run_with_notice
        from reflectjournal.services import unlocking

        if self.window is None:
            return
        sources = unlocking.KeySources(keyring=self.keyring)
        workspace: Workspace | None
        try:
            try:
                workspace = run_with_notice(
                    lambda: unlocking.open_journal(path, sources), self.window
                )
            except UnencryptedJournal as exc:
                if not self.confirm_unencrypted(str(exc)):
                    return
                sources.allow_unencrypted = True
                workspace = run_with_notice(
                    lambda: unlocking.open_journal(path, sources), self.window
                )
        except (JournalLocked, WrongPassphrase):
            dialog = UnlockDialog(path, self.keyring, parent=self.window)
            self.unlock_dialog = dialog
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            self.unlock_dialog = None
            workspace = dialog.workspace if accepted else None
        except ReflectJournalError as exc:
            QMessageBox.warning(self.window, "ReflectJournal", str(exc))
            return
        if workspace is None:
            return
        app = application()
        quit_on_close = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        self._retire_window()
        self.close_workspace()
        self.path = path
        self.show(workspace)
        app.setQuitOnLastWindowClosed(quit_on_close)

    def raise_window(self, argv=None) -> None:
        target = self.window or getattr(self, "unlock_dialog", None)
        if target is not None:
            target.showNormal()
            target.raise_()
            target.activateWindow()
        opened = _open_argument(argv or [])
        if opened and self.window is not None:
            self.window.open_file(opened)

    def close_workspace(self) -> None:
        if self.workspace is not None:
            try:
                self.workspace.close()
            except ReflectJournalError:
                log.exception("closing the journal failed")
            self.workspace = None


# ---- application set-up ---------------------------------------------------------------------


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        raise RuntimeError("a non-GUI Qt application is already running in this process")
    app = existing
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv or ["reflectjournal"])
    from reflectjournal import __version__
    from reflectjournal.gui import collector
    from reflectjournal.gui.theme import apply_theme, follow_system

    app.setOrganizationName("ReflectJournal")
    app.setApplicationName("ReflectJournal")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("reflectjournal")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    follow_system(app)
    collector.install(app)
    return app


def app_icon() -> QIcon:
    from importlib import resources

    icon = resources.files("reflectjournal.resources") / "icons" / "reflectjournal.svg"
    return QIcon(str(icon))


def install_excepthook() -> None:
    from reflectjournal.config import log_file

    def hook(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if isinstance(exc, ReflectJournalError):
            text = str(exc)
        else:
            text = (
                f"Something went wrong ({exc_type.__name__}); your saved entries are safe. "
                f"The details are in {log_file()}."
            )
        QMessageBox.warning(None, "ReflectJournal", text)

    sys.excepthook = hook


def run_gui(args) -> int:
    from reflectjournal.config import default_journal_path, setup_logging

    setup_logging()
    app = make_app(sys.argv[:1])
    install_excepthook()
    if getattr(args, "demo", False):
        return _run_demo(app)
    path = Path(args.journal).expanduser() if args.journal else default_journal_path()
    instance = SingleInstance(path)
    if instance.send_to_running(sys.argv):
        log.info("%s is already open; raised the running window", path)
        return 0
    instance.listen()
    passphrase_file = Path(args.passphrase_file) if args.passphrase_file else None
    controller = AppController(
        path,
        keyring=keyring_store(),
        passphrase_file=passphrase_file,
        allow_unencrypted=bool(getattr(args, "allow_unencrypted", False)),
    )
    instance.message.connect(controller.raise_window)
    try:
        workspace = controller.first_workspace()
    except ReflectJournalError as exc:
        QMessageBox.critical(None, "ReflectJournal", str(exc))
        return 1
    # Read or not, the passphrase variable is not handed to programs the app starts.
    os.environ.pop("REFLECTJOURNAL_PASSPHRASE", None)
    if workspace is None:
        return 0
    window = controller.show(workspace)
    if getattr(args, "open", None):
        QTimer.singleShot(0, lambda: window.open_file(args.open))
    code = app.exec()
    controller.close_workspace()
    instance.close()
    return code


def _open_argument(argv: list[str]) -> str | None:
    """The FILE of ``--open FILE`` in a second launch's arguments (a double-clicked packet)."""
    from reflectjournal.services.sharing.kinds import PACKET_SUFFIXES

    for i, arg in enumerate(argv):
        if arg == "--open" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--open="):
            return arg.split("=", 1)[1]
        if Path(arg).suffix in PACKET_SUFFIXES and Path(arg).is_file():
            return arg
    return None


def _run_demo(app: QApplication) -> int:
    import tempfile

    from reflectjournal.services import demo

    demo.sweep_stale_folders(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=demo.FOLDER_PREFIX) as folder:
        # Encrypted like any journal, with a fixed passphrase nobody has to type.
        workspace = demo.generate(Path(folder) / "demo.rj")
        controller = AppController(workspace.path, title_suffix=" (demo: changes vanish on exit)")
        controller.lock_hint = f" The demo passphrase is: {demo.DEMO_PASSPHRASE}"
        controller.show(workspace)
        code = app.exec()
        controller.close_workspace()
    return code
