"""The Coaching page: people on the left; a person's page, every action, the caseload, my 360.

The page speaks to who the journal's owner is (``CoachingService.stances``): a coach sees
coachees and a caseload, a mentor sees mentees and meetings, a leader sees their own coach or
mentor, the sessions they had, the goals they agreed and their own 360. A person's page
adapts to the relationship: a prep brief and a sponsor summary only for someone the owner
coaches or mentors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
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
from reflectjournal.gui import coaching_commands, operations
from reflectjournal.gui.caseload_view import CaseloadView
from reflectjournal.gui.coaching_dialogs import BriefDialog, PersonDialog, SessionDialog, show_error
from reflectjournal.gui.feedback360_panel import Feedback360Panel
from reflectjournal.gui.plain_text import esc, rich, rich_label
from reflectjournal.gui.programme_panel import GoalsPanel, agreement_html
from reflectjournal.services.actions import Action
from reflectjournal.services.display import date_text, datetime_text, plural
from reflectjournal.services.timeutil import now_utc
from reflectjournal.services.workspace import Workspace

ROLE = Qt.ItemDataRole.UserRole
ACTION_FILTERS: dict[str, Callable[[Action], bool]] = {
    "Open": lambda a: a.is_open,
    "Due soon": lambda a: a.state in ("due-today", "due-soon"),
    "Overdue": lambda a: a.overdue,
    "Done": lambda a: a.status == "done",
    "Dropped": lambda a: a.status == "dropped",
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
    return plural(n, "action")


def _placeholder(widget: QListWidget, text: str) -> None:
    """A quiet line saying why a list is empty and what fills it; it cannot be selected."""
    widget.setWordWrap(True)  # a narrow window wraps the hint rather than scrolling sideways
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    font = item.font()
    font.setItalic(True)
    item.setFont(font)
    widget.addItem(item)


# People and Contacts were two lists nobody explained (issue 18).
PEOPLE_NOTE = (
    "People are those you keep session notes and actions with. A contact (Shared with me → "
    "Contacts…) is someone whose card you imported, so entries can travel between you; "
    "importing a card links it to the person of the same name here."
)
CLIENT_ROLES = ("coachee", "mentee")
# How a person appears in the list: the relationship, from the owner's side.
ROLE_LABEL = {"coachee": "coachee", "mentee": "mentee", "coach": "my coach", "mentor": "my mentor"}
ROLE_ORDER = {"coachee": 0, "mentee": 1, "coach": 2, "mentor": 3}
INTRO = {
    ("coach",): "Your coachees: agreements, sessions, goals, and what they shared with you.",
    ("mentor",): "Your mentees: agreements, meetings, goals, and what they shared with you.",
    ("coach", "mentor"): "The people you coach and mentor: agreements, sessions and meetings, "
    "goals, and what they shared with you.",
    ("leader",): "Your own coaching and mentoring: the coach or mentor you work with, your "
    "sessions with them, the goals you agreed and your actions.",
}
EMPTY = (
    "Add your coach or mentor to keep notes of your sessions and the goals you agreed. If you "
    "coach or mentor others, add them as coachees or mentees."
)


def intro_for(stances: tuple[str, ...]) -> str:
    clients = tuple(s for s in stances if s != "leader")
    text = INTRO.get(clients, "") if clients else INTRO[("leader",)]
    if clients and "leader" in stances:
        text += " Your own coach or mentor is in the list too."
    return text or ""


def reminder_text(workspace: Workspace, today: date | None = None) -> str:
    """One line for the start of the day (the main window or a tray can show it)."""
    r = workspace.coaching.reminders(today)
    parts = []
    if r.actions:
        overdue = sum(a.overdue for a in r.actions)
        parts.append(f"{_actions(len(r.actions))} due today or overdue ({overdue} overdue)")
    if r.sessions:
        s = r.sessions[0]
        parts.append(f"next session: {s.with_name or 'someone'} on {date_text(s.date)}")
    if r.retention:
        parts.append(f"notes on {len(r.retention)} past your retention period (see Caseload)")
    return "; ".join(parts)


def turn_plan_into_actions(workspace: Workspace, entry_id: int, parent: QWidget) -> list[int]:
    """One step from a reflection's action plan to open actions (usable from any page)."""
    try:
        created = operations.perform(
            operations.events_of(parent),
            lambda: workspace.coaching.actions_from_entry(entry_id),
            operations.Changes(actions=True),
        )
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


