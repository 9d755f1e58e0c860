"""Sharing in the app: "Shared with me", Contacts, and the share dialog.

Everything others wrote (entries, comments, names) is shown as plain text, never as HTML, so a
hostile packet cannot put markup or links in front of the user. Errors appear in a status line
on the page rather than in modal boxes, so the user keeps their place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.folders import start_in
from reflectjournal.gui.qt_typed import child_items, top_level_items
from reflectjournal.gui.why_disabled import allow
from reflectjournal.services.display import date_text, datetime_text, plural
from reflectjournal.services.entries import Entry, EntryComment
from reflectjournal.services.sharing import kinds
from reflectjournal.services.sharing.identity import Contact
from reflectjournal.services.workspace import Workspace

if TYPE_CHECKING:
    from reflectjournal.services.exchange.file_route import Written
    from reflectjournal.services.sharing.share import SharePlan

ENTRY_ROLE = Qt.ItemDataRole.UserRole
RECEIVE_FILTER = kinds.dialog_filter()  # a share, feedback or a contact card: any of them
SHARE_FILTER = kinds.dialog_filter("share")
FEEDBACK_FILTER = kinds.dialog_filter("feedback")
CARD_FILTER = kinds.dialog_filter("contact")


def _status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def entry_text(entry: Entry) -> str:
    """A received entry as the reader sees it, in plain text."""
    lines = [
        entry.title,
        f"{date_text(entry.created, as_stored_offset=True)} · from {entry.sender or 'unknown'}",
    ]
    if entry.tags:
        lines.append(" ".join("@" + t for t in entry.tags))
    if entry.mood is not None:
        energy = int(entry.energy) if entry.energy is not None else "–"
        lines.append(f"mood {int(entry.mood)}/5 · energy {energy}/5")
    lines += ["", entry.body]
    return "\n".join(lines)


def comments_text(comments: Iterable[EntryComment]) -> str:
    parts = []
    for c in comments:
        note = " (on an earlier version)" if c.earlier_version else ""
        parts.append(f"{c.author}, {datetime_text(c.created)}{note}:\n{c.text}")
    return "\n\n".join(parts) if parts else "No comments yet."


class SharingView(QWidget):
    """Shared with me: entries grouped by sender, read-only, with comments written here."""

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.sharing = workspace.sharing
        self.setAccessibleName("Shared with me")

        self.tree = QTreeWidget()
        self.tree.setAccessibleName("People and the entries they shared")
        self.tree.setHeaderLabels(["From / entry", "Date"])
        self.tree.setColumnWidth(0, 260)
        self.tree.currentItemChanged.connect(self._show_current)
        self.reader = QPlainTextEdit(readOnly=True)
        self.reader.setAccessibleName("Shared entry")
        self.comments = QPlainTextEdit(readOnly=True)
        self.comments.setAccessibleName("Comments")
        self.comments.setMaximumHeight(140)
        self.new_comment = QPlainTextEdit()
        self.new_comment.setAccessibleName("New comment")
        self.new_comment.setPlaceholderText("Write a comment for the person who shared this…")
        self.new_comment.setMaximumHeight(80)
        self.add_button = QPushButton("Add comment")
        self.add_button.clicked.connect(self.add_comment)
        self.status = _status_label()

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.reader, 3)
        rl.addWidget(QLabel("Comments"))
        rl.addWidget(self.comments, 1)
        rl.addWidget(self.new_comment)
        rl.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)

        bar = QHBoxLayout()
        for text, slot in (
            ("Receive a file…", self._choose_packet),
            ("Send feedback…", self._choose_feedback),
            ("Share my entries…", self._open_share),
            ("Contacts…", self._open_contacts),
            ("Pairing and places…", self.open_pairing),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.events = operations.listen(self, self._journal_changed)
        self.catch_up = operations.WhenShown(self, self.refresh)
        self.refresh()

    def _journal_changed(self, changes: operations.Changes, initiator: object) -> None:
        received = changes.shared or changes.people or changes.everything or changes.entries
        if initiator is not self and received:
            self.catch_up.request()

    # ---- contents ------------------------------------------------------------------------

    def refresh(self) -> None:
        from reflectjournal.services.entries import EntryFilter

        keep = self.current_entry_id()  # a refresh must not lose the reader's place
        self.tree.clear()
        for sender in self.sharing.senders():
            top = QTreeWidgetItem([f"{sender.name}  ({sender.entries})", ""])
            top.setToolTip(0, f"Fingerprint {sender.fingerprint}")
            fp = QTreeWidgetItem([f"Fingerprint {sender.fingerprint}", ""])
            fp.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.addChild(fp)
            for e in self.workspace.journal.entries(
                EntryFilter(kind="shared", sender_id=sender.person_id)
            ):
                child = QTreeWidgetItem([e.title, date_text(e.created)])
                child.setData(0, ENTRY_ROLE, e.id)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        if not self.tree.topLevelItemCount():
            self.reader.setPlainText(
                "Nothing has been shared with you yet. Entries shared with you arrive by "
                "themselves through a shared place (Pairing and places…), or as a file: "
                "choose “Receive a file…” to read it here."
            )
        if keep is not None:
            self.select_entry(keep)
        self._show_current()

    def current_entry_id(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ENTRY_ROLE) if item is not None else None

    def select_entry(self, entry_id: int) -> None:
        for top in top_level_items(self.tree):
            for child in child_items(top):
                if child.data(0, ENTRY_ROLE) == entry_id:
                    self.tree.setCurrentItem(child)
                    return

    def _show_current(self, *_):
        entry_id = self.current_entry_id()
        allow(self.add_button, entry_id is not None, "Choose a shared entry to comment on it.")
        allow(self.new_comment, entry_id is not None, "Choose a shared entry to comment on it.")
        if entry_id is None:
            self.comments.clear()
            return
        entry = self.workspace.journal.entry(entry_id)
        self.reader.setPlainText(entry_text(entry))
        self.comments.setPlainText(comments_text(entry.comments))

    # ---- actions (each callable with a path, so tests need no file dialogs) ---------------

    def _report(self, text: str) -> None:
        self.status.setText(text)

    def add_comment(self) -> bool:
        entry_id = self.current_entry_id()
        if entry_id is None:
            self._report("Choose an entry to comment on first.")
            return False
        text = self.new_comment.toPlainText()
        try:
            operations.perform(
                self.events,
                lambda: self.sharing.comment(entry_id, text),
                operations.Changes(shared=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self._report(str(exc))
            return False
        self.new_comment.clear()
        self._show_current()
        self._report("Comment saved; it travels at the next sync (or in a feedback file).")
        return True

    def import_packet(self, path):
        """Receive shared entries, feedback or a contact card: whichever it is (an invitation
        opens the pairing dialog, where the fingerprints are compared first)."""
        if Path(path).suffix == kinds.INVITE:
            self.open_pairing(path)
            return None
        try:
            received = operations.perform(
                self.events,
                lambda: self.sharing.receive_file(path),
                operations.Changes(entries=True, shared=True, people=True, tags=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self._report(str(exc))
            return None
        self.refresh()
        self._report(received.sentence)
        return received

    def export_feedback(self, person: str, path) -> Written | None:
        try:
            summary = operations.perform(
                self.events,
                lambda: self.sharing.export_feedback(person, path),
                operations.Changes(shared=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self._report(str(exc))
            return None
        said = plural(summary.comments, "comment")
        if summary.receipts:
            said += " and word of what of theirs arrived"
        self._report(f"Saved {said} for {summary.person.name} in {path}.")
        return summary

    def _choose_packet(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Receive a file", str(start_in("sharing")), RECEIVE_FILTER
        )
        if path:
            self.import_packet(path)

    def _choose_feedback(self) -> None:
        senders = [s.name for s in self.sharing.senders()]
        if not senders:
            self._report("Nobody has shared entries with you, so there is no one to reply to.")
            return
        person = senders[0]
        current = self.current_entry_id()
        if current is not None:
            person = self.workspace.journal.entry(current).sender or person
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Feedback for {person}",
            str(start_in("sharing") / f"feedback-{person}{kinds.FEEDBACK}"),
            FEEDBACK_FILTER,
        )
        if path:
            self.export_feedback(person, path)

    def _open_share(self) -> None:
        ShareDialog(self.workspace, self).exec()

    def open_pairing(self, invitation=None):
        """The pairing and places dialog (non-blocking), with an invitation file loaded."""
        from reflectjournal.gui.pairing_dialog import PairingDialog

        dialog = PairingDialog(self.workspace, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self.refresh)
        if invitation:
            dialog.load_invitation(invitation)
        dialog.open()
        self.pairing = dialog
        return dialog

    def _open_contacts(self) -> None:
        ContactsDialog(self.workspace, self).exec()
        self.refresh()


CONTACTS_NOTE = (
    "Contacts are people whose card you imported: entries and comments travel between you, "
    "encrypted and signed. Importing a card adds the person to the Coaching page too (or links "
    "the person of the same name), where their sessions, goals and actions are kept."
)


class ContactsDialog(QDialog):
    """Your identity and fingerprint; contacts; exchanging cards with a fingerprint check."""

    def __init__(self, workspace: Workspace, parent=None, confirm=None):
        super().__init__(parent)
        self.setWindowTitle("Contacts")
        self.sharing = workspace.sharing
        # confirm(name, fingerprint) -> bool; a question box unless a test supplies one.
        self.confirm = confirm or self._ask
        info = self.sharing.identity.summary()
        self.name_edit = QLineEdit(info.name)
        self.name_edit.setAccessibleName("Your name")
        self.fingerprint = QLabel(info.fingerprint)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setStyleSheet("font-family: monospace; font-size: 13pt;")
        save_name = QPushButton("Save name")
        save_name.clicked.connect(self.save_name)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.name_edit, 1)
        row.addWidget(save_name)
        form.addRow("Your name", row)
        form.addRow("Your fingerprint", self.fingerprint)
        self.list = QListWidget()
        self.list.setAccessibleName("Contacts")
        self.status = _status_label()
        export = QPushButton("Export my card…")
        export.clicked.connect(self._choose_export)
        import_ = QPushButton("Import a card…")
        import_.clicked.connect(self._choose_import)
        buttons = QHBoxLayout()
        buttons.addWidget(export)
        buttons.addWidget(import_)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        hint = QLabel(
            "Read your fingerprints to each other by phone or in person: if they match, "
            "no one has swapped the cards on the way."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(QLabel("Contacts"))
        self.contacts_note = QLabel(CONTACTS_NOTE)
        self.contacts_note.setWordWrap(True)
        self.contacts_note.setEnabled(False)
        layout.addWidget(self.contacts_note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(560, 420)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for c in self.sharing.contacts.list():
            when = self.sharing.verified_on(c.fingerprint)
            state = f"verified {when}" if when else "not verified"
            self.list.addItem(f"{c.name} ({c.role}, {state})   {c.fingerprint}")

    def save_name(self) -> None:
        name = self.name_edit.text()
        try:
            operations.perform(
                operations.events_of(self),
                lambda: self.sharing.identity.set_name(name),
                operations.Changes(settings=True),
            )
            self.status.setText("Name saved.")
        except ReflectJournalError as exc:
            self.status.setText(str(exc))

    def export_card(self, path) -> bool:
        from reflectjournal.services.sharing.files import write_atomically

        try:
            write_atomically(path, self.sharing.identity.contact_card())
        except ReflectJournalError as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText(f"Saved your card in {path}.")
        return True

    def import_card(self, path, role: str | None = None) -> Contact | None:
        from reflectjournal.services.sharing.crypto import (
            MAX_CONTACT_CARD_BYTES,
            read_contact_card,
        )
        from reflectjournal.services.sharing.files import read_packet_file

        try:
            data = read_packet_file(path, limit=MAX_CONTACT_CARD_BYTES)
            card = read_contact_card(data)
            if not self.confirm(card.name, card.fingerprint):
                self.status.setText("Not imported: the fingerprint was not confirmed.")
                return None
            result = operations.perform(
                operations.events_of(self),
                lambda: self.sharing.contacts.import_card(data, role),
                operations.Changes(people=True),
            )
            self.sharing.mark_verified(card.fingerprint)
        except ReflectJournalError as exc:
            self.status.setText(str(exc))
            return None
        self.status.setText(f"{result.contact.name} is now a contact ({result.contact.role}).")
        self.refresh()
        return result.contact

    def _ask(self, name: str, fingerprint: str) -> bool:
        from reflectjournal.gui.fingerprint_dialog import confirm_fingerprint
        from reflectjournal.services.sharing.verification import name_warnings

        return confirm_fingerprint(self, name, fingerprint, name_warnings(name))

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save your card", str(start_in("sharing") / f"me{kinds.CONTACT}"), CARD_FILTER
        )
        if path:
            self.export_card(path)

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import a card", str(start_in("sharing")), CARD_FILTER
        )
        if path:
            self.import_card(path)


class ShareDialog(QDialog):
    """Shows exactly what will be sent and the privacy check's hits before writing a file."""

    def __init__(self, workspace: Workspace, parent=None, confirm=None):
        super().__init__(parent)
        self.setWindowTitle("Share entries")
        self.sharing = workspace.sharing
        # confirm(name, fingerprint) -> bool, asked before the first share to an unverified
        # contact; the fingerprint dialog unless a test supplies one.
        self.confirm = confirm or self._ask_fingerprint
        self.plan: SharePlan | None = None
        self.to = QComboBox()
        for c in self.sharing.contacts.list():
            if c.role in ("mentor", "coach"):
                self.to.addItem(f"{c.name} ({c.role})", c.name)
        self.tags = QLineEdit(placeholderText="tags, separated by commas (optional)")
        self.since = QLineEdit(placeholderText="e.g. 2026-09-01 (optional)")
        self.include_mood = QCheckBox("Include mood and energy")
        self.redacted = False
        form = QFormLayout()
        form.addRow("Send to", self.to)
        form.addRow("Only tags", self.tags)
        form.addRow("Since", self.since)
        form.addRow("", self.include_mood)
        self.preview = QPlainTextEdit(readOnly=True)
        self.preview.setAccessibleName("What will be sent")
        self.findings = QListWidget()
        self.findings.setAccessibleName("Privacy check")
        self.findings.setMaximumHeight(130)
        self.summary = _status_label()
        self.redact_button = QPushButton("Redact all")
        self.redact_button.clicked.connect(self.redact_all)
        self.send_button = QPushButton("Save file…")
        self.send_button.clicked.connect(self._choose_out)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        for widget in (self.tags, self.since):
            widget.editingFinished.connect(self.refresh)
        self.to.currentIndexChanged.connect(self.refresh)
        self.include_mood.toggled.connect(self.refresh)
        buttons = QHBoxLayout()
        buttons.addWidget(self.redact_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Exactly what will be sent"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(QLabel("Privacy check"))
        layout.addWidget(self.findings)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.resize(680, 620)
        self.refresh()

    def request(self):
        from reflectjournal.services.sharing.share import ShareRequest
        from reflectjournal.services.timeutil import range_start

        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        return ShareRequest(
            to=self.to.currentData() or "",
            tags=tags,
            since=range_start(self.since.text().strip() or None),
            include_mood=self.include_mood.isChecked(),
            redact=self.redacted,
        )

    def refresh(self) -> None:
        self.findings.clear()
        if self.to.count() == 0:
            self.plan = None
            self.preview.setPlainText(
                "You have no mentor or coach among your contacts yet; use Contacts… to import "
                "their card first."
            )
            allow(
                self.send_button, False, "Import your mentor's or coach's card first (Contacts…)."
            )
            allow(self.redact_button, False, "Nothing to redact: there is no packet yet.")
            return
        try:
            self.plan = self.sharing.plan(self.request())
        except ReflectJournalError as exc:
            self.plan = None
            self.summary.setText(str(exc))
            allow(self.send_button, False, str(exc))
            return
        # The payload itself, pretty-printed: what is shown is byte for byte what is sealed.
        self.preview.setPlainText(json.dumps(self.plan.payload, ensure_ascii=False, indent=2))
        for f in self.plan.findings:
            self.findings.addItem(f"{f.label} in “{f.entry}” ({f.field}): {f.context}")
        count = len(self.plan.findings)
        allow(self.redact_button, count > 0, "No likely patient identifiers were found.")
        allow(
            self.send_button,
            self.plan.count > 0,
            f"No entry here may go to {self.plan.person.name}: mark entries “Mentor may see "
            "it” or “Coach may see it” in the journal, or widen the dates and tags.",
        )
        self.send_button.setText("Send anyway…" if count else "Save file…")
        text = f"{plural(self.plan.count, 'entry')} for {self.plan.person.name}."
        if count:
            text += f" {plural(count, 'likely patient identifier')}: edit the entries, redact, or send anyway."
        elif self.redacted:
            text += " Identifiers are replaced with markers in what is sent."
        self.summary.setText(text)

    def redact_all(self) -> None:
        self.redacted = True
        self.refresh()

    def save_to(self, path) -> bool:
        """Write the packet as previewed; identifiers still present were accepted by the user."""
        if not self._recipient_confirmed():
            self.summary.setText("Nothing was saved: the fingerprint was not confirmed.")
            return False
        request = self.request()
        try:
            operations.perform(
                operations.events_of(self),
                lambda: self.sharing.export_share(request, path, allow_identifiers=True),
                operations.Changes(shared=True),
            )
        except ReflectJournalError as exc:
            self.summary.setText(str(exc))
            return False
        self.summary.setText(f"Saved in {path}.")
        return True

    def _recipient_confirmed(self) -> bool:
        """The first share to a contact never verified asks explicitly (issue 14)."""
        try:
            person = self.sharing.contacts.get(self.request().to)
        except ReflectJournalError:
            return True  # export_share reports the problem in its own sentence
        if not self.sharing.needs_confirmation(person.fingerprint):
            return True
        if not self.confirm(person.name, person.fingerprint):
            return False
        self.sharing.mark_verified(person.fingerprint)
        return True

    def _ask_fingerprint(self, name: str, fingerprint: str) -> bool:
        from reflectjournal.gui.fingerprint_dialog import confirm_fingerprint
        from reflectjournal.services.sharing.verification import name_warnings

        warnings = [
            "You have never confirmed this contact's fingerprint: do it now, before the "
            "first share.",
            *name_warnings(name),
        ]
        return confirm_fingerprint(self, name, fingerprint, warnings)

    def _choose_out(self) -> None:
        name = self.to.currentData() or "share"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the file", str(Path.home() / f"share-{name}{kinds.SHARE}"), SHARE_FILTER
        )
        if path and self.save_to(path):
            self.accept()
