"""Names for the parts of Qt's own compound widgets that come without one (WCAG 4.1.2).

A QCalendarWidget's day grid is a private table with no accessible name, so a screen reader
announces "table" and nothing else; its month and year buttons are named by Qt already.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCalendarWidget, QTableView


def name_calendar(calendar: QCalendarWidget, name: str) -> None:
    """Give the calendar's day grid (and the calendar) ``name``."""
    calendar.setAccessibleName(name)
    grid = calendar.findChild(QTableView, "qt_calendar_calendarview")
    if grid is not None:
        grid.setAccessibleName(name)
