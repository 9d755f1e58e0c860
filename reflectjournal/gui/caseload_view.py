"""The caseload tab of the Coaching page: everyone a coach or mentor works with, at a glance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.gui import operations
from reflectjournal.services.caseload import WINDOW_DAYS, build_caseload
from reflectjournal.services.display import plural

ROLE = Qt.ItemDataRole.UserRole
# Retention periods offered (months); any other can be set with 'retention set MONTHS'.
PERIODS = ((None, "until I delete them"), (12, "1 year"), (36, "3 years"), (72, "6 years"),
           (84, "7 years"))  # fmt: skip


class CaseloadView(QWidget):
    person_chosen = Signal(int)  # double-click a person: open their page

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("Caseload summary")
        self.retention = QLabel()
        self.retention.setWordWrap(True)
        self.retention.setTextFormat(Qt.TextFormat.PlainText)
        self.retention.setAccessibleName("Retention reminders")
        self.people = QTreeWidget()
        self.people.setHeaderLabels(
            ["Person", "Last seen", "Next", "Open", "Overdue", "Shared (4 wk)", "Note"]
        )
        self.people.setRootIsDecorated(False)
        self.people.setAccessibleName("Caseload")
        self.people.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.people.itemActivated.connect(
            lambda item, _col: self.person_chosen.emit(item.data(0, ROLE))
        )
        self.rising = QLabel()
        self.rising.setWordWrap(True)
        self.rising.setTextFormat(Qt.TextFormat.PlainText)
        self.rising.setAccessibleName("Themes rising across the caseload")
        self.keep = QComboBox()
        self.keep.setAccessibleName("Keep coaching notes after a relationship ends")
        for months, label in PERIODS:
            self.keep.addItem(label, months)
        self.keep.activated.connect(self._set_retention)
        keep_row = QHBoxLayout()
        keep_label = QLabel("Keep notes after a relationship ends:")
        keep_label.setBuddy(self.keep)  # on Linux a combo box is named only by its label
        keep_row.addWidget(keep_label)
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(keep_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.retention)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.rising)

    def refresh(self) -> None:
        c = build_caseload(self.workspace)
        self.people.clear()
        if not c.people:
            self.summary.setText(
                "No coachees or mentees yet. Add someone as a coachee or mentee and their "
                "sessions, actions and what they share come together here."
            )
            self.rising.clear()
        else:
            overdue = len(c.overdue)
            unseen = ", ".join(p.name for p in c.not_seen) or "nobody"
            self.summary.setText(
                f"{len(c.people)} people · {overdue} overdue action{'s' if overdue != 1 else ''}"
                f" · not seen for {c.quiet_days}+ days with nothing planned: {unseen}. "
                "From what they shared and your own notes only."
            )
            quiet = {p.id for p in c.not_seen}
            for p in c.people:
                notes = []
                if p.id in quiet:
                    notes.append("not seen lately")
                if p.low_mood_or_energy:
                    notes.append("low mood/energy")
                item = QTreeWidgetItem(
                    [
                        f"{p.name} ({p.role})",
                        p.last_seen or "never",
                        p.next_session or "",
                        str(p.open_actions),
                        str(p.overdue_actions),
                        str(p.shared_recently),
                        ", ".join(notes),
                    ]
                )
                item.setData(0, ROLE, p.id)
                if p.overdue_actions:
                    item.setForeground(4, Qt.GlobalColor.red)
                self.people.addTopLevelItem(item)
            if c.rising:
                lines = [
                    f"{t.name}: {t.recent} (was {t.previous}) — {', '.join(t.people)}"
                    for t in c.rising[:6]
                ]
                self.rising.setText(
                    f"Rising across the caseload (last {plural(WINDOW_DAYS, 'day')} against the "
                    f"{WINDOW_DAYS} before):\n" + "\n".join(lines)
                )
            else:
                self.rising.setText("No theme is rising across the caseload.")
        months = self.workspace.retention.months()
        index = self.keep.findData(months)
        if index < 0:  # a period set on the command line
            self.keep.addItem(f"{months} months", months)
            index = self.keep.count() - 1
        self.keep.setCurrentIndex(index)
        due = self.workspace.retention.sentences()
        self.retention.setVisible(bool(due))
        if due:
            self.retention.setText("\n".join(due))

    def _set_retention(self, index: int) -> None:
        months = self.keep.itemData(index)
        operations.perform(
            operations.events_of(self),
            lambda: self.workspace.retention.set_months(months),
            operations.Changes(settings=True),
            initiator=self,
        )
        self.refresh()
