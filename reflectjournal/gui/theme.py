"""Fusion style with a palette that follows the system's light or dark scheme."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reflectjournal.gui import plain_text

# Visibility colours, chosen to read on both light and dark backgrounds.
VISIBILITY_COLOURS = {"private": "#6b7280", "mentor": "#2f80ed", "coach": "#27ae60"}
MOOD_COLOURS = {1: "#d64545", 2: "#e8833a", 3: "#d4b106", 4: "#7bb342", 5: "#2e9e5b"}


# Palette-relative, so the same rules serve light and dark.
STYLE = """
QPushButton#chip { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 10px;
                   background: palette(button); }
QPushButton#chip:hover { border-color: palette(highlight); }
QListWidget#nav { border: none; background: palette(window); font-size: 11pt; }
QListWidget#nav::item { padding: 8px 12px; border-radius: 6px; margin: 2px 6px; }
QListWidget#nav::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QLabel#warning { padding: 8px; border: 1px solid #e8833a; border-radius: 6px; }
QFrame#reminderBanner { border: 1px solid palette(highlight); border-radius: 6px; margin: 2px 8px 4px 8px;
                        background: palette(base); }
QLabel#privacyHint { padding: 0 8px; }
QLabel#commentsHeading { padding: 2px 0; }
"""


# The privacy hint's orange at 4.5:1 or more on each background (WCAG 1.4.3): the lighter
# orange that reads on dark was 2.7:1 on the light window.
LIGHT_ONLY = "QLabel#privacyHint { color: #a4520f; }\n"
DARK_ONLY = "QLabel#privacyHint { color: #d9822b; }\n"
# Greyed text (disabled controls, and hints drawn as disabled labels) at 4.5:1 on the window.
LIGHT_DISABLED = "#6b7078"
DARK_DISABLED = "#8f949c"


def is_dark(app: QApplication | None = None) -> bool:
    found = app or QApplication.instance()
    if not isinstance(found, QApplication):  # no GUI application yet: the light default
        return False
    return found.palette().color(QPalette.ColorRole.Window).lightness() < 128


CHOICES = {"system": "&System", "light": "&Light", "dark": "&Dark"}


def stored_choice() -> str:
    """View → Theme: "system" (follow the desktop), "light" or "dark"; kept with the window
    layout on this computer (it says nothing about the journal)."""
    from reflectjournal.gui.main_window import gui_settings

    choice = str(gui_settings().value("appearance/theme", "system"))
    return choice if choice in CHOICES else "system"


def set_choice(app: QApplication, choice: str) -> None:
    from reflectjournal.gui.main_window import gui_settings

    settings = gui_settings()
    settings.setValue("appearance/theme", choice if choice in CHOICES else "system")
    settings.sync()
    apply_theme(app)


def wanted_scheme(app: QApplication) -> str:
    forced = os.environ.get("REFLECTJOURNAL_THEME", "").lower()
    if forced in ("light", "dark"):
        return forced
    chosen = stored_choice()
    if chosen in ("light", "dark"):
        return chosen
    scheme = app.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def apply_theme(app: QApplication, scheme: str | None = None) -> None:
    # Fusion, wrapped so that every label shows plain text unless we opt in (plain_text.py).
    plain_text.install(app, "Fusion")
    app.setPalette(_dark_palette() if (scheme or wanted_scheme(app)) == "dark" else light_palette())
    dark = (scheme or wanted_scheme(app)) == "dark"
    app.setStyleSheet(STYLE + (DARK_ONLY if dark else LIGHT_ONLY))


def follow_system(app: QApplication) -> None:
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    palette = _palette(
        {
            QPalette.ColorRole.Window: "#f4f5f7",
            QPalette.ColorRole.WindowText: "#1f2328",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#f0f2f5",
            QPalette.ColorRole.Text: "#1f2328",
            QPalette.ColorRole.Button: "#eceef1",
            QPalette.ColorRole.ButtonText: "#1f2328",
            QPalette.ColorRole.Highlight: "#2f6fd6",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1f2328",
            QPalette.ColorRole.PlaceholderText: "#6b7078",
            QPalette.ColorRole.Link: "#2f6fd6",
            QPalette.ColorRole.Mid: "#c9ced6",
        }
    )
    return _greyed_when_disabled(palette, LIGHT_DISABLED)


def _greyed_when_disabled(palette: QPalette, grey: str) -> QPalette:
    """Disabled text is greyed, so a dimmed button or hint reads as unavailable (in the light
    palette it was the same black as enabled text)."""
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(grey))
    return palette


def _dark_palette() -> QPalette:
    palette = _palette(
        {
            QPalette.ColorRole.Window: "#202226",
            QPalette.ColorRole.WindowText: "#e6e8eb",
            QPalette.ColorRole.Base: "#17181b",
            QPalette.ColorRole.AlternateBase: "#25272c",
            QPalette.ColorRole.Text: "#e6e8eb",
            QPalette.ColorRole.Button: "#2b2e33",
            QPalette.ColorRole.ButtonText: "#e6e8eb",
            QPalette.ColorRole.Highlight: "#2f6fd6",  # white text on it at 4.8:1
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2b2e33",
            QPalette.ColorRole.ToolTipText: "#e6e8eb",
            QPalette.ColorRole.PlaceholderText: "#7d838c",
            QPalette.ColorRole.Link: "#6ea2ff",
            QPalette.ColorRole.Mid: "#3a3d43",
            QPalette.ColorRole.BrightText: "#ffffff",
        }
    )
    return _greyed_when_disabled(palette, DARK_DISABLED)
