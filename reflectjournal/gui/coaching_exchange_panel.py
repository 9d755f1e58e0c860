"""The "Through the exchange" tab of a person's page on the Coaching page.

For someone I coach or mentor: send them a copy of our agreement and goals, send a session's
summary with the actions they own, and read what they want to bring next time. For my own
coach or mentor: the summaries they sent me (their actions are already in my Actions), and
what I want to bring to the next session. Everything written here goes through
``operations.perform``; other people's words are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import PrivacyCheckFailed, ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.plain_text import esc, rich
from reflectjournal.services.display import date_text
from reflectjournal.services.people import Person

ROLE = Qt.ItemDataRole.UserRole
CLIENT_ROLES = ("coachee", "mentee")


def _day(stamp: str | None) -> str:
    return date_text(stamp) if stamp else ""


def _state(received: str | None) -> str:
    return f"received {_day(received)}" if received else "not received yet"


class ExchangePanel(QWidget):
    def __init__(
        self,
        workspace: Any,
        current_session: Callable[[], int | None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.exchange = workspace.coaching_exchange
        self.current_session = current_session or (lambda: None)
        self.person: Person | None = None
        self.setAccessibleName("Through the exchange")

        self.copy_state = QLabel()
        self.copy_state.setWordWrap(True)
        self.copy_state.setAccessibleName("Copy of the agreement")
        self.send_copy = QPushButton("Send a copy")
        self.send_copy.setToolTip("Send them a copy of your agreement and shared goals")
        self.send_copy.clicked.connect(self.send_programme)
        self.summaries_label = QLabel()
        self.summaries = QListWidget()
        self.summaries.setWordWrap(True)
        self.summaries.setAccessibleName("Session summaries")
        self.send_summary_button = QPushButton("Send summary…")
        self.send_summary_button.setToolTip(
            "Send the chosen session's summary (or the latest one's) with the actions they own"
        )
        self.send_summary_button.clicked.connect(self.send_summary)
        self.bring_label = QLabel()
        self.bring = QListWidget()
        self.bring.setWordWrap(True)
        self.bring.setAccessibleName("What to bring to the next session")
        self.add_bring = QPushButton("Add…")
        self.add_bring.clicked.connect(self.bring_something)
        self.remove_bring = QPushButton("Remove")
        self.remove_bring.clicked.connect(self.take_back)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.copy_state, 1)
        top.addWidget(self.send_copy)
        layout.addLayout(top)
        row = QHBoxLayout()
        row.addWidget(self.summaries_label, 1)
        row.addWidget(self.send_summary_button)
        layout.addLayout(row)
        layout.addWidget(self.summaries, 3)
        row = QHBoxLayout()
        row.addWidget(self.bring_label, 1)
        row.addWidget(self.add_bring)
        row.addWidget(self.remove_bring)
        layout.addLayout(row)
        layout.addWidget(self.bring, 2)

    # ---- showing -------------------------------------------------------------------------------

    def show_person(self, person: Person | None) -> None:
        self.person = person
        self.summaries.clear()
        self.bring.clear()
        if person is None:
            return
        client = person.role in CLIENT_ROLES
        first = person.name.split()[0]
        has_keys = self.exchange.can_reach(person.id)
        for widget in (self.send_copy, self.send_summary_button):
            widget.setVisible(client)
            widget.setEnabled(has_keys)
        self.add_bring.setVisible(not client)
        self.remove_bring.setVisible(not client)
        self.add_bring.setEnabled(has_keys)
        self.copy_state.setVisible(True)
        if not has_keys:
            rich(
                self.copy_state,
                f"Nothing travels to {esc(person.name)} until you have their contact card "
                "(Shared with me → Contacts, or an invitation).",
            )
        elif client:
            delivery = self.exchange.programme_delivery(person.id)
            if delivery is None:
                text = f"{esc(first)} has no copy of your agreement and goals yet."
            elif not delivery.version:
                text = f"A copy of your agreement and goals goes to {esc(first)} at the next sync."
            else:
                text = (
                    f"{esc(first)} has a copy of your agreement and goals, "
                    f"{esc(_state(delivery.received))}; changes follow."
                )
            self.send_copy.setEnabled(delivery is None)
            rich(self.copy_state, text)
        else:
            rich(
                self.copy_state,
                f"What {esc(first)} sends arrives at each sync; the actions in a summary join "
                "your Actions, with their due dates.",
            )
        self.summaries_label.setText(
            f"Summaries you sent {first}" if client else f"Summaries from {first}"
        )
        for s in self.exchange.summaries(person.id):
            lines = [f"{_day(s.date)} — {s.summary}"]
            if s.origin == "mine":
                lines[0] += f"  ({_state(s.received)})"
            for a in s.actions:
                due = f", due {_day(a.due)}" if a.due else ""
                tick = "☑" if a.status == "done" else "☐"
                lines.append(f"   {tick} {a.text}{due}")
            item = QListWidgetItem("\n".join(lines))
            item.setData(ROLE, s.id)
            self.summaries.addItem(item)
        if not self.summaries.count():
            hint = (
                "None yet: choose a session on the Sessions tab and “Send summary…”."
                if client
                else f"None yet; when {first} sends one, its actions join your Actions."
            )
            self._placeholder(self.summaries, hint)
        self.bring_label.setText(
            f"What {first} wants to bring next time"
            if client
            else f"What I want to bring to {first} next time"
        )
        for b in self.exchange.bring_items(person.id):
            when = f"arrived {_day(b.arrived)}" if b.origin == "received" else _state(b.received)
            item = QListWidgetItem(f"{b.text}  ({when})")
            item.setData(ROLE, b.id)
            self.bring.addItem(item)
        if not self.bring.count():
            hint = (
                f"Nothing yet; what {first} sends shows here and in the prep brief."
                if client
                else f"Nothing yet; “Add…” sends {first} something to talk about."
            )
            self._placeholder(self.bring, hint)

    @staticmethod
    def _placeholder(widget: QListWidget, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = item.font()
        font.setItalic(True)
        item.setFont(font)
        widget.addItem(item)

    # ---- commands ------------------------------------------------------------------------------

    def _perform(self, op: Callable[[], Any], changes: operations.Changes) -> Any:
        return operations.perform(
            operations.events_of(self),
            op,
            changes,
            initiator=None,  # the page refreshes like every other listener
            on_error=self._warn,
        )

    def _warn(self, sentence: str) -> None:
        QMessageBox.warning(self, "ReflectJournal", sentence)

    def send_programme(self) -> None:
        if self.person is None:
            return
        pid = self.person.id
        if self._perform(
            lambda: self.exchange.send_programme(pid), operations.Changes(people=True)
        ):
            self.show_person(self.person)

    def send_summary(self) -> None:
        if self.person is None:
            return
        session = self.current_session()
        if session is None:
            QMessageBox.information(
                self, "Send summary", "Record a session first; its summary can then be sent."
            )
            return
        held = [s for s in self.exchange.summaries(self.person.id) if s.session_id == session]
        text, ok = QInputDialog.getMultiLineText(
            self,
            "Send summary",
            f"Summary for {self.person.name} (the actions they own from this session go with it):",
            held[0].summary if held else "",
        )
        if not ok:
            return
        events, changes = operations.events_of(self), operations.Changes(sessions=True)
        try:
            operations.perform(events, lambda: self.exchange.send_summary(session, text), changes)
        except PrivacyCheckFailed as exc:
            answer = QMessageBox.question(
                self,
                "Send summary",
                f"{exc}\n\nSend it anyway?",
                defaultButton=QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._perform(
                lambda: self.exchange.send_summary(session, text, allow_identifiers=True), changes
            )
        except ReflectJournalError as exc:
            QMessageBox.warning(self, "ReflectJournal", str(exc))
            return
        self.show_person(self.person)

    def bring_something(self) -> None:
        if self.person is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self, "What I want to bring", f"What would you like to bring to {self.person.name}?"
        )
        if not ok:
            return
        pid = self.person.id
        if self._perform(lambda: self.exchange.bring(pid, text), operations.Changes(sessions=True)):
            self.show_person(self.person)

    def take_back(self) -> None:
        item = self.bring.currentItem()
        if item is None or item.data(ROLE) is None:
            return
        chosen = int(item.data(ROLE))
        if self._perform(
            lambda: self.exchange.remove_bring(chosen), operations.Changes(sessions=True)
        ):
            self.show_person(self.person)
