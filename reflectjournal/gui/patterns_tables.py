"""The numbers behind each Patterns chart as a table a screen reader can walk (WCAG 1.1.1).

A chart is a picture; these tables carry the same numbers, worked out by the same functions
the charts are drawn from (``timeline_grid``, ``heat_pairs``, ``written_days``), so the two
cannot disagree. A cell that stands for entries opens them in the drill-down on Enter, as a
click on the bar, cell or day does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from reflectjournal.services.display import date_text
from reflectjournal.services.patterns.result import Patterns
from reflectjournal.services.patterns.rules import periods_between

TOP_TAGS = 6  # themes a chart has room for; the rest are in the lists below the charts
DRILL_ROLE = Qt.ItemDataRole.UserRole + 1  # (title, criteria) of the entries behind a cell


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # (row, column) -> (title, criteria for PatternService.entry_ids)
    drills: dict[tuple[int, int], tuple[str, dict]] = field(default_factory=dict)


def _monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def period_label(period: str) -> str:
    """ "Week of 23 Nov 2026" or "Nov 2026": what a listener can place in time."""
    if "-W" in period:
        return f"Week of {date_text(_monday(period))}"
    year, month = period.split("-")
    return f"{date(int(year), int(month), 1):%b %Y}"


def timeline_grid(data: Patterns, unit: str) -> tuple[list[str], list[tuple[str, str]], dict]:
    """The periods on the axis (empty ones too), the top themes (slug, name) and the counts."""
    series = data.timeline_weeks if unit == "week" else data.timeline
    top = [(t.slug, t.name) for t in data.tags[:TOP_TAGS]]
    seen = series.span()  # the first and last period with a row
    every = periods_between(*seen) if seen else []
    periods = every[-(26 if unit == "week" else 18) :]
    # Only the periods shown are counted: ten years of weeks are tens of thousands of rows.
    rows = series.since(periods[0]) if periods else ()
    counts = {(r.period, r.slug): r.count for r in rows}
    return periods, top, counts


def heat_pairs(data: Patterns) -> tuple[list[str], dict[tuple[str, str], int]]:
    """The top themes and how many entries carry each pair of them (0 included)."""
    top = [t.slug for t in data.tags[:TOP_TAGS]]
    pairs = {(c.a, c.b): c.count for c in data.cooccurrence}
    together = {}
    for i, a in enumerate(top):
        for b in top[i + 1 :]:
            together[(a, b)] = pairs.get(tuple(sorted((a, b))), 0)  # type: ignore[arg-type]
    return top, together


def written_days(counts: dict[str, int], end: date, weeks: int) -> list[tuple[date, int]]:
    """The days shown on the Days written map (``weeks`` whole weeks to ``end``) with entries."""
    origin = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    day, found = origin, []
    while day <= end:
        if counts.get(day.isoformat(), 0):
            found.append((day, counts[day.isoformat()]))
        day += timedelta(days=1)
    return found


def timeline_table(data: Patterns, unit: str) -> Table:
    periods, top, counts = timeline_grid(data, unit)
    table = Table(["Period"] + [name for _slug, name in top])
    for r, period in enumerate(periods):
        table.rows.append(
            [period_label(period)] + [str(counts.get((period, slug), 0)) for slug, _ in top]
        )
        for c, (slug, name) in enumerate(top, start=1):
            if counts.get((period, slug), 0):
                criteria = {"tag": slug, "period": period}
                table.drills[(r, c)] = (f"{name} in {period_label(period)}", criteria)
    return table


def mood_table(data: Patterns) -> Table:
    table = Table(["Week", "Mood", "Mood, 4-week mean", "Energy", "Energy, 4-week mean"])
    mood = {m.period: m for m in data.series("mood_weeks")}
    energy = {m.period: m for m in data.series("energy_weeks")}
    for week in sorted(set(mood) | set(energy)):
        row = [period_label(week)]
        for found in (mood.get(week), energy.get(week)):
            row += [f"{found.mean:.1f}", f"{found.rolling:.1f}"] if found else ["", ""]
        table.rows.append(row)
    return table


def ratings_table(data: Patterns) -> Table:
    table = Table(["Capability", "Date", "Rating (1–5)"])
    for series in data.ratings:
        for point in series.points:
            table.rows.append([series.name, date_text(point.date), str(point.value)])
    return table


def together_table(data: Patterns) -> Table:
    names = {t.slug: t.name for t in data.tags}
    top, together = heat_pairs(data)
    table = Table(["Theme", "Together with", "Entries with both"])
    ranked = sorted(together.items(), key=lambda kv: (-kv[1], top.index(kv[0][0])))
    for r, ((a, b), n) in enumerate(ranked):
        table.rows.append([names.get(a, a), names.get(b, b), str(n)])
        if n:
            title = f"{names.get(a, a)} with {names.get(b, b)}"
            table.drills[(r, 2)] = (title, {"tag": a, "with_tag": b})
    return table


def days_table(counts: dict[str, int], end: date, weeks: int) -> Table:
    table = Table(["Day", "Entries"])
    for r, (day, n) in enumerate(written_days(counts, end, weeks)):
        table.rows.append([date_text(day), str(n)])
        table.drills[(r, 1)] = (f"Entries on {date_text(day)}", {"day": day.isoformat()})
        table.drills[(r, 0)] = table.drills[(r, 1)]
    return table


def table_view(name: str) -> QTableView:
    """A read-only table for one chart, named for assistive technology."""
    view = QTableView()
    view.setAccessibleName(f"{name} (table)")
    view.setModel(QStandardItemModel(view))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.setMinimumHeight(160)
    return view


def fill(view: QTableView, table: Table) -> None:
    model = view.model()
    assert isinstance(model, QStandardItemModel)
    model.clear()
    model.setHorizontalHeaderLabels(table.headers)
    for r, row in enumerate(table.rows):
        items = []
        for c, text in enumerate(row):
            item = QStandardItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if (r, c) in table.drills:
                item.setData(table.drills[(r, c)], DRILL_ROLE)
                item.setToolTip("Enter or double-click: list these entries")
            items.append(item)
        model.appendRow(items)
    if not table.rows:
        model.appendRow([QStandardItem("No figures in this range yet.")])


def cell_values(view: QTableView) -> list[list[str]]:
    """What the table says, row by row (the header first): for tests and the screenshots."""
    model = view.model()
    header = [
        str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
    ]
    rows = [
        [str(model.index(r, c).data() or "") for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    return [header, *rows]
