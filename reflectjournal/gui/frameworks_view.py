"""The Frameworks page: browse frameworks and items, add a framework file, rate yourself."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.date_fields import DatePicker
from reflectjournal.gui.qt_typed import top_level_items
from reflectjournal.gui.tag_picker import CATEGORY_TITLES
from reflectjournal.gui.why_disabled import allow
from reflectjournal.services.display import plural
from reflectjournal.services.frameworks import RELATION_TITLES
from reflectjournal.services.tags import display_name
from reflectjournal.services.workspace import Workspace

SlugRole = Qt.ItemDataRole.UserRole

NO_RATING_HERE = (
    "Choose a capability or challenge in the list to rate yourself on it; a framework or a "
    "heading has no rating of its own."
)


class FrameworksView(QWidget):
    status = Signal(str)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.scales: dict[str, list[str]] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Frameworks and their items")
        self.add_button = QPushButton("Add a framework file…")
        self.add_button.setToolTip("Install your own framework from a TOML file")
        # Packs that ship with the app but stay out of the way until chosen.
        self.pack_button = QPushButton("Add a framework pack")
        self.pack_menu = QMenu(self.pack_button)
        self.pack_button.setMenu(self.pack_menu)
        self.pack_menu.aboutToShow.connect(self._fill_packs)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setAccessibleName("Item description")

        self.rating = QSpinBox()
        self.rating.setRange(1, 5)
        self.rating.setAccessibleName("Self-rating")
        self.scale_label = QLabel()
        self.rating_date = DatePicker(
            QDate.currentDate(),
        )
        self.rating_date.setAccessibleName("Date of the rating")
        self.rating_date.setDisplayFormat("d MMM yyyy")
        self.note = QLineEdit(placeholderText="What makes you give this rating today?")
        self.note.setAccessibleName("Note for the rating")
        self.rate_button = QPushButton("Record rating")
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels(["Date", "Rating", "Note"])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setAccessibleName("Past ratings")
        self.rate_box = QGroupBox("Rate yourself")
        form = QFormLayout(self.rate_box)
        row = QHBoxLayout()
        row.addWidget(self.rating)
        row.addWidget(self.scale_label, 1)
        form.addRow("Rating", row)
        form.addRow("Date", self.rating_date)
        form.addRow("Note", self.note)
        form.addRow("", self.rate_button)
        form.addRow(self.history)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(self.pack_button)
        left_layout.addWidget(self.add_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 8, 8, 8)
        right_layout.addWidget(self.details, 3)
        right_layout.addWidget(self.rate_box, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([360, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.tree.currentItemChanged.connect(lambda item, _prev: self.show_item(item))
        self.add_button.clicked.connect(self.choose_file)
        self.rate_button.clicked.connect(self.record_rating)
        self.rating.valueChanged.connect(self._scale_text)
        self.events = operations.listen(self, self._journal_changed)
        self.catch_up = operations.WhenShown(self, self.reload)
        self.reload()

    def _journal_changed(self, changes: operations.Changes, initiator: object) -> None:
        if initiator is not self and (changes.tags or changes.everything):
            self.catch_up.request()

    def reload(self) -> None:
        self.tree.clear()
        self.scales.clear()
        for framework in self.workspace.frameworks.list():
            top = QTreeWidgetItem(self.tree, [framework.name])
            top.setData(0, SlugRole, ("framework", framework))
            self.scales[framework.slug] = list(framework.rating_scale)
            groups: dict[str, QTreeWidgetItem] = {}
            for item in framework.items:
                category = item.category
                if category not in groups:
                    title = CATEGORY_TITLES.get(category, display_name(category))
                    groups[category] = QTreeWidgetItem(top, [title])
                leaf = QTreeWidgetItem(groups[category], [item.name])
                leaf.setData(0, SlugRole, ("item", item.slug))
        if self.tree.topLevelItemCount():
            first = top_level_items(self.tree)[0]
            first.setExpanded(True)
            self.tree.setCurrentItem(first)
        else:
            self.show_item(None)

    def show_item(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, SlugRole) if item is not None else None
        self.current_slug = None
        if not data:
            self.details.setHtml(
                "<p>Choose a framework or one of its items to read about it.</p>"
                if item is not None or self.tree.topLevelItemCount()
                else "<p>No frameworks are installed yet. Add one from a file below.</p>"
            )
            self._rating_allowed(False)
            return
        kind, value = data
        if kind == "framework":
            self.details.setHtml(
                f"<h2>{html.escape(value.name)}</h2><p>{html.escape(value.description)}</p>"
                f"<p>{plural(len(value.items), 'item')}. Choose one to read its description, the "
                "questions it raises and to rate yourself on it.</p>"
            )
            self._rating_allowed(False)
            return
        info = self.workspace.frameworks.item(value)
        self.current_slug = info.slug
        parts = [
            f"<h2>{html.escape(info.name)}</h2>",
            f"<p><i>{html.escape(CATEGORY_TITLES.get(info.category, info.category))}</i></p>",
            f"<p>{html.escape(info.description)}</p>",
        ]
        if info.questions:
            parts.append("<h3>Questions to ask yourself</h3><ul>")
            parts += [f"<li>{html.escape(q)}</li>" for q in info.questions]
            parts.append("</ul>")
        for kind, slugs in info.relations:
            names = ", ".join(html.escape(display_name(s)) for s in slugs)
            parts.append(f"<p><b>{RELATION_TITLES[kind]}:</b> {names}</p>")
        if info.calls_for:
            qualities = html.escape(", ".join(info.calls_for))
            parts.append(f"<p><b>Asks of a leader:</b> {qualities}</p>")
        self.details.setHtml("".join(parts))
        scale = self.scales.get(info.framework or "", [])
        self.current_scale = scale
        self.rating.setRange(1, len(scale) or 5)
        self._scale_text()
        self._rating_allowed(True)
        self.rate_box.setTitle(f"Rate yourself: {info.name}")
        self._fill_history()

    def _rating_allowed(self, allowed: bool) -> None:
        allow(self.rate_box, allowed, NO_RATING_HERE)
        self.rate_button.setToolTip("" if allowed else NO_RATING_HERE)
        self.rate_button.setAccessibleDescription("" if allowed else NO_RATING_HERE)

    def _scale_text(self) -> None:
        scale = getattr(self, "current_scale", [])
        value = self.rating.value()
        label = scale[value - 1] if 0 < value <= len(scale) else ""
        self.scale_label.setText(f"{label} (of {self.rating.maximum()})".strip())

    def _fill_history(self) -> None:
        ratings = list(reversed(self.workspace.journal.ratings(self.current_slug)))
        self.history.setRowCount(len(ratings))
        for number, rating in enumerate(ratings):
            for column, value in enumerate((rating.date, str(rating.value), rating.note)):
                self.history.setItem(number, column, QTableWidgetItem(value))
        self.history.resizeColumnsToContents()
        self.history.horizontalHeader().setStretchLastSection(True)

    def record_rating(self) -> None:
        if not self.current_slug:
            return
        slug, value = self.current_slug, self.rating.value()
        day, note = self.rating_date.date().toString("yyyy-MM-dd"), self.note.text().strip()
        try:
            operations.perform(
                self.events,
                lambda: self.workspace.journal.rate(slug, value, day, note=note),
                operations.Changes(tags=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return
        self.note.clear()
        self._fill_history()
        self.status.emit("Rating recorded.")

    def _fill_packs(self) -> None:
        self.pack_menu.clear()
        packs = self.workspace.frameworks.optional_packs()
        if not packs:
            self.pack_menu.addAction("Every pack is installed").setEnabled(False)
        for spec in packs:
            action = self.pack_menu.addAction(spec.name)
            action.setToolTip(spec.description)
            action.triggered.connect(lambda _=False, slug=spec.slug: self.add_pack(slug))

    def add_pack(self, slug: str) -> bool:
        try:
            spec = self.workspace.frameworks.add_pack(slug)
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return False
        self.reload()
        self.status.emit(f"Added the framework “{spec.name}” with {len(spec.items)} items.")
        return True

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Add a framework", str(Path.home()), "Framework files (*.toml)"
        )
        if name:
            self.add_file(Path(name))

    def add_file(self, path: Path) -> bool:
        try:
            spec = operations.perform(
                self.events,
                lambda: self.workspace.frameworks.add_file(path),
                operations.Changes(tags=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return False
        self.reload()
        self.status.emit(
            f"Added the framework “{spec.name}” with {plural(len(spec.items), 'item')}."
        )
        return True
