"""Small pieces the dashboard's line charts share: a real date axis and swapping charts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QValueAxis
from PySide6.QtCore import QDate, QDateTime, Qt, QTime

from reflectjournal.gui.theme import is_dark


def themed_chart() -> QChart:
    """A new chart in the app's light or dark look (set before any series, whose own colours
    are then kept)."""
    chart = QChart()
    if is_dark():
        chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    return chart


def msecs(day: date) -> float:
    """A day as the x value of a point on a date axis (local midnight)."""
    return float(QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0)).toMSecsSinceEpoch())


def date_and_scale_axes(chart: QChart, title: str, days: int, ticks: int = 5) -> None:
    """Dates along the bottom and the 1-5 scale up the side, for every series in ``chart``.

    Tick labels are dates, not point numbers, so gaps in time look like gaps; a short span
    gets day-and-month labels, a long one month-and-year.
    """
    x = QDateTimeAxis()
    x.setFormat("d MMM" if days <= 200 else "MMM yyyy")
    x.setTickCount(ticks)
    x.setTitleText(title)
    y = QValueAxis()
    y.setRange(1, 5)
    y.setTickCount(5)
    y.setLabelFormat("%d")
    chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(x)
        series.attachAxis(y)


def swap_chart(view: QChartView, chart: QChart) -> None:
    old = view.chart()
    view.setChart(chart)
    if old is not None:
        old.deleteLater()
