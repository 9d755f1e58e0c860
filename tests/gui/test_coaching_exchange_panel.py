"""The Coaching page's "Summaries and bring" tab, both sides, meeting through a folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from reflectjournal.gui.coaching_view import CoachingView
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SHOTS = os.environ.get("RJ_SCREENSHOTS")  # a folder to save the tab's pictures in, when set


@pytest.fixture
def pair(tmp_path):
    coach = Workspace.create(tmp_path / "coach.rj", PASS, owner="Cat Coach")
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    coach.sharing.contacts.import_card(leader.sharing.identity.contact_card(), role="coachee")
    leader.sharing.contacts.import_card(coach.sharing.identity.contact_card(), role="coach")
    folder = tmp_path / "Shared"
    folder.mkdir()
    for ws in (coach, leader):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(folder)))
    yield coach, leader
    coach.close()
    leader.close()


def _page(qtbot, ws: Workspace, name: str) -> CoachingView:
    view = CoachingView(ws)
    qtbot.addWidget(view)
    view.resize(1024, 640)
    view.show()
    view.open_person(ws.people.get(name).id)
    view.person_tabs.setCurrentWidget(view.exchange_panel)
    return view


def _texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def _shot(view, name: str) -> None:
    if not SHOTS:
        return
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.theme import apply_theme

    view.grab().save(os.path.join(SHOTS, f"{name}.png"))
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        QApplication.processEvents()
        view.grab().save(os.path.join(SHOTS, f"{name}-dark.png"))
    finally:
        apply_theme(app, "light")


def test_coach_sends_summary_and_copy_leader_brings_something(qtbot, pair, monkeypatch):
    coach, leader = pair
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    coach.programmes.set_agreement("Ana Leader", sessions=6)
    coach.programmes.add_goal("Ana Leader", "Say no once a week")
    coach.coaching.add_session(
        "Ana Leader",
        notes="Private notes",
        when=datetime.now().astimezone() - timedelta(days=1),
        actions=["Ring HR about the rota"],
    )
    view = _page(qtbot, coach, "Ana Leader")
    panel = view.exchange_panel
    assert panel.send_copy.isVisible() and not panel.add_bring.isVisible()
    assert "no copy" in panel.copy_state.text()
    panel.send_copy.click()
    assert "next sync" in panel.copy_state.text()
    monkeypatch.setattr(
        QInputDialog,
        "getMultiLineText",
        lambda *a, **k: ("We planned the rota conversation.", True),
    )
    panel.send_summary_button.click()
    (line,) = _texts(panel.summaries)
    assert "We planned the rota conversation." in line and "Ring HR about the rota" in line
    assert "not received yet" in line
    coach.sharing.exchange.sync()
    leader.sharing.exchange.sync()

    mine = _page(qtbot, leader, "Cat Coach")
    lp = mine.exchange_panel
    assert not lp.send_copy.isVisible() and lp.add_bring.isVisible()
    (got,) = _texts(lp.summaries)
    assert "We planned the rota conversation." in got and "☐ Ring HR about the rota" in got
    assert "a copy received from the other party" in mine.agreement.text().lower()
    # The summary's action is the leader's own, in the Actions tab, marked as from the coach.
    actions = [
        mine.all_actions.topLevelItem(i) for i in range(mine.all_actions.topLevelItemCount())
    ]
    assert [(a.text(0), a.text(1), a.text(4)) for a in actions] == [
        ("Ring HR about the rota", "me", "Cat Coach's summary")
    ]
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", lambda *a, **k: ("Saying no <b>kindly</b>", True)
    )
    lp.add_bring.click()
    assert "Saying no <b>kindly</b>  (not received yet)" in _texts(lp.bring)
    _shot(mine, "coaching-exchange-leader")
    leader.sharing.exchange.sync()
    coach.sharing.exchange.sync()

    view.refresh()
    view.person_tabs.setCurrentWidget(view.exchange_panel)
    (brought,) = _texts(panel.bring)
    assert brought.startswith("Saying no <b>kindly</b>  (arrived ")  # plain text, not markup
    assert "received" in panel.copy_state.text() and not panel.send_copy.isEnabled()
    _shot(view, "coaching-exchange-coach")
    assert warnings == []


def test_bad_input_in_the_panel_gets_one_sentence_and_sends_nothing(qtbot, pair, monkeypatch):
    coach, leader = pair
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    view = _page(qtbot, coach, "Ana Leader")
    view.exchange_panel.send_copy.click()  # no agreement or goal yet
    view.exchange_panel.send_summary_button.click()  # no session yet
    mine = _page(qtbot, leader, "Cat Coach")
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("   ", True))
    mine.exchange_panel.add_bring.click()
    assert len(shown) == 3 and all(s.endswith(".") and "\n" not in s for s in shown)
    assert coach.db.scalar("SELECT count(*) FROM exchange_item") == 0
    assert leader.db.scalar("SELECT count(*) FROM bring_item") == 0


def test_the_mentor_confirms_a_discussion_in_the_app(qtbot, tmp_path, monkeypatch):
    from reflectjournal.services.revalidation import RevalidationService

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: shown.append(text))
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    try:
        mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card(), role="coachee")
        leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card(), role="mentor")
        folder = tmp_path / "Shared"
        folder.mkdir()
        for ws in (mentor, leader):
            ws.sharing.exchange.set_place(PlaceSpec("folder", str(folder)))
        RevalidationService(leader.db).add_discussion("Tom Mentor", "2026-11-02", "12A3456E")
        mine = _page(qtbot, leader, "Tom Mentor")
        mine.person_tabs.setCurrentWidget(mine.discussions)
        panel = mine.discussions
        panel.ask.click()  # nothing chosen yet: one sentence, nothing sent
        assert shown == ["Choose one of your reflective discussion records first."]
        panel.records.setCurrentRow(0)
        panel.ask.click()
        assert "asked Tom Mentor, not received yet" in panel.records.item(0).text()
        leader.sharing.exchange.sync()
        mentor.sharing.exchange.sync()

        theirs = _page(qtbot, mentor, "Ana Leader")
        theirs.person_tabs.setCurrentWidget(theirs.discussions)
        other = theirs.discussions
        assert "PIN 12A3456E (to confirm)" in other.records.item(0).text()
        other.records.setCurrentRow(0)
        other.confirm.click()
        assert "(confirmed" in other.records.item(0).text()
        _shot(theirs, "coaching-discussion-mentor")
        mentor.sharing.exchange.sync()
        leader.sharing.exchange.sync()
        mine.refresh()
        assert "confirmed by Tom Mentor" in panel.records.item(0).text()
        assert shown == ["Choose one of your reflective discussion records first."]
    finally:
        leader.close()
        mentor.close()
