"""The main window: navigation over the registered views, menus, shortcuts, auto-lock."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.adapters import qt_pdf
from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import drafts, theme, views
from reflectjournal.gui.dialogs import about, ask_minutes, shortcuts_dialog
from reflectjournal.gui.operations import Changes, Events, perform
from reflectjournal.gui.qt_typed import application, present
from reflectjournal.gui.tray import DesktopReminders, ReminderBanner
from reflectjournal.services import settings
from reflectjournal.services.workspace import Workspace

if TYPE_CHECKING:
    from reflectjournal.gui.io_dialogs import FileActions
    from reflectjournal.gui.journal_view import JournalView

log = logging.getLogger(__name__)

AUTOLOCK_SETTING = settings.AUTOLOCK_MINUTES.key
DEFAULT_AUTOLOCK_MINUTES = 15
UNDO_SECONDS = 20  # how long the status bar offers Undo after a delete
_INPUT_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
    QEvent.Type.MouseMove,
}


def gui_settings() -> QSettings:
    """Window layout only (geometry, splitters); never entry text."""
    from reflectjournal.config import config_dir

    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


@runtime_checkable
class _Refreshable(Protocol):
    """A page that can read its data again (Journal, Shared with me)."""

    def refresh(self) -> None: ...


def _journal_page(page: QWidget) -> JournalView:
    # Imported here: the window module loads before any page (start-up time).
    from reflectjournal.gui.journal_view import JournalView

    if not isinstance(page, JournalView):
        raise ReflectJournalError(
            "The Journal page could not be opened; the details are in the log."
        )
    return page


class IdleWatcher(QObject):
    """Notes the time of the last key press or mouse action anywhere in the app."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.last_input = time.monotonic()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False


UNENCRYPTED_WARNING = (
    "This journal is not encrypted: anyone who can read the file can read every entry. "
    "Create an encrypted journal and import this one's JSON export into it."
)


