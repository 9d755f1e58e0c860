"""Names Qt does not carry to a screen reader by itself (WCAG 4.1.2).

A QCalendarWidget's day grid is a private table with no accessible name, so a screen reader
announced "table" and nothing else. On Linux a combo box's accessible name is its current item
and ``setAccessibleName`` is dropped (Qt's QAccessibleComboBox::text: "on Linux we use
relations for this"); what the box is for reaches Orca only from a label whose buddy it is.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCalendarWidget, QComboBox, QLabel, QTableView


def name_calendar(calendar: QCalendarWidget, name: str) -> None:
    """Give the calendar's day grid (and the calendar) ``name``."""
    calendar.setAccessibleName(name)
    grid = calendar.findChild(QTableView, "qt_calendar_calendarview")
    if grid is not None:
        grid.setAccessibleName(name)


def label_combo(combo: QComboBox) -> QLabel:
    """A hidden label for a combo box that has no visible one, saying what its accessible
    name says. Call it once the box is in its layout: Qt looks for the label among the box's
    siblings."""
    label = QLabel(combo.accessibleName(), combo.parentWidget())
    label.setBuddy(combo)
    label.hide()
    return label
