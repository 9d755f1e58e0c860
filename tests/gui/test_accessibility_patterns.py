"""Issue 18 item 6: the Patterns charts, heat map and days-written map read as tables with
the same numbers, on a journal whose answer is known; the drill-down works from the keyboard."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from reflectjournal.gui.patterns_tables import cell_values

# Monday 2 Nov 2026 (W45) and Monday 9 Nov 2026 (W46), evenings, local time.
W45 = datetime(2026, 11, 2, 20, 0).astimezone()
W46 = datetime(2026, 11, 9, 20, 0).astimezone()


def _known_journal(journal) -> dict[str, int]:
    ids = {}
    ids["a"] = journal.add("Rota gaps.", title="A", when=W45, tags=["burnout"], mood=2)
    ids["b"] = journal.add(
        "Short staffed.", title="B", when=W45 + timedelta(days=1),
        tags=["burnout", "workforce-pressures"], mood=4, energy=3,
    )  # fmt: skip
    ids["c"] = journal.add(
        "Again.", title="C", when=W46, tags=["burnout", "workforce-pressures"], mood=3
    )
    ids["d"] = journal.add("Resilience.", title="D", when=W46, tags=["resilience"])
    return ids


def _patterns(qtbot, window):
    page = window.go("patterns")
    with qtbot.waitSignal(page.computed, timeout=20_000):
        page.refresh()
    return page


def test_tables_carry_the_charts_numbers(qtbot, window):
    _known_journal(window.workspace.journal)
    page = _patterns(qtbot, window)
    page.unit.setCurrentIndex(page.unit.findData("week"))
    timeline = cell_values(page.tables["timeline"])
    header, rows = timeline[0], {row[0]: row[1:] for row in timeline[1:]}
    assert header[0] == "Period"
    burnout, workforce = header.index("Burnout") - 1, header.index("Workforce pressures") - 1
    assert rows["Week of 2 Nov 2026"][burnout] == "2"
    assert rows["Week of 2 Nov 2026"][workforce] == "1"
    assert rows["Week of 9 Nov 2026"][burnout] == "1"
    assert rows["Week of 9 Nov 2026"][workforce] == "1"
    # The chart drew the same counts (its bar sets, by theme name).
    sets = {s.label(): [s.at(i) for i in range(s.count())] for s in page.timeline_series.barSets()}
    assert sets["Burnout"] == [2.0, 1.0] and sets["Workforce pressures"] == [1.0, 1.0]

    together = cell_values(page.tables["together"])
    pair = [r for r in together[1:] if {r[0], r[1]} == {"Burnout", "Workforce pressures"}]
    assert pair and pair[0][2] == "2"
    assert [r for r in together[1:] if {r[0], r[1]} == {"Burnout", "Resilience"}][0][2] == "0"

    mood = cell_values(page.tables["mood"])
    assert mood[1][:2] == ["Week of 2 Nov 2026", "3.0"]  # (2 + 4) / 2
    assert mood[2][:2] == ["Week of 9 Nov 2026", "3.0"]

    days = {row[0]: row[1] for row in cell_values(page.tables["days"])[1:]}
    assert days == {"2 Nov 2026": "1", "3 Nov 2026": "1", "9 Nov 2026": "2"}


def test_show_as_tables_and_enter_drill_down_then_open(qtbot, window):
    ids = _known_journal(window.workspace.journal)
    page = _patterns(qtbot, window)
    page.as_tables.setFocus()
    qtbot.keyClick(page.as_tables, Qt.Key.Key_Space)
    assert page.as_tables.isChecked() and page.tables["together"].isVisible()
    assert not page.heat.isVisible()
    # The Save as PNG buttons save charts: they go while the tables show.
    assert not [b for b in page._save_buttons if b.isVisible()]
    table = page.tables["together"]
    table.setFocus()
    # Down to the Burnout / Workforce pressures row (the most often together is first),
    # across to its number, Enter: the drill-down lists those two entries.
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(table, Qt.Key.Key_End)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    listed = [page.drill_list.item(i).data(Qt.ItemDataRole.UserRole) for i in
              range(page.drill_list.count())]  # fmt: skip
    assert sorted(listed) == sorted([ids["b"], ids["c"]])
    assert page.drill_list.hasFocus()
    qtbot.keyClick(page.drill_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journal_view)
    assert window.journal_view.editor.entry_id == page.drill_list.currentItem().data(
        Qt.ItemDataRole.UserRole
    )


def test_days_written_table_drills_into_a_day(qtbot, window):
    ids = _known_journal(window.workspace.journal)
    page = _patterns(qtbot, window)
    model = page.tables["days"].model()
    row = [model.index(r, 0).data() for r in range(model.rowCount())].index("9 Nov 2026")
    page.tables["days"].activated.emit(model.index(row, 1))
    assert page.drill_label.text().startswith("Entries on 9 Nov 2026")
    assert page.drill_list.count() == 2
    assert {page.drill_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)} == {
        ids["c"],
        ids["d"],
    }


def test_enter_on_a_heat_map_cell_drills_down(qtbot, window):
    ids = _known_journal(window.workspace.journal)
    page = _patterns(qtbot, window)
    heat = page.heat
    names = [heat.verticalHeaderItem(r).text() for r in range(heat.rowCount())]
    row = next(r for r, n in enumerate(names) if n.endswith("burnout"))
    column = next(r for r, n in enumerate(names) if n.endswith("workforce pressures"))
    assert heat.item(row, column).text() == "2"
    # What a screen reader hears for that cell and its column, read through Qt's accessibility.
    from PySide6.QtGui import QAccessible

    table = QAccessible.queryAccessibleInterface(heat)
    spoken = {table.child(i).text(QAccessible.Text.Name) for i in range(table.childCount())}
    assert "Burnout with Workforce pressures: 2 entries together" in spoken
    assert {"Burnout", "Workforce pressures"} <= spoken  # the column headers, not "1", "2"
    heat.setFocus()
    heat.setCurrentCell(row, column)
    qtbot.keyClick(heat, Qt.Key.Key_Return)
    listed = {page.drill_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)}
    assert page.drill_list.count() == 2 and listed == {ids["b"], ids["c"]}
