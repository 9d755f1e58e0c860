"""Commands of the Coaching page that open a dialog or write a file (kept out of the view)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.coaching_dialogs import show_error
from reflectjournal.gui.date_fields import DatePicker
from reflectjournal.gui.programme_panel import AgreementDialog, EndDialog
from reflectjournal.services.actions import Action
from reflectjournal.services.people import Person
from reflectjournal.services.workspace import Workspace


def _person(view) -> Person | None:
    pid = view.current_person()
    return view.workspace.people.get(pid) if pid is not None else None


def edit_agreement(view) -> AgreementDialog | None:
    person = _person(view)
    if person is None:
        return None
    try:
        dialog = AgreementDialog(view.workspace, person, view)
    except ReflectJournalError as exc:
        show_error(view, exc)
        return None
    dialog.finished.connect(lambda _: view.refresh(select=person.id))
    dialog.open()
    return dialog


def end_or_reopen(view) -> EndDialog | None:
    person = _person(view)
    if person is None:
        return None
    current = view.workspace.programmes.agreement(person.id)
    if current is not None and current.ended:
        operations.perform(
            operations.events_of(view),
            lambda: view.workspace.programmes.reopen_relationship(person.id),
            operations.Changes(programmes=True),
            initiator=view,
        )
        view.refresh(select=person.id)
        return None
    dialog = EndDialog(view.workspace, person, view)
    dialog.accepted.connect(lambda: view.refresh(select=person.id))
    dialog.open()
    return dialog


def _checked(view, text: str, what: str, entry_ids=()) -> str | None:
    """``text`` as it may be written after the privacy check, or None when the user stopped.

    Findings open the privacy engineer's FindingsDialog (modal here: the export waits for the
    answer); "redact" writes the redacted text, "anyway" the text as it is.
    """
    from reflectjournal.errors import PrivacyCheckFailed

    privacy = view.workspace.privacy
    try:
        return privacy.guard_text(text, entry_ids, False, what).text
    except PrivacyCheckFailed as exc:
        from reflectjournal.gui.privacy_dialog import FindingsDialog

        dialog = FindingsDialog(exc.findings, what, view)
        view.findings_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        if dialog.decision == "redact":
            return privacy.redacted_text(text, entry_ids)
        if dialog.decision == "anyway":
            return privacy.guard_text(text, entry_ids, True, what).text
        return None


def _write(view, path: Path, markdown: str, html_title: tuple[str, str] | None) -> bool:
    """Through the exporters' atomic writer (whole or absent) and the injected PDF adapter."""
    from reflectjournal.adapters import qt_pdf
    from reflectjournal.errors import ReflectJournalError

    qt_pdf.install(view.workspace)
    html, title = html_title if html_title is not None else ("", "")
    try:
        view.workspace.exports.save_document(path, markdown=markdown, html=html, title=title)
    except ReflectJournalError as exc:
        QMessageBox.warning(view, "ReflectJournal", str(exc))
        return False
    return True


def sponsor_summary(view, path: Path | None = None) -> bool:
    """Write the consented sponsor summary as Markdown or PDF, after the privacy check."""
    from reflectjournal.services import sponsor

    person = _person(view)
    if person is None:
        return False
    try:
        summary = sponsor.build_summary(view.workspace, person.id)
    except ReflectJournalError as exc:
        show_error(view, exc)
        return False
    if path is None:
        name = f"sponsor-summary-{person.name.lower().replace(' ', '-')}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            view, "Sponsor summary", str(Path.home() / name), "PDF (*.pdf);;Markdown (*.md)"
        )
        if not chosen:
            return False
        path = Path(chosen)
    markdown = _checked(view, sponsor.to_markdown(summary), "sponsor summary")
    if markdown is None:
        return False
    html = sponsor.to_html(markdown, summary)
    return _write(view, path, markdown, (html, sponsor.title(summary)))


def export_person(view, path: Path | None = None) -> bool:
    """Everything held about the person (a subject access request), as JSON or Markdown."""
    from reflectjournal.services import subject_access

    person = _person(view)
    if person is None:
        return False
    file = subject_access.gather(view.workspace, person.id)
    if path is None:
        name = f"{person.name.lower().replace(' ', '-')}-everything-held.md"
        chosen, _ = QFileDialog.getSaveFileName(
            view, "Everything held about them", str(Path.home() / name),
            "Markdown (*.md);;JSON (*.json)",
        )  # fmt: skip
        if not chosen:
            return False
        path = Path(chosen)
    raw = subject_access.to_json(file) if path.suffix.lower() == ".json" else None
    text = _checked(
        view,
        raw or subject_access.to_markdown(file),
        "export",
        subject_access.entry_ids(view.workspace, person.id),
    )
    if text is None:
        return False
    return _write(view, path, text, None)


class ActionDialog(QDialog):
    """Change an action's text, owner and due date."""

    def __init__(self, workspace: Workspace, action: Action, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.action = action
        self.setWindowTitle("Edit action")
        self.text = QLineEdit(action.text)
        self.text.setAccessibleName("Action")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.addItem("me", None)
        for p in workspace.people.list():
            self.owner.addItem(p.name, p.id)
        if action.owner:
            self.owner.setCurrentText(action.owner)
        self.has_due = QCheckBox("Due")
        self.due = DatePicker()
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setAccessibleName("Due date")
        if action.due is not None:
            self.due.setDate(QDate(action.due.year, action.due.month, action.due.day))
        else:
            self.due.setDate(QDate.currentDate().addDays(7))
        self.has_due.setChecked(action.due is not None)
        self.due.setEnabled(action.due is not None)
        self.has_due.toggled.connect(self.due.setEnabled)
        form = QFormLayout(self)
        form.addRow("Action", self.text)
        form.addRow("Owner", self.owner)
        form.addRow(self.has_due, self.due)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())

    def save(self) -> None:
        owner = self.owner.currentData()
        due = self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else None
        try:
            # Announced, so other pages showing actions (an entry's aside, reminders) catch up;
            # the Coaching page itself refreshes on accepted.
            operations.perform(
                operations.events_of(self.parent()),
                lambda: self.workspace.coaching.edit_action(
                    self.action.id,
                    text=self.text.text(),
                    owner=owner if owner is not None else "me",
                    due=due,
                ),
                operations.Changes(actions=True),
                initiator=self.parent(),
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
            return
        self.accept()


def edit_action(view) -> ActionDialog | None:
    from reflectjournal.gui.coaching_view import ROLE

    item = view.all_actions.currentItem()
    if item is None:
        return None
    action = view.workspace.coaching.get_action(item.data(0, ROLE))
    dialog = ActionDialog(view.workspace, action, view)
    dialog.accepted.connect(view.refresh)
    dialog.open()
    return dialog
