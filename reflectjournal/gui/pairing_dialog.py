"""Pairing and places in the app: where to meet, inviting someone, accepting an invitation.

Setting a place up and accepting an invitation both test the place (a network round trip
for WebDAV and S3), so they run off the UI thread. Accepting asks the user to compare the
fingerprint the person reads out; only "It matches" adds them, recorded as verified. Then the
dialog shows this journal's own invitation as the reply, so they can add us in turn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.place_form import PlaceForm
from reflectjournal.services.sharing import kinds

ROLES_MINE = ("leader", "mentor", "coach", "coachee")
ROLES_THEIRS = ("mentor", "coach", "coachee")


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _block_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return box


class PairingDialog(QDialog):
    """Three tabs: Where to meet, Invite someone, Accept an invitation."""

    def __init__(self, workspace: Any, parent: QWidget | None = None, confirm=None):
        super().__init__(parent)
        self.setWindowTitle("Pairing and places")
        self.workspace = workspace
        self.exchange = workspace.sharing.exchange
        self.events = operations.events_of(parent)
        #: (name, fingerprint) -> True when the person read out the same fingerprint.
        self.confirm: Callable[[str, str], bool] = confirm or self._ask_fingerprint
        self.task: Any = None
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Pairing steps")
        self.tabs.addTab(self._place_tab(), "Where to meet")
        self.tabs.addTab(self._invite_tab(), "Invite someone")
        self.tabs.addTab(self._accept_tab(), "Accept an invitation")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)
        self.setMinimumWidth(600)
        self.refresh()

    # ---- where to meet -------------------------------------------------------------------

    def _place_tab(self) -> QWidget:
        page = QWidget()
        self.places_label = _plain()
        self.places_label.setObjectName("places")
        self.who = QComboBox()
        self.who.setAccessibleName("Who you meet there")
        self.place_form = PlaceForm()
        self.use_button = QPushButton("Test and use this place")
        self.use_button.clicked.connect(self.use_place)
        self.place_note = _plain()
        self.place_note.setObjectName("placeNote")
        self.place_form.form.insertRow(0, "Meet", self.who)  # one column of labels
        layout = QVBoxLayout(page)
        layout.addWidget(
            _plain(
                "Both sides point at the same place. It holds only encrypted messages under "
                "meaningless names; passwords and keys are kept inside your encrypted journal."
            )
        )
        layout.addWidget(self.places_label)
        layout.addWidget(self.place_form)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.place_note)
        layout.addStretch(1)
        return page

    def refresh(self) -> None:
        places = self.exchange.places.all()
        lines = [f"{p.person_name or 'Everyone'}: {p.spec.describe()}" for p in places]
        lines.append(self.exchange.status())
        self.places_label.setText("\n".join(lines))
        current = self.who.currentData()
        self.who.clear()
        self.who.addItem("Everyone (unless they have a place of their own)", None)
        for person in self.workspace.sharing.contacts.list():
            self.who.addItem(person.name, person.name)
        self.who.setCurrentIndex(max(0, self.who.findData(current)))

    def use_place(self) -> bool:
        """Test the place typed in and remember it (off the UI thread)."""
        try:
            spec = self.place_form.spec()
        except ReflectJournalError as exc:
            self.place_note.setText(str(exc))
            return False
        person = self.who.currentData()
        self._busy(True, self.place_note, f"Testing {spec.describe()}…")
        self.task = operations.perform_in_background(
            self.events,
            lambda _ctx: self.exchange.set_place(spec, person),
            operations.Changes(people=True),
            parent=self,
            initiator=self,
            on_finished=self._place_done,
            on_failed=lambda sentence: self._failed(self.place_note, sentence),
        )
        return True

    def _place_done(self, result: Any) -> None:
        self._busy(False)
        self.place_form.forget_secret()
        where = result.place.spec.describe()
        who = result.place.person_name or "everyone"
        text = f"Ready: you meet {who} in {where}."
        if result.created:
            text += " It is a new exchange: invite people to it on the next tab."
        self.place_note.setText(text)
        self.refresh()

    # ---- invite --------------------------------------------------------------------------

    def _invite_tab(self) -> QWidget:
        page = QWidget()
        self.my_role = QComboBox()
        self.my_role.setAccessibleName("Your role")
        for role in ROLES_MINE:
            self.my_role.addItem(role.capitalize(), role)
        make = QPushButton("Create invitation")
        make.clicked.connect(self.create_invitation)
        self.invitation = _block_box("Your invitation")
        self.invitation.setReadOnly(True)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.invitation.toPlainText())
        )
        self.save_button = QPushButton("Save as a file…")
        self.save_button.clicked.connect(self._choose_save)
        self.invite_note = _plain()
        self.invite_note.setObjectName("inviteNote")
        row = QHBoxLayout()
        row.addWidget(_plain("You are their"))
        row.addWidget(self.my_role)
        row.addStretch(1)
        row.addWidget(make)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(page)
        layout.addWidget(
            _plain(
                "An invitation carries your contact card and the place you meet people in "
                "(never a password). Send it by e-mail or chat; then read your fingerprint to "
                "them by phone so they can check it."
            )
        )
        layout.addLayout(row)
        layout.addWidget(self.invitation, 1)
        layout.addLayout(actions)
        layout.addWidget(self.invite_note)
        self._invite_ready(False)
        return page

    def _invite_ready(self, ready: bool) -> None:
        self.copy_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def create_invitation(self, role: str | None = "") -> str | None:
        """The invitation text block ("" role: the one chosen; None: no role hint)."""
        try:
            text = self.exchange.invite(self.my_role.currentData() if role == "" else role)
        except ReflectJournalError as exc:
            self.invite_note.setText(str(exc))
            return None
        self.invitation.setPlainText(text)
        self._invite_ready(True)
        fingerprint = self.workspace.sharing.identity.get().fingerprint
        where = "" if self.exchange.places.all() else " It names no place yet: choose one first."
        self.invite_note.setText(f"Your fingerprint: {fingerprint}.{where}")
        return text

    def save_invitation(self, path: str | Path) -> bool:
        from reflectjournal.services.sharing.files import write_atomically

        try:
            write_atomically(path, self.invitation.toPlainText().encode("ascii"))
        except ReflectJournalError as exc:
            self.invite_note.setText(str(exc))
            return False
        self.invite_note.setText(f"Saved the invitation to {path}.")
        return True

    def _choose_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the invitation",
            str(Path.home() / f"invitation{kinds.INVITE}"),
            kinds.dialog_filter("invite"),
        )
        if path:
            self.save_invitation(path)

    # ---- accept --------------------------------------------------------------------------

    def _accept_tab(self) -> QWidget:
        page = QWidget()
        self.pasted = _block_box("Invitation to accept")
        self.pasted.setPlaceholderText("Paste the invitation here, or open its file.")
        self.pasted.textChanged.connect(self._pasted_changed)
        open_file = QPushButton("Open a file…")
        open_file.clicked.connect(self._choose_open)
        self.their_role = QComboBox()
        self.their_role.setAccessibleName("Their role")
        for role in ROLES_THEIRS:
            self.their_role.addItem(role.capitalize(), role)
        self.accept_form = PlaceForm()
        self.accept_button = QPushButton("Compare fingerprints and accept…")
        self.accept_button.clicked.connect(self.accept_invitation)
        self.accept_note = _plain()
        self.accept_note.setObjectName("acceptNote")
        row = QHBoxLayout()
        row.addWidget(_plain("They are your"))
        row.addWidget(self.their_role)
        row.addStretch(1)
        row.addWidget(open_file)
        layout = QVBoxLayout(page)
        layout.addWidget(self.pasted, 1)
        layout.addLayout(row)
        layout.addWidget(
            _plain(
                "Your own way into their place (for a shared folder, where it is on this computer):"
            )
        )
        layout.addWidget(self.accept_form)
        layout.addWidget(self.accept_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.accept_note)
        return page

    def load_invitation(self, path: str | Path) -> bool:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")[:65536]
        except OSError:
            self.accept_note.setText(f"{path} could not be read; check the file.")
            return False
        self.tabs.setCurrentIndex(2)
        self.pasted.setPlainText(text)
        return True

    def _choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an invitation", "", kinds.dialog_filter("invite")
        )
        if path:
            self.load_invitation(path)

    def _pasted_changed(self) -> None:
        """Show the kind of place the invitation names, with its address filled in."""
        from reflectjournal.services.exchange import invitations

        try:
            invitation = invitations.read(self.pasted.toPlainText())
        except ReflectJournalError:
            self.accept_form.kind.setEnabled(True)
            return
        from reflectjournal.services.sharing.crypto import read_contact_card

        hint = read_contact_card(invitation.card).role_hint
        # What they say they are: a leader or coachee is the one mentored or coached here.
        theirs = {"leader": "coachee", "coachee": "coachee"}.get(hint or "", hint)
        if theirs in ROLES_THEIRS:
            self.their_role.setCurrentIndex(self.their_role.findData(theirs))
        spec = invitation.spec
        if spec is None:
            self.accept_note.setText(f"From {invitation.name}; it names no place to meet.")
            return
        self.accept_form.set_kind(spec.kind, locked=True)
        if spec.kind != "folder":
            self.accept_form.url.setText(spec.location)
            self.accept_form.bucket.setText(spec.bucket or "")
        self.accept_note.setText(f"From {invitation.name}: they meet people in {spec.describe()}.")

    def accept_invitation(self) -> bool:
        from reflectjournal.services.exchange import invitations

        text = self.pasted.toPlainText()
        try:
            invitation = invitations.read(text)
            override = self.accept_form.spec() if invitation.spec is not None else None
        except ReflectJournalError as exc:
            self.accept_note.setText(str(exc))
            return False
        if not self.confirm(invitation.name, invitation.fingerprint):
            self.accept_note.setText(
                f"Nothing was added: the fingerprint was not confirmed. If {invitation.name} "
                "read out a different one, ask for a new invitation by another route."
            )
            return False
        role = self.their_role.currentData()
        self._busy(True, self.accept_note, "Setting up the place…")
        self.task = operations.perform_in_background(
            self.events,
            lambda _ctx: self.exchange.accept(text, role, override, invitation.fingerprint),
            operations.Changes(people=True, shared=True),
            parent=self,
            initiator=self,
            on_finished=self._accepted,
            on_failed=lambda sentence: self._failed(self.accept_note, sentence),
        )
        return True

    def _accepted(self, done: Any) -> None:
        self._busy(False)
        self.accept_form.forget_secret()
        where = f" You meet in {done.place}." if done.place else ""
        self.accept_note.setText(
            f"Added {done.name}, verified.{where} So they can add you too, send them the "
            "invitation on the Invite tab."
        )
        self.refresh()
        self.tabs.setCurrentIndex(1)
        self.create_invitation(role=None)  # they say what you are to them when they accept
        self.invite_note.setText(
            f"Your reply for {done.name}: send it to them. {self.invite_note.text()}"
        )

    # ---- shared --------------------------------------------------------------------------

    def _busy(self, busy: bool, note: QLabel | None = None, text: str = "") -> None:
        self.use_button.setEnabled(not busy)
        self.accept_button.setEnabled(not busy)
        if note is not None:
            note.setText(text)
        if not busy:
            self.task = None

    def _failed(self, note: QLabel, sentence: str) -> None:
        self._busy(False)
        note.setText(sentence)

    def _ask_fingerprint(self, name: str, fingerprint: str) -> bool:
        from reflectjournal.gui.fingerprint_dialog import confirm_fingerprint
        from reflectjournal.services.sharing.verification import name_warnings

        return confirm_fingerprint(self, name, fingerprint, name_warnings(name))
