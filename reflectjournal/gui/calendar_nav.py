"""Finding your way back by date: a calendar whose days with entries stand out and open that
day's entries, and "On this day" (what you wrote on this date in earlier years)."""

from __future__ import annotations

import textwrap
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.gui.accessible import name_calendar
from reflectjournal.services import days
from reflectjournal.services.display import date_text, plural

ROLE = Qt.ItemDataRole.UserRole


EXCERPT_CHARS = 120


def _entry_item(entry: days.DayEntry, with_date: bool = False) -> QListWidgetItem:
    head = f"{date_text(entry.day)}  " if with_date else ""
    # Cut between words with an ellipsis: a word cut short ("with the fa") read as a typo.
    excerpt = textwrap.shorten(entry.excerpt, width=EXCERPT_CHARS, placeholder=" …")
    item = QListWidgetItem(f"{head}{entry.title}\n{excerpt}")
    item.setData(ROLE, entry.id)
    item.setToolTip(entry.title)
    return item


class CalendarDialog(QDialog):
    """Journal → Calendar…: pick a day, see its entries, open one (Enter) or list the day."""

    open_entry = Signal(int)
    show_day = Signal(object)  # a date: filter the Journal list to that day

    def __init__(self, journal, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.journal = journal
        self.setWindowTitle("Calendar")
        self.calendar = QCalendarWidget()
        name_calendar(self.calendar, "Calendar: days in bold have entries")
        self.calendar.setGridVisible(False)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.heading = QLabel()
        self.list = QListWidget()
        self.list.setAccessibleName("Entries of the chosen day")
        self.list.setWordWrap(True)
        self.list_day = QPushButton("Show this day in the list")
        self.list_day.setToolTip("Filter the Journal list to the chosen day")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.list_day, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.calendar.currentPageChanged.connect(self._mark_month)
        self.calendar.selectionChanged.connect(self._show_selected)
        self.calendar.activated.connect(lambda _d: self._open_first())
        self.list.itemActivated.connect(self._open_item)
        self.list_day.clicked.connect(self._list_day)
        start = today or date.today()
        self.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        self._mark_month(start.year, start.month)
        self._show_selected()
        self.resize(420, 560)

    def _mark_month(self, year: int, month: int) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear every mark
        self.counts = days.entries_per_day(self.journal, year, month)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setFontUnderline(True)
        for day, count in self.counts.items():
            mark = QTextCharFormat(bold)
            mark.setToolTip(plural(count, "entry"))
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), mark)

    def selected_day(self) -> date:
        chosen = self.calendar.selectedDate()
        return date(chosen.year(), chosen.month(), chosen.day())

    def _show_selected(self) -> None:
        day = self.selected_day()
        entries = days.entries_on(self.journal, day)
        self.list.clear()
        for entry in entries:
            self.list.addItem(_entry_item(entry))
        self.heading.setText(
            f"{date_text(day)}: {plural(len(entries), 'entry')}"
            if entries
            else f"{date_text(day)}: nothing written that day."
        )
        self.list_day.setEnabled(bool(entries))
        if entries:
            self.list.setCurrentRow(0)

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open_entry.emit(int(item.data(ROLE)))
        self.accept()

    def _open_first(self) -> None:
        item = self.list.item(0)
        if item is not None:
            self._open_item(item)

    def _list_day(self) -> None:
        self.show_day.emit(self.selected_day())
        self.accept()


class OnThisDayDialog(QDialog):
    """Journal → On this day…: entries from this date in earlier years (or months)."""

    open_entry = Signal(int)

    def __init__(self, journal, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.setWindowTitle("On this day")
        today = today or date.today()
        found = days.on_this_day(journal, today)
        self.list = QListWidget()
        self.list.setAccessibleName("Entries written on this day before")
        self.list.setWordWrap(True)
        for group in found:
            header = QListWidgetItem(group.label)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(header)
            for entry in group.entries:
                self.list.addItem(_entry_item(entry, with_date=True))
        note = QLabel(
            f"What you wrote on {today.day} {today:%B} in earlier years."
            if found and "year" in found[0].label
            else f"Nothing from {today.day} {today:%B} in earlier years yet; here is the same "
            "day in earlier months."
            if found
            else f"Nothing written on {today.day} {today:%B} before. Come back as your journal "
            "grows: this shows what you wrote on this date in earlier years."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.list.itemActivated.connect(self._open)
        first = next(
            (i for i in range(self.list.count()) if self.list.item(i).data(ROLE) is not None), None
        )
        if first is not None:
            self.list.setCurrentRow(first)
        self.list.setVisible(bool(found))
        self.resize(460, 420)

    def _open(self, item: QListWidgetItem) -> None:
        if item.data(ROLE) is not None:
            self.open_entry.emit(int(item.data(ROLE)))
            self.accept()
