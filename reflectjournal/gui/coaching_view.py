"""The Coaching page: people on the left; a coachee's page and one list of every action."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.coaching_dialogs import BriefDialog, PersonDialog, SessionDialog, show_error
from reflectjournal.gui.plain_text import esc, rich, rich_label

ROLE = Qt.ItemDataRole.UserRole
ACTION_FILTERS = {
    "Open": lambda a: a["status"] == "open",
    "Due soon": lambda a: a["state"] in ("due-today", "due-soon"),
    "Overdue": lambda a: a["state"] == "overdue",
    "Done": lambda a: a["status"] == "done",
    "Dropped": lambda a: a["status"] == "dropped",
    "All": lambda a: True,
}
STATE_TEXT = {
    "overdue": "Overdue",
    "due-today": "Due today",
    "due-soon": "Due soon",
    "open": "Open",
    "done": "Done",
    "dropped": "Dropped",
}


def _actions(n: int) -> str:
    return f"{n} action" if n == 1 else f"{n} actions"


def _placeholder(widget: QListWidget, text: str) -> None:
    """A quiet line saying why a list is empty and what fills it; it cannot be selected."""
    widget.setWordWrap(True)  # a narrow window wraps the hint rather than scrolling sideways
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    font = item.font()
    font.setItalic(True)
    item.setFont(font)
    widget.addItem(item)


def reminder_text(workspace, today: date | None = None) -> str:
    """One line for the start of the day (the main window or a tray can show it)."""
    r = workspace.coaching.reminders(today)
    parts = []
    if r["actions"]:
        overdue = sum(a["state"] == "overdue" for a in r["actions"])
        parts.append(f"{_actions(len(r['actions']))} due today or overdue ({overdue} overdue)")
    if r["sessions"]:
        s = r["sessions"][0]
        parts.append(f"next session: {s['with'] or 'someone'} on {s['date'][:10]}")
    return "; ".join(parts)


def turn_plan_into_actions(workspace, entry_id: int, parent: QWidget) -> list[int]:
    """One step from a reflection's action plan to open actions (usable from any page)."""
    try:
        created = workspace.coaching.actions_from_entry(entry_id)
    except ReflectJournalError as exc:
        show_error(parent, exc)
        return []
    text = (
        f"{_actions(len(created))} added from the action plan."
        if created
        else "Every item of that action plan is already an action."
    )
    QMessageBox.information(parent, "Actions", text)
    return created


