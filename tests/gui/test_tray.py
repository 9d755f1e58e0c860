"""Reminders and the tray: the daily "time to reflect" (off by default), what is due today at
start-up, and the tray menu. Offscreen there is no system tray, which is the banner path."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtWidgets import QSystemTrayIcon

from reflectjournal.gui.tray import (
    REFLECT_TEXT,
    REMINDER_SETTING,
    DesktopReminders,
    parse_reminder_time,
)


class Clock:
    def __init__(self, moment: datetime):
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


def test_offscreen_has_no_tray_so_reminders_use_the_banner(window):
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    assert window.reminders.tray is None


def test_daily_reminder_is_off_by_default_then_fires_once_a_day(qtbot, window, workspace):
    clock = Clock(datetime(2026, 11, 26, 17, 58))
    reminders = DesktopReminders(window, workspace, clock=clock, tray_available=False)
    assert workspace.setting(REMINDER_SETTING) == "" and reminders.reminder_time() is None
    assert not reminders.timer.isActive() and not reminders.check()

    reminders.set_reminder_time(time(18, 0))
    assert workspace.setting(REMINDER_SETTING) == "18:00" and reminders.timer.isActive()
    clock.now = datetime(2026, 11, 26, 17, 59, 30)
    assert not reminders.check() and window.banner.isHidden()
    clock.now = datetime(2026, 11, 26, 18, 0, 20)
    with qtbot.waitSignal(reminders.notified) as shown:
        assert reminders.check()
    assert shown.args == ["Time to reflect", REFLECT_TEXT]
    assert window.banner.isVisible() and window.banner.label.text() == REFLECT_TEXT
    assert window.statusBar().currentMessage() == REFLECT_TEXT
    clock.now = datetime(2026, 11, 26, 18, 0, 50)
    assert not reminders.check()  # once, not every half minute after the time
    clock.now = datetime(2026, 11, 27, 18, 1)  # asleep over the time: still reminded
    assert reminders.check()

    # The banner's button starts a new reflection and goes away.
    editor = window.journal_view.editor
    editor.title.setText("Earlier draft")
    editor._changed()
    window.banner.action_button.click()
    assert window.banner.isHidden() and editor.entry_id is None and editor.title.text() == ""
    assert [e.title for e in workspace.journal.entries()] == ["Earlier draft"]  # saved first

    reminders.set_reminder_time(None)
    assert workspace.setting(REMINDER_SETTING) == "" and not reminders.timer.isActive()


def test_an_unreadable_reminder_setting_means_off(window, workspace):
    for stored in ("25:99", "soon", "18", ""):
        assert parse_reminder_time(stored) is None
    workspace.set_setting(REMINDER_SETTING, "soon")
    reminders = DesktopReminders(window, workspace, tray_available=False)
    assert reminders.reminder_time() is None and not reminders.timer.isActive()
    assert parse_reminder_time(" 7:05 ") == time(7, 5)


def test_due_actions_and_next_session_show_once_when_the_window_opens(qtbot, workspace):
    from reflectjournal.gui.main_window import MainWindow

    today = date.today()
    coaching = workspace.coaching
    workspace.people.add("Sam Patel", "coachee")
    coaching.add_action("Send the rota proposal", due=today - timedelta(days=2))
    coaching.add_action("Call the matron", due=today)
    coaching.add_action("Plan the away day", due=today + timedelta(days=30))
    coaching.add_session("Sam Patel", when=datetime.now().astimezone() + timedelta(days=3))

    win = MainWindow(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.banner.isVisible, timeout=5000)
    text = win.banner.label.text()
    session_day = date.today() + timedelta(days=3)
    assert text == (
        "1 action due today and 1 overdue. Next session: Sam Patel on "
        f"{session_day:%a} {session_day.day} {session_day:%b}."
    )
    assert win.statusBar().currentMessage() == text  # the status bar says it too
    win.banner.action_button.click()  # "Open actions"
    assert win.stack.currentWidget() is win.pages["coaching"] and win.banner.isHidden()
    win.autolock_timer.stop()


def test_reminder_summary_wording():
    from reflectjournal.domain.enums import ActionState, ActionStatus
    from reflectjournal.gui.tray import reminder_summary
    from reflectjournal.services.actions import Action
    from reflectjournal.services.coaching import Reminders, SessionSummary

    overdue = Action(
        id=1,
        text="Ring HR",
        owner=None,
        due=None,
        status=ActionStatus.OPEN,
        state=ActionState.OVERDUE,
        created="2026-01-01T09:00:00+00:00",
        closed=None,
        session_id=None,
        session_with=None,
        entry_id=None,
        entry_title=None,
        section=None,
        sender=None,
    )
    assert reminder_summary(Reminders()) == ""
    assert reminder_summary(Reminders(actions=(overdue, overdue))) == "2 actions overdue."
    due_today = replace(overdue, state=ActionState.DUE_TODAY)
    assert reminder_summary(Reminders(actions=(due_today, overdue))) == (
        "1 action due today and 1 overdue."
    )
    session = SessionSummary(
        id=1,
        entry_id=1,
        with_name=None,
        date=datetime.fromisoformat("2026-12-03T09:30:00+00:00"),
        title="Session",
        agenda="",
        upcoming=True,
        open_actions=0,
    )
    assert reminder_summary(Reminders(sessions=(session,))) == (
        "Next session: someone on Thu 3 Dec."
    )
    assert reminder_summary(Reminders(retention=("Notes on Sam are past retention.",))) == (
        "Notes on 1 person are past your retention period."
    )


def test_nothing_due_means_no_banner(window):
    window.reminders.show_startup()
    assert window.banner.isHidden()


def test_tray_menu_new_reflection_due_lock_and_stop(qtbot, window, workspace):
    workspace.coaching.add_action("Call the matron", due=date.today())
    reminders = DesktopReminders(window, workspace, tray_available=True)
    assert reminders.tray is not None
    texts = [a.text() for a in reminders.tray_menu.actions() if not a.isSeparator()]
    assert texts == ["New reflection", "Actions due today", "Daily reminder…", "Lock", "Quit"]

    editor = window.journal_view.editor
    workspace.journal.add("Yesterday's note")
    window.journal_view.apply_search()
    window.journal_view.select_entry(workspace.journal.entries()[0].id)
    assert editor.entry_id is not None
    reminders.tray_actions["new"].trigger()
    assert editor.entry_id is None and editor.title.text() == ""

    with qtbot.waitSignal(reminders.notified) as shown:
        reminders.tray_actions["due"].trigger()
    assert shown.args[1] == "1 action due today."
    with qtbot.waitSignal(window.lock_requested):
        reminders.tray_actions["lock"].trigger()
    reminders.stop()
    assert not reminders.tray.isVisible() and not reminders.timer.isActive()
