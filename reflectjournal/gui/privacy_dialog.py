"""The privacy check's findings before a document for other readers is written.

Shown when an export (CPD, HTML, PDF) or the prep brief was refused because likely patient
identifiers are undecided. Each finding gets a choice — redact it, or it is fine (a colleague,
a public figure) — remembered on its entry by the privacy service, so the next export needs no
asking. The three ways on:

- **Redact**: remember each row's choice and write the document (redacted where chosen);
- **Edit entry**: close and open the entry of the selected finding in the editor;
- **Write anyway…**: a second, explicit confirmation, then write with the identifiers in it.

Everything shown here is the user's own text, but it is still put in as plain text (table
items, never rich text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from reflectjournal.services.privacy.service import EntryFinding

CHOICES = (
    ("redact", "Redact it"),
    ("fine", "Fine: a colleague or public figure"),
)


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class FindingsDialog(QDialog):
    """``decision`` after closing: "redact", "edit", "anyway" or None (cancelled)."""

    def __init__(self, findings: Iterable[EntryFinding], what: str, parent=None):
        super().__init__(parent)
        self.findings = list(findings)
        self.decision: str | None = None
        self.setWindowTitle("Likely patient identifiers")
        self.resize(860, 460)
        n = len(self.findings)
        noun = "identifier" if n == 1 else "identifiers"

        self.pages = QStackedWidget()
        self.pages.addWidget(self._findings_page(n, noun, what))
        self.pages.addWidget(self._confirm_page(n, noun, what))
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # ---- the findings and the three ways on ------------------------------------------------

    def _findings_page(self, n: int, noun: str, what: str) -> QWidget:
        page = QWidget()
        intro = _plain_label(
            f"The privacy check found {n} likely patient {noun} in the {what}. Nothing has "
            "been written yet. Choose what to do with each; your choices are remembered on "
            "the entry and applied wherever it goes next."
        )
        self.table = QTableWidget(n, 4)
        self.table.setHorizontalHeaderLabels(["Entry", "What", "In context", "Choice"])
        self.table.setAccessibleName("Privacy findings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 170)
        self.choice_boxes: list[QComboBox] = []
        for row, f in enumerate(self.findings):
            where = f"{f.entry} ({f.date})" if f.entry else "the document"
            for column, text in enumerate((where, f.label, f.context)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            box = QComboBox()
            box.setAccessibleName(f"Choice for {f.label}")
            for key, label in CHOICES:
                box.addItem(label, key)
            box.setEnabled(f.entry_id is not None)  # a brief's own lines have no entry
            self.table.setCellWidget(row, 3, box)
            self.choice_boxes.append(box)
        if n:
            self.table.selectRow(0)

        self.redact_button = QPushButton("Redact")
        self.redact_button.setToolTip(
            "Remember each choice on its entry, then write the document with the identifiers "
            "you chose to redact replaced by a marker such as [NHS number removed]."
        )
        self.redact_button.setDefault(True)
        self.edit_button = QPushButton("Edit entry")
        self.edit_button.setToolTip("Open the selected finding's entry to change the text.")
        self.edit_button.setEnabled(any(f.entry_id is not None for f in self.findings))
        self.anyway_button = QPushButton("Write anyway…")
        self.cancel_button = QPushButton("Cancel")
        self.redact_button.clicked.connect(lambda: self._finish("redact"))
        self.edit_button.clicked.connect(lambda: self._finish("edit"))
        self.anyway_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.redact_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.anyway_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        return page

    # ---- the second confirmation -----------------------------------------------------------

    def _confirm_page(self, n: int, noun: str, what: str) -> QWidget:
        page = QWidget()
        title = _plain_label(f"Write the {what} anyway, with {n} likely patient {noun}?")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        body = _plain_label(
            "Anyone who reads it will see them. A patient's name, number or date of birth in "
            "a document that leaves this machine may breach confidentiality (Caldicott "
            "principles, UK GDPR). Only go on if you are sure none of these identifies a "
            "patient or their family."
        )
        shown = [f"• {f.label}: {f.text}" + (f" ({f.entry})" if f.entry else "")
                 for f in self.findings[:12]]  # fmt: skip
        if n > len(shown):
            shown.append(f"… and {n - len(shown)} more")
        listing = _plain_label("\n".join(shown))
        listing.setAccessibleName("What will be written")
        self.confirm_button = QPushButton("Yes, write it with the identifiers")
        self.back_button = QPushButton("Back")
        self.back_button.setDefault(True)
        self.confirm_button.clicked.connect(lambda: self._finish("anyway"))
        self.back_button.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(body)
        layout.addSpacing(8)
        layout.addWidget(listing)
        layout.addStretch(1)
        layout.addLayout(buttons)
        return page

    # ---- outcome ---------------------------------------------------------------------------

    def choices(self) -> list[tuple[EntryFinding, str]]:
        """(finding, "redact" | "fine") for every finding that belongs to an entry."""
        return [
            (f, box.currentData())
            for f, box in zip(self.findings, self.choice_boxes, strict=True)
            if f.entry_id is not None
        ]

    def selected_entry(self) -> int | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.findings) and self.findings[row].entry_id is not None:
            return self.findings[row].entry_id
        return next((f.entry_id for f in self.findings if f.entry_id is not None), None)

    def _finish(self, decision: str) -> None:
        self.decision = decision
        self.accept()


def remember_choices(privacy, dialog: FindingsDialog) -> int:
    """Store the dialog's per-finding choices on their entries (the "Redact" way on)."""
    done = 0
    for finding, decision in dialog.choices():
        note = "a colleague or public figure" if decision == "fine" else ""
        privacy.choose(finding.entry_id, finding.kind, finding.text, decision, note)
        done += 1
    return done
