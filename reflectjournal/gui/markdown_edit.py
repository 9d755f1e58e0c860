"""The plain-text Markdown box with the editor's formatting helpers (bold, lists, headings)."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit


class MarkdownEdit(QPlainTextEdit):
    def __init__(self, placeholder: str = "", name: str = "Entry text", parent=None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)

    def wrap(self, marker: str) -> None:
        cursor = self.textCursor()
        text = cursor.selectedText()
        cursor.insertText(f"{marker}{text}{marker}")
        if not text:
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(marker))
            self.setTextCursor(cursor)

    def prefix_lines(self, prefix: str) -> None:
        """Add ``prefix`` to each selected line, or remove it where every line has it."""
        cursor = self.textCursor()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        document = self.document()
        first, last = document.findBlock(start), document.findBlock(end)
        blocks = [first]
        while blocks[-1] != last and blocks[-1].next().isValid():
            blocks.append(blocks[-1].next())
        removing = all(b.text().startswith(prefix) for b in blocks)
        cursor.beginEditBlock()
        for block in blocks:
            edit = QTextCursor(block)
            if removing:
                edit.movePosition(
                    QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, len(prefix)
                )
                edit.removeSelectedText()
            else:
                edit.insertText(prefix)
        cursor.endEditBlock()