class MainWindow(QMainWindow):
    lock_requested = Signal()
    open_journal_requested = Signal(object)  # a Path: the controller swaps journals
    reopen_requested = Signal(str)  # the journal was re-keyed: rebuild the window, then say this
    undo_button: QPushButton | None = None  # in the status bar for a while after a delete
    file_actions: FileActions  # File menu's import/export/backup (gui/io_dialogs.py)

    def __init__(self, workspace: Workspace, title_suffix: str = "", parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.keyring = None  # the controller's, for Change passphrase
        qt_pdf.install(workspace)  # exports and the prep brief write PDFs through it
        self.finished = False
        # Every page's writes report here and every page listens (gui/operations.py).
        self.events = Events(self)
        self.events.open_entry_requested.connect(self.open_entry)
        self.setWindowTitle(f"ReflectJournal — {workspace.path.name}{title_suffix}")
        self.nav = QListWidget()
        self.nav.setAccessibleName("Sections")
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for view in views.VIEWS:
            self.nav.addItem(view.title)
            placeholder = QWidget()
            placeholder.setObjectName(f"unbuilt-{view.key}")
            self.stack.addWidget(placeholder)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_nav()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(0)
        self.unencrypted_warning = None
        if not workspace.encrypted:
            # Stays for as long as the journal is open: no close button, no timeout.
            self.unencrypted_warning = QLabel(UNENCRYPTED_WARNING)
            self.unencrypted_warning.setObjectName("unencryptedWarning")
            self.unencrypted_warning.setWordWrap(True)
            self.unencrypted_warning.setStyleSheet(
                "background: #b3261e; color: white; padding: 6px 10px; font-weight: bold;"
            )
            self.unencrypted_warning.setAccessibleName("Warning: this journal is not encrypted")
            column.addWidget(self.unencrypted_warning)
            self.setWindowTitle(self.windowTitle() + " — NOT ENCRYPTED")
        self.banner = ReminderBanner()  # reminders without a tray, and the start-of-day list
        column.addWidget(self.banner)
        row = QHBoxLayout()
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_page)
        self._build_menus()
        self.nav.setCurrentRow(0)
        self.statusBar().showMessage(f"Unlocked {workspace.path.name}.", 4000)

        self.idle = IdleWatcher(self)
        application().installEventFilter(self.idle)
        self.autolock_timer = QTimer(self, interval=15_000)
        self.autolock_timer.timeout.connect(self.check_idle)
        self.autolock_timer.start()
        self._restore_layout()
        self.reminders = DesktopReminders(self, workspace)
        # After the first paint: what is due today never delays the window opening.
        QTimer.singleShot(0, self.reminders.show_startup)
        self._build_exchange()

    def _fit_nav(self) -> None:
        """Wide enough for the longest title with a badge ("Shared with me (12)"), in the
        font the current style gives the list (the dark and light styles differ)."""
        self.nav.ensurePolished()
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(f"{v.title} (99)") for v in views.VIEWS)
        self.nav.setFixedWidth(max(150, widest + 40))  # item padding 24, margins 12, frame

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_nav()
        super().changeEvent(event)

    # ---- the exchange ---------------------------------------------------------------------

    def _build_exchange(self) -> None:
        """Sync in the background; the outbox in one sentence; a badge for what arrived."""
        from PySide6.QtWidgets import QLabel

        from reflectjournal.gui.exchange_gui import ExchangeSync

        self.unseen = 0
        self.exchange_status = QLabel()
        self.exchange_status.setObjectName("exchangeStatus")
        self.exchange_status.setAccessibleName("Sharing status")
        self.statusBar().addPermanentWidget(self.exchange_status)
        self.sync = ExchangeSync(self.workspace, self)
        self.sync.status.connect(self.exchange_status.setText)
        self.sync.received.connect(self._arrived)
        self.nav.currentRowChanged.connect(self._maybe_clear_badge)
        self.sync.start()  # the first sync runs on the next turn of the event loop
        self._build_device_sync()

    def _build_device_sync(self) -> None:
        """This journal's other devices (gui/devices_gui.py): status, conflicts, refresh."""
        from PySide6.QtWidgets import QPushButton

        from reflectjournal.gui.devices_gui import DeviceSyncRunner

        self.devices_status = QPushButton()
        self.devices_status.setFlat(True)
        self.devices_status.setObjectName("devicesStatus")
        self.devices_status.setAccessibleName("Device sync status")
        self.devices_status.setVisible(False)
        self.devices_status.clicked.connect(self.show_conflicts)
        self.statusBar().addPermanentWidget(self.devices_status)
        self.device_sync = DeviceSyncRunner(self.workspace, self)
        self.device_sync.status.connect(self._device_status)
        self.device_sync.changed.connect(
            lambda _n: self.events.report(
                Changes(
                    entries=True,
                    tags=True,
                    people=True,
                    sessions=True,
                    actions=True,
                    shared=True,
                    settings=True,
                )
            )
        )
        self.device_sync.follow(self.sync)
        self.device_sync.start()

    def _device_status(self, text: str) -> None:
        self.devices_status.setText(text)
        self.devices_status.setToolTip("Show the edits that need you" if "conflict" in text else "")
        self.devices_status.setVisible(True)

    def show_conflicts(self) -> None:
        from reflectjournal.gui.devices_gui import ConflictsDialog

        dialog = ConflictsDialog(self.workspace, self)
        dialog.exec()
        if dialog.resolved:
            self.events.report(Changes(entries=True, tags=True))
            self.devices_status.setText(self.workspace.devices.status())
            self.device_sync.sync_now()

    def _shared_row(self) -> int:
        return next(i for i, v in enumerate(views.VIEWS) if v.key == "shared")

    def _arrived(self, count: int) -> None:
        # Summaries, their actions, programme copies and what a coachee wants to bring arrive
        # with the same sync: the Coaching page catches up when it is next shown.
        self.events.report(Changes(sessions=True, actions=True))
        if self.nav.currentRow() == self._shared_row():
            self._refresh_shared()
            return
        self.unseen += count
        row = self._shared_row()
        self.nav.item(row).setText(f"{views.VIEWS[row].title} ({min(self.unseen, 99)})")
        self.nav.item(row).setToolTip(f"{self.unseen} new shared entries or comments")
        for key in ("journal", "shared"):  # comments show on entries; shares on that page
            page = self.pages.get(key)
            if isinstance(page, _Refreshable):
                page.refresh()

    def _refresh_shared(self) -> None:
        page = self.pages.get("shared")
        if isinstance(page, _Refreshable):
            page.refresh()

    def _maybe_clear_badge(self, row: int) -> None:
        if row == self._shared_row() and self.unseen:
            self.unseen = 0
            self.nav.item(row).setText(views.VIEWS[row].title)
            self.nav.item(row).setToolTip("")
            self._refresh_shared()

    def open_file(self, path) -> None:
        """A packet or card handed to the app (double-click, a second launch)."""
        page = self.go("shared")
        if hasattr(page, "import_packet"):
            page.import_packet(path)

    # ---- pages --------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page for ``key``, built on first use."""
        if key not in self.pages:
            index = next(i for i, v in enumerate(views.VIEWS) if v.key == key)
            view = views.VIEWS[index]
            try:
                widget = view.factory(self.workspace, self)
            except Exception:  # one broken page must not take the window down
                log.exception("the %s page could not be built", view.key)
                from reflectjournal.gui.placeholders import empty_state

                widget = empty_state(
                    view.title, ["This page could not be opened; the details are in the log."]
                )
            status = getattr(widget, "status", None)
            if isinstance(status, SignalInstance):  # a page may announce one-line messages
                status.connect(lambda text: self.statusBar().showMessage(text, 8000))
            trashed = getattr(widget, "trashed", None)
            if isinstance(trashed, SignalInstance):  # the Journal page: Undo after a delete
                trashed.connect(self._offer_undo)
            old = present(self.stack.widget(index), "placeholder page")
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.pages[key] = widget
        return self.pages[key]

    def show_page(self, index: int) -> None:
        if index < 0:
            return
        self.page(views.VIEWS[index].key)
        self.stack.setCurrentIndex(index)

    def go(self, key: str) -> QWidget:
        index = next(i for i, v in enumerate(views.VIEWS) if v.key == key)
        self.nav.setCurrentRow(index)
        return self.page(key)

    @property
    def journal_view(self) -> JournalView:
        """The Journal page, built on first use (without showing it)."""
        return _journal_page(self.page("journal"))

    def go_journal(self) -> JournalView:
        """Show the Journal page and return it."""
        return _journal_page(self.go("journal"))

    def open_entry(self, entry_id: int) -> None:
        """Navigation from any page: show the entry in the Journal page."""
        self.go_journal().open_entry(entry_id)

    # ---- menus and shortcuts --------------------------------------------------------------

    def _action(self, menu, text: str, keys, handler) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(handler)
        menu.addAction(action)
        self.shortcut_rows.append(
            (
                text.replace("&", "").rstrip("…"),
                action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
            )
        )
        return action

    def _build_menus(self) -> None:
        self.shortcut_rows: list[tuple[str, str]] = []
        bar = self.menuBar()
        journal = bar.addMenu("&Journal")
        self._action(journal, "&New entry", QKeySequence.StandardKey.New, self.new_entry)
        self._action(journal, "&Save entry", QKeySequence.StandardKey.Save, self.save_entry)
        self._action(journal, "&Delete entry", "Ctrl+Shift+Backspace", self.delete_entry)
        self.undo_delete_action = self._action(journal, "&Undo delete", None, self.undo_delete)
        self.undo_delete_action.setEnabled(False)
        self._action(journal, "T&rash…", None, self.open_trash)
        journal.addSeparator()
        self._action(journal, "&Print entry…", QKeySequence.StandardKey.Print, self.print_entry)
        self._action(journal, "E&xport this entry…", "Ctrl+Shift+E", self.export_entry)
        journal.addSeparator()
        self._action(journal, "&Calendar…", "Ctrl+Shift+C", self.open_calendar)
        self._action(journal, "On this &day…", "Ctrl+Shift+D", self.open_on_this_day)
        journal.addSeparator()
        self._action(journal, "&Lock now", "Ctrl+L", self.lock_requested.emit)
        self._action(journal, "Lock &automatically…", None, self.choose_autolock)
        self._action(journal, "Daily &reminder…", None, lambda: self.reminders.choose_time())
        journal.addSeparator()
        self._action(journal, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        edit = bar.addMenu("&Edit")
        self._action(edit, "&Find in journal", QKeySequence.StandardKey.Find, self.find_in_journal)
        self._action(edit, "Find in &entry", "Ctrl+Alt+F", self.find_in_entry)
        self._action(edit, "Find &next in entry", "F3", self.find_next_in_entry)
        self._action(edit, "&Tags", "Ctrl+T", self.open_tags)
        self.spelling_action = self._action(
            edit, "Check &spelling (British English)", None, self.set_spelling
        )
        self.spelling_action.setCheckable(True)
        spelling = self.journal_view.editor.spelling
        self.spelling_action.setChecked(spelling.enabled)
        self.spelling_action.setEnabled(spelling.speller.available)
        self.spelling_action.setToolTip(spelling.speller.problem)
        edit.setToolTipsVisible(True)
        self._action(
            edit, "Clear &filters", "Ctrl+Shift+F", lambda: self.journal_view.clear_filters()
        )
        edit.addSeparator()
        self.shortcut_rows += [
            ("Bold", "Ctrl+B"),
            ("Italic", "Ctrl+I"),
            ("Heading", "Ctrl+H"),
            ("Bulleted list", "Ctrl+Shift+L"),
            ("Next field", "Tab"),
        ]
        view = bar.addMenu("&View")
        for number, page in enumerate(views.VIEWS):
            self._action(
                view, page.title, page.shortcut, lambda _=False, n=number: self.nav.setCurrentRow(n)
            )
        view.addSeparator()
        self.preview_action = self._action(
            view, "Show &preview", "Ctrl+Shift+P", lambda on: self.show_preview(on)
        )
        self.preview_action.setCheckable(True)
        self.preview_action.setChecked(self.journal_view.editor.preview_toggle.isChecked())
        self.journal_view.editor.preview_toggle.toggled.connect(self.preview_action.setChecked)
        theme_menu = view.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        for key, label in theme.CHOICES.items():
            action = QAction(label, self, checkable=True)
            action.setData(key)
            action.setChecked(theme.stored_choice() == key)
            action.triggered.connect(lambda _=False, k=key: self.set_theme(k))
            self.theme_actions.addAction(action)
            theme_menu.addAction(action)
        view.addSeparator()
        self.care_note_action = QAction("&Wellbeing note on Patterns", self, checkable=True)
        self.care_note_action.setChecked(self.workspace.wellbeing.care_note_on())
        self.care_note_action.triggered.connect(self.set_care_note)
        view.addAction(self.care_note_action)
        # The note's own "Don't show this" may have switched it off since the menu was built.
        view.aboutToShow.connect(
            lambda: self.care_note_action.setChecked(self.workspace.wellbeing.care_note_on())
        )
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts)
        self._action(help_menu, "&About ReflectJournal", None, lambda: about(self))
        from reflectjournal.gui.io_dialogs import install_file_menu  # File: import/export/backup

        file_menu = install_file_menu(self, self.workspace)
        first = file_menu.actions()[0] if file_menu.actions() else None
        journal_actions = []
        for text, keys, handler in (
            ("&Open journal…", QKeySequence.StandardKey.Open, self.open_journal),
            ("&Change passphrase…", None, self.change_passphrase),
        ):
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(handler)
            journal_actions.append(action)
            self.shortcut_rows.append(
                (
                    text.replace("&", "").rstrip("…"),
                    action.shortcut().toString(QKeySequence.SequenceFormat.NativeText),
                )
            )
        first = present(first, "first File menu action")
        file_menu.insertActions(first, journal_actions)
        file_menu.insertSeparator(first)
        self.open_journal_action, self.change_passphrase_action = journal_actions

    def open_journal(self, chosen: Path | None = None) -> None:
        """Another journal file in this window (the controller unlocks it, then swaps)."""
        from reflectjournal.gui.journal_dialogs import choose_journal_file

        path = chosen or choose_journal_file(self, self.workspace.path.parent)
        if path is None:
            return
        if path.expanduser().resolve() == self.workspace.path.resolve():
            self.statusBar().showMessage(f"{path.name} is the journal already open.", 6000)
            return
        self.open_journal_requested.emit(path)

    def change_passphrase(self, dialog=None) -> None:
        from reflectjournal.gui.journal_dialogs import change_passphrase

        said = change_passphrase(self, self.keyring, dialog)
        if said is not None:
            self.reopen_requested.emit(said)

    # ---- where the person was (kept across locking and re-keying) ------------------------

    def place(self) -> dict:
        row = self.nav.currentRow()
        page = views.VIEWS[row].key if row >= 0 else "journal"
        entry = None
        if "journal" in self.pages:
            entry = self.journal_view.editor.entry_id
        return {"page": page, "entry": entry}

    def restore_place(self, place: dict) -> None:
        """Back to the page and the entry, with the cursor in the text when it was there."""
        entry = place.get("entry")
        if entry is not None:
            try:
                self.journal_view.open_entry(int(entry))
            except ReflectJournalError:
                log.info("the entry open before locking is gone")
        page = self.go(place.get("page") or "journal")
        if page is self.pages.get("journal"):
            self.journal_view.editor.focus_text()
        else:
            page.setFocus()

    def set_theme(self, choice: str) -> None:
        """Light, Dark, or System (follow the desktop), at once and from now on."""
        theme.set_choice(application(), choice)
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == choice)

    def show_preview(self, on: bool) -> None:
        self.go_journal().editor.show_preview(on)

    def set_care_note(self, on: bool) -> None:
        """Care for the carer on the owner's Patterns page (coaching's wellbeing service)."""
        perform(
            self.events,
            lambda: self.workspace.wellbeing.set_own_care_note(on),
            Changes(settings=True),
        )

    def new_entry(self) -> None:
        self.go_journal().new_entry()

    def save_entry(self) -> None:
        self.journal_view.save_now()

    def delete_entry(self) -> None:
        self.go_journal().delete_current()

    def undo_delete(self) -> None:
        self.go_journal().undo_delete()
        self._forget_undo()

    def _offer_undo(self, trash_id: int, title: str) -> None:
        """An Undo button in the status bar for a little while, and Journal → Undo delete."""
        self._forget_undo()
        self.undo_delete_action.setEnabled(True)
        button = QPushButton("Undo")
        button.setObjectName("undoDelete")
        button.setAccessibleName(f"Undo deleting {title}")
        button.clicked.connect(self.undo_delete)
        self.statusBar().insertPermanentWidget(0, button)  # a message does not hide it
        self.undo_button = button
        QTimer.singleShot(UNDO_SECONDS * 1000, lambda: self._forget_undo(button))

    def _forget_undo(self, only=None) -> None:
        button = self.undo_button
        if button is None or (only is not None and button is not only):
            return
        self.undo_button = None
        self.statusBar().removeWidget(button)
        button.deleteLater()

    def _saved_entry(self) -> int | None:
        """The open entry, saved first; None (with a word in the status bar) when empty."""
        entry_id = self.go_journal().editor.save()
        if entry_id is None:
            self.statusBar().showMessage("Write or open an entry first.", 6000)
        return entry_id

    def print_entry(self, printer=None) -> bool:
        from reflectjournal.gui.entry_output import print_entry

        entry_id = self._saved_entry()
        if entry_id is None:
            return False
        try:
            return print_entry(self.workspace, entry_id, self, printer)
        except ReflectJournalError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return False

    def export_entry(self, chosen=None):
        from reflectjournal.gui.entry_output import export_entry

        entry_id = self._saved_entry()
        return export_entry(self, entry_id, chosen) if entry_id is not None else None

    def open_calendar(self, dialog=None):
        from reflectjournal.gui.calendar_nav import CalendarDialog

        dialog = dialog or CalendarDialog(self.workspace.journal, self)
        dialog.open_entry.connect(self.open_entry)
        dialog.show_day.connect(lambda day: self.go("journal").show_day(day))
        dialog.exec()
        return dialog

    def open_on_this_day(self, dialog=None):
        from reflectjournal.gui.calendar_nav import OnThisDayDialog

        dialog = dialog or OnThisDayDialog(self.workspace.journal, self)
        dialog.open_entry.connect(self.open_entry)
        dialog.exec()
        return dialog

    def open_trash(self, dialog=None):
        from reflectjournal.gui.trash_dialog import TrashDialog

        dialog = dialog or TrashDialog(self.workspace, self)
        dialog.exec()
        if dialog.restored:
            self.go_journal().open_entry(dialog.restored[-1])
        return dialog

    def find_in_entry(self) -> None:
        self.go_journal().editor.find_bar.open()

    def find_next_in_entry(self) -> None:
        bar = self.go_journal().editor.find_bar
        if bar.isVisible() and bar.field.text():
            bar.find_next()
        else:
            bar.open()

    def set_spelling(self, on: bool) -> None:
        self.journal_view.editor.spelling.set_enabled(on)

    def find_in_journal(self) -> None:  # not "find": that is QWidget.find
        self.go_journal().focus_search()

    def open_tags(self) -> None:
        self.go_journal().editor.tags.open_list()

    def show_shortcuts(self) -> None:
        shortcuts_dialog([r for r in self.shortcut_rows if r[1]], self).exec()

    # ---- locking ----------------------------------------------------------------------

    def autolock_minutes(self) -> int:
        try:
            return int(self.workspace.setting(AUTOLOCK_SETTING, str(DEFAULT_AUTOLOCK_MINUTES)))
        except ValueError:
            return DEFAULT_AUTOLOCK_MINUTES

    def choose_autolock(self) -> None:
        minutes = ask_minutes(self, self.autolock_minutes())
        if minutes is not None:
            perform(
                self.events,
                lambda: self.workspace.set_setting(AUTOLOCK_SETTING, str(minutes)),
                Changes(settings=True),
            )
            self.statusBar().showMessage(
                f"The journal locks after {minutes} idle minutes."
                if minutes
                else "Auto-lock is off.",
                5000,
            )

    def check_idle(self) -> None:
        minutes = self.autolock_minutes()
        if minutes and time.monotonic() - self.idle.last_input >= minutes * 60:
            log.info("locking after %s idle minutes", minutes)
            self.lock_requested.emit()

    # ---- start and finish -------------------------------------------------------------

    def offer_drafts(self) -> None:
        """Offer text left unsaved by a crash or a killed process."""
        if self.finished:  # locked or closed before the offer came up
            return
        found = drafts.pending(self.workspace)
        if not found:
            return
        answer = QMessageBox.question(
            self,
            "Restore unsaved text?",
            "Some text you wrote last time was not saved before the app closed. Restore it now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes,
        )
        self.restore_drafts(found, answer == QMessageBox.StandardButton.Yes)

    def restore_drafts(self, found, restore: bool) -> None:
        view = self.go_journal()
        for entry_id, state in found:
            if not restore:
                drafts.discard(self.workspace, entry_id)
                continue
            try:
                view.restore_draft(entry_id, state)
            except Exception:  # a draft for a deleted entry comes back as a new one
                log.exception("draft for entry %s could not be restored in place", entry_id)
                drafts.discard(self.workspace, entry_id)
                view.restore_draft(None, state)
            view.editor.save()

    def finish(self) -> None:
        """Save the open entry and remember the layout; the caller closes the journal."""
        if self.finished:
            return
        self.finished = True
        if "journal" in self.pages:
            self.journal_view.finish()  # saves, and closes the search worker's connection
        self.autolock_timer.stop()
        self.reminders.stop()
        if hasattr(self, "sync"):
            self.sync.stop()
        if hasattr(self, "device_sync"):
            self.device_sync.stop()
        application().removeEventFilter(self.idle)
        self._save_layout()

    def closeEvent(self, event) -> None:
        self.finish()
        super().closeEvent(event)

    def _splitters(self) -> list[QSplitter]:
        return [s for s in self.findChildren(QSplitter) if s.objectName()]

    def _restore_layout(self) -> None:
        settings = gui_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self.journal_view  # noqa: B018 - build the first page so its splitters can be restored
        for splitter in self._splitters():
            state = settings.value(f"splitters/{splitter.objectName()}")
            if state is not None:
                splitter.restoreState(state)

    def _save_layout(self) -> None:
        settings = gui_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        for splitter in self._splitters():
            settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        settings.sync()
