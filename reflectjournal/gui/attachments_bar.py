"""Under the editor: the entry's attachments and an "Attach…" button; files can be dropped.

Attaching saves the entry first (an attachment belongs to a saved entry), stores the file
inside the journal through ``AttachmentService`` and writes ``![[name]]`` at the cursor so the
image shows in the preview where it was put. A refused file (too big, not what its name says)
is one sentence in the status line and nothing changes. Each attachment's button offers
"Insert in text", "Save a copy…" and "Remove".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui.preview import save_attachment_copy
from reflectjournal.services.attachments import MAX_BYTES, AttachmentInfo, size_text
from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)
FILE_FILTER = "Images and PDFs (*.png *.jpg *.jpeg *.gif *.webp *.pdf)"


class AttachmentsBar(QWidget):
    """``save_entry()`` saves and returns the entry id (None when there is nothing to save);
    ``insert_text(text)`` writes at the editor's cursor."""

    changed = Signal()  # attachments added or removed: the preview re-renders
    status = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        save_entry: Callable[[], int | None],
        insert_text: Callable[[str], None],
        parent=None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.save_entry = save_entry
        self.insert_text = insert_text
        self.entry_id: int | None = None
        self.file_chooser: Callable[[], list[str]] | None = None  # tests replace the dialog
        self.setAcceptDrops(True)
        self.attach_button = QPushButton("Attach…")
        self.attach_button.setAccessibleName("Attach an image or PDF")
        self.attach_button.setToolTip(
            f"Images (PNG, JPEG, GIF, WebP) and PDFs up to {size_text(MAX_BYTES)}, kept inside "
            "the encrypted journal. You can also drop files here."
        )
        self.attach_button.clicked.connect(self.choose_files)
        self.items = QHBoxLayout()
        self.items.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.attach_button)
        layout.addLayout(self.items)
        layout.addWidget(self.empty, 1)

    # ---- showing -----------------------------------------------------------------------------

    def show_entry(self, entry_id: int | None, read_only: bool = False) -> None:
        self.entry_id = entry_id
        self.attach_button.setVisible(not read_only)
        self.setAcceptDrops(not read_only)
        self.refresh()

    def attachments(self) -> list[AttachmentInfo]:
        if self.entry_id is None:
            return []
        try:
            return self.workspace.attachments.for_entry(self.entry_id)
        except ReflectJournalError:
            return []

    def refresh(self) -> None:
        while self.items.count():
            item = self.items.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for info in self.attachments():
            button = QToolButton()
            button.setText(info.name)
            button.setToolTip(f"{info.name}, {size_text(info.size)}")
            button.setAccessibleName(f"Attachment {info.name}")
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.addAction("Insert in text", partial(self.insert_text, f"![[{info.name}]]"))
            menu.addAction(
                "Save a copy…", partial(save_attachment_copy, self, self.workspace, info.id)
            )
            menu.addAction("Remove", partial(self.remove, info))
            button.setMenu(menu)
            self.items.addWidget(button)

    # ---- adding and removing ------------------------------------------------------------------

    def choose_files(self) -> None:
        chooser = self.file_chooser or (
            lambda: QFileDialog.getOpenFileNames(self, "Attach images or PDFs", "", FILE_FILTER)[0]
        )
        paths = chooser()
        if paths:
            self.attach_paths([Path(p) for p in paths])

    def attach_paths(self, paths: list[Path]) -> int:
        """Attach each file; returns how many were attached (refusals go to ``status``)."""
        entry_id = self.save_entry()
        if entry_id is None:
            self.status.emit("Write something first: attachments belong to a saved entry.")
            return 0
        self.entry_id = entry_id
        added = 0
        for path in paths:
            try:
                info = self.workspace.attachments.add_file(entry_id, path)
            except ReflectJournalError as exc:
                self.status.emit(str(exc))
                continue
            self.insert_text(f"![[{info.name}]]\n")
            added += 1
        if added:
            self.status.emit(f"Attached {added} file{'s' if added != 1 else ''}.")
        self.refresh()
        self.changed.emit()
        return added

    def remove(self, info: AttachmentInfo, confirm: bool = True) -> bool:
        if confirm:
            answer = QMessageBox.question(
                self,
                "Remove attachment?",
                f"Remove {info.name} from this entry? It is deleted from the journal.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.workspace.attachments.remove(info.id)
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    # ---- drag and drop ------------------------------------------------------------------------

    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_paths(paths)
