"""Every page and dialog of the app in a state worth checking, on a demo journal.

Shared by the in-process accessibility test, the AT-SPI walk (tests/gui/atspi_app.py) and
the look at each page in light and dark (tests/gui/test_accessibility_look.py). Each target
is ``name -> build(window) -> top-level widget shown``; a dialog is shown non-modally.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

DEMO_TODAY = date(2026, 11, 26)


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def demo_window(folder: Path):
    """The demo journal in a main window (1280x800), its start-of-day banner hidden."""
    from reflectjournal.gui.main_window import MainWindow
    from reflectjournal.services import demo

    workspace = demo.generate(folder / "demo.rj", today=DEMO_TODAY)
    window = MainWindow(workspace)
    window.resize(1280, 800)
    window.show()
    window.banner.hide()
    settle()
    return window


def patterns_ready(window):
    page = window.go("patterns")
    done: list = []
    page.computed.connect(done.append)
    page.refresh()
    while not done:
        QApplication.processEvents()
    settle()
    return page


def _journal(window):
    window.go("journal")
    return window


def _journal_gibbs(window):
    view = window.go("journal")
    view.editor.model_box.setCurrentIndex(view.editor.model_box.findData("gibbs"))
    view.editor.tags.open_list()
    view.editor.find_bar.open()
    settle()
    return window


def _coaching(window):
    page = window.go("coaching")
    page.refresh(select=_person(window).id)
    settle()
    return window


def _coaching_tab(outer: int, inner: int | None = None):
    """The Coaching page on one of its tabs (and one of the person's tabs): the panels in
    hidden tabs are not on screen until then, so each is a target of its own."""

    def build(window):
        _coaching(window)
        page = window.go("coaching")
        page.tabs.setCurrentIndex(outer)
        if inner is not None:
            page.person_tabs.setCurrentIndex(inner)
        settle()
        return window

    return build


def _page(key: str):
    def build(window):
        window.go(key)
        settle()
        return window

    return build


def _patterns(window):
    patterns_ready(window).as_tables.setChecked(False)
    settle()
    return window


def _patterns_tables(window):
    page = patterns_ready(window)
    page.as_tables.setChecked(True)
    page.drill("Entries tagged workforce-pressures", tag="workforce-pressures")
    settle()
    return window


def _person(window):
    return window.workspace.people.list()[0]


def _dialog(make: Callable):
    def build(window):
        dialog = make(window)
        dialog.show()
        settle()
        return dialog

    return build


def _welcome(window):
    from reflectjournal.gui.dialogs import WelcomeDialog

    return WelcomeDialog(window.workspace.path.with_name("new.rj"))


def _unlock(window):
    from reflectjournal.gui.dialogs import UnlockDialog

    return UnlockDialog(window.workspace.path)


def _calendar(window):
    from reflectjournal.gui.calendar_nav import CalendarDialog

    return CalendarDialog(window.workspace.journal, window, today=DEMO_TODAY)


def _on_this_day(window):
    from reflectjournal.gui.calendar_nav import OnThisDayDialog

    return OnThisDayDialog(window.workspace.journal, window, today=DEMO_TODAY)


def _trash(window):
    from reflectjournal.gui.trash_dialog import TrashDialog

    return TrashDialog(window.workspace, window)


def _tag_filter(window):
    from reflectjournal.gui.tag_picker import TagFilterDialog

    return TagFilterDialog(window.go("journal").catalogue, window)


def _change_passphrase(window):
    from reflectjournal.gui.journal_dialogs import ChangePassphraseDialog

    return ChangePassphraseDialog(window.workspace, window)


def _date_range(window):
    from reflectjournal.gui.journal_view import DateRangeDialog

    return DateRangeDialog(window)


def _reminder_time(window):
    from reflectjournal.gui.tray import ReminderTimeDialog

    return ReminderTimeDialog(None, window)


def _import(window):
    from reflectjournal.gui.io_dialogs import FileActions

    return FileActions(window, window.workspace).import_form()[0]


def _shortcuts(window):
    from reflectjournal.gui.dialogs import shortcuts_dialog

    return shortcuts_dialog([("New entry", "Ctrl+N"), ("Lock", "Ctrl+L")], window)


def _person_dialog(window):
    from reflectjournal.gui.coaching_dialogs import PersonDialog

    return PersonDialog(window.workspace, window)


def _session(window):
    from reflectjournal.gui.coaching_dialogs import SessionDialog

    return SessionDialog(window.workspace, _person(window), parent=window)


def _brief(window):
    from reflectjournal.gui.coaching_dialogs import BriefDialog

    return BriefDialog(window.workspace, _person(window).name, window)


def _agreement(window):
    from reflectjournal.gui.programme_panel import AgreementDialog

    return AgreementDialog(window.workspace, _person(window), window)


def _end(window):
    from reflectjournal.gui.programme_panel import EndDialog

    return EndDialog(window.workspace, _person(window), window)


def _action(window):
    from reflectjournal.gui.coaching_commands import ActionDialog

    coaching = window.workspace.coaching
    return ActionDialog(window.workspace, coaching.list_actions()[0], window)


def _contacts(window):
    from reflectjournal.gui.sharing_view import ContactsDialog

    return ContactsDialog(window.workspace, window)


def _share(window):
    from reflectjournal.gui.sharing_view import ShareDialog

    return ShareDialog(window.workspace, window)


def _share_with(window):
    from reflectjournal.gui.exchange_gui import ShareWithDialog

    return ShareWithDialog(window.workspace, _first_entry(window), window)


def _first_entry(window) -> int:
    from reflectjournal.gui.entry_model import EntryRole

    return int(window.go("journal").model.index(0).data(EntryRole)["id"])


def _conflicts(window):
    from reflectjournal.gui.devices_gui import ConflictsDialog

    return ConflictsDialog(window.workspace, window)


def _pairing(window):
    from reflectjournal.gui.pairing_dialog import PairingDialog

    return PairingDialog(window.workspace, window)


def _fingerprint(window):
    from reflectjournal.gui.fingerprint_dialog import FingerprintDialog

    return FingerprintDialog("Priya Raman", "ABCD 1234 EFGH 5678", parent=window)


def _findings(window):
    from reflectjournal.gui.privacy_dialog import FindingsDialog
    from reflectjournal.services.privacy.service import EntryFinding

    finding = EntryFinding(
        entry_id=None, entry="Night shift", date="2026-11-20", field="body", kind="nhs_number",
        label="NHS number", text="943 476 5919", context="patient 943 476 5919 was moved",
    )  # fmt: skip
    return FindingsDialog([finding], "export", window)


PAGES: dict[str, Callable] = {
    "journal": _journal,
    "journal-gibbs-tags-find": _journal_gibbs,
    "coaching": _coaching,
    "coaching-goals": _coaching_tab(0, 1),
    "coaching-open-actions": _coaching_tab(0, 2),
    "coaching-summaries": _coaching_tab(0, 5),
    "coaching-revalidation": _coaching_tab(0, 6),
    "coaching-actions": _coaching_tab(1),
    "coaching-caseload": _coaching_tab(2),
    "coaching-my-360": _coaching_tab(3),
    "shared": _page("shared"),
    "patterns": _patterns,
    "patterns-tables": _patterns_tables,
    "frameworks": _page("frameworks"),
}

DIALOGS: dict[str, Callable] = {
    name: _dialog(make)
    for name, make in {
        "welcome": _welcome,
        "unlock": _unlock,
        "calendar": _calendar,
        "on-this-day": _on_this_day,
        "trash": _trash,
        "tag-filter": _tag_filter,
        "change-passphrase": _change_passphrase,
        "date-range": _date_range,
        "reminder-time": _reminder_time,
        "import": _import,
        "shortcuts": _shortcuts,
        "person": _person_dialog,
        "session": _session,
        "prep-brief": _brief,
        "agreement": _agreement,
        "agreement-end": _end,
        "action-edit": _action,
        "contacts": _contacts,
        "share-packet": _share,
        "share-with": _share_with,
        "device-conflicts": _conflicts,
        "pairing": _pairing,
        "fingerprint": _fingerprint,
        "privacy-findings": _findings,
    }.items()
}

TARGETS: dict[str, Callable[[QWidget], QWidget]] = {**PAGES, **DIALOGS}
