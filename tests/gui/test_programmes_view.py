"""Coaching page as a coach, a mentor and a leader: agreement, goals, 360, caseload, exports."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reflectjournal.gui import coaching_commands
from reflectjournal.gui.coaching_view import CoachingView


@pytest.fixture
def warnings(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append(text))
    )
    return shown


def _view(qtbot, workspace, select: str | None = None) -> CoachingView:
    view = CoachingView(workspace)
    qtbot.addWidget(view)
    view.resize(1024, 640)
    view.show()
    if select:
        view.refresh(select=workspace.people.get(select).id)
    return view


def test_page_speaks_to_a_leader_and_to_a_coach(qtbot, workspace):
    view = _view(qtbot, workspace)
    assert "Add your coach or mentor" in view.heading.text()
    workspace.people.add("Dana Roe", "coach")
    view.refresh()
    assert view.intro.text().startswith("Your own coaching and mentoring")
    assert not view.tabs.isTabVisible(view.tabs.indexOf(view.caseload))
    assert view.new_session.text() == "Note a session…" and not view.prep_button.isVisible()
    assert not view.person_tabs.isTabVisible(3)  # nothing is "shared with you" by your coach

    workspace.people.add("Sam Patel", "coachee")
    view.refresh(select=workspace.people.get("Sam Patel").id)
    assert view.intro.text().startswith("Your coachees")
    assert view.tabs.isTabVisible(view.tabs.indexOf(view.caseload))
    assert view.new_session.text() == "New session…" and view.prep_button.isVisible()
    workspace.people.add("Priya Shah", "mentee")
    view.refresh(select=workspace.people.get("Priya Shah").id)
    assert view.new_session.text() == "New meeting…"
    assert view.person_tabs.tabText(0) == "Meetings"


def test_agreement_dialog_goals_and_ending(qtbot, workspace, warnings, monkeypatch):
    workspace.people.add("Sam Patel", "coachee")
    view = _view(qtbot, workspace, "Sam Patel")
    assert "No coaching agreement yet" in view.agreement.text()
    dialog = view.edit_agreement()
    qtbot.addWidget(dialog)
    dialog.sessions.setValue(6)
    dialog.sponsor.setText("Dr <b>Lee</b>")
    dialog.consent.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: "Session 1 of 6" in view.agreement.text())
    assert "Dr &lt;b&gt;Lee&lt;/b&gt;" in view.agreement.text()  # others' text stays text
    saved = workspace.programmes.agreement("Sam Patel")
    assert (saved.sessions, saved.sponsor_consent) == (6, True)

    answers = iter([("Delegate the rota", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    view.goals.add_goal()
    assert view.goals.tree.topLevelItemCount() == 1
    view.goals.tree.setCurrentItem(view.goals.tree.topLevelItem(0))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (7, True)))
    view.goals.rate_goal()
    assert view.goals.tree.topLevelItem(0).text(1) == "7/10"
    assert view.goals.chart.chart().series()[0].count() == 1
    assert workspace.programmes.goals("Sam Patel")[0].latest.value == 7

    end = view.end_or_reopen()
    qtbot.addWidget(end)
    end.review.setPlainText("Delegation now a habit.")
    end.save()
    qtbot.waitUntil(lambda: view.end_button.text() == "Reopen")
    assert "Ended" in view.agreement.text() and "Delegation now a habit." in view.agreement.text()
    assert "ended" in view.people.currentItem().text()
    view.end_or_reopen()
    assert workspace.programmes.agreement("Sam Patel").ended is None
    assert warnings == []


def test_360_import_on_a_coachee_and_my_own(qtbot, workspace, warnings, tmp_path):
    workspace.people.add("Sam Patel", "coachee")
    view = _view(qtbot, workspace, "Sam Patel")
    csv = tmp_path / "r.csv"
    csv.write_text("Dimension,Self,Others\nLeading with care,3.9,3.2\n", encoding="utf-8")
    assert view.feedback.import_file(csv)
    assert view.feedback.table.rowCount() == 1
    assert view.feedback.table.item(0, 3).text() == "+0.7"
    assert workspace.feedback360.latest("Sam Patel") is not None
    assert workspace.feedback360.latest() is None  # not mine
    bad = tmp_path / "bad.csv"
    bad.write_text("Nothing,here\n", encoding="utf-8")
    assert not view.my360.import_file(bad)
    assert warnings and "no 'Dimension' column" in warnings[0]
    assert view.my360.import_file(csv)
    assert workspace.feedback360.latest().dimensions[0].self_score == 3.9


def test_caseload_tab_and_opening_a_person(qtbot, workspace):
    workspace.people.add("Sam Patel", "coachee")
    workspace.people.add("Jo Kay", "coachee")
    workspace.coaching.add_action("Send the rota", owner="Sam Patel", due="2020-01-01")
    view = _view(qtbot, workspace)
    view.tabs.setCurrentWidget(view.caseload)
    tree = view.caseload.people
    assert tree.topLevelItemCount() == 2
    sam = next(tree.topLevelItem(i) for i in range(2) if "Sam" in tree.topLevelItem(i).text(0))
    assert sam.text(4) == "1"
    assert "1 overdue action" in view.caseload.summary.text()
    tree.itemActivated.emit(sam, 0)
    qtbot.waitUntil(lambda: view.tabs.currentIndex() == 0)
    assert view.current_person() == workspace.people.get("Sam Patel").id


def test_sponsor_summary_pdf_and_person_export(qtbot, workspace, warnings, tmp_path, monkeypatch):
    from PySide6.QtPdf import QPdfDocument

    workspace.people.add("Sam Patel", "coachee")
    workspace.coaching.add_session(
        "Sam Patel", when=datetime(2026, 1, 5, 10).astimezone(), notes="CONFIDENTIAL notes"
    )
    view = _view(qtbot, workspace, "Sam Patel")
    out = tmp_path / "summary.pdf"
    assert not coaching_commands.sponsor_summary(view, out)  # no agreement: one sentence
    assert warnings and "no agreement" in warnings[-1] and not out.exists()
    workspace.programmes.set_agreement(
        "Sam Patel", sponsor="Dr Lee", sponsor_consent=True, sessions=6, start="2026-01-01"
    )
    workspace.programmes.add_goal("Sam Patel", "Delegate the rota")
    assert coaching_commands.sponsor_summary(view, out)
    doc = QPdfDocument()
    doc.load(str(out))
    text = " ".join(doc.getAllText(0).text().split())
    assert "Delegate the rota" in text and "1 of 6 sessions held" in text
    assert "CONFIDENTIAL" not in text

    from reflectjournal.gui.privacy_dialog import FindingsDialog

    workspace.programmes.add_goal("Sam Patel", "Ring 07700 900123 about cover")
    shown = []

    def answer(decision):
        def exec_(dialog):
            shown.append(len(dialog.findings))
            dialog.decision = decision
            return 1 if decision else 0

        return exec_

    monkeypatch.setattr(FindingsDialog, "exec", answer(None))  # cancelled: nothing written
    again = tmp_path / "again.md"
    assert not coaching_commands.sponsor_summary(view, again)
    assert shown == [1] and not again.exists()
    monkeypatch.setattr(FindingsDialog, "exec", answer("redact"))
    assert coaching_commands.sponsor_summary(view, again)
    assert "07700 900123" not in again.read_text(encoding="utf-8")

    monkeypatch.setattr(FindingsDialog, "exec", answer("anyway"))
    file = tmp_path / "sam.json"
    assert coaching_commands.export_person(view, file)
    doc = json.loads(file.read_text(encoding="utf-8"))
    assert doc["sessions"][0]["notes"] == "CONFIDENTIAL notes"


def test_edit_action_dialog(qtbot, workspace, warnings):
    from PySide6.QtCore import QDate

    workspace.people.add("Sam Patel", "coachee")
    action = workspace.coaching.add_action("Read the book")
    view = _view(qtbot, workspace)
    view.tabs.setCurrentIndex(1)
    view.all_actions.setCurrentItem(view.all_actions.topLevelItem(0))
    dialog = view.edit_action()
    qtbot.addWidget(dialog)
    dialog.text.setText("Read two chapters")
    dialog.owner.setCurrentText("Sam Patel")
    dialog.has_due.setChecked(True)
    dialog.due.setDate(QDate(2099, 12, 12))
    dialog.save()
    qtbot.waitUntil(lambda: view.all_actions.topLevelItem(0).text(0) == "Read two chapters")
    got = workspace.coaching.get_action(action)
    assert (got.text, got.owner, got.due) == ("Read two chapters", "Sam Patel", date(2099, 12, 12))
    view.all_actions.setCurrentItem(view.all_actions.topLevelItem(0))
    dialog = view.edit_action()
    qtbot.addWidget(dialog)
    dialog.text.setText("   ")
    dialog.save()
    assert warnings and "needs some text" in warnings[-1]
    assert workspace.coaching.get_action(action).text == "Read two chapters"


def test_brief_is_readable_in_dark_mode_and_prints_light(qtbot, workspace):
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.coaching_dialogs import BriefDialog
    from reflectjournal.gui.theme import apply_theme, is_dark
    from reflectjournal.services import prep

    workspace.people.add("Sam Patel", "coachee")
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        assert is_dark()
        dialog = BriefDialog(workspace, "Sam Patel")
        qtbot.addWidget(dialog)
        assert "#e6e6e6" in dialog.view.document().defaultStyleSheet()
        assert prep.BRIEF_CSS in dialog.html  # what goes to paper keeps dark text
    finally:
        apply_theme(app, "light")


def test_retention_period_from_the_caseload_tab(qtbot, workspace):
    from datetime import datetime as dt

    workspace.people.add("Sam Patel", "coachee")
    workspace.coaching.add_session("Sam Patel", when=dt(2019, 1, 10, 10).astimezone())
    view = _view(qtbot, workspace)
    view.tabs.setCurrentWidget(view.caseload)
    keep = view.caseload.keep
    assert keep.currentData() is None and not view.caseload.retention.isVisible()
    keep.setCurrentIndex(keep.findData(36))
    keep.activated.emit(keep.currentIndex())
    assert workspace.setting("coaching.retention_months") == "36"
    qtbot.waitUntil(view.caseload.retention.isVisible)
    assert "past your 36-month retention period" in view.caseload.retention.text()
    assert workspace.db.scalar("SELECT count(*) FROM coaching_session") == 1  # kept
