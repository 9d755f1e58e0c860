"""Coaching page: add a coachee, record a session with two actions, open and export the brief."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from reflectjournal.gui.coaching_view import ROLE, CoachingView, reminder_text


@pytest.fixture
def warnings(monkeypatch):
    """Error boxes are recorded instead of blocking the test."""
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: shown.append(text))
    )
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda parent, title, text, *a: shown.append(text))
    )
    return shown


def _pdf_text(path) -> str:
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    return " ".join(
        " ".join(doc.getAllText(page).text().split()) for page in range(doc.pageCount())
    )


def test_coachee_session_with_two_actions_and_prep_brief(qtbot, workspace, warnings, tmp_path):
    view = CoachingView(workspace)
    qtbot.addWidget(view)
    assert not view.prep_button.isEnabled()

    person = view.add_person()
    person.name.setText("Sam Patel")
    person.role.setCurrentText("coachee")
    person.save()
    qtbot.waitUntil(lambda: view.people.count() == 1)
    assert view.current_person() == person.person_id
    sam = workspace.people.get("Sam Patel")
    workspace.journal.add(
        "The rota has three gaps again.",
        title="Rota gaps",
        tags=["workforce-pressures"],
        mood=2,
        kind="shared",
        sender_id=sam.id,
        visibility="coach",
    )
    view.refresh()
    assert view.shared.count() == 1

    # No sessions yet: the list says so and what to do, in a line that cannot be opened.
    (hint,) = [view.sessions.item(i) for i in range(view.sessions.count())]
    assert hint.text().startswith("No sessions with Sam Patel yet")
    assert not hint.flags() & Qt.ItemFlag.ItemIsEnabled

    session = view.record_session()
    session.agenda.setText("The rota")
    session.tags.setText("workforce-pressures, resilience")
    session.use_grow.setChecked(True)
    session.sections["goal"].setPlainText("A plan for **the rota**.")
    session.sections["way-forward"].setPlainText("Talk to HR this week.")
    qtbot.waitUntil(lambda: "the rota" in session.preview.toPlainText())
    assert "**" not in session.preview.toPlainText()  # rendered, not raw
    session.linked.item(0).setCheckState(session.linked.item(0).checkState().Checked)
    session.add_action_row("Talk to HR about bank staff", due="2099-01-31")
    session.add_action_row("Send the rostering article", mine=True)
    session.save()
    qtbot.waitUntil(
        lambda: view.sessions.count() == 1 and view.sessions.item(0).data(ROLE) is not None
    )
    assert warnings == []
    assert view.person_actions.topLevelItemCount() == 2
    owners = [view.person_actions.topLevelItem(i).text(1) for i in range(2)]
    assert owners == ["Sam Patel", "me"]
    saved = workspace.coaching.get_session(session.session_id)
    assert dict(saved.sections)["goal"] == "A plan for **the rota**."
    assert saved.tags == ("workforce-pressures", "resilience")
    assert len(saved.linked_entries) == 1

    brief = view.open_brief()
    qtbot.addWidget(brief)
    text = brief.view.toPlainText()
    for heading in ("Session prep: Sam Patel", "Actions", "Challenges", "Questions to consider"):
        assert heading in text
    assert "Talk to HR about bank staff" in text and "Rota gaps" not in text  # before last time

    out = tmp_path / "brief.pdf"
    brief.export_to(out)
    assert out.read_bytes().startswith(b"%PDF-")
    pdf = _pdf_text(out)
    for heading in ("Session prep: Sam Patel", "At a glance", "Mood and energy",
                    "Your notes from last time", "Questions to consider"):  # fmt: skip
        assert heading in pdf
    brief.export_to(tmp_path / "brief.md")
    assert (tmp_path / "brief.md").read_text(encoding="utf-8") == brief.markdown


def test_action_due_dates_are_picked_not_typed(qtbot, workspace, warnings):
    """Issue 18: the due date was free text headed "Due (YYYY-MM-DD)"; now a date picker in
    the one date style, which may be left as "No date"."""
    from reflectjournal.gui.date_fields import OptionalDatePicker

    workspace.people.add("Jo Bloggs", "coachee")
    view = CoachingView(workspace)
    qtbot.addWidget(view)
    session = view.record_session()
    session.notes.setPlainText("Notes I must not lose.")
    session.add_action_row("Something", due="next-ish")  # not a date: no date, not an error
    session.add_action_row("Dated", due="2099-01-31")
    picker = session.action_table.cellWidget(1, 2)
    assert isinstance(picker, OptionalDatePicker) and picker.text() == "31 Jan 2099"
    assert session.action_table.cellWidget(0, 2).text() == "No date"
    assert session.action_table.horizontalHeaderItem(2).text() == "Due"
    session.save()
    assert not warnings
    dues = {a.text: a.due for a in workspace.coaching.list_actions()}
    assert dues == {"Something": None, "Dated": date(2099, 1, 31)}

    # Actions tab: done and filters, across sessions and reflections.
    action = workspace.coaching.add_action("Overdue thing", due="2020-01-01")
    view.refresh()
    assert "1 action due today or overdue" in reminder_text(workspace)
    view.filter.setCurrentText("Overdue")
    assert view.all_actions.topLevelItemCount() == 1
    view.all_actions.setCurrentItem(view.all_actions.topLevelItem(0))
    view.set_status("done")
    assert workspace.coaching.get_action(action).status == "done"
    assert view.all_actions.topLevelItemCount() == 0
    view.filter.setCurrentText("Done")
    assert view.all_actions.topLevelItemCount() == 1


def test_pdf_brief_is_printed_at_a_readable_size(qtbot, workspace, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    from reflectjournal.gui.coaching_dialogs import BriefDialog

    workspace.people.add("Sam Patel", "coachee")
    workspace.coaching.add_session("Sam Patel", notes="Notes.", actions=["Call HR"])
    brief = BriefDialog(workspace, "Sam Patel")
    qtbot.addWidget(brief)
    out = tmp_path / "brief.pdf"
    brief.export_to(out)
    doc = QPdfDocument()
    doc.load(str(out))
    text_box = doc.getAllText(0).boundingRectangle()
    # A4 is 595 pt wide: body text on a printable page spans well over a third of it.
    assert text_box.width() > 200
