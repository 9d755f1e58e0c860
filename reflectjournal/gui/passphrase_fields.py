"""What every passphrase form shares: a show-passphrase box, errors that clear as you type,
and a plain explanation of the system keyring (why the passphrase is asked, how not to be)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

KEYRING_MISSING = (
    "The passphrase is asked each time because this computer has no system keyring that "
    "ReflectJournal can use. With one (GNOME Keyring or KWallet, Keychain on macOS, Credential "
    "Manager on Windows) the journal can open without asking; locking always asks."
)
KEYRING_OFFER = (
    "The journal's key (never your passphrase) is kept in this computer's keyring, so the "
    "journal opens without asking. Locking it, or a restart of another computer, always asks."
)


def show_toggle(fields: list[QLineEdit]) -> QCheckBox:
    """A "Show passphrase" box that shows or hides what was typed in every field given."""
    box = QCheckBox("Show passphrase")
    box.setAccessibleName("Show the passphrase as you type")

    def shown(on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        for field in fields:
            field.setEchoMode(mode)

    box.toggled.connect(shown)
    return box


def clear_on_typing(error: QLabel, fields: list[QLineEdit]) -> None:
    """An error about the passphrase goes as soon as it is changed (it stayed after a valid
    passphrase was typed)."""
    for field in fields:
        field.textEdited.connect(lambda _text: error.clear())


def keyring_note(keyring) -> QLabel:
    """A quiet line under the form: why there is no "remember" box, or what it does."""
    usable = keyring is not None and keyring.usable()
    note = QLabel(KEYRING_OFFER if usable else KEYRING_MISSING)
    note.setWordWrap(True)
    note.setObjectName("keyringNote")
    note.setEnabled(False)  # the muted colour of a hint
    return note
