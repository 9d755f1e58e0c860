"""Date pickers in the one date style ("30 Nov 2026"), including a date that may be left
empty (an action with no due date). Free-text dates headed "YYYY-MM-DD" are gone."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QStyle, QStyleOptionComboBox, QWidget

from reflectjournal.gui.accessible import name_calendar

DISPLAY_FORMAT = "d MMM yyyy"  # services/display.py's date_text, in Qt's words
NO_DATE = QDate(2000, 1, 1)  # the picker's lowest day stands for "no date"


class DatePicker(QDateEdit):
    """A calendar pop-up in the one date style; one Tab stop, like the editor's date."""

    def __init__(self, day: QDate | None = None, parent: QWidget | None = None):
        super().__init__(day or QDate.currentDate(), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DISPLAY_FORMAT)
        name_calendar(self.calendarWidget(), "Choose a date")
        self.setToolTip("Type the date, or Alt+Down for a calendar")

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)

    def keyPressEvent(self, event) -> None:
        # Alt+Down or F4 opens the calendar, as on a combo box: Qt opens a date edit's
        # calendar only from the mouse (its keyboard route exists only on keypad devices).
        alt_down = event.key() == Qt.Key.Key_Down and (
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """Press the drop-down arrow, the one way Qt opens the calendar pop-up."""
        option = QStyleOptionComboBox()
        option.initFrom(self)
        option.editable = True
        option.subControls = QStyle.SubControl.SC_All
        arrow = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, self
        )
        at = QPointF(arrow.center())
        for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            click = QMouseEvent(
                kind,
                at,
                self.mapToGlobal(at),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(self, click)


class OptionalDatePicker(DatePicker):
    """A date that may be left out: "No date" until one is picked (Delete clears it)."""

    def __init__(self, value: str | None = None, parent: QWidget | None = None):
        super().__init__(None, parent)
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("No date")
        self.set_iso(value)
        self.calendarWidget().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # "No date" is the picker's lowest day (1 Jan 2000): the calendar opens on this
        # month instead, where the date someone wants almost always is.
        if event.type() == QEvent.Type.Show and watched is self.calendarWidget():
            if self.date() == NO_DATE:
                today = QDate.currentDate()
                self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)

    def set_iso(self, value: str | None) -> None:
        try:
            day = date.fromisoformat(value) if value else None
        except ValueError:
            day = None
        if day is None:
            self.setDate(NO_DATE)
        else:
            self.setDate(QDate(day.year, day.month, day.day))

    def iso(self) -> str | None:
        """The chosen day as ISO text, or None for "No date"."""
        if self.date() == NO_DATE:
            return None
        return self.date().toString("yyyy-MM-dd")

    def keyPressEvent(self, event) -> None:
        from PySide6.QtCore import Qt

        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.date() != NO_DATE:
            if (
                self.currentSection() == QDateEdit.Section.NoSection
                or event.key() == Qt.Key.Key_Delete
            ):
                self.set_iso(None)
                return
        super().keyPressEvent(event)
