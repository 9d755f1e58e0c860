"""Issue 18 on the other pages: buttons that cannot act say why, People and Contacts are
explained, dates are in the one style."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reflectjournal.gui.coaching_view import CoachingView
from reflectjournal.gui.frameworks_view import FrameworksView
from reflectjournal.gui.sharing_view import ContactsDialog, ShareDialog, SharingView


def test_record_rating_on_a_heading_says_why_it_is_off(qtbot, workspace):
    view = FrameworksView(workspace)
    qtbot.addWidget(view)
    view.tree.setCurrentItem(view.tree.topLevelItem(0))  # a framework, not an item
    assert not view.rate_button.isEnabled()
    assert "Choose a capability or challenge" in view.rate_button.toolTip()
    leaf = view.tree.findItems("Burnout", Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    view.tree.setCurrentItem(leaf[0])
    assert view.rate_button.isEnabled() and view.rate_button.toolTip() == ""


def test_save_packet_without_a_recipient_says_why(qtbot, workspace):
    dialog = ShareDialog(workspace)
    qtbot.addWidget(dialog)
    assert not dialog.send_button.isEnabled()
    assert "card first" in dialog.send_button.toolTip()
    assert dialog.send_button.accessibleDescription() == dialog.send_button.toolTip()
    view = SharingView(workspace)
    qtbot.addWidget(view)
    assert "Choose a shared entry" in view.add_button.toolTip()


def test_people_and_contacts_are_explained_on_both_sides(qtbot, workspace):
    coaching = CoachingView(workspace)
    qtbot.addWidget(coaching)
    assert "contact" in coaching.people_note.text().lower()
    contacts = ContactsDialog(workspace)
    qtbot.addWidget(contacts)
    assert "Coaching page" in contacts.contacts_note.text()


def test_dates_in_the_entry_list_and_editor_are_in_the_one_style(qtbot, window):
    from datetime import UTC, datetime

    from reflectjournal.gui.entry_model import EntryIdRole

    entry = window.workspace.journal.add("x", title="T", when=datetime(2026, 11, 3, 9, tzinfo=UTC))
    view = window.journal_view
    view.apply_search()
    index = view.model.index(view.model.row_of(entry))
    assert index.data(EntryIdRole) == entry
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).startswith("T, 3 Nov 2026")
    assert "3 Nov 2026, 09:00" in index.data(Qt.ItemDataRole.ToolTipRole)
    view.open_entry(entry)
    assert view.editor.when.text().startswith("3 Nov 2026, ")


def test_patterns_cards_fit_a_1024_window_without_sideways_scrolling(qtbot, window):
    window.resize(1024, 640)
    patterns = window.go("patterns")
    qtbot.waitUntil(lambda: patterns.columns == 1)
    qtbot.waitUntil(lambda: patterns.scroll_area.horizontalScrollBar().maximum() == 0)
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: patterns.columns == 2)
