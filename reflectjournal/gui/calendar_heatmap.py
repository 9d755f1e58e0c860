"""Days written as a calendar heat map: one square per day, darker for more entries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from reflectjournal.services.patterns.result import DayCount

WEEKS = 26
# The green of the dashboard's palette (patterns_view.PALETTE[2]).
WRITTEN = "#4c9a6a"


class CalendarHeatMap(QWidget):
    """Days written over the last weeks: one square per day, darker for more entries."""

    day_clicked = Signal(str)
    CELL = 13

    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.end = date.today()
        self.setMinimumSize(WEEKS * self.CELL + 40, 7 * self.CELL + 24)

    def set_data(self, calendar: Iterable[DayCount], end: date) -> None:
        self.counts = {c.day: c.count for c in calendar}
        self.end = end
        self.update()

    def _origin(self) -> date:
        last_monday = self.end - timedelta(days=self.end.weekday())
        return last_monday - timedelta(weeks=WEEKS - 1)

    def _cell(self, day: date) -> QRectF:
        offset = (day - self._origin()).days
        return QRectF(30 + offset // 7 * self.CELL, 18 + offset % 7 * self.CELL, 11, 11)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        origin = self._origin()
        # A day without writing is a faint cell, a little off the background in either theme.
        base = self.palette().color(QPalette.ColorRole.Base)
        empty = base.lighter(170) if base.lightness() < 128 else base.darker(112)
        for label, row in (("Mon", 0), ("Wed", 2), ("Fri", 4)):
            painter.drawText(QRectF(0, 16 + row * self.CELL, 28, 14), label)
        day = origin
        while day <= self.end:
            if day.day == 1:  # month names along the top, above the week they start in
                painter.drawText(QPointF(self._cell(day).left(), 12), f"{day:%b}")
            n = self.counts.get(day.isoformat(), 0)
            shade = empty if not n else QColor(WRITTEN).darker(100 + 25 * min(n, 4))
            painter.fillRect(self._cell(day), shade)
            day += timedelta(days=1)

    def mousePressEvent(self, event) -> None:
        day = self._origin()
        while day <= self.end:
            if self._cell(day).contains(event.position()):
                self.day_clicked.emit(day.isoformat())
                return
            day += timedelta(days=1)
