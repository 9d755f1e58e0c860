"""The tray icon and the reminders: a daily "time to reflect" (off unless the user picks a
time), actions due today, and sessions coming up.

With a system tray: an icon whose menu starts a new reflection, shows what is due, locks or
quits, and balloon messages for the reminders. Without one (many Linux desktops, the
offscreen platform): the same reminders appear in a dismissible banner across the top of the
window and in the status bar. Nothing here is modal: a reminder never blocks writing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
)

from reflectjournal.domain.enums import ActionState
from reflectjournal.gui import operations
from reflectjournal.services import settings
from reflectjournal.services.workspace import Workspace

if TYPE_CHECKING:
    from reflectjournal.services.coaching import Reminders

log = logging.getLogger(__name__)

REMINDER_SETTING = settings.REMINDER_TIME.key  # "HH:MM", or empty: no daily reminder (default)
CHECK_MS = 30_000
REFLECT_TITLE = "Time to reflect"
REFLECT_TEXT = "A few quiet minutes on today? Start a new reflection when you are ready."


def parse_reminder_time(text: str) -> time | None:
    """The stored "HH:MM" as a time; None for off or for anything unreadable."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError):
        return None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def reminder_summary(reminders: Reminders) -> str:
    """'1 action due today and 2 overdue. Next session: Sam Patel on Thu 3 Dec.' ('' if none)."""
    states = [a.state for a in reminders.actions]
    today, overdue = states.count(ActionState.DUE_TODAY), states.count(ActionState.OVERDUE)
    sentences = []
    if today and overdue:
        sentences.append(f"{_count(today, 'action')} due today and {overdue} overdue.")
    elif today or overdue:
        sentences.append(
            f"{_count(today or overdue, 'action')} {'due today' if today else 'overdue'}."
        )
    if reminders.sessions:
        first = reminders.sessions[0]
        day = first.date.astimezone()
        when = f"{day:%a} {day.day} {day:%b}"
        sentences.append(f"Next session: {first.with_name or 'someone'} on {when}.")
    kept = reminders.retention
    if kept:  # coaching notes past the retention period the user chose; never deleted silently
        who = "1 person" if len(kept) == 1 else f"{len(kept)} people"
        sentences.append(f"Notes on {who} are past your retention period.")
    return " ".join(sentences)


