"""The Patterns dashboard: charts over the analytics service, with drill-down to entries.

Every number can be clicked to list the entries behind it (the service's ``entry_ids``), so a
chart is a way into the writing, never a verdict on its own. Recomputation runs in a worker
(gui/tasks.py); the page stays usable while it runs.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QEvent, QMarginsF, QRectF, Qt, QTime, Signal
from PySide6.QtGui import (
    QColor,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.accessible import label_combo
from reflectjournal.gui.calendar_heatmap import WEEKS as CALENDAR_WEEKS
from reflectjournal.gui.calendar_heatmap import CalendarHeatMap
from reflectjournal.gui.charts import date_and_scale_axes, msecs, swap_chart, themed_chart
from reflectjournal.gui.date_fields import DatePicker
from reflectjournal.gui.folders import dated_name, start_in
from reflectjournal.gui.patterns_tables import (
    DRILL_ROLE,
    days_table,
    fill,
    heat_pairs,
    mood_table,
    ratings_table,
    table_view,
    timeline_grid,
    timeline_table,
    together_table,
)
from reflectjournal.gui.tasks import run_task
from reflectjournal.gui.theme import is_dark, light_palette
from reflectjournal.services.display import date_text, plural
from reflectjournal.services.patterns import PatternOptions
from reflectjournal.services.patterns.result import Patterns
from reflectjournal.services.patterns.rules import long_date
from reflectjournal.services.settings import SHOW_STREAK
from reflectjournal.services.timeutil import range_end, range_start

log = logging.getLogger(__name__)

PALETTE = ["#3b6ea5", "#d9822b", "#4c9a6a", "#b5485d", "#7d6bb3", "#a0a43a", "#8a8a8a"]
ID_ROLE = Qt.ItemDataRole.UserRole
# Off by default: a streak counter nudges people who write about burnout to write every day.
STREAK_SETTING = SHOW_STREAK.key


class PatternsView(QWidget):
    computed = Signal(object)  # the Patterns result
    drilled = Signal(list)  # entry ids shown in the drill-down list

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.data: Patterns | None = None
        self.options = PatternOptions()
        self._task = None
        self._generation = 0
        self.events = operations.listen(self, self._journal_changed)
        self._build()
        self.catch_up = operations.WhenShown(self, self.refresh)
        self.refresh()

    @property
    def stale(self) -> bool:
        """The journal changed since the figures were worked out; they follow when shown."""
        return self.catch_up.pending

    def _journal_changed(self, changes: operations.Changes, _initiator: object) -> None:
        """Recompute now if the page is on screen, else when it is next shown."""
        if changes.touches_entries or changes.tags or changes.actions:
            self.catch_up.request()
        elif changes.settings:  # the care note switched on or off (View menu, its own button)
            self.care_note.refresh()

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.use_since = QCheckBox("From")
        self.since = DatePicker(
            QDate.currentDate().addMonths(-6),
        )
        self.until = DatePicker(
            QDate.currentDate(),
        )
        self.use_until = QCheckBox("to")
        self.use_since.setAccessibleName("Only entries from a date")
        self.since.setAccessibleName("From date")
        self.use_until.setAccessibleName("Only entries up to a date")
        self.until.setAccessibleName("To date")
        self.framework = QComboBox()
        self.framework.addItem("All frameworks", None)
        for fw in self.workspace.frameworks.list():
            self.framework.addItem(fw.name, fw.slug)
        # Long framework names ("NHS Healthcare Leadership Model") must not widen the window
        # past a 1024-pixel screen; the list still opens wide enough to read them.
        self.framework.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.framework.setMinimumContentsLength(14)
        self.framework.view().setMinimumWidth(self.framework.view().sizeHintForColumn(0) + 24)
        self.framework.setAccessibleName("Framework")
        self.unit = QComboBox()
        self.unit.setAccessibleName("Themes by week or by month")
        self.unit.addItem("By week", "week")
        self.unit.addItem("By month", "month")
        refresh = QPushButton("Refresh")
        review = QPushButton("Weekly review…")
        pdf = QPushButton("Export PDF…")
        # Review and export sit on the summary line: one row of every control was wider
        # than a 1024-pixel screen.
        for w in (self.use_since, self.since, self.use_until, self.until, self.framework,
                  self.unit, refresh):  # fmt: skip
            bar.addWidget(w)
        bar.addStretch(1)
        outer.addLayout(bar)
        self.summary = QLabel("Working out your patterns…")
        self.summary.setWordWrap(True)
        self.show_streak = QCheckBox("Show writing streak")
        self.show_streak.setChecked(self.workspace.setting(STREAK_SETTING) == "1")
        # WCAG 1.1.1: every chart has a table of the same numbers, reached by keyboard.
        self.as_tables = QCheckBox("Show as tables")
        self.as_tables.setToolTip("The numbers behind each chart, as tables (Alt+T)")
        self.as_tables.setShortcut("Alt+T")
        line = QHBoxLayout()
        line.addWidget(self.summary, 1)
        line.addWidget(self.show_streak)
        line.addWidget(self.as_tables)
        line.addWidget(review)
        line.addWidget(pdf)
        outer.addLayout(line)
        from reflectjournal.gui.care_note import CareNoteBanner  # coaching's care for the carer

        self.care_note = CareNoteBanner(self.workspace)
        outer.addWidget(self.care_note)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.board = QWidget()
        grid = QGridLayout(self.board)
        self.timeline_view = self._chart_view()
        self.mood_view = self._chart_view()
        self.ratings_view = self._chart_view()
        self.heat = QTableWidget()
        self.heat.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.calendar = CalendarHeatMap()
        self.neglected = QListWidget()
        self.themes = QListWidget()
        self.neglected.setAccessibleName("Not reflected on lately")
        self.themes.setAccessibleName("Rising themes, gaps and mood by theme")
        self.tables: dict[str, QTableView] = {}
        self._stacks: list[QStackedWidget] = []
        self._save_buttons: list[QPushButton] = []  # they save a chart: hidden with it
        for widget in (self.neglected, self.themes):
            widget.setWordWrap(True)
        cards = [
            ("Themes over time", self.timeline_view, 0, 0, 1, 2),
            ("Mood and energy (weekly, with 4-week rolling mean)", self.mood_view, 1, 0, 1, 1),
            ("Which themes appear together", self.heat, 1, 1, 1, 1),
            ("Days written", self.calendar, 2, 0, 1, 1),
            ("Capability self-ratings", self.ratings_view, 2, 1, 1, 1),
            ("Rising themes, gaps and mood by theme", self.themes, 3, 0, 1, 1),
            ("Not reflected on lately", self.neglected, 3, 1, 1, 1),
        ]
        self.grid = grid
        alternatives = {
            self.timeline_view: "timeline",
            self.mood_view: "mood",
            self.heat: "together",
            self.calendar: "days",
            self.ratings_view: "ratings",
        }
        self.cards = [
            (self._card(title, widget, alternatives.get(widget)), row, col, cols)
            for title, widget, row, col, _rows, cols in cards
        ]
        self.columns = 0
        self._arrange(2)
        scroll = QScrollArea()
        scroll.setAccessibleName("Charts")
        self.scroll = scroll
        scroll.viewport().installEventFilter(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.board)
        split.addWidget(scroll)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        self.drill_label = QLabel("Click a bar, cell, day or row to see its entries.")
        self.drill_label.setWordWrap(True)
        self.drill_list = QListWidget()
        self.drill_list.setWordWrap(True)
        self.drill_list.setAccessibleName("Entries behind the figure you chose")
        self.drill_list.setAccessibleDescription("Enter opens an entry in the Journal page.")
        side_layout.addWidget(self.drill_label)
        side_layout.addWidget(self.drill_list)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([1100, 320])
        outer.addWidget(split, 1)
        for combo in (self.framework, self.unit):
            label_combo(combo)  # what they are for, to a screen reader on Linux

        refresh.clicked.connect(self.refresh)
        for signal in (self.framework.currentIndexChanged, self.use_since.toggled,
                       self.use_until.toggled):  # fmt: skip
            signal.connect(self.refresh)
        self.since.dateChanged.connect(lambda _: self.use_since.isChecked() and self.refresh())
        self.until.dateChanged.connect(lambda _: self.use_until.isChecked() and self.refresh())
        self.unit.currentIndexChanged.connect(lambda _: self._draw_timeline())
        review.clicked.connect(self.weekly_review)
        self.show_streak.toggled.connect(self._streak_toggled)
        pdf.clicked.connect(lambda: self._ask_path("PDF", self.export_pdf))
        self.heat.cellClicked.connect(self._heat_clicked)
        self.heat.cellActivated.connect(self._heat_clicked)  # Enter, from the keyboard
        self.calendar.day_clicked.connect(lambda day: self.drill(f"Entries on {day}", day=day))
        for chosen in (self.themes.itemClicked, self.themes.itemActivated,
                       self.neglected.itemClicked, self.neglected.itemActivated):  # fmt: skip
            chosen.connect(self._list_clicked)
        # Enter opens the entry as a double-click does (itemActivated is both).
        self.drill_list.itemActivated.connect(
            lambda item: item.data(ID_ROLE) and self.events.open_entry(item.data(ID_ROLE))
        )
        self.as_tables.toggled.connect(self._show_tables)
        for table in self.tables.values():
            table.activated.connect(self._table_activated)

    def _arrange(self, columns: int) -> None:
        """Two columns of cards, or one when the page is narrow (a 1024-pixel screen left the
        second column clipped, legends and labels cut off, behind a sideways scroll bar)."""
        if columns == self.columns:
            return
        self.columns = columns
        for card, *_ in self.cards:
            self.grid.removeWidget(card)
        for number, (card, row, col, cols) in enumerate(self.cards):
            if columns == 2:
                self.grid.addWidget(card, row, col, 1, cols)
            else:
                self.grid.addWidget(card, number, 0, 1, 1)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and hasattr(self, "scroll"):
            if watched is self.scroll.viewport():
                self._arrange(1 if self.scroll.viewport().width() < ONE_COLUMN_BELOW else 2)
        return False

    def _chart_view(self) -> QChartView:
        view = QChartView(QChart())
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(240)
        return view

    def _card(self, title: str, widget: QWidget, alternative: str | None = None) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        widget.setAccessibleName(title)
        if isinstance(widget, QChartView):
            widget.viewport().setAccessibleName(title)
        if alternative is None:
            layout.addWidget(widget)
        else:
            widget.setAccessibleDescription(
                "A picture of the numbers; tick Show as tables (Alt+T) to read them as a table."
            )
            stack = QStackedWidget()
            stack.addWidget(widget)
            self.tables[alternative] = table_view(title)
            stack.addWidget(self.tables[alternative])
            self._stacks.append(stack)
            layout.addWidget(stack)
        if isinstance(widget, QChartView):
            save = QPushButton("Save as PNG…")
            save.setAccessibleName(f"Save {title} as PNG")
            self._save_buttons.append(save)
            save.clicked.connect(
                lambda: self._ask_path("PNG", lambda p: self.export_png(widget, p))
            )
            layout.addWidget(save, alignment=Qt.AlignmentFlag.AlignRight)
        return box

    # ---- computing -------------------------------------------------------------------------

    def current_options(self) -> PatternOptions:
        since = self.since.date().toString("yyyy-MM-dd") if self.use_since.isChecked() else None
        until = self.until.date().toString("yyyy-MM-dd") if self.use_until.isChecked() else None
        return PatternOptions(
            since=range_start(since), until=range_end(until), framework=self.framework.currentData()
        )

    def refresh(self) -> None:
        self.options = self.current_options()
        options, patterns = self.options, self.workspace.patterns
        self.summary.setText("Working out your patterns…")
        self.care_note.refresh()
        self._generation += 1
        generation = self._generation

        def work(_ctx):
            try:
                return patterns.compute(options)
            except ReflectJournalError:
                raise
            except Exception as exc:  # the traceback goes to the log; the user gets a sentence
                log.exception("patterns failed")
                raise ReflectJournalError("The patterns could not be worked out.") from exc

        self._task = run_task(
            work,
            self,
            on_finished=lambda data: self._on_result(generation, data),
            on_failed=lambda message: self._on_failed(generation, message),
        )

    def _on_result(self, generation: int, data: Patterns) -> None:
        if generation == self._generation:  # an older range's answer is stale
            self._show(data)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.summary.setText(message)

    def changeEvent(self, event) -> None:
        # Light/dark switched while the page is open: draw the charts again in the new look.
        if event.type() == QEvent.Type.PaletteChange and self.data:
            self._draw_charts()
        super().changeEvent(event)

    def _show(self, data: Patterns) -> None:
        self.data = data
        if data.total_entries:
            self.summary.setText(self._summary_text(data))
        else:
            self.summary.setText("No entries in this range yet, so there are no patterns.")
        self._draw_charts()
        self.calendar.set_data(data.calendar, self._calendar_end(data))
        fill(
            self.tables["days"],
            days_table(self.calendar.counts, self.calendar.end, CALENDAR_WEEKS),
        )
        self._fill_lists()
        self.computed.emit(data)

    def _summary_text(self, data: Patterns) -> str:
        s, a = data.streaks, data.actions
        month = s.days_this_month
        parts = [
            f"{plural(data.total_entries, 'entry')} from {date_text(data.first)} "
            f"to {date_text(data.last)}",
            f"{plural(month, 'day')} written this month",
        ]
        if self.show_streak.isChecked():
            parts.append(f"streak {plural(s.current, 'day')} (longest {s.longest})")
        parts.append(f"actions: {a.open} open, {a.overdue} overdue, {a.done} done")
        return " · ".join(parts)

    def _streak_toggled(self, on: bool) -> None:
        self.workspace.set_setting(STREAK_SETTING, "1" if on else "0")
        if self.data is not None and self.data.total_entries:
            self.summary.setText(self._summary_text(self.data))

    @staticmethod
    def _calendar_end(data: Patterns) -> date:
        """The reference day, unless nothing was written in the weeks before it: then the last
        day written, so a journal resumed after a long pause still shows its last half-year."""
        asof = date.fromisoformat(data.settings.asof)
        last = date.fromisoformat(data.last) if data.last else asof
        return asof if last > asof - timedelta(weeks=CALENDAR_WEEKS) else last

    def _draw_charts(self) -> None:
        self._draw_timeline()
        self._draw_mood()
        self._draw_heat()
        self._draw_ratings()

    # ---- charts ----------------------------------------------------------------------------

    def _draw_timeline(self) -> None:
        if self.data is None:
            return
        unit = self.unit.currentData()
        # Every week (or month) from the first to the last, the empty ones too: a quiet month
        # shows as a gap rather than vanishing from the axis. The table reads the same grid.
        periods, top_named, counts = timeline_grid(self.data, unit)
        top = [slug for slug, _name in top_named]
        fill(self.tables["timeline"], timeline_table(self.data, unit))
        chart = themed_chart()
        series = QStackedBarSeries()
        names = {t.slug: t.name for t in self.data.tags}
        for index, slug in enumerate(top):
            bar_set = QBarSet(names.get(slug, slug))
            bar_set.setColor(QColor(PALETTE[index % len(PALETTE)]))
            bar_set.append([float(counts.get((p, slug), 0)) for p in periods])
            bar_set.clicked.connect(
                lambda i, slug=slug, periods=periods: self.drill(
                    f"{names.get(slug, slug)} in {periods[i]}", tag=slug, period=periods[i]
                )
            )
            series.append(bar_set)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        # Short labels ("W48", "2026-11") so a half-year of weeks still fits under the bars.
        axis_x.append([p.split("-")[1] if unit == "week" else p for p in periods] or [""])
        axis_x.setLabelsAngle(-90)
        # Upright labels fit a narrow bar; Qt would otherwise elide them to "…" at once.
        axis_x.setTruncateLabels(False)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setLabelFormat("%d")
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        axis_y.applyNiceNumbers()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        chart.legend().setShowToolTips(True)  # a long theme name is elided; hover shows it
        chart.setMargins(QMarginsF(4, 4, 4, 4).toMargins())
        swap_chart(self.timeline_view, chart)
        self.timeline_series = series

    def _draw_mood(self) -> None:
        if self.data is None:
            return
        fill(self.tables["mood"], mood_table(self.data))
        chart = themed_chart()
        weeks = sorted({m.period for m in self.data.mood_weeks + self.data.energy_weeks})
        for label, key, color in (("Mood", "mood_weeks", PALETTE[0]),
                                  ("Energy", "energy_weeks", PALETTE[1])):  # fmt: skip
            raw, rolling = QLineSeries(), QLineSeries()
            # Short names: four of them share one line under a half-width chart.
            raw.setName(label)
            rolling.setName(f"{label} avg")
            # A line needs two weeks: each week is also drawn as a dot, so one week of
            # ratings shows (it was a blank chart).
            raw.setPointsVisible(True)
            for m in self.data.series(key):
                x = msecs(_monday(m.period))
                raw.append(x, m.mean)
                rolling.append(x, m.rolling)
            pen = raw.pen()
            pen.setColor(QColor(color).lighter(150))
            raw.setPen(pen)
            pen = rolling.pen()
            pen.setColor(QColor(color))
            pen.setWidth(3)
            rolling.setPen(pen)
            chart.addSeries(raw)
            chart.addSeries(rolling)
        span = (_monday(weeks[-1]) - _monday(weeks[0])).days if weeks else 0
        title = f"weeks {weeks[0]} to {weeks[-1]}" if weeks else ""
        date_and_scale_axes(chart, title, span)
        if len(weeks) == 1:
            # One week: the axis spans that week, and the chart says why there is no line.
            monday = _monday(weeks[0])
            axis = chart.axes(Qt.Orientation.Horizontal)[0]
            axis.setRange(
                QDateTime(QDate(monday.year, monday.month, monday.day).addDays(-3), QTime(0, 0)),
                QDateTime(QDate(monday.year, monday.month, monday.day).addDays(10), QTime(0, 0)),
            )
            chart.setTitle(one_week_title(weeks[0], self.data))
        if not weeks:
            chart.setTitle("No mood or energy recorded in this range yet.")
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        swap_chart(self.mood_view, chart)

    def _draw_ratings(self) -> None:
        if self.data is None:
            return
        fill(self.tables["ratings"], ratings_table(self.data))
        chart = themed_chart()
        days = sorted({p.date for s in self.data.ratings for p in s.points})
        for n, item in enumerate(self.data.ratings):
            line = QLineSeries()
            line.setName(item.name)
            line.setPointsVisible(True)
            line.setColor(QColor(PALETTE[n % len(PALETTE)]))
            for p in item.points:
                line.append(msecs(date.fromisoformat(p.date)), p.value)
            chart.addSeries(line)
        span = (date.fromisoformat(days[-1]) - date.fromisoformat(days[0])).days if days else 0
        # Three dates: the legend beside it leaves the plot narrow.
        date_and_scale_axes(chart, "", span, ticks=3)
        if not days:
            chart.setTitle("No self-ratings yet: rate a capability on the Frameworks page.")
        # One capability per line at the side: names are long and there may be many.
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        chart.legend().setShowToolTips(True)
        swap_chart(self.ratings_view, chart)

    def _draw_heat(self) -> None:
        if self.data is None:
            return
        fill(self.tables["together"], together_table(self.data))
        top, together = heat_pairs(self.data)
        pairs = {(c.a, c.b): c.count for c in self.data.cooccurrence}
        peak = max(pairs.values(), default=1)
        self.heat.clear()
        self.heat.setRowCount(len(top))
        self.heat.setColumnCount(len(top))
        # Numbered columns: full names only fit down the side.
        self.heat.setHorizontalHeaderLabels([str(i + 1) for i in range(len(top))])
        self.heat.setVerticalHeaderLabels(
            [f"{i + 1}  {s.replace('-', ' ')}" for i, s in enumerate(top)]
        )
        # A screen reader hears the theme, not "3", and what a cell means, not "2".
        names = {t.slug: t.name for t in self.data.tags}
        spoken = Qt.ItemDataRole.AccessibleTextRole
        for i, slug in enumerate(top):
            header = self.heat.horizontalHeaderItem(i)
            if header is not None:
                header.setData(spoken, names.get(slug, slug))
        for r, a in enumerate(top):
            for c, b in enumerate(top):
                n = together.get((a, b), together.get((b, a), 0))
                item = QTableWidgetItem(str(n) if n else "")
                if a != b:
                    item.setData(
                        spoken,
                        f"{names.get(a, a)} with {names.get(b, b)}: {plural(n, 'entry')} together",
                    )
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(ID_ROLE, (a, b))
                if n:  # the more often together, the deeper the blue; never: the plain cell
                    item.setBackground(QColor(PALETTE[0]).lighter(int(200 - 100 * n / peak)))
                    item.setForeground(QColor("#000000" if n < peak / 2 else "#ffffff"))
                self.heat.setItem(r, c, item)
        self.heat.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _fill_lists(self) -> None:
        self.themes.clear()
        if self.data is None:
            return
        for t in self.data.tags:
            if t.trend != "steady":
                arrow = "↑" if t.trend == "rising" else "↓"
                self._list_item(
                    self.themes,
                    f"{arrow} {t.name}: {t.recent} in the last "
                    f"{plural(self.data.settings.window_days, 'day')}, {t.previous} before",
                    t.slug,
                )
        for gap in self.data.gaps[:8]:
            self._list_item(self.themes, gap.message, gap.tag)
        for measure in ("mood", "energy"):
            # Only differences whose interval leaves out zero, strongest evidence first.
            for a in [a for a in self.data.by_tag(measure) if a.clear][:3]:
                self._list_item(self.themes, a.message, a.slug)
        if not self.themes.count():
            self.themes.addItem(
                "Nothing is clearly rising or falling yet, and no pairing or mood difference "
                "stands out from chance."
            )
        self.neglected.clear()
        if self.data.neglect_note:
            self.neglected.addItem(self.data.neglect_note)
        for n in self.data.neglected_detail:
            when = f"last on {long_date(date.fromisoformat(n.last))}" if n.last else "never yet"
            self._list_item(self.neglected, f"{n.name} — {when}", n.slug)

    @staticmethod
    def _list_item(widget: QListWidget, text: str, slug: str) -> None:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, slug)
        widget.addItem(item)

    # ---- drill-down ------------------------------------------------------------------------

    def drill(self, title: str, **criteria) -> list[int]:
        ids = self.workspace.patterns.entry_ids(self.options, **criteria)
        self.drill_label.setText(f"{title}: {plural(len(ids), 'entry')}")
        self.drill_list.clear()
        titles = self._titles(ids)
        for entry_id in ids:
            day, title_text = titles.get(entry_id, ("", ""))
            item = QListWidgetItem(f"{date_text(day)}  {title_text}")
            item.setData(ID_ROLE, entry_id)
            self.drill_list.addItem(item)
        self.drilled.emit(ids)
        return ids

    def _titles(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        return self.workspace.journal.days_and_titles(ids)

    def _heat_clicked(self, row: int, column: int) -> None:
        item = self.heat.item(row, column)
        if item is None or not item.text():
            return
        a, b = item.data(ID_ROLE)
        self.drill(f"{a} with {b}", tag=a, with_tag=b)

    def _show_tables(self, on: bool) -> None:
        for stack in self._stacks:
            stack.setCurrentIndex(1 if on else 0)
        for save in self._save_buttons:
            save.setVisible(not on)

    def _table_activated(self, index) -> None:
        found = index.data(DRILL_ROLE)
        if found:
            title, criteria = found
            self.drill(title, **criteria)
            self.drill_list.setFocus()
            if self.drill_list.count():
                self.drill_list.setCurrentRow(0)

    def _list_clicked(self, item: QListWidgetItem) -> None:
        slug = item.data(ID_ROLE)
        if slug:
            self.drill(f"Entries tagged {slug}", tag=slug)

    # ---- export and the weekly review -----------------------------------------------------

    def _ask_path(self, kind: str, action) -> None:
        suffix = kind.lower()
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Save as {kind}",
            str(start_in("export") / dated_name("patterns", f".{suffix}")),
            f"{kind} (*.{suffix})",
        )
        if path:
            try:
                action(Path(path))
            except OSError as exc:
                QMessageBox.warning(self, "Not saved", f"The file could not be written: {exc}.")

    @staticmethod
    def export_png(view: QWidget, path: Path) -> None:
        if not view.grab().save(str(path), "PNG"):
            raise OSError(f"Qt could not write {path}")

    def export_pdf(self, path: Path) -> None:
        """The dashboard as it looks now, scaled to fit an A4 landscape page."""
        writer = QPdfWriter(str(path))
        writer.setTitle("ReflectJournal patterns")
        writer.setCreator("ReflectJournal")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(12, 12, 12, 12),
                QPageLayout.Unit.Millimeter,
            )
        )
        image = self._grab_for_paper()
        painter = QPainter(writer)
        page = writer.pageLayout().paintRectPixels(writer.resolution())
        painter.drawText(0, 0, page.width(), 200, Qt.AlignmentFlag.AlignLeft, self.summary.text())
        scale = min(page.width() / image.width(), (page.height() - 260) / image.height())
        target = QRectF(0, 260, image.width() * scale, image.height() * scale)
        painter.drawPixmap(target, image, QRectF(image.rect()))
        painter.end()

    def _grab_for_paper(self) -> QPixmap:
        """The dashboard in its light look, whatever the app's theme: it is going on paper.

        Under the app's style sheet a new palette reaches widgets when they are polished
        again, so the light palette goes in with the same style sheet re-applied, and the dark
        one comes back the same way. All of it happens before the event loop runs again, so
        the screen never shows the light look.
        """
        app = QApplication.instance()
        if not is_dark(app):
            return self.board.grab()
        dark, sheet = app.palette(), app.styleSheet()
        app.setPalette(light_palette())
        app.setStyleSheet(sheet)
        try:
            self._draw_charts()
            return self.board.grab()
        finally:
            app.setPalette(dark)
            app.setStyleSheet(sheet)
            self._draw_charts()

    def weekly_review(self) -> int | None:
        """Turn the last seven days into a new reflection the leader can then edit."""
        review = self.workspace.review.build()
        answer = QMessageBox.question(
            self,
            "Weekly review",
            f"Save “{review.title}” as a new reflection? You can edit it afterwards.\n\n"
            f"{plural(len(review.entries), 'entry')}, {plural(len(review.themes), 'theme')}, "
            f"{plural(len(review.open_actions), 'open action')}.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        entry_id = operations.perform(
            self.events,
            lambda: self.workspace.journal.add(review.markdown, title=review.title),
            lambda new_id: operations.Changes.entry_added(new_id),
            initiator=self,
            on_error=self.summary.setText,
        )
        if entry_id is not None:
            self.events.open_entry(entry_id)  # the draft opens in the Journal page
        return entry_id


ONE_COLUMN_BELOW = 760  # pixels of room for the cards


def one_week_title(week: str, data) -> str:
    """What a chart of one week can honestly say, instead of a blank plot."""
    parts = []
    for label, key in (("mood", "mood_weeks"), ("energy", "energy_weeks")):
        found = [m for m in data.series(key) if m.period == week]
        if found:
            parts.append(f"{label} {found[0].mean:.1f}")
    said = " and ".join(parts)
    return (
        f"All ratings so far fall in one week (week of {date_text(_monday(week))}: {said}). "
        "A line, and the 4-week average, appear from the second week."
    )


def _monday(week: str) -> date:
    """The Monday of an ISO week written ``2026-W48``."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)
