"""Typing ``[[`` in an entry offers the journal's entries by title (a QCompleter).

The list narrows as you type after ``[[``; Enter or a click writes ``[[Title]]`` (closing the
brackets if they are not there yet); Esc leaves the text as typed. Titles come from
``LinkService.titles`` (starting with what was typed first, then containing it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QPlainTextEdit

from reflectjournal.errors import ReflectJournalError

OPEN = "[["
MAX_TYPED = 80  # characters after "[[" still treated as a title being typed
Titles = Callable[[str], list[str]]


class LinkCompleter(QCompleter):
    def __init__(self, editor: QPlainTextEdit, titles: Titles):
        super().__init__(editor)
        self.editor = editor
        self.titles = titles
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.setWidget(editor)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.list_view().setAccessibleName("Entries to link to")
        self.activated[str].connect(self.insert)  # type: ignore[index]
        editor.textChanged.connect(self.update_for_cursor)

    def list_view(self) -> QAbstractItemView:
        popup = self.popup()
        assert popup is not None  # QCompleter makes its popup in its constructor
        return popup

    def typed(self) -> str | None:
        """What follows an unclosed ``[[`` before the cursor on this line, or None."""
        cursor = self.editor.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        start = line.rfind(OPEN)
        if start < 0:
            return None
        after = line[start + len(OPEN) :]
        if "]]" in after or "|" in after or "#" in after or len(after) > MAX_TYPED:
            return None
        return after

    def update_for_cursor(self) -> None:
        if self.editor.isReadOnly() or not self.editor.hasFocus():
            return
        typed = self.typed()
        if typed is None:
            self.list_view().hide()
            return
        try:
            titles = [t for t in self.titles(typed) if t.strip()]
        except ReflectJournalError:  # the journal was locked meanwhile
            titles = []
        if not titles:
            self.list_view().hide()
            return
        self._model.setStringList(titles)
        self.setCompletionPrefix(typed)
        rect = self.editor.cursorRect()
        rect.setWidth(max(260, self.list_view().sizeHintForColumn(0) + 24))
        self.complete(rect)

    def insert(self, title: str) -> None:
        typed = self.typed()
        if typed is None:
            return
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(typed)
        )
        following = self.editor.document().characterAt(cursor.selectionEnd()) + (
            self.editor.document().characterAt(cursor.selectionEnd() + 1)
        )
        cursor.insertText(title if following == "]]" else f"{title}]]")
        if following == "]]":
            cursor.movePosition(QTextCursor.MoveOperation.Right, n=2)
        cursor.endEditBlock()
        self.editor.setTextCursor(cursor)
        self.list_view().hide()


def install(editor: QPlainTextEdit, titles: Titles) -> LinkCompleter:
    """Give ``editor`` ``[[`` completion; Enter/Tab/Esc go to the list while it is open."""
    completer = LinkCompleter(editor, titles)
    original = editor.keyPressEvent

    def key_press(event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab)
        if completer.list_view().isVisible() and event.key() in keys:
            event.ignore()  # the popup handles it
            return
        original(event)

    editor.keyPressEvent = key_press  # type: ignore[method-assign]
    editor.link_completer = completer  # type: ignore[attr-defined]
    return completer
