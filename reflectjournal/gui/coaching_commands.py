"""Commands of the Coaching page that open a dialog or write a file (kept out of the view)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.coaching_dialogs import show_error
from reflectjournal.gui.programme_panel import AgreementDialog, EndDialog


def _person(view) -> dict | None:
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
    dialog.finished.connect(lambda _: view.refresh(select=person["id"]))
    dialog.open()
    return dialog


def end_or_reopen(view) -> EndDialog | None:
    person = _person(view)
    if person is None:
        return None
    current = view.workspace.programmes.agreement(person["id"])
    if current is not None and current.ended:
        view.workspace.programmes.reopen_relationship(person["id"])
        view.refresh(select=person["id"])
        return None
    dialog = EndDialog(view.workspace, person, view)
    dialog.accepted.connect(lambda: view.refresh(select=person["id"]))
    dialog.open()
    return dialog


def _check_privacy(view, text: str, what: str) -> bool:
    """True when the text may be written: no identifiers, or the user chose to go ahead."""
    findings = view.workspace.privacy.scan(text)  # the user's sensitive and fine names apply
    if not findings:
        return True
    listed = "\n".join(f"• {f.label}: {f.context}" for f in findings[:8])
    answer = QMessageBox.question(
        view,
        "Privacy check",
        f"The {what} seems to contain {len(findings)} likely identifier(s):\n\n{listed}\n\n"
        "Write it anyway?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def _write(view, path: Path, markdown: str, html_title: tuple[str, str] | None) -> bool:
    try:
        if path.suffix.lower() == ".pdf" and html_title is not None:
            from reflectjournal.gui.pdf import html_to_pdf

            html_to_pdf(html_title[0], path, title=html_title[1])
        else:
            path.write_text(markdown, encoding="utf-8")
    except OSError as exc:
        QMessageBox.warning(view, "ReflectJournal", f"Could not write {path}: {exc.strerror}.")
        return False
    return True


def sponsor_summary(view, path: Path | None = None) -> bool:
    """Write the consented sponsor summary as Markdown or PDF, after the privacy check."""
    from reflectjournal.services import sponsor

    person = _person(view)
    if person is None:
        return False
    try:
        summary = sponsor.build_summary(view.workspace, person["id"])
    except ReflectJournalError as exc:
        show_error(view, exc)
        return False
    markdown = sponsor.to_markdown(summary)
    if path is None:
        name = f"sponsor-summary-{person['name'].lower().replace(' ', '-')}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            view, "Sponsor summary", str(Path.home() / name), "PDF (*.pdf);;Markdown (*.md)"
        )
        if not chosen:
            return False
        path = Path(chosen)
    if not _check_privacy(view, markdown, "sponsor summary"):
        return False
    html = sponsor.to_html(markdown, summary)
    return _write(view, path, markdown, (html, sponsor.title(summary)))


def export_person(view, path: Path | None = None) -> bool:
    """Everything held about the person (a subject access request), as JSON or Markdown."""
    from reflectjournal.services import subject_access

    person = _person(view)
    if person is None:
        return False
    file = subject_access.gather(view.workspace, person["id"])
    if path is None:
        name = f"{person['name'].lower().replace(' ', '-')}-everything-held.md"
        chosen, _ = QFileDialog.getSaveFileName(
            view, "Everything held about them", str(Path.home() / name),
            "Markdown (*.md);;JSON (*.json)",
        )  # fmt: skip
        if not chosen:
            return False
        path = Path(chosen)
    markdown = subject_access.to_markdown(file)
    if not _check_privacy(view, markdown, "export"):
        return False
    text = subject_access.to_json(file) if path.suffix.lower() == ".json" else markdown
    return _write(view, path, text, None)


class ActionDialog(QDialog):
    """Change an action's text, owner and due date."""

    def __init__(self, workspace, action: dict, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.action = action
        self.setWindowTitle("Edit action")
        self.text = QLineEdit(action["text"])
        self.text.setAccessibleName("Action")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.addItem("me", None)
        for p in workspace.people.list():
            self.owner.addItem(p["name"], p["id"])
        if action["owner"]:
            self.owner.setCurrentText(action["owner"])
        self.has_due = QCheckBox("Due")
        self.due = QDateEdit(calendarPopup=True)
        self.due.setDisplayFormat("d MMM yyyy")
        self.due.setAccessibleName("Due date")
        if action["due"]:
            self.due.setDate(QDate.fromString(action["due"], "yyyy-MM-dd"))
        else:
            self.due.setDate(QDate.currentDate().addDays(7))
        self.has_due.setChecked(bool(action["due"]))
        self.due.setEnabled(bool(action["due"]))
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
        try:
            self.workspace.coaching.edit_action(
                self.action["id"],
                text=self.text.text(),
                owner=owner if owner is not None else "me",
                due=self.due.date().toString("yyyy-MM-dd") if self.has_due.isChecked() else None,
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