def _action_tree(name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(["Action", "Owner", "Due", "State", "From"])
    tree.setRootIsDecorated(False)
    tree.setAccessibleName(name)
    tree.setColumnWidth(0, 340)
    return tree


def _fill_actions(tree: QTreeWidget, actions: list[dict]) -> None:
    tree.clear()
    for a in actions:
        source = (
            f"session with {a['session_with']}"
            if a["session_with"]
            else (f"entry: {a['entry_title']}" if a["entry_title"] else "")
        )
        item = QTreeWidgetItem(
            [a["text"], a["owner"] or "me", a["due"] or "", STATE_TEXT[a["state"]], source]
        )
        item.setData(0, ROLE, int(a["id"]))
        if a["state"] == "overdue":
            item.setForeground(3, Qt.GlobalColor.red)
        tree.addTopLevelItem(item)


class CoachingView(QWidget):
    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.setAccessibleName("Coaching")
        self.reminders = QLabel()
        self.reminders.setWordWrap(True)
        self.reminders.setAccessibleName("Reminders")

        self.people = QListWidget()
        self.people.setAccessibleName("People")
        add_person = QPushButton("Add person…")
        delete_person = QPushButton("Remove…")
        add_person.clicked.connect(self.add_person)
        delete_person.clicked.connect(self.delete_person)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(rich_label("<b>People</b>"))
        left_layout.addWidget(self.people, 1)
        row = QHBoxLayout()
        row.addWidget(add_person)
        row.addWidget(delete_person)
        left_layout.addLayout(row)

        # The coachee's page.
        self.heading = QLabel()
        self.new_session = QPushButton("New session…")
        self.prep_button = QPushButton("Prep brief")
        self.new_session.clicked.connect(self.record_session)
        self.prep_button.clicked.connect(self.open_brief)
        self.sessions = QListWidget()
        self.sessions.setAccessibleName("Sessions")
        self.sessions.itemActivated.connect(self.edit_session)
        self.person_actions = _action_tree("Open actions")
        self.shared = QListWidget()
        self.shared.setAccessibleName("Entries shared with you")
        self.themes = QLabel()
        self.themes.setWordWrap(True)
        person_page = QWidget()
        p = QVBoxLayout(person_page)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.new_session)
        top.addWidget(self.prep_button)
        p.addLayout(top)
        p.addWidget(QLabel("Sessions (double-click to open)"))
        p.addWidget(self.sessions, 1)
        p.addWidget(QLabel("Open actions"))
        p.addWidget(self.person_actions, 1)
        p.addWidget(QLabel("Shared with you"))
        p.addWidget(self.shared, 1)
        p.addWidget(self.themes)

        # Every action, from sessions and reflections alike.
        self.filter = QComboBox()
        self.filter.addItems(list(ACTION_FILTERS))
        self.filter.setAccessibleName("Show actions")
        self.all_actions = _action_tree("All actions")
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Show"))
        buttons.addWidget(self.filter)
        buttons.addStretch(1)
        for label, status in (("Done", "done"), ("Drop", "dropped"), ("Reopen", "open")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, s=status: self.set_status(s))
            buttons.addWidget(button)
        from_plan = QPushButton("From a reflection's action plan…")
        from_plan.clicked.connect(self.actions_from_reflection)
        buttons.addWidget(from_plan)
        actions_page = QWidget()
        a = QVBoxLayout(actions_page)
        a.addLayout(buttons)
        a.addWidget(self.all_actions, 1)
        self.filter.currentTextChanged.connect(self.refresh_actions)

        self.tabs = QTabWidget()
        self.tabs.addTab(person_page, "Person")
        self.tabs.addTab(actions_page, "Actions")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reminders)
        layout.addWidget(split, 1)
        self.people.currentItemChanged.connect(lambda *_: self.show_person())
        self.refresh()

    # ---- data ------------------------------------------------------------------------------

    def current_person(self) -> int | None:
        item = self.people.currentItem()
        return item.data(ROLE) if item is not None else None

    def refresh(self, select: int | None = None) -> None:
        keep = select or self.current_person()
        self.people.blockSignals(True)
        self.people.clear()
        for person in self.workspace.people.list():
            item = QListWidgetItem(f"{person['name']}  ·  {person['role']}")
            item.setData(ROLE, person["id"])
            self.people.addItem(item)
            if person["id"] == keep:
                self.people.setCurrentItem(item)
        if self.people.currentItem() is None and self.people.count():
            self.people.setCurrentRow(0)
        self.people.blockSignals(False)
        text = reminder_text(self.workspace)
        rich(self.reminders, f"<b>Today:</b> {esc(text)}" if text else "")
        self.reminders.setVisible(bool(text))
        self.show_person()
        self.refresh_actions()

    def show_person(self) -> None:
        pid = self.current_person()
        for widget in (self.new_session, self.prep_button):
            widget.setEnabled(pid is not None)
        self.sessions.clear()
        self.shared.clear()
        if pid is None:
            self.heading.setText("Add a coachee to start keeping session notes.")
            self.person_actions.clear()
            self.themes.clear()
            return
        view = self.workspace.coaching.person_overview(pid)
        who = view["person"]
        rich(self.heading, f"<h2>{esc(who['name'])}</h2>{esc(who['role'])}")
        for s in view["sessions"]:
            ahead = "  (coming up)" if s["upcoming"] else ""
            item = QListWidgetItem(f"{s['date'][:16].replace('T', ' ')}  {s['title']}{ahead}")
            item.setData(ROLE, int(s["id"]))
            self.sessions.addItem(item)
        if not view["sessions"]:
            _placeholder(
                self.sessions, f"No sessions with {who['name']} yet; “New session…” starts one."
            )
        _fill_actions(self.person_actions, view["actions"])
        for e in view["shared"]:
            self.shared.addItem(f"{e['created'][:10]}  {e['title']}")
        if not view["shared"]:
            _placeholder(
                self.shared,
                f"Nothing shared by {who['name']} yet; packets arrive on Shared with me.",
            )
        themes = ", ".join(f"{t['name']} ({t['n']})" for t in view["themes"])
        self.themes.setText(f"Themes in what they shared: {themes}" if themes else "")

    def refresh_actions(self) -> None:
        keep = ACTION_FILTERS[self.filter.currentText()]
        _fill_actions(
            self.all_actions, [a for a in self.workspace.coaching.list_actions() if keep(a)]
        )

    # ---- commands --------------------------------------------------------------------------

    def add_person(self) -> PersonDialog:
        dialog = PersonDialog(self.workspace, self)
        dialog.finished.connect(lambda _: self.refresh(select=dialog.person_id))
        dialog.open()
        return dialog

    def delete_person(self) -> None:
        pid = self.current_person()
        if pid is None:
            return
        name = self.workspace.people.get(pid)["name"]
        box = QMessageBox(self)
        box.setWindowTitle("Remove person")
        box.setText(f"Remove {name}? What should happen to your sessions with them?")
        box.setInformativeText(
            "Keeping them keeps the notes (their open actions are dropped); deleting them "
            "removes the notes and the actions too. Entries they shared stay."
        )
        keep = box.addButton("Keep sessions", QMessageBox.ButtonRole.AcceptRole)
        delete = box.addButton("Delete sessions", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        choice = {keep: "keep", delete: "delete"}.get(box.clickedButton())
        if choice is None:
            return
        try:
            self.workspace.coaching.delete_person(pid, sessions=choice)
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.refresh()

    def record_session(self) -> SessionDialog | None:
        pid = self.current_person()
        if pid is None:
            return None
        dialog = SessionDialog(self.workspace, self.workspace.people.get(pid), parent=self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def edit_session(self, item: QListWidgetItem) -> SessionDialog:
        person = self.workspace.people.get(self.current_person())
        dialog = SessionDialog(self.workspace, person, item.data(ROLE), parent=self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_brief(self) -> BriefDialog | None:
        pid = self.current_person()
        if pid is None:
            return None
        try:
            dialog = BriefDialog(self.workspace, pid, self)
        except ReflectJournalError as exc:
            show_error(self, exc)
            return None
        dialog.open()
        return dialog

    def set_status(self, status: str) -> None:
        item = self.all_actions.currentItem()
        if item is None:
            return
        try:
            self.workspace.coaching.set_status(item.data(0, ROLE), status)
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.refresh()

    def actions_from_reflection(self) -> None:
        from reflectjournal.services.frameworks import reflection_models

        slugs = [m.slug for m in reflection_models().values() if m.actionable_section()]
        marks = ",".join("?" * len(slugs))
        rows = self.workspace.db.query(
            f"SELECT id, title, created FROM entry WHERE kind = 'reflection' AND model IN "
            f"({marks}) ORDER BY created DESC LIMIT 200",
            slugs,
        )
        if not rows:
            QMessageBox.information(
                self, "Actions", "No reflection written with a model that has an action plan yet."
            )
            return
        labels = [f"{r['created'][:10]}  {r['title']}" for r in rows]
        choice, ok = QInputDialog.getItem(
            self, "Turn an action plan into actions", "Reflection", labels, 0, False
        )
        if ok:
            turn_plan_into_actions(self.workspace, rows[labels.index(choice)]["id"], self)
            self.refresh()
