"""The "Revalidation" tab of a person's page: reflective discussions confirmed by a colleague.

With my own mentor or coach: my reflective discussion records and "Ask … to confirm" (the
record's date, names, PIN and the titles of the accounts discussed go to them, never the
accounts' text). With someone I mentor or coach: the records they asked me to confirm, and
"Confirm", which signs exactly what arrived and sends it back at the next sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.gui import operations
from reflectjournal.services.display import date_text
from reflectjournal.services.people import Person

ROLE = Qt.ItemDataRole.UserRole
CLIENT_ROLES = ("coachee", "mentee")


class DiscussionPanel(QWidget):
    def __init__(self, workspace: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.person: Person | None = None
        self.setAccessibleName("Reflective discussions")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.records = QListWidget()
        self.records.setWordWrap(True)
        self.records.setAccessibleName("Reflective discussion records")
        self.ask = QPushButton("Ask to confirm")
        self.ask.clicked.connect(self.ask_to_confirm)
        self.confirm = QPushButton("Confirm")
        self.confirm.clicked.connect(self.confirm_chosen)
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.ask)
        row.addWidget(self.confirm)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.records, 1)

    @property
    def exchange(self) -> Any:
        return self.workspace.revalidation_exchange

    def show_person(self, person: Person | None) -> None:
        self.person = person
        self.records.clear()
        if person is None:
            return
        first = person.name.split()[0]
        client = person.role in CLIENT_ROLES
        reachable = self.workspace.coaching_exchange.can_reach(person.id)
        self.ask.setVisible(not client)
        self.confirm.setVisible(client)
        self.ask.setText(f"Ask {first} to confirm")
        self.ask.setEnabled(reachable)
        self.confirm.setEnabled(reachable)
        if client:
            self.label.setText(f"Reflective discussions {first} asked you to confirm")
            for r in self.exchange.requests(person.id) if reachable else []:
                pin = f", PIN {r.colleague_pin}" if r.colleague_pin else ""
                state = f"confirmed {date_text(r.confirmed_at)}" if r.confirmed_at else "to confirm"
                lines = [
                    f"{date_text(r.date)} — {r.registrant} with {r.colleague_name}{pin} ({state})"
                ]
                lines += [f"   · {title}" for title in r.accounts]
                self._add("\n".join(lines), r.uid)
            hint = f"Nothing yet; when {first} asks, the record shows here to confirm."
        else:
            self.label.setText(
                "Your reflective discussion records (revalidation). Choose one, then ask "
                f"{first} to confirm it."
            )
            for d in self.exchange.my_discussions():
                if d.confirmed_at:
                    state = (
                        f"confirmed by {d.asked or d.colleague_name}, {date_text(d.confirmed_at)}"
                    )
                elif d.asked:
                    state = f"asked {d.asked}" + (
                        f", received {date_text(d.received)}"
                        if d.received
                        else ", not received yet"
                    )
                else:
                    state = "not confirmed yet"
                self._add(f"{date_text(d.date)} with {d.colleague_name} ({state})", d.uid)
            hint = "No records yet: 'reflectjournal revalidation discussion' records one."
        if not self.records.count():
            item = QListWidgetItem(hint)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.records.addItem(item)

    def _add(self, text: str, uid: str) -> None:
        item = QListWidgetItem(text)
        item.setData(ROLE, uid)
        self.records.addItem(item)

    def _chosen(self) -> str | None:
        item = self.records.currentItem()
        return None if item is None else item.data(ROLE)

    def _perform(self, op: Callable[[], Any]) -> Any:
        return operations.perform(
            operations.events_of(self),
            op,
            operations.Changes(people=True),
            on_error=self._warn,
        )

    def _warn(self, sentence: str) -> None:
        QMessageBox.warning(self, "ReflectJournal", sentence)

    def ask_to_confirm(self) -> None:
        uid = self._chosen()
        if self.person is None or uid is None:
            self._warn("Choose one of your reflective discussion records first.")
            return
        pid = self.person.id
        if self._perform(lambda: self.exchange.ask_to_confirm(uid, pid)) is not None:
            self.show_person(self.person)

    def confirm_chosen(self) -> None:
        uid = self._chosen()
        if self.person is None or uid is None:
            self._warn("Choose the record to confirm first.")
            return
        if self._perform(lambda: self.exchange.confirm(uid)) is not None:
            self.show_person(self.person)
