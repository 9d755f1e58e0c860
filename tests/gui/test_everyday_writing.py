"""Issue 18, writing comfort and safety nets: spell check with suggestions, find in entry,
the theme choice, the preview from the View menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QApplication

from reflectjournal.gui import theme
from reflectjournal.services import spelling

needs_dictionary = pytest.mark.skipif(
    not spelling.Speller().available, reason="no Enchant en_GB dictionary (.ci/run installs one)"
)


def _underlined(box) -> list[str]:
    words = []
    block = box.document().firstBlock()
    while block.isValid():
        for fmt in block.layout().formats():
            if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                words.append(block.text()[fmt.start : fmt.start + fmt.length])
        block = block.next()
    return words


@needs_dictionary
def test_misspelt_words_are_underlined_and_corrected_from_the_menu(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    box = editor.body
    qtbot.keyClicks(box, "The rota colour was recieved late; Datix again.")
    qtbot.waitUntil(lambda: "recieved" in _underlined(box))
    assert "colour" not in _underlined(box) and "rota" not in _underlined(box)
    at = box.toPlainText().index("recieved") + 2
    cursor = box.textCursor()
    cursor.setPosition(at)
    pos = box.cursorRect(cursor).center()
    menu = editor.spelling.menu_for(box, pos)
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "received" and "Add “recieved” to my dictionary" in texts
    menu.actions()[0].trigger()
    assert box.toPlainText() == "The rota colour was received late; Datix again."
    assert editor.dirty  # a correction is an edit like any other
    # "Add to my dictionary" keeps the word in the journal and stops underlining it.
    at = box.toPlainText().index("Datix") + 1
    cursor.setPosition(at)
    menu = editor.spelling.menu_for(box, box.cursorRect(cursor).center())
    next(a for a in menu.actions() if a.text().startswith("Add “Datix”")).trigger()
    qtbot.waitUntil(lambda: "Datix" not in _underlined(box))
    assert spelling.own_words(window.workspace.db) == ["Datix"]
    window.spelling_action.trigger()  # off
    qtbot.waitUntil(lambda: _underlined(box) == [])
    assert not spelling.is_on(window.workspace.db)


def test_find_in_entry_moves_through_every_section(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    editor.model_box.setCurrentIndex(editor.model_box.findData("gibbs"))
    sections = editor._sections
    sections["description"].setPlainText("The rota broke.")
    sections["analysis"].setPlainText("Rota gaps are structural; the rota is old.")
    window.find_in_entry()
    bar = editor.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "rota")
    assert bar.count.text() == "3 found"
    assert QApplication.focusWidget() is bar.field  # typing stays in the field
    assert sections["description"].textCursor().selectedText() == "rota"
    bar.find_next()
    assert sections["analysis"].textCursor().selectedText().lower() == "rota"
    bar.find_next()
    bar.find_next()  # round to the first again
    assert bar._current is sections["description"]
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_theme_choice_applies_now_and_is_remembered(qtbot, window, monkeypatch):
    monkeypatch.delenv("REFLECTJOURNAL_THEME", raising=False)
    app = QApplication.instance()
    window.set_theme("dark")
    assert theme.is_dark(app) and theme.stored_choice() == "dark"
    checked = [a.data() for a in window.theme_actions.actions() if a.isChecked()]
    assert checked == ["dark"]
    window.set_theme("light")
    assert not theme.is_dark(app) and theme.stored_choice() == "light"
    window.set_theme("system")
    assert theme.stored_choice() == "system"


def test_view_menu_hides_the_preview(qtbot, window):
    editor = window.journal_view.editor
    window.preview_action.trigger()
    assert not editor.preview_box.isVisible() and not editor.preview_toggle.isChecked()
    editor.preview_toggle.click()
    assert editor.preview_box.isVisible() and window.preview_action.isChecked()


@needs_dictionary
def test_underlines_alone_never_mark_an_entry_unsaved(qtbot, window):
    entry = window.workspace.journal.add("The colr was recieved late.", title="Typos")
    view = window.journal_view
    view.apply_search()
    view.open_entry(entry)
    qtbot.waitUntil(lambda: "recieved" in _underlined(view.editor.body))
    assert not view.editor.dirty and view.editor.state_label.text() == ""
