"""File → Open journal… and File → Change passphrase…, in the app (they were CLI-only:
Restore ended "open it to use it" with no way to open it)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.passphrase_fields import clear_on_typing, show_toggle
from reflectjournal.services.display import plural
from reflectjournal.services.old_backups import OldBackups
from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)

OLD_BACKUP_CHOICES = {
    OldBackups.REENCRYPT: "Re-encrypt them under the new passphrase",
    OldBackups.KEEP: "Keep them (they still open with the old passphrase)",
    OldBackups.DELETE: "Delete them",
}
CHANGING_NOTICE = "Re-encrypting your journal under the new passphrase, then checking it opens…"


def choose_journal_file(parent: QWidget, start: Path) -> Path | None:
    """A journal file to open; the dialog starts in the open journal's folder."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Open journal", str(start), "ReflectJournal journals (*.rj);;All files (*)"
    )
    return Path(name) if name else None


class ChangePassphraseDialog(QDialog):
    """The current passphrase (checked first), the new one twice, and what to do with
    backups made under the old one. ``values()`` gives (new passphrase, backup choice)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Change passphrase")
        self.current = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.current.setAccessibleName("Current passphrase")
        self.new = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.new.setAccessibleName("New passphrase")
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat the new passphrase")
        self.old_backups = QComboBox()
        self.old_backups.setAccessibleName("Backups made with the old passphrase")
        for key, label in OLD_BACKUP_CHOICES.items():
            self.old_backups.addItem(label, key)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d64545")
        self.error.setAccessibleName("Passphrase error")
        fields = [self.current, self.new, self.repeat]
        clear_on_typing(self.error, fields)
        note = QLabel(
            "The journal is re-encrypted and opened with the new passphrase before the old one "
            "is forgotten; if anything fails, the old passphrase still opens it."
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        form = QFormLayout()
        form.addRow("Current passphrase", self.current)
        form.addRow("New passphrase", self.new)
        form.addRow("Repeat", self.repeat)
        form.addRow("", show_toggle(fields))
        form.addRow("Older backups", self.old_backups)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Change passphrase")
        self.buttons.accepted.connect(self.check_and_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def problem(self) -> str | None:
        from reflectjournal.services.unlocking import passphrase_opens, passphrase_problem

        if not passphrase_opens(self.workspace, self.current.text()):
            return "The current passphrase is not right; type the one you unlock with."
        new = self.new.text()
        owner = tuple(self.workspace.owner_name.split())
        problem = passphrase_problem(new, owner)
        if problem is None and new != self.repeat.text():
            problem = "The two new passphrases differ; type the same one twice."
        if problem is None and new == self.current.text():
            problem = "The new passphrase is the current one; choose a different one."
        return problem

    def check_and_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()

    def values(self) -> tuple[str, OldBackups]:
        return self.new.text(), OldBackups(self.old_backups.currentData())


def change_passphrase(
    window, keyring=None, dialog: ChangePassphraseDialog | None = None
) -> str | None:
    """Ask, then re-encrypt with the window's work stopped; returns the sentence to show (None
    when cancelled). The caller rebuilds the window over the re-keyed journal."""
    from reflectjournal.gui.tasks import wait_for

    dialog = dialog or ChangePassphraseDialog(window.workspace, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    new, choice = dialog.values()
    workspace = window.workspace
    window.finish()  # the open entry is saved; timers and sync stop before the swap
    try:
        result = wait_for(
            lambda: workspace.change_passphrase(new, keyring=keyring, old_backups=choice),
            window,
            notice=CHANGING_NOTICE,
            notice_after_s=0.3,
        )
    except ReflectJournalError as exc:
        log.warning("the passphrase change failed")
        return f"{exc} The journal still opens with the old passphrase."
    said = "Passphrase changed; the journal was re-encrypted and checked."
    count = len(result.backups)
    if count and result.choice is OldBackups.KEEP:
        said += (
            f" {plural(count, 'older backup')} still open with the old passphrase; delete them when "
            "you no longer need them."
        )
    elif count:
        verb = "Re-encrypted" if result.choice is OldBackups.REENCRYPT else "Deleted"
        said += f" {verb} {plural(count, 'older backup')}."
    return said
