"""Care for the carer on the owner's Patterns page: shown when mood stays low, switchable off."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


from datetime import datetime

from reflectjournal.gui.care_note import CareNoteBanner


def _low_week(workspace) -> None:
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        workspace.journal.add(
            "Tired.", when=datetime.fromisoformat(f"{day}T21:00").astimezone(), energy=1
        )


def test_banner_shows_only_when_low_and_switches_off(qtbot, workspace):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    page = QWidget()
    qtbot.addWidget(page)
    banner = CareNoteBanner(workspace)
    QVBoxLayout(page).addWidget(banner)
    page.show()
    assert not banner.isVisible()
    _low_week(workspace)
    banner.refresh()
    qtbot.waitUntil(banner.isVisible)
    assert "Your energy has been at 1 or 2" in banner.text.text()
    assert "NHS Practitioner Health" in banner.text.text()
    banner.hide_button.click()
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert workspace.setting("wellbeing.care_note") == "off"
    banner.switch_on()
    assert banner.isVisible()


def test_view_menu_switch_reaches_the_patterns_page(qtbot, window, workspace):
    _low_week(workspace)
    window.nav.setCurrentRow(next(i for i, v in enumerate(window_views()) if v.key == "patterns"))
    patterns = window.pages["patterns"]
    qtbot.waitUntil(patterns.care_note.isVisible)
    window.care_note_action.trigger()  # checked -> unchecked
    qtbot.waitUntil(lambda: not patterns.care_note.isVisible())
    assert workspace.setting("wellbeing.care_note") == "off"
    window.care_note_action.trigger()
    qtbot.waitUntil(patterns.care_note.isVisible)


def window_views():
    from reflectjournal.gui import views

    return views.VIEWS
