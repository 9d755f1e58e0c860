"""Issue 18, from the keyboard: the focus chain, Esc/Down/Enter around search, the tag picker
and the filter's tag list, list continuation, the preview you can hide, the 1024 px list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from reflectjournal.gui.markdown_edit import MarkdownEdit, continued_marker
from reflectjournal.gui.tag_picker import TagFilterDialog


def _tab_until_text(qtbot, start, limit: int = 12) -> list:
    """Press Tab from ``start`` until a writing box has the focus; the widgets passed on the way."""
    start.setFocus()
    passed = []
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if isinstance(focus, MarkdownEdit):
            return passed
        passed.append(focus)
    raise AssertionError(f"Tab never reached the text: {passed}")


def test_tab_from_the_tags_goes_into_the_text_and_typing_is_kept(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    passed = _tab_until_text(qtbot, editor.tags.toggle)
    # Nothing invisible or read-only on the way (it was a scroll area and the preview).
    assert all(w.isVisible() for w in passed)
    assert editor.preview not in passed
    assert not [w for w in passed if w.metaObject().className() == "QScrollArea"]
    qtbot.keyClicks(QApplication.focusWidget(), "A paragraph typed after Tab.")
    assert editor.body.toPlainText() == "A paragraph typed after Tab."


def test_gibbs_sections_follow_each_other_on_tab(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    editor.model_box.setCurrentIndex(editor.model_box.findData("gibbs"))
    _tab_until_text(qtbot, editor.tags.toggle)
    boxes = list(editor._sections.values())
    assert QApplication.focusWidget() is boxes[0]
    for box in boxes[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is box  # no invisible stop between sections


def test_escape_down_and_enter_around_the_search(qtbot, window):
    view = window.journal_view
    journal = window.workspace.journal
    first = journal.add("Rota gaps again on the night shift.", title="Rota")
    other = journal.add("Budget meeting went well.", title="Budget")
    view.apply_search()
    view.open_entry(other)
    assert view.editor.entry_id == other
    view.focus_search()
    qtbot.keyClicks(view.search, "rota")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    # The editor left the entry the search no longer shows.
    assert view.editor.entry_id == first
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    assert view.list.hasFocus() and view.list.currentIndex().row() == 0
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert view.editor.entry_id == first and view.editor.body.hasFocus()
    view.focus_search()
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == "" and view.model.rowCount() == 2


def test_clear_filters_clears_the_search_words_too(qtbot, window):
    view = window.journal_view
    window.workspace.journal.add("Rota gaps.", tags=["burnout"])
    window.workspace.journal.add("Budget.")
    view.apply_search()
    view.search.setText("rota")
    view.apply_search()
    view.add_tag_filter("burnout")
    assert view.model.rowCount() == 1
    view.clear_filters()
    assert view.search.text() == "" and view.model.rowCount() == 2
    assert not view.model.is_filtered()


def test_escape_closes_the_tag_list(qtbot, window):
    picker = window.journal_view.editor.tags
    picker.open_list()
    assert picker.tree.isVisible() and picker.filter.hasFocus()
    qtbot.keyClicks(picker.filter, "staff")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert picker.filter.text() == "" and picker.tree.isVisible()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    assert not picker.tree.isVisible() and picker.toggle.hasFocus()


def _visible_tags(tree) -> list[str]:
    found, stack = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        if item.isHidden():
            continue
        if item.data(0, Qt.ItemDataRole.UserRole):
            found.append(item.data(0, Qt.ItemDataRole.UserRole))
        stack.extend(item.child(i) for i in range(item.childCount()))
    return found


def test_tag_picker_finds_tags_by_their_keywords_and_shows_counts(qtbot, window):
    window.workspace.journal.add("Short again.", tags=["workforce-pressures"])
    window.workspace.journal.add("Short again, twice.", tags=["workforce-pressures"])
    view = window.journal_view
    view.catalogue.reload()
    picker = view.editor.tags
    picker._build()
    picker.open_list()
    picker.filter.setText("staff")  # not in the name "Workforce pressures"
    assert "workforce-pressures" in _visible_tags(picker.tree)
    labels = [
        i.text(0)
        for i in picker._items()
        if i.data(0, Qt.ItemDataRole.UserRole) == "workforce-pressures"
    ]
    assert labels == ["Workforce pressures  (2)"]


def test_filter_by_tag_is_grouped_with_counts_and_keywords(qtbot, window):
    window.workspace.journal.add("Short again.", tags=["workforce-pressures"])
    view = window.journal_view
    view.catalogue.reload()
    dialog = TagFilterDialog(view.catalogue, view)
    qtbot.addWidget(dialog)
    top = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert len(top) >= 2 and "Healthcare leadership" in top[0]  # by framework, not one flat list
    challenges = dialog.tree.topLevelItem(0).child(0)
    assert challenges.text(0) == "Challenges  (1)"  # the category's count
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.finder.setText("staff")
    assert dialog.slug() == "workforce-pressures"
    dialog.accept = lambda: QDialog.done(dialog, QDialog.DialogCode.Accepted)
    dialog.exec = lambda: QDialog.DialogCode.Accepted
    view.choose_tag(dialog)
    assert view.filter.tags == ["workforce-pressures"] and view.model.rowCount() == 1


def test_free_tags_keep_their_spelling_and_body_hashtags_become_tags(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    editor.tags.open_list()
    editor.tags.filter.setText("e-rostering")
    qtbot.keyClick(editor.tags.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.body, "Rota chaos again #nightshift and #Burnout, see `#not-a-tag`.")
    entry_id = editor.save()
    entry = window.workspace.journal.entry(entry_id)
    assert set(entry.tags) == {"e-rostering", "nightshift", "burnout"}
    names = {row.slug: row.name for row in window.workspace.journal.tag_counts()}
    assert names["e-rostering"] == "e-rostering"  # was "E rostering"
    assert names["burnout"] == "Burnout"  # a framework tag keeps its own name


def test_enter_continues_a_list_and_ends_it_on_an_empty_item(qtbot, window):
    editor = window.journal_view.editor
    window.new_entry()
    box = editor.body
    qtbot.keyClicks(box, "Plan:")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "- ring HR")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "book the room")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # an empty item ends the list
    qtbot.keyClicks(box, "Done.")
    assert box.toPlainText() == "Plan:\n- ring HR\n- book the room\nDone."
    assert continued_marker("3. third") == "4. "
    assert continued_marker("  - [x] done") == "  - [ ] "
    assert continued_marker("plain") is None


def test_the_preview_can_be_hidden_and_stays_hidden(qtbot, window):
    editor = window.journal_view.editor
    assert editor.preview_box.isVisible()
    editor.preview_toggle.click()
    assert not editor.preview_box.isVisible()
    window.new_entry()
    qtbot.keyClicks(editor.body, "one two three")
    qtbot.waitUntil(lambda: editor.word_count.text() == "3 words")
    from reflectjournal.gui.editor import EntryEditor

    again = EntryEditor(window.workspace, window.journal_view.catalogue)
    qtbot.addWidget(again)
    again.show()
    assert not again.preview_box.isVisible()  # the choice is remembered


def test_the_entry_list_keeps_its_room_at_1024_by_640(qtbot, window):
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.width() <= 1024)
    assert window.journal_view.list.width() >= 200  # it was ~90 px ("S…")