class ReminderBanner(QFrame):
    """A strip across the top of the window with one optional button and a dismiss cross."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reminderBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reminder")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.action_button = QPushButton()
        self.action_button.hide()
        self.close_button = QToolButton(text="✕")
        self.close_button.setAccessibleName("Dismiss reminder")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button)
        row.addWidget(self.close_button)
        self._action: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._act)
        self.hide()

    def show_message(
        self, text: str, action_text: str = "", action: Callable[[], None] | None = None
    ) -> None:
        self.label.setText(text)
        self._action = action
        self.action_button.setText(action_text)
        self.action_button.setVisible(bool(action_text and action))
        self.show()

    def _act(self) -> None:
        self.hide()
        if self._action is not None:
            self._action()


class ReminderTimeDialog(QDialog):
    def __init__(self, current: time | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Daily reminder")
        self.enabled = QCheckBox("Remind me to reflect every day at")
        self.enabled.setChecked(current is not None)
        self.when = QTimeEdit(QTime(current.hour, current.minute) if current else QTime(18, 0))
        self.when.setDisplayFormat("HH:mm")
        self.when.setAccessibleName("Reminder time")
        self.when.setEnabled(current is not None)
        self.enabled.toggled.connect(self.when.setEnabled)
        note = QLabel("The reminder shows while ReflectJournal is open; it is off by default.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.enabled)
        row.addWidget(self.when)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> time | None:
        if not self.enabled.isChecked():
            return None
        value = self.when.time()
        return time(value.hour(), value.minute())


class DesktopReminders(QObject):
    """The tray icon (when there is a tray) and every reminder the main window shows."""

    notified = Signal(str, str)  # title, text: what was just shown

    def __init__(
        self, window, workspace: Workspace, *, clock=None, tray_available: bool | None = None
    ):
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.clock: Callable[[], datetime] = clock or datetime.now
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray = self._make_tray() if tray_available else None
        self.timer = QTimer(self, interval=CHECK_MS)
        self.timer.timeout.connect(self.check)
        self._last_check = self.clock()
        self.apply_setting()

    # ---- the tray -----------------------------------------------------------------------

    def _make_tray(self) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(QApplication.windowIcon(), self)
        tray.setToolTip("ReflectJournal")
        menu = QMenu(self.window)
        self.tray_actions: dict[str, QAction] = {}
        for key, text, handler in (
            ("new", "New reflection", self.new_reflection),
            ("due", "Actions due today", self.show_due),
            ("reminder", "Daily reminder…", self.choose_time),
            ("lock", "Lock", self.window.lock_requested.emit),
            ("quit", "Quit", self.quit),
        ):
            if key in ("lock", "reminder"):
                menu.addSeparator()
            action = menu.addAction(text)
            action.triggered.connect(lambda _=False, h=handler: h())
            self.tray_actions[key] = action
        self.tray_menu = menu
        tray.setContextMenu(menu)
        tray.activated.connect(self._activated)
        tray.show()
        return tray

    def _activated(self, reason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.raise_window()

    def raise_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def new_reflection(self) -> None:
        self.raise_window()
        self.window.new_entry()

    def show_due(self) -> None:
        text = self.due_text() or "Nothing is due today and no sessions are coming up."
        self.notify("Actions due today", text, action_text="Open actions", action=self.open_actions)

    def open_actions(self) -> None:
        self.raise_window()
        self.window.go("coaching")

    def quit(self) -> None:
        self.window.close()  # saves the open entry, like closing the window
        QApplication.quit()

    # ---- reminders ----------------------------------------------------------------------

    def due_text(self) -> str:
        try:
            return reminder_summary(self.workspace.coaching.reminders(self.clock().date()))
        except Exception:  # a reminder must never stop the window from opening
            log.exception("reminders could not be read")
            return ""

    def show_startup(self) -> None:
        """Actions due or overdue and sessions ahead, once, as the window opens."""
        if getattr(self.window, "finished", False):
            return
        text = self.due_text()
        if text:
            self.notify(
                "Today",
                text,
                action_text="Open actions",
                action=self.open_actions,
                banner=True,
            )

    def reminder_time(self) -> time | None:
        return parse_reminder_time(self.workspace.setting(REMINDER_SETTING))

    def set_reminder_time(self, value: time | None) -> None:
        text = value.strftime("%H:%M") if value else ""
        operations.perform(
            operations.events_of(self.window),
            lambda: self.workspace.set_setting(REMINDER_SETTING, text),
            operations.Changes(settings=True),
        )
        self.apply_setting()

    def apply_setting(self) -> None:
        if self.reminder_time() is None:
            self.timer.stop()
        elif not self.timer.isActive():
            self._last_check = self.clock()
            self.timer.start()

    def choose_time(self) -> None:
        dialog = ReminderTimeDialog(self.reminder_time(), self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.chosen()
        self.set_reminder_time(chosen)
        self.window.statusBar().showMessage(
            f"You will be reminded to reflect every day at {chosen:%H:%M}."
            if chosen
            else "The daily reminder is off.",
            6000,
        )

    def check(self) -> bool:
        """Remind once when the chosen time passes while the app is open (not on start-up:
        opening the app after the time is already the reflection it was asking for)."""
        now, last = self.clock(), self._last_check
        self._last_check = now
        when = self.reminder_time()
        if when is None:
            return False
        target = datetime.combine(now.date(), when)
        if last < target <= now:
            self.notify(
                REFLECT_TITLE,
                REFLECT_TEXT,
                action_text="New reflection",
                action=self.new_reflection,
            )
            return True
        return False

    def notify(
        self,
        title: str,
        text: str,
        *,
        action_text: str = "",
        action: Callable[[], None] | None = None,
        banner: bool = False,
    ) -> None:
        """A tray message where there is a tray; otherwise the banner and the status bar."""
        if self.tray is not None and self.tray.supportsMessages() and not banner:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        else:
            self.window.banner.show_message(text, action_text, action)
            self.window.statusBar().showMessage(text, 15_000)
        self.notified.emit(title, text)

    def stop(self) -> None:
        """On lock or close: no reminders and no tray for a journal that is not open."""
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()
