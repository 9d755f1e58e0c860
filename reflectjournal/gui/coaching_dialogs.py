"""Dialogs of the Coaching page: a person, a session's notes, and the prep brief."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.adapters import qt_pdf
from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.date_fields import OptionalDatePicker
from reflectjournal.gui.focus_chain import OneStopDateTimeEdit
from reflectjournal.gui.folders import start_in
from reflectjournal.gui.preview import PreviewBrowser
from reflectjournal.gui.qt_typed import present, python_datetime, wall_clock
from reflectjournal.services import prep
from reflectjournal.services.coaching import ActionDraft
from reflectjournal.services.display import date_text
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.people import Person
from reflectjournal.services.workspace import Workspace


def show_error(parent: QWidget, exc: ReflectJournalError) -> None:
    QMessageBox.warning(parent, "ReflectJournal", str(exc))


class PersonDialog(QDialog):
    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.person_id: int | None = None
        self.setWindowTitle("Add a person")
        self.name = QLineEdit(placeholderText="Full name")
        self.name.setAccessibleName("Name")
        self.role = QComboBox()
        self.role.addItems(["coachee", "mentee", "mentor", "coach"])
        self.role.setAccessibleName("Role")
        self.email = QLineEdit(placeholderText="optional")
        self.email.setAccessibleName("Email")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("Email", self.email)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            self.person_id = operations.perform(
                operations.events_of(self),
                lambda: self.workspace.people.add(
                    self.name.text(), self.role.currentText(), self.email.text()
                ),
                operations.Changes(people=True),
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
            return
        self.accept()


class SessionDialog(QDialog):
    """Session notes: date, agenda, Markdown notes (free or GROW sections) with a sanitised
    preview, tags, shared entries discussed and the actions agreed."""

    def __init__(
        self, workspace: Workspace, person: Person, session_id: int | None = None, parent=None
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.person = person
        self.session_id = session_id
        word = "Meeting" if person.role in ("mentee", "mentor") else "Session"
        self.setWindowTitle(f"{word} with {person.name}")
        self.resize(960, 600)  # fits a 1024x640 screen
        self.when = OneStopDateTimeEdit(QDateTime.currentDateTime())
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd d MMM yyyy, HH:mm")  # the one style, with the weekday
        self.when.setAccessibleName("Date and time")
        self.title = QLineEdit(placeholderText=f"{word} with {person.name}")
        self.title.setAccessibleName("Title")
        self.agenda = QLineEdit(placeholderText="What the coachee wants to bring")
        self.agenda.setAccessibleName("Agenda")
        self.tags = QLineEdit(placeholderText="workforce-pressures, resilience, …")
        self.tags.setAccessibleName("Tags")
        slugs = [t.slug for t in workspace.journal.tag_counts()]
        completer = QCompleter(slugs, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tags.setCompleter(completer)

        # Notes: one free Markdown field, or the GROW template as four sections.
        self.use_grow = QCheckBox("Use the GROW template (goal, reality, options, way forward)")
        self.notes = QPlainTextEdit(placeholderText="Notes (Markdown)")
        self.notes.setAccessibleName("Notes")
        self.sections: dict[str, QPlainTextEdit] = {}
        grow = QWidget()
        grow_form = QFormLayout(grow)
        for section in present(get_model("grow"), "GROW model").sections:
            edit = QPlainTextEdit(placeholderText=section.prompt)
            edit.setAccessibleName(section.title)
            edit.setTabChangesFocus(True)
            self.sections[section.key] = edit
            grow_form.addRow(section.title, edit)
            edit.textChanged.connect(self._schedule_preview)
        self.note_tabs = QTabWidget()
        self.note_tabs.setAccessibleName("Notes")
        self.note_tabs.tabBar().hide()
        self.note_tabs.addTab(self.notes, "Notes")
        self.note_tabs.addTab(grow, "GROW")
        self.use_grow.toggled.connect(lambda on: self.note_tabs.setCurrentIndex(int(on)))
        self.use_grow.toggled.connect(self._schedule_preview)
        self.preview = PreviewBrowser()
        self.preview.setAccessibleName("Notes preview")
        split = QSplitter()
        split.addWidget(self.note_tabs)
        split.addWidget(self.preview)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.update_preview)
        self.notes.textChanged.connect(self._schedule_preview)

        self.linked = QListWidget()
        self.linked.setAccessibleName("Shared entries discussed")
        for e in workspace.coaching.person_overview(person.id).shared:
            item = QListWidgetItem(f"{date_text(e.created)}  {e.title}")
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.linked.addItem(item)
        self.linked.setMaximumHeight(90)

        self.action_table = QTableWidget(0, 3)
        self.action_table.setHorizontalHeaderLabels(["Action agreed", "Owner", "Due"])
        self.action_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.action_table.setAccessibleName("Actions agreed")
        self.action_table.setMaximumHeight(150)
        add_action = QPushButton("Add action")
        add_action.clicked.connect(lambda: self.add_action_row())

        form = QFormLayout()
        form.addRow("When", self.when)
        form.addRow("Title", self.title)
        form.addRow("Agenda", self.agenda)
        form.addRow("Tags", self.tags)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.use_grow)
        layout.addWidget(split, 1)
        layout.addWidget(QLabel("Shared entries discussed"))
        layout.addWidget(self.linked)
        row = QHBoxLayout()
        row.addWidget(QLabel("Actions agreed (new ones; existing actions are on the Actions tab)"))
        row.addStretch(1)
        row.addWidget(add_action)
        layout.addLayout(row)
        layout.addWidget(self.action_table)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if session_id is not None:
            self._load(session_id)

    def _load(self, session_id: int) -> None:
        s = self.workspace.coaching.get_session(session_id)
        self.when.setDateTime(wall_clock(s.date.astimezone()))
        self.title.setText(s.title)
        self.agenda.setText(s.agenda)
        self.tags.setText(", ".join(s.tags))
        if s.model == "grow":
            self.use_grow.setChecked(True)
            sections = dict(s.sections)
            for key, edit in self.sections.items():
                edit.setPlainText(sections.get(key, ""))
        else:
            self.notes.setPlainText(s.notes)
        linked = {e.id for e in s.linked_entries}
        for i in range(self.linked.count()):
            item = self.linked.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in linked:
                item.setCheckState(Qt.CheckState.Checked)

    def add_action_row(self, text: str = "", mine: bool | None = None, due: str = "") -> None:
        if mine is None:  # with my own coach or mentor, an action is usually mine
            mine = self.person.role in ("coach", "mentor")
        row = self.action_table.rowCount()
        self.action_table.insertRow(row)
        self.action_table.setItem(row, 0, QTableWidgetItem(text))
        owner = QComboBox()
        owner.addItems([self.person.name, "me"])
        owner.setCurrentIndex(1 if mine else 0)
        self.action_table.setCellWidget(row, 1, owner)
        picker = OptionalDatePicker(due or None)
        picker.setAccessibleName("Due date")
        self.action_table.setCellWidget(row, 2, picker)

    def _schedule_preview(self, *_args) -> None:
        self._timer.start()

    def markdown(self) -> str:
        if self.use_grow.isChecked():
            from reflectjournal.services.entries import compose_body

            return compose_body(present(get_model("grow"), "GROW model"), self._section_texts())
        return self.notes.toPlainText()

    def _section_texts(self) -> dict[str, str]:
        return {k: e.toPlainText() for k, e in self.sections.items() if e.toPlainText().strip()}

    def update_preview(self) -> None:
        # The brief's renderer: the rendering service's sanitised HTML (see prep.render_html).
        self.preview.setHtml(prep.render_html(self.markdown()))

    def _drafts(self) -> list[ActionDraft]:
        drafts = []
        for row in range(self.action_table.rowCount()):
            text = (self.action_table.item(row, 0) or QTableWidgetItem()).text().strip()
            if not text:
                continue
            owner_box = self.action_table.cellWidget(row, 1)
            picker = self.action_table.cellWidget(row, 2)
            if not isinstance(owner_box, QComboBox) or not isinstance(picker, OptionalDatePicker):
                continue  # not a row add_action_row made
            owner, due = owner_box.currentText(), picker.iso()
            drafts.append(ActionDraft(text, None if owner == "me" else self.person.id, due))
        return drafts

    def save(self) -> None:
        coaching = self.workspace.coaching
        when = python_datetime(self.when.dateTime()).astimezone()
        tags = [t for t in self.tags.text().replace(",", " ").split() if t]
        links = [
            self.linked.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.linked.count())
            if self.linked.item(i).checkState() == Qt.CheckState.Checked
        ]
        grow = self.use_grow.isChecked()
        events = operations.events_of(self)
        changes = operations.Changes(sessions=True, actions=True, entries=True, tags=True)
        try:
            if self.session_id is None:
                self.session_id = operations.perform(
                    events,
                    lambda: coaching.add_session(
                        self.person.id,
                        notes="" if grow else self.notes.toPlainText(),
                        sections=self._section_texts() if grow else None,
                        when=when,
                        title=self.title.text(),
                        agenda=self.agenda.text(),
                        tags=tags,
                        actions=self._drafts(),
                        linked_entries=links,
                    ),
                    changes,
                )
            else:
                with self.workspace.atomic():
                    coaching.edit_session(
                        self.session_id,
                        notes=None if grow else self.notes.toPlainText(),
                        sections=self._section_texts() if grow else None,
                        when=when,
                        title=self.title.text(),
                        agenda=self.agenda.text(),
                        tags=tags,
                        linked_entries=links,
                    )
                    for d in self._drafts():
                        coaching.add_action(
                            d.text, owner=d.owner, due=d.due, session_id=self.session_id
                        )
                events.report(changes)
        except ReflectJournalError as exc:
            show_error(self, exc)  # nothing was written: the dialog keeps every field
            return
        self.accept()


class BriefDialog(QDialog):
    """The prep brief, rendered and sanitised, with export to Markdown and PDF."""

    def __init__(self, workspace: Workspace, person: str | int, parent=None):
        super().__init__(parent)
        qt_pdf.install(workspace)
        self.exports = workspace.exports
        self.workspace = workspace
        self.brief = prep.build_brief(workspace, person)
        self.markdown = prep.to_markdown(self.brief)
        self.html = prep.to_html(self.markdown, self.brief)
        self.setWindowTitle(prep.title(self.brief))
        self.resize(760, 600)  # fits a 1024x640 screen; the brief scrolls
        self.view = PreviewBrowser()
        self.view.setAccessibleName("Prep brief")
        from reflectjournal.gui.theme import is_dark

        # Paper keeps the light look (self.html); a dark screen gets light text.
        screen_css = prep.BRIEF_CSS_DARK if is_dark() else prep.BRIEF_CSS
        self.view.document().setDefaultStyleSheet(screen_css)
        self.view.setHtml(prep.to_html(self.markdown, self.brief, css=screen_css))
        export_md = QPushButton("Export Markdown…")
        export_pdf = QPushButton("Export PDF…")
        close = QPushButton("Close")
        export_md.clicked.connect(lambda: self._ask_and_export(".md"))
        export_pdf.clicked.connect(lambda: self._ask_and_export(".pdf"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(export_md)
        buttons.addWidget(export_pdf)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def _ask_and_export(self, suffix: str) -> None:
        kind = "PDF (*.pdf)" if suffix == ".pdf" else "Markdown (*.md)"
        name = f"prep-{self.brief.person.name.lower().replace(' ', '-')}{suffix}"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the prep brief", str(start_in("export") / name), kind
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path, allow_identifiers: bool = False) -> bool:
        """Write the brief, after the privacy check (it leaves the machine). True if written."""
        from reflectjournal.errors import PrivacyCheckFailed

        ids = prep.entry_ids(self.brief)
        try:
            checked = self.workspace.privacy.guard_text(
                self.markdown, ids, allow_identifiers, "prep brief"
            )
        except PrivacyCheckFailed as exc:
            self._ask_about_findings(exc.findings, path)
            return False
        return self._write(path, checked.text)

    def _ask_about_findings(self, findings, path: Path) -> None:
        from reflectjournal.gui.privacy_dialog import FindingsDialog

        dialog = FindingsDialog(findings, "prep brief", self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.findings_dialog = dialog

        def decided() -> None:
            if dialog.decision == "redact":  # the brief's lines belong to no one entry: once
                ids = prep.entry_ids(self.brief)
                self._write(path, self.workspace.privacy.redacted_text(self.markdown, ids))
            elif dialog.decision == "anyway":
                self.export_to(path, allow_identifiers=True)

        dialog.accepted.connect(decided)
        dialog.open()

    def _write(self, path: Path, markdown: str) -> bool:
        try:
            self.exports.save_document(
                path,
                markdown=markdown,
                html=prep.to_html(markdown, self.brief),
                title=prep.title(self.brief),
            )
        except ReflectJournalError as exc:
            QMessageBox.warning(self, "ReflectJournal", str(exc))
            return False
        return True
