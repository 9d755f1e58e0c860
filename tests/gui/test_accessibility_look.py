"""Issue 18 item 7, after looking at every page and dialog (scripts/look_at_pages.py):
what a user would have seen as wrong."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QPoint, Qt

from reflectjournal.gui.calendar_nav import CalendarDialog
from reflectjournal.gui.date_fields import OptionalDatePicker

LONG = (
    "One side room, two patients who both needed it. We chose on infection risk and wrote "
    "down why. Still sitting with the family's face when we told them, and with the question "
    "of who decides when nobody is sure."
)


def test_the_calendar_list_ends_an_excerpt_between_words_with_an_ellipsis(qtbot, workspace):
    when = datetime(2026, 11, 22, 20, 0).astimezone()
    workspace.journal.add(LONG, title="Ethics of the side room", when=when)
    dialog = CalendarDialog(workspace.journal, today=date(2026, 11, 22))
    qtbot.addWidget(dialog)
    title, excerpt = dialog.list.item(0).text().split("\n")
    assert title == "Ethics of the side room"
    assert excerpt.endswith(" …") and len(excerpt) <= 120
    # Every word shown is a whole word of the entry (it was cut at "with the fa").
    assert set(excerpt.removesuffix(" …").split()) <= set(LONG.split())


def test_a_no_date_picker_opens_on_this_month(qtbot):
    picker = OptionalDatePicker(None)
    qtbot.addWidget(picker)
    picker.resize(200, 30)
    picker.show()
    assert picker.iso() is None and picker.text() == "No date"
    arrow = QPoint(picker.width() - 8, picker.height() // 2)
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=arrow)
    calendar = picker.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    assert picker.iso() is None  # opening the calendar chose nothing
    calendar.window().hide()


def _luminance(colour) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG 2.2's contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_is_at_least_4_5_to_1_in_light_and_dark(qapp):
    """WCAG 1.4.3, in both palettes: text, placeholders, greyed hints, selected items."""
    from PySide6.QtGui import QColor, QPalette

    from reflectjournal.gui import theme

    R, G = QPalette.ColorRole, QPalette.ColorGroup
    for name, palette, hint in (
        ("light", theme.light_palette(), theme.LIGHT_ONLY),
        ("dark", theme._dark_palette(), theme.DARK_ONLY),
    ):
        pairs = {
            "text": (palette.color(R.Text), palette.color(R.Base)),
            "window text": (palette.color(R.WindowText), palette.color(R.Window)),
            "placeholder": (palette.color(R.PlaceholderText), palette.color(R.Base)),
            "greyed hint": (palette.color(G.Disabled, R.WindowText), palette.color(R.Window)),
            "selection": (palette.color(R.HighlightedText), palette.color(R.Highlight)),
            "privacy hint": (QColor(hint.split("color: ")[1][:7]), palette.color(R.Window)),
        }
        for what, (fg, bg) in pairs.items():
            assert contrast(fg, bg) >= 4.5, f"{name} {what}: {contrast(fg, bg):.2f}"
        # A disabled control looks unavailable: its text is not the enabled colour.
        assert palette.color(G.Disabled, R.ButtonText) != palette.color(R.ButtonText), name


def test_alt_down_opens_a_date_pickers_calendar_from_the_keyboard(qtbot):
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.date_fields import DatePicker

    for picker in (OptionalDatePicker(None), DatePicker(QDate(2026, 3, 14))):
        qtbot.addWidget(picker)
        picker.resize(200, 30)
        picker.show()
        picker.setFocus()
        qtbot.keyClick(picker, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        calendar = picker.calendarWidget()
        qtbot.waitUntil(calendar.isVisible)
        if isinstance(picker, OptionalDatePicker):
            assert picker.iso() is None  # opening it chose nothing
        else:
            assert (calendar.yearShown(), calendar.monthShown()) == (2026, 3)
            # Arrows move the day, Enter takes it.
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
            qtbot.waitUntil(lambda p=picker: not p.calendarWidget().isVisible())
            assert picker.date() == QDate(2026, 3, 15)
        calendar.window().hide()
