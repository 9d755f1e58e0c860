"""360 feedback beside self-view: a table per Healthcare Leadership Model dimension."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.coaching_dialogs import show_error
from reflectjournal.gui.plain_text import esc, plain, rich
from reflectjournal.services.people import Person
from reflectjournal.services.workspace import Workspace

COLUMNS = ["Dimension", "Self", "Others", "Difference", "Reading", "In this journal"]


def _cell(text: str, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class Feedback360Panel(QWidget):
    """The latest 360 of a person (or, with ``person`` None, the journal owner's own)."""

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.person: Person | None = None
        self.mine = True
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.import_button = QPushButton("Import 360 (CSV)…")
        self.import_button.clicked.connect(self.ask_and_import)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("360 feedback by dimension")
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def show_for(self, person: Person | None, mine: bool = False) -> None:
        """``mine``: the owner's own 360 (the leader's view); else ``person``'s."""
        self.person, self.mine = person, mine
        key = None if mine or person is None else person.id
        report = self.workspace.feedback360.latest(key)
        self.table.setRowCount(0)
        whose = "your" if key is None or person is None else f"{person.name}'s"
        if report is None:
            plain(
                self.heading,
                f"No 360 yet. Import {whose} Healthcare Leadership Model 360 summary as CSV "
                "(the layout is in docs/360-import.md).",
            )
            return
        rich(
            self.heading,
            f"<b>{esc(report.title)}</b>, {esc(report.taken)} — {esc(whose)} view against "
            "everyone else's. "
            "A difference of 0.5 or more either way is worth a conversation.",
        )
        self.table.setRowCount(len(report.dimensions))
        for row, d in enumerate(report.dimensions):

            def num(value) -> str:
                return "–" if value is None else f"{value:.1f}"

            gap = "" if d.gap is None else f"{d.gap:+.1f}"
            cells = [
                _cell(d.name),
                _cell(num(d.self_score), True),
                _cell(num(d.others), True),
                _cell(gap, True),
                _cell(d.reading),
                _cell("" if d.journal_rating is None else f"{d.journal_rating}", True),
            ]
            if d.gap is not None and abs(d.gap) >= 0.5:
                cells[3].setForeground(QColor("#b35900") if d.gap > 0 else QColor("#2e7d32"))
            tips = "\n".join(f"{name}: {value:.1f}" for name, value in d.groups)
            for column, cell in enumerate(cells):
                if tips:
                    cell.setToolTip(tips)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()

    def ask_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a 360 summary", str(Path.home()), "CSV (*.csv *.txt)"
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        key = None if self.mine or self.person is None else self.person.id
        try:
            operations.perform(
                operations.events_of(self),
                lambda: self.workspace.feedback360.import_file(path, person=key),
                operations.Changes(programmes=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
            return False
        self.show_for(self.person, self.mine)
        return True
