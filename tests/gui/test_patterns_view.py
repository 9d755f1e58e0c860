"""Patterns dashboard: renders a known journal, drills down to the right entries, exports."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QMessageBox

from reflectjournal.gui.patterns_view import ID_ROLE, PatternsView


def _add(ws, day, *tags, mood=3, title="note"):
    y, m, d = map(int, day.split("-"))
    return ws.journal.add(
        "text", title=title, tags=list(tags), mood=mood, when=datetime(y, m, d, 9, tzinfo=UTC)
    )


@pytest.fixture
def view(qtbot, workspace):
    ids = {
        "a": _add(workspace, "2026-11-02", "workforce-pressures", "burnout", title="A"),
        "b": _add(workspace, "2026-11-03", "workforce-pressures", title="B"),
        "c": _add(workspace, "2026-11-10", "burnout", title="C"),
    }
    workspace.journal.rate("resilience", 2, "2026-10-01")
    workspace.journal.rate("resilience", 3, "2026-11-01")
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    # The result arrives through the event loop (queued from the worker), so waiting after
    # construction cannot miss it.
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    v.ids = ids
    return v


def test_dashboard_shows_the_numbers(view):
    assert view.data.total_entries == 3
    assert "3 entries from 2 Nov 2026 to 10 Nov 2026" in view.summary.text()
    series = view.timeline_series
    sets = {s.label(): s for s in series.barSets()}
    assert set(sets) == {"Workforce pressures", "Burnout"}
    # Weekly: W45 (2-8 Nov) and W46 (9-15 Nov).
    assert [sets["Workforce pressures"].at(i) for i in range(2)] == [2.0, 0.0]
    assert [sets["Burnout"].at(i) for i in range(2)] == [1.0, 1.0]
    heat = {
        (view.heat.verticalHeaderItem(r).text(), c): view.heat.item(r, c).text()
        for r in range(view.heat.rowCount())
        for c in range(view.heat.columnCount())
    }
    assert "1" in heat.values()  # workforce pressures with burnout, once
    assert view.ratings_view.chart().series()[0].count() == 2
    # A journal begun on 2 November is too young to call anything neglected; the list says so.
    neglected = [view.neglected.item(i).text() for i in range(view.neglected.count())]
    assert neglected == [view.data.neglect_note] and "2 November 2026" in neglected[0]
    # The streak is off by default; days written this month take its place.
    assert "streak" not in view.summary.text()


def test_streak_is_optional_and_remembered(view, qtbot, workspace):
    view.show_streak.setChecked(True)
    assert "streak 0 days" in view.summary.text() or "streak" in view.summary.text()
    assert workspace.setting("patterns.show_streak") == "1"
    again = PatternsView(workspace)
    qtbot.addWidget(again)
    assert again.show_streak.isChecked()


def test_empty_weeks_stay_on_the_time_axis(qtbot, workspace):
    _add(workspace, "2026-10-05", "burnout")  # week 41
    _add(workspace, "2026-11-02", "burnout")  # week 45
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    burnout = v.timeline_series.barSets()[0]
    # Weeks 41, 42, 43, 44 and 45: the three quiet weeks are bars of 0, not missing.
    assert [burnout.at(i) for i in range(burnout.count())] == [1.0, 0.0, 0.0, 0.0, 1.0]


def test_clicking_a_bar_lists_its_entries(view, qtbot):
    sets = {s.label(): s for s in view.timeline_series.barSets()}
    with qtbot.waitSignal(view.drilled) as signal:
        sets["Burnout"].clicked.emit(1)  # the second week
    assert signal.args[0] == [view.ids["c"]]
    assert view.drill_list.count() == 1 and "C" in view.drill_list.item(0).text()
    assert "Burnout in 2026-W46: 1 entry" in view.drill_label.text()


def test_heat_map_cell_and_list_row_drill_down(view):
    cell = next(
        (r, c)
        for r in range(view.heat.rowCount())
        for c in range(view.heat.columnCount())
        if view.heat.item(r, c).text() == "1"
    )
    view._heat_clicked(*cell)
    assert [view.drill_list.item(0).data(ID_ROLE)] == [view.ids["a"]]
    view.unit.setCurrentIndex(1)  # by month: one bar per tag
    sets = {s.label(): s for s in view.timeline_series.barSets()}
    assert sets["Workforce pressures"].at(0) == 2.0


def test_framework_filter_and_empty_range(view, qtbot):
    with qtbot.waitSignal(view.computed, timeout=15000):
        view.framework.setCurrentIndex(view.framework.findData("nhs-healthcare-leadership-model"))
    assert view.data.tags == ()
    assert view.timeline_series.count() == 0


def test_exports(view, tmp_path):
    png, pdf = tmp_path / "chart.png", tmp_path / "patterns.pdf"
    view.export_png(view.timeline_view, png)
    view.export_pdf(pdf)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000


def test_weekly_review_becomes_an_entry(view, qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.events.open_entry_requested) as opened:
        entry_id = view.weekly_review()
    assert opened.args == [entry_id]
    assert view.workspace.journal.entry(entry_id).title.startswith("Weekly review")


def test_line_charts_have_date_axes_and_follow_the_dark_theme(view, qtbot):
    from PySide6.QtCharts import QChart, QDateTimeAxis
    from PySide6.QtCore import QDateTime
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.theme import apply_theme

    mood = view.mood_view.chart()
    (x_axis,) = mood.axes(Qt.Orientation.Horizontal)
    assert isinstance(x_axis, QDateTimeAxis)
    # Weeks W45 and W46 start on Monday 2 and 9 November.
    assert x_axis.min() == QDateTime(QDate(2026, 11, 2), QTime(0, 0))
    assert x_axis.max() == QDateTime(QDate(2026, 11, 9), QTime(0, 0))
    (ratings_x,) = view.ratings_view.chart().axes(Qt.Orientation.Horizontal)
    assert ratings_x.min().date() == QDate(2026, 10, 1)
    assert mood.theme() == QChart.ChartTheme.ChartThemeLight
    app = QApplication.instance()
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: view.mood_view.chart().theme() == QChart.ChartTheme.ChartThemeDark)
        from reflectjournal.gui.patterns_view import PALETTE

        colours = {s.color().name() for s in view.timeline_series.barSets()}
        assert colours == {PALETTE[0], PALETTE[1]}  # our palette survives the dark theme
    finally:
        apply_theme(app, "light")
    qtbot.waitUntil(lambda: view.mood_view.chart().theme() == QChart.ChartTheme.ChartThemeLight)


def test_empty_charts_say_why_and_a_dormant_journal_shows_its_last_half_year(qtbot, workspace):
    from datetime import date

    # Written in 2024 only: the last 26 weeks before today are empty.
    _add(workspace, "2024-03-04", "burnout")
    _add(workspace, "2024-03-11", "burnout")
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    assert v.ratings_view.chart().title().startswith("No self-ratings yet")
    assert v.calendar.end == date(2024, 3, 11)
    assert v.calendar.counts == {"2024-03-04": 1, "2024-03-11": 1}
    # Writing today again: the calendar ends today, blank weeks and all.
    workspace.journal.add("Back again", tags=["burnout"])
    with qtbot.waitSignal(v.computed, timeout=15000):
        v.refresh()
    assert v.calendar.end == date.fromisoformat(v.data.settings.asof)


def test_no_moods_in_range_is_said_in_the_chart(qtbot, workspace):
    workspace.journal.add("No mood here", tags=["burnout"])
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    assert v.mood_view.chart().title() == "No mood or energy recorded in this range yet."


def test_pdf_of_a_dark_dashboard_is_drawn_light_for_paper(view, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCharts import QChart
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.theme import apply_theme

    app = QApplication.instance()
    grabbed = []
    real_grab = view.board.grab

    def spy():
        picture = real_grab()
        grabbed.append((picture, view.mood_view.chart().theme()))
        return picture

    monkeypatch.setattr(view.board, "grab", spy)
    try:
        apply_theme(app, "dark")
        qtbot.waitUntil(lambda: view.mood_view.chart().theme() == QChart.ChartTheme.ChartThemeDark)
        view.export_pdf(tmp_path / "patterns.pdf")
        ((picture, theme),) = grabbed
        assert theme == QChart.ChartTheme.ChartThemeLight
        # Light all over, not only the charts: the whole picture and its lower fifth (the
        # lists under the charts) average light; the dark look averages far below the middle.
        image = picture.toImage()
        lower = image.copy(0, image.height() * 4 // 5, image.width(), image.height() // 5)
        for part in (image, lower):
            assert part.scaled(1, 1).pixelColor(0, 0).lightness() > 180
        # And the screen goes back to the dark look.
        assert view.mood_view.chart().theme() == QChart.ChartTheme.ChartThemeDark
        assert app.palette().color(app.palette().ColorRole.Window).lightness() < 128
    finally:
        apply_theme(app, "light")


def test_one_week_of_moods_is_drawn_and_explained(qtbot, workspace):
    """Issue 18: all data in one week left the mood chart blank, unexplained."""
    _add(workspace, "2026-11-02", "burnout", mood=2)
    _add(workspace, "2026-11-04", "burnout", mood=4)
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    chart = v.mood_view.chart()
    assert "one week" in chart.title() and "mood 3.0" in chart.title()
    mood = next(s for s in chart.series() if s.name() == "Mood")
    assert mood.count() == 1 and mood.pointsVisible()  # a dot, not an invisible line
    low, high = (
        chart.axes(Qt.Orientation.Horizontal)[0].min(),
        chart.axes(Qt.Orientation.Horizontal)[0].max(),
    )
    assert low < high  # the axis spans the week instead of collapsing to one instant


def test_empty_weeks_stay_on_the_themes_axis(qtbot, workspace):
    """Issue 18: the Themes chart skipped weeks with no entries (W45, W46, W48)."""
    _add(workspace, "2026-11-02", "burnout")  # W45
    _add(workspace, "2026-11-30", "burnout")  # W49
    v = PatternsView(workspace)
    qtbot.addWidget(v)
    with qtbot.waitSignal(v.computed, timeout=15000):
        pass
    v.unit.setCurrentIndex(v.unit.findData("week"))
    v._draw_timeline()
    burnout = v.timeline_series.barSets()[0]
    assert [burnout.at(i) for i in range(burnout.count())] == [1.0, 0.0, 0.0, 0.0, 1.0]
