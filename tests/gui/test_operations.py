"""Change events across the real main window: one page's write shows on the others.

Each test drives a page of a real ``MainWindow`` and then looks at a *different* page: the
entry must really open in the Journal editor, the new row must really be in the Journal list,
the Coaching page must really list what another page created.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from reflectjournal.gui.operations import Changes, Events, events_of, perform
from reflectjournal.gui.patterns_view import ID_ROLE


def _add(ws, day: str, *tags: str, title: str) -> int:
    y, m, d = map(int, day.split("-"))
    when = datetime(y, m, d, 9, tzinfo=UTC)
    return ws.journal.add(f"{title}.", title=title, tags=list(tags), when=when)


def _patterns(window, qtbot):
    page = window.go("patterns")
    qtbot.waitUntil(lambda: bool(page.data), timeout=15000)
    return page


def _journal_ids(view) -> list[int]:
    return [
        view.model.index(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(view.model.rowCount())
    ]


def test_one_events_object_per_window(window):
    assert isinstance(window.events, Events)
    for key in ("journal", "coaching", "shared", "patterns", "frameworks"):
        assert events_of(window.page(key)) is window.events


def test_a_widget_without_a_window_keeps_one_private_events_object(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    inner = QWidget(page)
    private = events_of(page)
    assert private.parent() is page
    assert events_of(page) is private and events_of(inner) is private  # found again, not remade
    seen = []
    private.changed.connect(lambda changes, _: seen.append(changes))
    perform(events_of(inner), lambda: None, Changes(tags=True))
    assert seen == [Changes(tags=True)]
    assert events_of(QWidget(page)) is private
    alone = QWidget()
    qtbot.addWidget(alone)
    assert events_of(alone) is not private  # another widget on its own: its own object


def test_patterns_drill_down_double_click_opens_the_entry_in_the_journal(window, workspace, qtbot):
    _add(workspace, "2026-11-02", "burnout", title="Night shift again")
    wanted = _add(workspace, "2026-11-03", "burnout", "workforce-pressures", title="Rota gaps")
    _add(workspace, "2026-11-04", "resilience", title="A calm day")
    journal = window.journal_view
    journal.model.reload()
    patterns = _patterns(window, qtbot)
    ids = patterns.drill("Entries tagged workforce-pressures", tag="workforce-pressures")
    assert ids == [wanted]
    item = patterns.drill_list.item(0)
    assert item.data(ID_ROLE) == wanted
    rect = patterns.drill_list.visualItemRect(item)
    viewport = patterns.drill_list.viewport()
    # A real double-click: Qt's views act on it only after the press that precedes it.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.stack.currentWidget() is journal, timeout=3000)
    assert journal.editor.entry_id == wanted
    assert journal.editor.title.text() == "Rota gaps"
    current = journal.list.currentIndex()
    assert current.isValid() and current.data(Qt.ItemDataRole.UserRole + 1) == wanted


def test_weekly_review_is_saved_opened_and_listed(window, workspace, qtbot, monkeypatch):
    now = datetime.now(UTC)
    workspace.journal.add("Covered two shifts.", title="Busy week", tags=["burnout"], when=now)
    journal = window.journal_view
    journal.model.reload()
    before = _journal_ids(journal)
    patterns = _patterns(window, qtbot)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    new_id = patterns.weekly_review()
    assert new_id is not None and new_id not in before
    assert window.stack.currentWidget() is journal  # the draft opened in the Journal page
    assert journal.editor.entry_id == new_id
    assert journal.editor.title.text().startswith("Weekly review")
    assert _journal_ids(journal)[0] == new_id  # the list shows it, newest first
    assert journal.list.currentIndex().data(Qt.ItemDataRole.UserRole + 1) == new_id


def test_a_save_in_the_journal_marks_patterns_stale_until_shown(window, workspace, qtbot):
    patterns = _patterns(window, qtbot)
    assert patterns.data.total_entries == 0
    journal = window.go("journal")
    journal.new_entry()
    qtbot.keyClicks(journal.editor.title, "Handover went well")
    qtbot.keyClicks(journal.editor.body, "Everyone knew the plan.")
    assert journal.editor.save() is not None
    assert patterns.stale  # hidden: no work yet
    window.go("patterns")
    qtbot.waitUntil(lambda: patterns.data.total_entries == 1, timeout=15000)
    assert not patterns.stale


def test_a_session_recorded_on_coaching_shows_in_the_journal_list(window, workspace, qtbot):
    person = workspace.people.add("Sam Patel", "coachee")
    journal = window.journal_view
    coaching = window.go("coaching")
    session_id = perform(
        events_of(coaching),
        lambda: workspace.coaching.add_session(person, notes="Talked about delegation."),
        Changes(sessions=True, actions=True, entries=True),
    )
    entry_id = workspace.db.scalar(
        "SELECT entry_id FROM coaching_session WHERE id = ?", (session_id,)
    )
    assert entry_id in _journal_ids(journal)


def test_actions_made_elsewhere_appear_on_the_coaching_page(window, workspace, qtbot):
    coaching = window.go("coaching")
    assert coaching.all_actions.topLevelItemCount() == 0
    window.go("journal")
    perform(
        window.events,
        lambda: workspace.coaching.add_action("Ask for a bank nurse pool"),
        Changes(actions=True),
    )
    assert coaching.catch_up.pending  # hidden: refreshed when shown
    window.go("coaching")
    texts = [
        coaching.all_actions.topLevelItem(i).text(0)
        for i in range(coaching.all_actions.topLevelItemCount())
    ]
    assert texts == ["Ask for a bank nurse pool"]


def test_an_import_from_the_file_menu_shows_in_the_list(window, workspace, qtbot, tmp_path):
    source = tmp_path / "journal.txt"
    source.write_text(
        "[2026-11-01 09:00] First imported.\nBody one.\n\n"
        "[2026-11-02 09:00] Second imported.\nBody two.\n",
        encoding="utf-8",
    )
    journal = window.journal_view
    assert journal.model.rowCount() == 0
    task = window.file_actions.start_import("jrnl", source)
    with qtbot.waitSignal(task.done, timeout=30000):
        pass
    assert workspace.journal.count() == 2
    titles = [journal.model.index(r).data() for r in range(journal.model.rowCount())]
    assert titles == ["Second imported.", "First imported."]


def test_a_refused_write_reports_nothing(window, qtbot):
    heard = []
    window.events.changed.connect(lambda changes, who: heard.append(changes))
    errors = []
    from reflectjournal.errors import UsageError

    def refuse():
        raise UsageError("No.")

    assert perform(window.events, refuse, Changes(entries=True), on_error=errors.append) is None
    assert errors == ["No."] and heard == []


def test_programme_writes_on_coaching_are_heard_and_a_cancelled_agreement_saves_nothing(
    window, workspace, qtbot, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QInputDialog

    workspace.people.add("Sam Patel", "coachee")
    coaching = window.go("coaching")
    coaching.refresh(select=workspace.people.get("Sam Patel").id)
    heard: list[Changes] = []
    window.events.changed.connect(lambda changes, who: heard.append(changes))

    dialog = coaching.edit_agreement()
    assert "Session" not in coaching.agreement.text()
    dialog.reject()  # the form showed the defaults; nothing may be saved
    assert workspace.programmes.agreement("Sam Patel") is None and heard == []

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Rota", True)))
    coaching.goals.add_goal()
    assert [c.programmes for c in heard] == [True]
    csv = tmp_path / "r.csv"
    csv.write_text("Dimension,Self,Others\nLeading with care,3.9,3.2\n", encoding="utf-8")
    assert coaching.feedback.import_file(csv)
    assert [c.programmes for c in heard] == [True, True]

    coaching.tabs.setCurrentWidget(coaching.caseload)
    keep = coaching.caseload.keep
    keep.setCurrentIndex(keep.findData(36))
    keep.activated.emit(keep.currentIndex())
    assert heard[-1].settings and workspace.retention.months() == 36
