"""Find in the open entry (Edit → Find in entry, Ctrl+Alt+F): a bar under the text that
moves through every writing box of the entry (a Gibbs reflection has six), F3 for the next."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QToolButton, QWidget


class FindBar(QWidget):
    def __init__(
        self, boxes: Callable[[], Sequence[QPlainTextEdit]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.boxes = boxes
        self.field = QLineEdit(placeholderText="Find in this entry")
        self.field.setAccessibleName("Find in this entry")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel("")
        self.count.setAccessibleName("Matches")
        previous = QToolButton()
        previous.setText("↑")
        previous.setAccessibleName("Previous match")
        previous.setToolTip("Previous match (Shift+F3)")
        following = QToolButton()
        following.setText("↓")
        following.setAccessibleName("Next match")
        following.setToolTip("Next match (F3, or Enter)")
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Close the find bar")
        close.setToolTip("Close (Esc)")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addWidget(self.field, 1)
        row.addWidget(self.count)
        row.addWidget(previous)
        row.addWidget(following)
        row.addWidget(close)
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self.find_next)
        previous.clicked.connect(self.find_previous)
        following.clicked.connect(self.find_next)
        close.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)
        self.hide()

    def open(self) -> None:
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus in self.boxes():
            self._current = focus
        self.show()
        box = self._focused_box()
        if box is not None and box.textCursor().hasSelection():
            self.field.setText(box.textCursor().selectedText())
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        box = self._focused_box() or next(iter(self.boxes()), None)
        if box is not None:
            box.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key == Qt.Key.Key_F3:
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
                self.find_previous() if shift else self.find_next()
                return True
        return False

    def _focused_box(self) -> QPlainTextEdit | None:
        boxes = self.boxes()
        current = getattr(self, "_current", None)
        return current if current in boxes else (boxes[0] if boxes else None)

    def _typed(self, text: str) -> None:
        total = sum(_count(box.document(), text) for box in self.boxes()) if text else 0
        self.count.setText(f"{total} found" if text else "")
        if text:
            # Search again from the start of the current match, so typing extends it.
            box = self._focused_box()
            if box is not None:
                cursor = box.textCursor()
                cursor.setPosition(cursor.selectionStart())
                box.setTextCursor(cursor)
            self.find_next()

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _find(self, *, backward: bool) -> bool:
        """Select the next match, going on into the next box and round to the first."""
        needle = self.field.text()
        boxes = list(self.boxes())
        if not needle or not boxes:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        start = self._focused_box()
        order = boxes[boxes.index(start) :] + boxes[: boxes.index(start)] if start else boxes
        if backward:
            order = [order[0], *reversed(order[1:])]
        for step, box in enumerate([*order, order[0]]):
            if step == 0:
                cursor = box.textCursor()
            else:
                cursor = QTextCursor(box.document())
                if backward:
                    cursor.movePosition(QTextCursor.MoveOperation.End)
            found = box.document().find(needle, cursor, flags)
            if not found.isNull():
                box.setTextCursor(found)
                box.ensureCursorVisible()
                self._current = box
                return True
        return False


def _count(document: QTextDocument, needle: str) -> int:
    found, cursor = 0, QTextCursor(document)
    while True:
        cursor = document.find(needle, cursor)
        if cursor.isNull():
            return found
        found += 1
