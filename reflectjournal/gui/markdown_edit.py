"""The plain-text Markdown box with the editor's formatting helpers (bold, lists, headings)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

# "- ", "* ", "+ ", "3. ", "3) ", each optionally followed by a task box "[ ] " / "[x] ".
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|(\d{1,9})([.)]))(\s+)(\[[ xX]\]\s+)?")


def continued_marker(line: str) -> str | None:
    """The marker the next line of a list starts with ("- ", "4. ", "- [ ] "), or None.

    An empty item (only its marker) returns "": Enter there ends the list, as in most editors.
    """
    match = _LIST_ITEM.match(line)
    if match is None:
        return None
    if not line[match.end() :].strip():
        return ""
    indent, bullet, number, closing, gap, task = match.groups()
    marker = f"{int(number) + 1}{closing}" if number else bullet
    return f"{indent}{marker}{gap}{'[ ] ' if task else ''}"


class MarkdownEdit(QPlainTextEdit):
    def __init__(self, placeholder: str = "", name: str = "Entry text", parent=None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter inside a list starts the next item; Enter on an empty item ends the list.
        Shift+Enter is a plain line break."""
        plain_enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        )
        cursor = self.textCursor()
        if plain_enter and not self.isReadOnly() and not cursor.hasSelection():
            block = cursor.block()
            before = block.text()[: cursor.positionInBlock()]
            marker = continued_marker(before)
            if marker == "":
                cursor.beginEditBlock()
                cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
                cursor.movePosition(
                    QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
                cursor.removeSelectedText()
                cursor.endEditBlock()
                self.setTextCursor(cursor)
                return
            if marker:
                cursor.insertText("\n" + marker)
                self.setTextCursor(cursor)
                self.ensureCursorVisible()
                return
        super().keyPressEvent(event)

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
