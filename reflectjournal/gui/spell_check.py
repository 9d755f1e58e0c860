"""Red wavy underlines under misspelt words in the writing boxes, and suggestions on the
right-click menu (with "Add to my dictionary", kept inside the encrypted journal)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit

from reflectjournal.services.spelling import Speller
from reflectjournal.services.workspace import Workspace

LIMIT = 60_000  # characters


class SpellHighlighter(QSyntaxHighlighter):
    def __init__(self, document, speller: Speller):
        super().__init__(document)
        self.speller = speller
        self.enabled = True
        self.misspelt_format = QTextCharFormat()
        self.misspelt_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self.misspelt_format.setUnderlineColor(QColor("#d64545"))

    def highlightBlock(self, text: str) -> None:
        if not self.enabled or not text.strip():
            return
        for start, length in self.speller.misspelt(text):
            self.setFormat(start, length, self.misspelt_format)


class SpellCheck:
    """One per editor page: the speller, and each writing box's highlighter and menu."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.speller = Speller(workspace.spelling.own_words())
        self.enabled = self.speller.available and workspace.spelling.is_on()
        self.highlighters: list[SpellHighlighter] = []

    def attach(self, box: QPlainTextEdit) -> None:
        """Underline misspelt words in ``box`` and offer suggestions on right-click."""
        if not self.speller.available:
            return
        highlighter = SpellHighlighter(box.document(), self.speller)
        # A very long entry is not underlined as a whole on every load (it would stall the
        # window); the rest of the editor treats it the same way (LIVE_PREVIEW_LIMIT).
        highlighter.enabled = self.enabled and box.document().characterCount() <= LIMIT
        self.highlighters = [h for h in self.highlighters if _alive(h)] + [highlighter]
        box.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        box.customContextMenuRequested.connect(lambda pos, b=box: self.show_menu(b, pos))

    def set_enabled(self, on: bool) -> None:
        self.enabled = on and self.speller.available
        self.workspace.spelling.set_on(on)
        self._rehighlight()

    def _rehighlight(self) -> None:
        for highlighter in [h for h in self.highlighters if _alive(h)]:
            highlighter.enabled = self.enabled and highlighter.document().characterCount() <= LIMIT
            highlighter.rehighlight()

    def word_at(self, box: QPlainTextEdit, pos: QPoint) -> tuple[QTextCursor, str]:
        cursor = box.cursorForPosition(pos)
        block = cursor.block().text()
        at = cursor.positionInBlock()
        for start, length in self.speller.misspelt(block):
            if start <= at <= start + length:
                word = QTextCursor(cursor.block())
                word.setPosition(cursor.block().position() + start)
                word.setPosition(
                    cursor.block().position() + start + length, QTextCursor.MoveMode.KeepAnchor
                )
                return word, block[start : start + length]
        return cursor, ""

    def menu_for(self, box: QPlainTextEdit, pos: QPoint) -> QMenu:
        """The box's usual menu, with suggestions first when a misspelt word is under ``pos``."""
        menu = box.createStandardContextMenu(pos)
        if not self.enabled or box.isReadOnly():
            return menu
        cursor, word = self.word_at(box, pos)
        if not word:
            return menu
        first = menu.actions()[0] if menu.actions() else None
        suggestions = self.speller.suggest(word) or []
        actions = []
        for suggestion in suggestions:
            action = menu.addAction(suggestion)
            action.triggered.connect(lambda _=False, s=suggestion: self.replace(box, cursor, s))
            actions.append(action)
        if not suggestions:
            none = menu.addAction("No suggestions")
            none.setEnabled(False)
            actions.append(none)
        learn = menu.addAction(f"Add “{word}” to my dictionary")
        learn.triggered.connect(lambda _=False: self.learn(word))
        actions.append(learn)
        if first is None:
            return menu
        for action in actions:
            menu.removeAction(action)
        menu.insertActions(first, actions)
        menu.insertSeparator(first)
        return menu

    def show_menu(self, box: QPlainTextEdit, pos: QPoint) -> None:
        menu = self.menu_for(box, pos)
        menu.exec(box.mapToGlobal(pos))
        menu.deleteLater()

    @staticmethod
    def replace(box: QPlainTextEdit, cursor: QTextCursor, text: str) -> None:
        cursor.insertText(text)  # one undo step, and textChanged marks the entry unsaved
        box.setTextCursor(cursor)

    def learn(self, word: str) -> None:
        self.workspace.spelling.add_own_word(word)
        self.speller.learn(word)
        self._rehighlight()


def _alive(highlighter: SpellHighlighter) -> bool:
    try:
        return highlighter.document() is not None
    except RuntimeError:  # its document went with a box the editor replaced
        return False
