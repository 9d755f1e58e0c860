"""Choosing tags: chips for the chosen ones and a filterable tree grouped by framework."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.gui.qt_typed import child_items, present, top_level_items
from reflectjournal.services.display import plural
from reflectjournal.services.frameworks import FrameworkService
from reflectjournal.services.journal import JournalService
from reflectjournal.services.tags import TagUsage, display_name, name_as_written, slugify

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1  # the name without its count

CATEGORY_TITLES = {
    "challenge": "Challenges",
    "capability": "Capabilities",
    "context": "What makes healthcare distinctive",
    "level": "Leadership levels",
    "leadership-type": "Leadership type",
    "development-method": "Development methods",
    "outcome": "Outcomes",
    "career-pathway": "Career pathways and transitions",
    "board-domain": "Competency domains",
    "free": "Your own tags",
}


class TagCatalogue:
    """Every tag the journal knows, read once per window (and after a framework is added)."""

    def __init__(self, journal: JournalService, frameworks: FrameworkService):
        self._journal, self._frameworks = journal, frameworks
        self.names: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Read the tags again (a framework or free tags were added); ``names`` stays the same
        dict, so views holding it see the new names."""
        self.rows = self._journal.tag_counts()
        self.framework_names = {f.slug: f.name for f in self._frameworks.list()}
        self.names.clear()
        self.names.update({row.slug: row.name for row in self.rows})

    def name(self, slug: str) -> str:
        return self.names.get(slug, display_name(slug))


def tag_matches(row: TagUsage, needle: str) -> bool:
    """Typed text finds a tag by its name or by one of its framework keywords, so "staff"
    finds Workforce pressures and "rota" finds it too."""
    if not needle:
        return True
    if needle in row.name.lower() or needle in row.slug:
        return True
    return any(needle in word.lower() for word in row.keywords)


def fill_tag_tree(
    tree: QTreeWidget, catalogue: TagCatalogue, *, chosen: list[str] | None = None
) -> None:
    """Framework → category → tag, each tag with how many entries carry it; ticks when
    ``chosen`` is given (the editor's picker), plain rows otherwise (the filter)."""
    tree.clear()
    groups: dict[tuple, QTreeWidgetItem] = {}
    totals: dict[tuple, int] = {}
    for row in catalogue.rows:
        framework = row.framework
        fw_title = (
            catalogue.framework_names.get(framework, "Your own tags")
            if framework
            else "Your own tags"
        )
        top = groups.get((framework,))
        if top is None:
            top = QTreeWidgetItem(tree, [fw_title])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            groups[(framework,)] = top
        sub = groups.get((framework, row.category))
        if sub is None:
            title = CATEGORY_TITLES.get(row.category, display_name(row.category))
            sub = QTreeWidgetItem(top, [title])
            sub.setFlags(Qt.ItemFlag.ItemIsEnabled)
            sub.setData(0, TITLE_ROLE, title)
            groups[(framework, row.category)] = sub
        totals[(framework, row.category)] = totals.get((framework, row.category), 0) + row.count
        label = f"{row.name}  ({row.count})" if row.count else row.name
        item = QTreeWidgetItem(sub, [label])
        item.setData(0, Qt.ItemDataRole.UserRole, row.slug)
        item.setData(0, TITLE_ROLE, row.name)
        item.setData(
            0, Qt.ItemDataRole.AccessibleTextRole, f"{row.name}, {plural(row.count, 'entry')}"
        )
        tip = row.description
        if row.keywords:
            tip = f"{tip}\n\nAlso found by: {', '.join(row.keywords[:12])}".strip()
        if tip:
            item.setToolTip(0, tip)
        if chosen is None:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        else:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if row.slug in chosen else Qt.CheckState.Unchecked
            )
    for key, sub in groups.items():
        if len(key) == 2 and totals.get(key):
            sub.setText(0, f"{sub.data(0, TITLE_ROLE)}  ({totals[key]})")
    if groups:
        top_level_items(tree)[0].setExpanded(True)


def filter_tag_tree(tree: QTreeWidget, catalogue: TagCatalogue, text: str) -> None:
    """Hide what does not match ``text`` (names and keywords); open the groups that do."""
    needle = text.strip().lower()
    rows = {row.slug: row for row in catalogue.rows}
    for top_index, top in enumerate(top_level_items(tree)):
        any_top = False
        for sub in child_items(top):
            any_sub = False
            for item in child_items(sub):
                row = rows.get(item.data(0, Qt.ItemDataRole.UserRole))
                hit = row is not None and tag_matches(row, needle)
                item.setHidden(not hit)
                any_sub |= hit
            sub.setHidden(not any_sub)
            sub.setExpanded(bool(needle) and any_sub)
            any_top |= any_sub
        top.setHidden(not any_top)
        top.setExpanded(any_top and (bool(needle) or top_index == 0))


class TagPicker(QWidget):
    """Chosen tags as removable chips above a type-to-filter tree of every tag."""

    changed = Signal()

    def __init__(self, catalogue: TagCatalogue, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalogue = catalogue
        self._chosen: list[str] = []
        self.chips = QWidget()
        self._chip_row = QHBoxLayout(self.chips)
        self._chip_row.setContentsMargins(0, 0, 0, 0)
        self.filter = QLineEdit(placeholderText="Filter tags, or type a new one and press Enter")
        self.filter.setAccessibleName("Filter tags")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Tags by framework")
        self.tree.setMinimumHeight(120)
        self.tree.setMaximumHeight(200)
        self.toggle = QToolButton()
        self.toggle.setText("Tags ▸")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName("Show the tag list")
        self.toggle.setToolTip("Show or hide the list of tags (Ctrl+T)")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.toggle)
        top.addWidget(self.chips, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self.toggle.toggled.connect(self._show_tree)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._enter)
        self.tree.itemChanged.connect(self._item_changed)
        self.filter.installEventFilter(self)
        self.tree.installEventFilter(self)
        self._build()
        self._show_tree(False)

    def _show_tree(self, shown: bool) -> None:
        self.filter.setVisible(shown)
        self.tree.setVisible(shown)
        self.toggle.setText("Tags ▾" if shown else "Tags ▸")
        if shown:
            self.filter.setFocus()

    def open_list(self) -> None:
        self.toggle.setChecked(True)

    def close_list(self) -> None:
        self.toggle.setChecked(False)
        self.toggle.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc clears the filter text first, then closes the list; Down moves into it."""
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                if watched is self.filter and self.filter.text():
                    self.filter.clear()
                else:
                    self.close_list()
                return True
            if watched is self.filter and key == Qt.Key.Key_Down:
                self.tree.setFocus()
                visible = [i for i in self._items() if not i.isHidden()]
                if visible and not self.tree.currentItem():
                    self.tree.setCurrentItem(visible[0])
                return True
        return False

    def _build(self) -> None:
        self.tree.blockSignals(True)
        fill_tag_tree(self.tree, self.catalogue, chosen=self._chosen)
        self.tree.blockSignals(False)

    def _items(self) -> Iterator[QTreeWidgetItem]:
        stack = top_level_items(self.tree)
        while stack:
            item = stack.pop()
            if item.data(0, Qt.ItemDataRole.UserRole):
                yield item
            stack.extend(child_items(item))

    def _apply_filter(self, text: str) -> None:
        filter_tag_tree(self.tree, self.catalogue, text)

    def _enter(self) -> None:
        """Enter ticks the only match, or adds the typed text as a free tag."""
        text = self.filter.text().strip()
        if not text:
            return
        visible = [
            i for i in self._items() if not i.isHidden() and not present(i.parent()).isHidden()
        ]
        exact = [i for i in visible if str(i.data(0, TITLE_ROLE)).lower() == text.lower()]
        match = exact[0] if exact else (visible[0] if len(visible) == 1 else None)
        slug = match.data(0, Qt.ItemDataRole.UserRole) if match else slugify(text)
        if slug and slug not in self._chosen:
            if match is None:
                self.catalogue.names.setdefault(slug, name_as_written(text))
            self.set_tags([*self._chosen, slug])
            self.changed.emit()
        self.filter.clear()

    def _item_changed(self, item: QTreeWidgetItem) -> None:
        slug = item.data(0, Qt.ItemDataRole.UserRole)
        if not slug:
            return
        checked = item.checkState(0) == Qt.CheckState.Checked
        if checked and slug not in self._chosen:
            self._chosen.append(slug)
        elif not checked and slug in self._chosen:
            self._chosen.remove(slug)
        self._draw_chips()
        self.changed.emit()

    def tags(self) -> list[str]:
        return list(self._chosen)

    def set_tags(self, slugs: list[str]) -> None:
        self._chosen = list(dict.fromkeys(slugs))
        self.tree.blockSignals(True)
        for item in self._items():
            slug = item.data(0, Qt.ItemDataRole.UserRole)
            item.setCheckState(
                0, Qt.CheckState.Checked if slug in self._chosen else Qt.CheckState.Unchecked
            )
        self.tree.blockSignals(False)
        self._draw_chips()

    def _draw_chips(self) -> None:
        layout = self._chip_row
        while layout.count():
            taken = layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        if not self._chosen:
            hint = QLabel("No tags yet")
            hint.setEnabled(False)
            layout.addWidget(hint)
        for slug in self._chosen:
            name = self.catalogue.name(slug)
            chip = QPushButton(f"{name}  ✕")
            chip.setFlat(True)
            chip.setObjectName("chip")
            chip.setAccessibleName(f"Remove tag {name}")
            chip.setToolTip(f"Remove the tag {name}")
            chip.clicked.connect(lambda _=False, s=slug: self._remove(s))
            layout.addWidget(chip)
        layout.addStretch(1)

    def _remove(self, slug: str) -> None:
        self.set_tags([s for s in self._chosen if s != slug])
        self.changed.emit()


class TagFilterDialog(QDialog):
    """Filter → Tag: the same grouped tree, with counts and keyword matching, one choice."""

    def __init__(self, catalogue: TagCatalogue, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Filter by tag")
        self.catalogue = catalogue
        # Not "find": that name is QWidget.find, which an attribute would hide.
        self.finder = QLineEdit(placeholderText="Type a name or a word it is about, e.g. staff")
        self.finder.setAccessibleName("Find a tag")
        self.finder.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Tags by framework and category, with entry counts")
        fill_tag_tree(self.tree, catalogue)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Filter")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.finder)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.finder.textChanged.connect(self._filter)
        self.finder.returnPressed.connect(self._enter)
        self.tree.itemActivated.connect(lambda *_: self.accept())
        self.tree.currentItemChanged.connect(lambda *_: self._update_ok())
        self._update_ok()
        self.resize(420, 480)

    def _filter(self, text: str) -> None:
        filter_tag_tree(self.tree, self.catalogue, text)
        visible = self._visible()
        if visible:
            self.tree.setCurrentItem(visible[0])
        self._update_ok()

    def _visible(self) -> list[QTreeWidgetItem]:
        found = []
        stack = top_level_items(self.tree)
        while stack:
            item = stack.pop(0)
            if item.isHidden():
                continue
            if item.data(0, Qt.ItemDataRole.UserRole):
                found.append(item)
            stack.extend(child_items(item))
        return found

    def _enter(self) -> None:
        if self.slug():
            self.accept()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.slug() is not None)
        ok.setToolTip("" if self.slug() else "Choose a tag in the list first")

    def slug(self) -> str | None:
        item = self.tree.currentItem()
        slug = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return str(slug) if slug else None