def _fill_actions(tree: QTreeWidget, actions: list[Action]) -> None:
    tree.clear()
    for a in actions:
        source = (
            f"session with {a.session_with}"
            if a.session_with
            else (f"entry: {a.entry_title}" if a.entry_title else "")
        )
        if a.sender:
            source = f"{a.sender}'s summary"
        due = a.due.isoformat() if a.due else ""
        item = QTreeWidgetItem([a.text, a.owner or "me", due, STATE_TEXT[a.state], source])
        item.setData(0, ROLE, a.id)
        if a.overdue:
            item.setForeground(3, Qt.GlobalColor.red)
        tree.addTopLevelItem(item)


class CoachingView(QWidget):
    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.setAccessibleName("Coaching")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this page")
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
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(rich_label("<b>People</b>"))
        self.people_note = QLabel(PEOPLE_NOTE)
        self.people_note.setWordWrap(True)
        self.people_note.setEnabled(False)  # the muted colour of a hint
        self.people_note.setObjectName("peopleNote")
        self.people.setToolTip(PEOPLE_NOTE)
        left_layout.addWidget(self.people, 1)
        left_layout.addWidget(self.people_note)
        row = QHBoxLayout()
        row.addWidget(add_person)
        row.addWidget(delete_person)
        left_layout.addLayout(row)

        # A person's page: heading and commands, the agreement, then tabs.
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.new_session = QPushButton("New session…")
        self.prep_button = QPushButton("Prep brief")
        self.agreement_button = QPushButton("Agreement…")
        self.end_button = QPushButton("End…")
        self.more_button = QPushButton("More")
        self.new_session.clicked.connect(self.record_session)
        self.prep_button.clicked.connect(self.open_brief)
        self.agreement_button.clicked.connect(self.edit_agreement)
        self.end_button.clicked.connect(self.end_or_reopen)
        from PySide6.QtWidgets import QMenu

        more = QMenu(self.more_button)
        self.sponsor_action = more.addAction("Sponsor summary…", self.sponsor_summary)
        more.addAction("Export everything held about them…", self.export_person)
        self.more_button.setMenu(more)
        self.agreement = QLabel()
        self.agreement.setWordWrap(True)
        self.agreement.setAccessibleName("Agreement")
        self.sessions = QListWidget()
        self.sessions.setAccessibleName("Sessions")
        self.sessions.itemActivated.connect(self.edit_session)
        self.goals = GoalsPanel(workspace)
        self.person_actions = _action_tree("Open actions")
        self.shared = QListWidget()
        self.shared.setAccessibleName("Entries shared with you")
        self.themes = QLabel()
        self.themes.setWordWrap(True)
        shared_page = QWidget()
        sp = QVBoxLayout(shared_page)
        sp.setContentsMargins(0, 0, 0, 0)
        sp.addWidget(self.shared, 1)
        sp.addWidget(self.themes)
        self.feedback = Feedback360Panel(workspace)
        from reflectjournal.gui.coaching_exchange_panel import ExchangePanel

        self.exchange_panel = ExchangePanel(workspace, self.chosen_session)
        from reflectjournal.gui.discussion_panel import DiscussionPanel

        self.discussions = DiscussionPanel(workspace)
        self.person_tabs = QTabWidget()
        self.person_tabs.setAccessibleName("About this person")
        self.person_tabs.addTab(self.sessions, "Sessions")
        self.person_tabs.addTab(self.goals, "Goals")
        self.person_tabs.addTab(self.person_actions, "Open actions")
        self.person_tabs.addTab(shared_page, "Shared with you")
        self.person_tabs.addTab(self.feedback, "360")
        self.person_tabs.addTab(self.exchange_panel, "Summaries")
        self.person_tabs.addTab(self.discussions, "Revalidation")
        person_page = QWidget()
        p = QVBoxLayout(person_page)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        for button in (self.new_session, self.prep_button, self.agreement_button,
                       self.end_button, self.more_button):  # fmt: skip
            top.addWidget(button)
        p.addLayout(top)
        p.addWidget(self.agreement)
        p.addWidget(self.person_tabs, 1)

        # Every action, from sessions and reflections alike.
        self.filter = QComboBox()
        self.filter.addItems(list(ACTION_FILTERS))
        self.filter.setAccessibleName("Show actions")
        self.all_actions = _action_tree("All actions")
        self.all_actions.itemActivated.connect(lambda *_: self.edit_action())
        # Filter and "from a plan" above the list, commands on the chosen action below it:
        # one row of all of them was wider than a 1024-pixel screen allows.
        buttons = QHBoxLayout()
        show = QLabel("Show")
        show.setBuddy(self.filter)  # on Linux a combo box is named only by its label
        buttons.addWidget(show)
        buttons.addWidget(self.filter)
        buttons.addStretch(1)
        from_plan = QPushButton("From an action plan…")
        from_plan.setToolTip("Turn a reflection's action plan into actions, one per item")
        from_plan.clicked.connect(self.actions_from_reflection)
        buttons.addWidget(from_plan)
        commands = QHBoxLayout()
        commands.addStretch(1)
        edit = QPushButton("Edit…")
        edit.clicked.connect(self.edit_action)
        commands.addWidget(edit)
        for label, status in (("Done", "done"), ("Drop", "dropped"), ("Reopen", "open")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, s=status: self.set_status(s))
            commands.addWidget(button)
        actions_page = QWidget()
        a = QVBoxLayout(actions_page)
        a.addLayout(buttons)
        a.addWidget(self.all_actions, 1)
        a.addLayout(commands)
        self.filter.currentTextChanged.connect(self.refresh_actions)

        self.caseload = CaseloadView(workspace)
        self.caseload.person_chosen.connect(self.open_person)
        self.my360 = Feedback360Panel(workspace)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Coaching sections")
        self.tabs.addTab(person_page, "Person")
        self.tabs.addTab(actions_page, "Actions")
        self.tabs.addTab(self.caseload, "Caseload")
        self.tabs.addTab(self.my360, "My 360")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 3)
        split.setSizes([200, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.reminders)
        layout.addWidget(split, 1)
        self.people.currentItemChanged.connect(lambda *_: self.show_person())
        self.events = operations.listen(self, self._journal_changed)
        self.catch_up = operations.WhenShown(self, self.refresh)
        self.refresh()

    def _journal_changed(self, changes: operations.Changes, initiator: object) -> None:
        if initiator is self or (isinstance(initiator, QWidget) and self.isAncestorOf(initiator)):
            return  # refreshed already by the command (or the panel) that made the change
        if (
            changes.people
            or changes.sessions
            or changes.actions
            or changes.programmes
            or changes.touches_entries
        ):
            self.catch_up.request()

    # ---- data ------------------------------------------------------------------------------

    def current_person(self) -> int | None:
        item = self.people.currentItem()
        return item.data(ROLE) if item is not None else None

    def refresh(self, select: int | None = None) -> None:
        keep = select or self.current_person()
        stances = self.workspace.coaching.stances()
        self.stances = stances
        self.intro.setText(intro_for(stances))
        self.people.blockSignals(True)
        self.people.clear()
        people = sorted(
            self.workspace.people.list(), key=lambda p: (ROLE_ORDER.get(p.role, 9), p.name)
        )
        ended = {a.person_id for a in self.workspace.programmes.agreements() if a.ended}
        for person in people:
            label = ROLE_LABEL.get(person.role, person.role)
            if person.id in ended:
                label += ", ended"
            item = QListWidgetItem(f"{person.name}  ·  {label}")
            item.setData(ROLE, person.id)
            self.people.addItem(item)
            if person.id == keep:
                self.people.setCurrentItem(item)
        if self.people.currentItem() is None and self.people.count():
            self.people.setCurrentRow(0)
        self.people.blockSignals(False)
        text = reminder_text(self.workspace)
        rich(self.reminders, f"<b>Today:</b> {esc(text)}" if text else "")
        self.reminders.setVisible(bool(text))
        practising = any(s in stances for s in ("coach", "mentor"))
        self.tabs.setTabVisible(self.tabs.indexOf(self.caseload), practising)
        if practising:
            self.caseload.refresh()
        self.my360.show_for(None, mine=True)
        self.show_person()
        self.refresh_actions()

    def show_person(self) -> None:
        pid = self.current_person()
        for widget in (self.new_session, self.prep_button, self.agreement_button,
                       self.end_button, self.more_button):  # fmt: skip
            widget.setEnabled(pid is not None)
        self.sessions.clear()
        self.shared.clear()
        if pid is None:
            self.heading.setText(EMPTY)
            self.agreement.clear()
            self.person_actions.clear()
            self.themes.clear()
            self.goals.show_person(None)
            self.feedback.show_for(None)
            self.exchange_panel.show_person(None)
            self.discussions.show_person(None)
            return
        view = self.workspace.coaching.person_overview(pid)
        who = view.person
        client = who.role in CLIENT_ROLES
        mentoring = who.role in ("mentee", "mentor")
        word = "meeting" if mentoring else "session"
        relation = {
            "coachee": "someone you coach",
            "mentee": "someone you mentor",
            "coach": "your coach",
            "mentor": "your mentor",
        }.get(who.role, who.role)
        rich(self.heading, f"<h2>{esc(who.name)}</h2>{esc(relation)}")
        self.new_session.setText(f"New {word}…" if client else f"Note a {word}…")
        self.prep_button.setVisible(client)
        self.sponsor_action.setVisible(client)
        self.person_tabs.setTabText(0, "Meetings" if mentoring else "Sessions")
        self.person_tabs.setTabVisible(3, client)
        self.person_tabs.setTabVisible(4, client)
        agreement = self.workspace.programmes.agreement(pid)
        self.end_button.setText("Reopen" if agreement and agreement.ended else "End…")
        number = None
        if agreement is not None:
            held, _ = self.workspace.programmes.session_count(pid, now_utc().isoformat())
            number = held + 1
        rich(self.agreement, agreement_html(agreement, mentoring, number))
        for s in view.sessions:
            ahead = "  (coming up)" if s.upcoming else ""
            when = datetime_text(s.date, as_stored_offset=True)
            item = QListWidgetItem(f"{when}  {s.title}{ahead}")
            item.setData(ROLE, s.id)
            self.sessions.addItem(item)
        if not view.sessions:
            button = self.new_session.text()
            _placeholder(self.sessions, f"No {word}s with {who.name} yet; “{button}” starts one.")
        _fill_actions(self.person_actions, list(view.actions))
        for e in view.shared:
            self.shared.addItem(f"{date_text(e.created)}  {e.title}")
        if not view.shared:
            _placeholder(
                self.shared,
                f"Nothing shared by {who.name} yet; packets arrive on Shared with me.",
            )
        themes = ", ".join(f"{t.name} ({t.count})" for t in view.themes)
        self.themes.setText(f"Themes in what they shared: {themes}" if themes else "")
        self.themes.setTextFormat(Qt.TextFormat.PlainText)
        self.goals.show_person(who)
        self.feedback.show_for(who if client else None, mine=not client)
        self.exchange_panel.show_person(who)
        self.discussions.show_person(who)

    def chosen_session(self) -> int | None:
        """The session chosen on the Sessions tab, else the latest one held (for a summary)."""
        item = self.sessions.currentItem()
        if item is not None and item.data(ROLE) is not None:
            return int(item.data(ROLE))
        pid = self.current_person()
        if pid is None:
            return None
        return self.workspace.coaching_exchange.latest_session(pid)

    def open_person(self, person_id: int) -> None:
        self.refresh(select=person_id)
        self.tabs.setCurrentIndex(0)

    def refresh_actions(self) -> None:
        keep = ACTION_FILTERS[self.filter.currentText()]
        _fill_actions(
            self.all_actions, [a for a in self.workspace.coaching.list_actions() if keep(a)]
        )

    # ---- commands ----------------------------------------------------------------------------

    def edit_agreement(self):
        return coaching_commands.edit_agreement(self)

    def end_or_reopen(self):
        return coaching_commands.end_or_reopen(self)

    def sponsor_summary(self):
        return coaching_commands.sponsor_summary(self)

    def export_person(self):
        return coaching_commands.export_person(self)

    def edit_action(self):
        return coaching_commands.edit_action(self)

    # ---- the original commands --------------------------------------------------------------------------

    def add_person(self) -> PersonDialog:
        dialog = PersonDialog(self.workspace, self)
        dialog.finished.connect(lambda _: self.refresh(select=dialog.person_id))
        dialog.open()
        return dialog

    def delete_person(self) -> None:
        pid = self.current_person()
        if pid is None:
            return
        name = self.workspace.people.get(pid).name
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
        choices: dict[QAbstractButton, str] = {keep: "keep", delete: "delete"}
        choice = choices.get(box.clickedButton())
        if choice is None:
            return
        try:
            operations.perform(
                self.events,
                lambda: self.workspace.coaching.delete_person(pid, sessions=choice),
                operations.Changes(people=True, sessions=True, actions=True, entries=True),
                initiator=self,
            )
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

    def edit_session(self, item: QListWidgetItem) -> SessionDialog | None:
        chosen = self.current_person()
        if chosen is None:  # a session row shows only under a chosen person
            return None
        person = self.workspace.people.get(chosen)
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
        action_id = item.data(0, ROLE)
        try:
            operations.perform(
                self.events,
                lambda: self.workspace.coaching.set_status(action_id, status),
                operations.Changes(actions=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.refresh()

    def actions_from_reflection(self) -> None:
        from reflectjournal.services.frameworks import reflection_models

        slugs = [m.slug for m in reflection_models().values() if m.actionable_section()]
        rows = self.workspace.journal.written_with_models(slugs, limit=200)
        if not rows:
            QMessageBox.information(
                self, "Actions", "No reflection written with a model that has an action plan yet."
            )
            return
        labels = [f"{date_text(r.created, as_stored_offset=True)}  {r.title}" for r in rows]
        choice, ok = QInputDialog.getItem(
            self, "Turn an action plan into actions", "Reflection", labels, 0, False
        )
        if ok:
            turn_plan_into_actions(self.workspace, rows[labels.index(choice)].id, self)
            self.refresh()
