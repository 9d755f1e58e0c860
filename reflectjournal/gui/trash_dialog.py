"""Journal → Trash…: deleted entries, kept 30 days, to bring back or let go for good."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.why_disabled import allow
from reflectjournal.services.display import date_text, datetime_text, plural
from reflectjournal.services.trash import KEEP_DAYS
from reflectjournal.services.workspace import Workspace

ROLE = Qt.ItemDataRole.UserRole
KIND_LABELS = {"reflection": "Reflection", "session": "Session note", "shared": "Shared with me"}


class TrashDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Trash")
        self.restored: list[int] = []
        intro = QLabel(
            f"Deleted entries stay here for {plural(KEEP_DAYS, 'day')}, inside your encrypted journal, "
            "then go for good. Restoring one brings back its text, tags, comments and the "
            "actions made from it; it is not shared again until you choose to share it."
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Entry", "Kind", "Deleted", "Goes for good"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Deleted entries")
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        self.empty_note = QLabel("The Trash is empty.")
        self.empty_note.setEnabled(False)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setDefault(True)
        self.empty_button = QPushButton("Empty Trash…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.empty_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button.clicked.connect(self.empty)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemActivated.connect(lambda *_: self.restore_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(buttons)
        self.resize(640, 400)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        for item in self.workspace.trash.list():
            row = QTreeWidgetItem(
                [
                    item.title or "(untitled)",
                    KIND_LABELS.get(item.kind, item.kind),
                    datetime_text(item.deleted),
                    date_text(item.expires),
                ]
            )
            row.setData(0, ROLE, item.id)
            self.tree.addTopLevelItem(row)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_note.setVisible(self.tree.topLevelItemCount() == 0)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._update_buttons()

    def _update_buttons(self) -> None:
        allow(self.restore_button, bool(self.tree.selectedItems()), "Choose an entry to restore.")
        allow(self.empty_button, self.tree.topLevelItemCount() > 0, "The Trash is empty.")

    def restore_selected(self) -> list[int]:
        ids = [item.data(0, ROLE) for item in self.tree.selectedItems()]
        if not ids:
            return []
        trash = self.workspace.trash
        restored: list[int] = []
        events = operations.events_of(self.parent() or self)

        def changes(entry_id: int) -> operations.Changes:
            return operations.Changes.entry_added(entry_id, tags=True, sessions=True, actions=True)

        try:
            for trash_id in ids:

                def restore(t: int = trash_id) -> int:
                    return trash.restore(t)

                restored.append(operations.perform(events, restore, changes))
        except ReflectJournalError as exc:
            QMessageBox.warning(self, "Trash", str(exc))
        self.restored += restored
        self.refresh()
        return restored

    def empty(self, confirm: bool = True) -> int:
        count = self.tree.topLevelItemCount()
        if confirm:
            answer = QMessageBox.question(
                self,
                "Empty the Trash?",
                f"Delete {plural(count, 'entry')} for good? They cannot be brought back.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        gone = self.workspace.trash.empty()
        self.refresh()
        return gone
