"""A relationship's programme on the Coaching page: its agreement and its goals (with a chart).

Everything here talks to the programmes service; others' text is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCharts import QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.charts import msecs, swap_chart, themed_chart
from reflectjournal.gui.coaching_dialogs import show_error
from reflectjournal.gui.date_fields import DatePicker
from reflectjournal.services.display import date_text, plural
from reflectjournal.services.people import Person

ROLE = Qt.ItemDataRole.UserRole


def _programme_write(widget: QWidget, op: Callable[[], object]) -> None:
    """One write to agreements or goals, heard by every page (gui/operations.py)."""
    operations.perform(
        operations.events_of(widget), op, operations.Changes(programmes=True), initiator=widget
    )


def _short(iso: str | None) -> str:
    return date_text(iso[:10]) if iso else ""


class _OptionalDate(QWidget):
    """A date with a tick box: unticked means no date."""

    def __init__(self, name: str, value: str | None):
        super().__init__()
        self.use = QCheckBox()
        self.use.setAccessibleName(f"{name}: set")
        self.edit = DatePicker()
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setAccessibleName(name)
        day = date.fromisoformat(value) if value else date.today()
        self.edit.setDate(QDate(day.year, day.month, day.day))
        self.use.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.use.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.use)
        row.addWidget(self.edit, 1)

    def value(self) -> str | None:
        return self.edit.date().toString("yyyy-MM-dd") if self.use.isChecked() else None


class AgreementDialog(QDialog):
    """The agreement's every clause; what is saved is what the form shows."""

    def __init__(self, workspace, person: Person, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.person = person
        current = workspace.programmes.agreement(person.id)
        if current is None:  # the defaults a new agreement would get; saved only on Save
            current = workspace.programmes.draft_agreement(person.id)
        self.setWindowTitle(f"Agreement with {person.name}")
        self.kind = QComboBox()
        self.kind.addItems(["coaching", "mentoring"])
        self.kind.setCurrentText(current.kind)
        self.sessions = QSpinBox(minimum=0, maximum=200, specialValueText="not fixed")
        self.sessions.setValue(current.sessions or 0)
        self.frequency = QLineEdit(current.frequency, placeholderText="e.g. every three weeks")
        self.start = _OptionalDate("Start", current.start)
        self.review = _OptionalDate("Review", current.review)
        self.until = _OptionalDate("Planned end", current.until)
        self.sponsor = QLineEdit(current.sponsor, placeholderText="sponsor or line manager")
        self.consent = QCheckBox("Agreed to a summary for the sponsor (no content)")
        self.consent.setChecked(current.sponsor_consent)
        self.confidentiality = QPlainTextEdit(current.confidentiality)
        self.limits = QPlainTextEdit(current.limits)
        self.no_fault = QPlainTextEdit(current.no_fault)
        for box in (self.confidentiality, self.limits, self.no_fault):
            box.setTabChangesFocus(True)
            box.setFixedHeight(64)
        form = QFormLayout(self)
        for label, widget in (
            ("Kind", self.kind),
            ("Sessions agreed", self.sessions),
            ("Frequency", self.frequency),
            ("Start", self.start),
            ("Review", self.review),
            ("Planned end", self.until),
            ("Sponsor", self.sponsor),
            ("", self.consent),
            ("Confidentiality", self.confidentiality),
            ("Its limits", self.limits),
            ("No-fault ending", self.no_fault),
        ):
            widget.setAccessibleName(label or "Sponsor consent")
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            _programme_write(
                self,
                lambda: self.workspace.programmes.set_agreement(
                    self.person.id,
                    kind=self.kind.currentText(),
                    sessions=self.sessions.value() or None,
                    frequency=self.frequency.text(),
                    start=self.start.value(),
                    review=self.review.value(),
                    until=self.until.value(),
                    sponsor=self.sponsor.text(),
                    sponsor_consent=self.consent.isChecked(),
                    confidentiality=self.confidentiality.toPlainText(),
                    limits=self.limits.toPlainText(),
                    no_fault=self.no_fault.toPlainText(),
                ),
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
            return
        self.accept()


class EndDialog(QDialog):
    """End the relationship with an end-of-relationship review; nothing is deleted."""

    def __init__(self, workspace, person: Person, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.person = person
        self.setWindowTitle(f"End the relationship with {person.name}")
        self.day = DatePicker(
            QDate.currentDate(),
        )
        self.day.setDisplayFormat("d MMM yyyy")
        self.day.setAccessibleName("Ended on")
        self.review = QPlainTextEdit()
        self.review.setAccessibleName("End-of-relationship review")
        self.review.setPlaceholderText(
            "What changed, what was learned, what comes next; what would each of you do "
            "differently?"
        )
        self.review.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow("Ended on", self.day)
        form.addRow("Review", self.review)
        form.addRow(QLabel("The notes are kept; a retention reminder follows if you set one."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            _programme_write(
                self,
                lambda: self.workspace.programmes.end_relationship(
                    self.person.id,
                    ended=self.day.date().toString("yyyy-MM-dd"),
                    review=self.review.toPlainText(),
                ),
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
            return
        self.accept()


def agreement_html(agreement, mentoring: bool, number: int | None) -> str:
    """The agreement in a few lines of escaped rich text."""
    if agreement is None:
        what = "mentoring" if mentoring else "coaching"
        return (
            f"No {what} agreement yet. “Agreement…” records sessions, confidentiality and "
            "its limits, the sponsor and the dates."
        )
    a = agreement
    word = "Meeting" if a.kind == "mentoring" else "Session"
    parts = []
    if number is not None and not a.ended:
        parts.append(f"<b>{word} {number}" + (f" of {a.sessions}" if a.sessions else "") + "</b>")
    elif a.sessions:
        parts.append(f"{plural(a.sessions, 'session')} agreed")
    if a.start:
        parts.append(f"since {_short(a.start)}")
    if a.frequency:
        parts.append(escape(a.frequency))
    if a.review:
        parts.append(f"review {_short(a.review)}")
    if a.until:
        parts.append(f"planned end {_short(a.until)}")
    lines = [f"<b>{a.kind.capitalize()} agreement</b>: " + " · ".join(parts)]
    if a.sponsor:
        consent = "summary agreed" if a.sponsor_consent else "no summary agreed"
        lines.append(f"Sponsor: {escape(a.sponsor)} ({consent})")
    if a.ended:
        lines.append(
            f"<b>Ended {_short(a.ended)}</b>"
            + (": " + escape(a.end_review[:300]) if a.end_review else "")
        )
    if a.origin == "received":
        lines.append("<i>A copy received from the other party.</i>")
    return "<br>".join(lines)


class GoalsPanel(QWidget):
    """The relationship's goals, their ratings over time and a chart of them."""

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.person: Person | None = None
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Goal", "Now", "Ratings", "State"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Goals")
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 60)
        self.tree.setMaximumHeight(120)  # a few goals; the chart gets the room
        self.chart = QChartView()
        self.chart.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart.setMinimumHeight(180)
        self.chart.setAccessibleName("Goal ratings over time")
        self.chart.viewport().setAccessibleName("Goal ratings over time")
        add = QPushButton("Add goal…")
        rate = QPushButton("Rate…")
        achieved = QPushButton("Achieved")
        drop = QPushButton("Drop")
        add.clicked.connect(self.add_goal)
        rate.clicked.connect(self.rate_goal)
        achieved.clicked.connect(lambda: self.set_status("achieved"))
        drop.clicked.connect(lambda: self.set_status("dropped"))
        row = QHBoxLayout()
        for b in (add, rate, achieved, drop):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.tree)
        layout.addWidget(self.chart, 1)

    def show_person(self, person: Person | None) -> None:
        self.person = person
        self.tree.clear()
        goals = self.workspace.programmes.goals(person.id) if person else []
        for g in goals:
            latest = f"{g.latest.value}/10" if g.latest else "–"
            trail = " → ".join(str(r.value) for r in g.ratings[-6:])
            state = g.status + (" · a copy they sent" if g.origin == "received" else "")
            item = QTreeWidgetItem([g.text, latest, trail, state])
            item.setData(0, ROLE, g.id)
            item.setToolTip(0, g.text)
            self.tree.addTopLevelItem(item)
        if person is not None and not goals:
            item = QTreeWidgetItem(["No goals yet; “Add goal…” starts one.", "", "", ""])
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(item)
        self._draw(goals)

    def _draw(self, goals) -> None:
        chart = themed_chart()
        rated = [g for g in goals if g.ratings]
        first = last = None
        for g in rated:
            series = QLineSeries()
            series.setName(g.text if len(g.text) <= 28 else g.text[:27] + "…")
            series.setPointsVisible(True)
            for r in g.ratings:
                day = date.fromisoformat(r.date)
                series.append(msecs(day), r.value)
                first = min(first or day, day)
                last = max(last or day, day)
            chart.addSeries(series)
        from PySide6.QtCharts import QDateTimeAxis

        x = QDateTimeAxis()
        x.setFormat("d MMM yy")
        x.setTickCount(4)
        y = QValueAxis()
        y.setRange(0, 10)
        y.setTickCount(3)  # 0, 5, 10: more labels are elided at this height
        y.setLabelFormat("%d")
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for series in chart.series():
            series.attachAxis(x)
            series.attachAxis(y)
        if first is not None and first == last:  # one day: widen so the point is visible
            from datetime import timedelta

            from PySide6.QtCore import QDateTime

            x.setRange(
                QDateTime.fromMSecsSinceEpoch(int(msecs(first - timedelta(days=7)))),
                QDateTime.fromMSecsSinceEpoch(int(msecs(last + timedelta(days=7)))),
            )
        if not rated:
            chart.setTitle(
                "Ratings of goals appear here over time (0 = not started, 10 = achieved)."
            )
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        from PySide6.QtCore import QMargins

        chart.setMargins(QMargins(4, 4, 4, 4))
        swap_chart(self.chart, chart)

    def current_goal(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ROLE) if item is not None else None

    def add_goal(self) -> None:
        if self.person is None:
            return
        own = self.person.role in ("coach", "mentor")  # the owner's goal with their coach
        prompt = (
            f"A goal you are working on with {self.person.name}"
            if own
            else f"A goal for {self.person.name}"
        )
        text, ok = QInputDialog.getText(self, "Add a goal", prompt)
        if not ok:
            return
        try:
            person_id = self.person.id
            _programme_write(self, lambda: self.workspace.programmes.add_goal(person_id, text))
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.show_person(self.person)

    def rate_goal(self) -> None:
        goal_id = self.current_goal()
        if goal_id is None:
            return
        value, ok = QInputDialog.getInt(
            self, "Rate the goal", "Where is it now? 0 = not started, 10 = achieved", 5, 0, 10
        )
        if not ok:
            return
        try:
            _programme_write(self, lambda: self.workspace.programmes.rate_goal(goal_id, value))
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.show_person(self.person)

    def set_status(self, status: str) -> None:
        goal_id = self.current_goal()
        if goal_id is None:
            return
        try:
            _programme_write(
                self, lambda: self.workspace.programmes.set_goal_status(goal_id, status)
            )
        except ReflectJournalError as exc:
            show_error(self, exc)
        self.show_person(self.person)
