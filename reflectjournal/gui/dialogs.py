"""First run (create or open a journal), unlock, keyboard shortcuts and About."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError, WrongPassphrase
from reflectjournal.gui.passphrase_fields import clear_on_typing, keyring_note, show_toggle
from reflectjournal.gui.plain_text import esc, rich_label
from reflectjournal.services.unlocking import (
    generate_passphrase,
    passphrase_problem,
    strength_hint,
)
from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)

CREATING_NOTICE = (
    "Creating your journal…\n\nTurning your passphrase into the journal's key takes a few "
    "seconds on purpose: it makes guessing the passphrase slow for anyone else."
)
LOSS_WARNING = (
    "Your passphrase is the only way into this journal. Nobody, including us, can recover "
    "it or the entries if it is lost, so keep it somewhere safe."
)


def _keyring_box(keyring, text: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setAccessibleName("Remember the key in the system keyring")
    usable = keyring is not None and keyring.usable()
    box.setChecked(usable)
    box.setVisible(usable)
    return box


class WelcomeDialog(QDialog):
    """Create a new journal, or pick an existing file. ``workspace`` is set on success."""

    def __init__(self, path: Path, keyring=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to ReflectJournal")
        self.path = path
        self.keyring = keyring
        self.workspace: Workspace | None = None
        self.opened_path: Path | None = None

        intro = rich_label(
            "<h2>Welcome to ReflectJournal</h2><p>A private place to reflect on your "
            "leadership. Everything you write stays on this computer, encrypted.</p>"
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(placeholderText="How the journal should address you")
        self.name.setAccessibleName("Your name")
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setPlaceholderText("A few unrelated words work well")
        self.suggest_button = QPushButton("Suggest one")
        self.suggest_button.setToolTip("Six random words from a list of 7,776 (77 bits)")
        self.suggestion = QLabel()
        self.suggestion.setTextFormat(Qt.TextFormat.PlainText)
        self.suggestion.setWordWrap(True)
        self.suggestion.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestion.setAccessibleName("Suggested passphrase")
        self.suggestion.hide()
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat the passphrase")
        self.strength = QProgressBar(maximum=4, textVisible=False)
        self.strength.setFixedHeight(6)
        self.strength.setAccessibleName("Passphrase strength")
        self.hint = QLabel(" ")
        self.remember = _keyring_box(keyring, "Remember the key in the system keyring")
        warning = QLabel(LOSS_WARNING)
        warning.setWordWrap(True)
        warning.setObjectName("warning")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d64545")
        self.location = QLabel(f"It will be saved as {path}")
        self.location.setWordWrap(True)
        self.location.setEnabled(False)

        form = QFormLayout()
        form.addRow("Your name", self.name)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.passphrase, 1)
        entry_row.addWidget(self.suggest_button)
        form.addRow("Passphrase", entry_row)
        form.addRow("", self.suggestion)
        form.addRow("", self.strength)
        form.addRow("", self.hint)
        form.addRow("Repeat", self.repeat)
        self.show_passphrase = show_toggle([self.passphrase, self.repeat])
        form.addRow("", self.show_passphrase)
        form.addRow("", self.remember)
        self.keyring_note = keyring_note(keyring)
        self.create_button = QPushButton("Create journal")
        self.create_button.setDefault(True)
        self.open_button = QPushButton("Open an existing journal…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(
            self.keyring_note
        )  # under the form: a wrapped label in a form row was cut off
        layout.addWidget(warning)
        layout.addWidget(self.location)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

        self.passphrase.textChanged.connect(self._strength)
        clear_on_typing(self.error, [self.passphrase, self.repeat])
        self.suggest_button.clicked.connect(self.suggest)
        self.create_button.clicked.connect(self.create_journal)
        self.open_button.clicked.connect(self.choose_existing)

    def _names(self) -> tuple[str, ...]:
        return tuple(self.name.text().split())

    def _strength(self, text: str) -> None:
        score, hint = strength_hint(text, self._names()) if text else (0, " ")
        self.strength.setValue(score)
        self.hint.setText(hint)
        if text != self._suggested:
            self.suggestion.hide()

    _suggested = ""

    def suggest(self) -> None:
        """Fill both fields with a generated passphrase and show it once, to write down."""
        self._suggested = generate_passphrase()
        self.passphrase.setText(self._suggested)
        self.repeat.setText(self._suggested)
        self.suggestion.setText(
            f"Your passphrase: {self._suggested}\nWrite it down before you create the journal."
        )
        self.suggestion.show()
        self.error.clear()
        self.adjustSize()  # room for the two lines, so nothing of the passphrase is cut off

    def create_journal(self) -> None:  # not "create": that is QWidget.create
        from reflectjournal.services import unlocking

        passphrase = self.passphrase.text()
        problem = passphrase_problem(passphrase, self._names())
        if problem is None and passphrase != self.repeat.text():
            problem = "The two passphrases differ; type the same one twice."
        if problem:
            self.error.setText(problem)
            return
        keyring = self.keyring if self.remember.isVisible() and self.remember.isChecked() else None
        from reflectjournal.gui.tasks import wait_for

        owner = self.name.text().strip()
        # Deriving the key is slow on purpose (~0.5 s or more): say so, keep the screen alive.
        self.create_button.setEnabled(False)
        self.create_button.setText("Creating…")
        try:
            self.workspace = wait_for(
                lambda: unlocking.create_journal(
                    self.path, passphrase, owner=owner, keyring=keyring
                ),
                self,
                notice=CREATING_NOTICE,
                notice_after_s=0.3,
            )
        except ReflectJournalError as exc:
            self.error.setText(str(exc))
            return
        finally:
            self.create_button.setEnabled(True)
            self.create_button.setText("Create journal")
        self.accept()

    def choose_existing(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a journal", str(self.path.parent), "ReflectJournal journals (*.rj)"
        )
        if name:
            self.opened_path = Path(name)
            self.accept()


class UnlockDialog(QDialog):
    """Ask for the passphrase until it opens the journal; a wrong one changes nothing."""

    def __init__(self, path: Path, keyring=None, parent=None, message: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Unlock journal")
        self.path = path
        self.keyring = keyring
        self.workspace: Workspace | None = None
        title = rich_label(f"<h3>Unlock {esc(path.name)}</h3>")
        info = QLabel(message or "Type the passphrase for this journal.")
        info.setWordWrap(True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.remember = _keyring_box(keyring, "Remember the key in the system keyring")
        self.remember.setChecked(False)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d64545")
        self.error.setAccessibleName("Unlock error")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        self.show_passphrase = show_toggle([self.passphrase])
        self.keyring_note = keyring_note(keyring)
        self.remember.setToolTip(self.keyring_note.text())
        self.keyring_note.setVisible(self.remember.isHidden())  # why it asks every time
        clear_on_typing(self.error, [self.passphrase])
        layout = QVBoxLayout(self)
        for widget in (
            title,
            info,
            self.passphrase,
            self.show_passphrase,
            self.remember,
            self.keyring_note,
            self.error,
        ):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def try_unlock(self) -> None:
        from reflectjournal.gui.opening import run_with_notice
        from reflectjournal.services import unlocking

        passphrase = self.passphrase.text()
        if not passphrase:
            self.error.setText("Type the passphrase first.")
            return
        try:
            workspace = run_with_notice(
                lambda: unlocking.open_with_passphrase(self.path, passphrase), self
            )
        except WrongPassphrase:
            self.error.setText("That passphrase did not open the journal. Check it and try again.")
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        except ReflectJournalError as exc:
            self.error.setText(str(exc))
            return
        self.workspace = workspace
        if self.remember.isVisible() and self.remember.isChecked():
            unlocking.remember_key(workspace, self.keyring)
        self.accept()


def shortcuts_dialog(rows: list[tuple[str, str]], parent: QWidget | None = None) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(["Action", "Keys"])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAccessibleName("Keyboard shortcuts")
    for number, (action, keys) in enumerate(rows):
        table.setItem(number, 0, QTableWidgetItem(action))
        table.setItem(number, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(460, 520)
    return dialog


def about(parent: QWidget | None = None) -> None:
    from reflectjournal import __version__
    from reflectjournal.config import log_file

    box = QMessageBox(QMessageBox.Icon.NoIcon, "About ReflectJournal", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>ReflectJournal {__version__}</h3>"
        "<p>A private, encrypted journal for healthcare leaders, their mentors and coaches.</p>"
        f"<p>Errors are logged (never your entries) to:<br><code>{esc(log_file())}</code></p>"
    )
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64) if parent else box.iconPixmap())
    box.exec()


def ask_minutes(parent: QWidget, current: int) -> int | None:
    from PySide6.QtWidgets import QInputDialog

    value, ok = QInputDialog.getInt(
        parent,
        "Lock automatically",
        "Lock the journal after this many idle minutes (0 = never):",
        current,
        0,
        240,
    )
    return value if ok else None
