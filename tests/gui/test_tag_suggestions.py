"""Tag suggestions while writing: shown after a pause, one click adds the tag."""

from __future__ import annotations


def test_suggestions_follow_the_text_and_one_click_accepts(qtbot, window):
    editor = window.journal_view.editor
    row = editor.suggestions
    assert row.isHidden()  # nothing written, nothing suggested
    editor.body.setPlainText(
        "Three vacancies on nights, agency staff again and the rota has gaps every weekend; "
        "sickness is up and overtime is the only way we cover."
    )
    qtbot.waitUntil(row.isVisible, timeout=5000)  # debounced, then shown
    shown = [b for b in row.buttons if b.isVisible()]
    slugs = [b.property("slug") for b in shown]
    assert "workforce-pressures" in slugs, slugs
    button = shown[slugs.index("workforce-pressures")]
    assert button.text() == "+ Workforce pressures" and "mentions" in button.toolTip()
    button.click()
    assert "workforce-pressures" in editor.tags.tags()
    assert editor.dirty
    entry_id = editor.save()
    assert "workforce-pressures" in window.workspace.journal.entry(entry_id).tags
    row.update_now()
    assert "workforce-pressures" not in [b.property("slug") for b in row.buttons if b.isVisible()]


def test_no_suggestions_for_empty_text(qtbot, window):
    editor = window.journal_view.editor
    editor.body.setPlainText("   ")
    editor.suggestions.update_now()
    assert editor.suggestions.isHidden()
