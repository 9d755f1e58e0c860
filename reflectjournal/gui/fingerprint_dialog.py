"""The one human trust step: comparing a new contact's fingerprint by phone or in person.

The card's claimed name is someone else's text, so it sits in its own plain-text label and can
never reach the fingerprint, which has a fixed, separate label drawn from the keys themselves.
"Does not match" is the default button: pressing Enter must not trust a stranger.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.gui.plain_text import rich_label


def _plain(text: str, *, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class FingerprintDialog(QDialog):
    """Ask whether the fingerprint the person reads out matches the card's; ``exec()`` returns
    Accepted only for an explicit "It matches"."""

    def __init__(
        self,
        name: str,
        fingerprint: str,
        warnings: list[str] | tuple[str, ...] = (),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Check the fingerprint")
        heading = rich_label("<h3>Is this card really theirs?</h3>")
        claims = _plain("The card says it belongs to:")
        self.name_label = _plain(name)
        self.name_label.setObjectName("claimedName")
        self.name_label.setAccessibleName("Name on the card")
        self.fingerprint_label = _plain(fingerprint, wrap=False)
        self.fingerprint_label.setObjectName("fingerprint")
        self.fingerprint_label.setAccessibleName("Fingerprint of the card's keys")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(max(mono.pointSize(), 14))
        self.fingerprint_label.setFont(mono)
        self.fingerprint_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.fingerprint_label.setMargin(8)
        how = _plain(
            "Phone them or meet them, and ask them to read out the fingerprint shown in their "
            "Contacts window. Only if every group of four matches this one, choose "
            "\u201cIt matches\u201d. The name on a card proves nothing; the fingerprint does."
        )
        self.warning_labels = []
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(claims)
        layout.addWidget(self.name_label)
        for text in warnings:
            warning = _plain(text)
            warning.setObjectName("warning")
            self.warning_labels.append(warning)
            layout.addWidget(warning)
        layout.addWidget(_plain("Fingerprint of the keys on this card:"))
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(how)
        buttons = QDialogButtonBox()
        self.match_button = QPushButton("It matches")
        self.no_match_button = QPushButton("It does not match")
        buttons.addButton(self.match_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.no_match_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.match_button.setAutoDefault(False)
        self.no_match_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)


def confirm_fingerprint(
    parent: QWidget | None, name: str, fingerprint: str, warnings: list[str] | tuple = ()
) -> bool:
    dialog = FingerprintDialog(name, fingerprint, warnings, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted
