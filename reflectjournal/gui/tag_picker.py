"""Choosing tags: chips for the chosen ones and a filterable tree grouped by framework."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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

from reflectjournal.services.tags import display_name, slugify

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

    def __init__(self, journal, frameworks):
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


class TagPicker(QWidget):
    """Chosen tags as removable chips above a type-to-filter tree of every tag."""

    changed = Signal()

    def __init__(self, catalogue: TagCatalogue, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalogue = catalogue
        self._chosen: list[str] = []
        self.chips = QWidget()
        self.chips.setLayout(QHBoxLayout())
        self.chips.layout().setContentsMargins(0, 0, 0, 0)
        self.filter = QLineEdit(placeholderText="Filter tags, or type a new one and press Enter")
        self.filter.setAccessibleName("Filter tags")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Tags by framework")
        self.tree.setMinimumHeight(120)
        self.tree.setMaximumHeight(200)
        self.toggle = QToolButton(text="Tags ▸", checkable=True)
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

    def _build(self) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        groups: dict[tuple, QTreeWidgetItem] = {}
        for row in self.catalogue.rows:
            framework = row.framework
            fw_title = (
                self.catalogue.framework_names.get(framework, "Free tags")
                if framework
                else "Free tags"
            )
            top = groups.get((framework,))
            if top is None:
                top = QTreeWidgetItem(self.tree, [fw_title])
                top.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[(framework,)] = top
            category = row.category
            sub = groups.get((framework, category))
            if sub is None:
                sub = QTreeWidgetItem(top, [CATEGORY_TITLES.get(category, display_name(category))])
                sub.setFlags(Qt.ItemFlag.ItemIsEnabled)
                groups[(framework, category)] = sub
            item = QTreeWidgetItem(sub, [row.name])
            item.setData(0, Qt.ItemDataRole.UserRole, row.slug)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if row.slug in self._chosen else Qt.CheckState.Unchecked
            )
        if groups:
            self.tree.topLevelItem(0).setExpanded(True)
        self.tree.blockSignals(False)

    def _items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item.data(0, Qt.ItemDataRole.UserRole):
                yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for top_index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(top_index)
            any_top = False
            for sub_index in range(top.childCount()):
                sub = top.child(sub_index)
                any_sub = False
                for i in range(sub.childCount()):
                    item = sub.child(i)
                    hit = not needle or needle in item.text(0).lower()
                    item.setHidden(not hit)
                    any_sub |= hit
                sub.setHidden(not any_sub)
                sub.setExpanded(bool(needle) and any_sub)
                any_top |= any_sub
            top.setHidden(not any_top)
            top.setExpanded(any_top and (bool(needle) or top_index == 0))

    def _enter(self) -> None:
        """Enter ticks the only match, or adds the typed text as a free tag."""
        text = self.filter.text().strip()
        if not text:
            return
        visible = [i for i in self._items() if not i.isHidden() and not i.parent().isHidden()]
        exact = [i for i in visible if i.text(0).lower() == text.lower()]
        match = exact[0] if exact else (visible[0] if len(visible) == 1 else None)
        slug = match.data(0, Qt.ItemDataRole.UserRole) if match else slugify(text)
        if slug and slug not in self._chosen:
            if match is None:
                self.catalogue.names.setdefault(slug, display_name(text))
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
        layout = self.chips.layout()
        while layout.count():
            widget = layout.takeAt(0).widget()
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
