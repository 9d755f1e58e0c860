"""Issue 18, finding your way back: a calendar that opens a day's entries, On this day, and
search results whose snippet shows the searched words."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate

from reflectjournal.gui.calendar_nav import CalendarDialog, OnThisDayDialog
from reflectjournal.gui.entry_model import MatchRole


def test_calendar_marks_days_and_opens_a_days_entry(qtbot, window):
    journal = window.workspace.journal
    chosen = journal.add("Ward round.", title="Tuesday", when=datetime(2026, 11, 3, 9, tzinfo=UTC))
    journal.add("Later.", title="Another day", when=datetime(2026, 11, 20, 9, tzinfo=UTC))
    dialog = CalendarDialog(journal, window, today=date(2026, 11, 3))
    qtbot.addWidget(dialog)
    assert dialog.counts == {date(2026, 11, 3): 1, date(2026, 11, 20): 1}
    marked = dialog.calendar.dateTextFormat(QDate(2026, 11, 3))
    assert marked.fontUnderline() and marked.toolTip() == "1 entry"
    assert dialog.heading.text() == "3 Nov 2026: 1 entry"
    with qtbot.waitSignal(dialog.open_entry) as opened:
        dialog.list.itemActivated.emit(dialog.list.item(0))
    assert opened.args == [chosen]
    dialog.calendar.setSelectedDate(QDate(2026, 11, 4))
    assert "nothing written" in dialog.heading.text() and not dialog.list_day.isEnabled()


def test_show_a_day_in_the_list(qtbot, window):
    journal = window.workspace.journal
    day_one = journal.add("a", title="On the day", when=datetime(2026, 11, 3, 9, tzinfo=UTC))
    journal.add("b", title="Not that day", when=datetime(2026, 11, 5, 9, tzinfo=UTC))
    view = window.journal_view
    view.show_day(date(2026, 11, 3))
    assert view.model.rowCount() == 1 and view.editor.entry_id == day_one
    assert "3 Nov 2026" in view.filter_labels.values()


def test_on_this_day_lists_earlier_years(qtbot, window):
    journal = window.workspace.journal
    old = journal.add("a", title="Last year", when=datetime(2025, 11, 30, 9, tzinfo=UTC))
    dialog = OnThisDayDialog(journal, window, today=date(2026, 11, 30))
    qtbot.addWidget(dialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts[0] == "1 year ago" and texts[1].startswith("30 Nov 2025  Last year")
    with qtbot.waitSignal(dialog.open_entry) as opened:
        dialog.list.itemActivated.emit(dialog.list.currentItem())
    assert opened.args == [old]
    empty = OnThisDayDialog(journal, window, today=date(2026, 6, 1))
    qtbot.addWidget(empty)
    assert empty.list.count() == 0


def test_search_results_carry_the_words_found(qtbot, window):
    journal = window.workspace.journal
    long_start = "Nothing much to say at first. " * 12
    journal.add(long_start + "Then the <b>rota</b> collapsed.", title="Night")
    view = window.journal_view
    view.search.setText("rota")
    view.apply_search()
    text, spans = view.model.index(0).data(MatchRole)
    assert [text[s : s + n] for s, n in spans] == ["rota"]
    assert "<b>rota</b>" in text  # the writer's text, shown as text, never as markup
    view.search.clear()
    view.apply_search()
    assert view.model.index(0).data(MatchRole) is None
    view.list.viewport().repaint()  # the delegate draws both kinds of row without error
