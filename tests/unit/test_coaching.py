"""Coaching sessions, actions, reminders and people: service and CLI round trips."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from reflectjournal.domain.enums import ActionState, ActionStatus, Scale
from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.coaching import (
    ActionDraft,
    PersonRemoved,
    action_state,
    split_items,
)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


@pytest.fixture
def coach(workspace):
    workspace.people.add("Sam Patel", "coachee")
    workspace.people.add("Alex Kim", "coachee")
    return workspace


def test_session_round_trip_with_grow_sections_links_and_actions(coach):
    ws = coach
    sam = ws.people.get("Sam Patel")
    shared = ws.journal.add(
        "Rota trouble again.", kind="shared", sender_id=sam.id, visibility="coach"
    )
    sid = ws.coaching.add_session(
        "sam patel",  # names match without regard to case
        when=_at("2025-03-17T10:00"),
        agenda="Rota; the restructure",
        tags=["workforce-pressures", "#Change Fatigue"],
        sections={"goal": "Leave with a plan for the rota.", "way-forward": "- Talk to HR"},
        actions=[
            ActionDraft("Talk to HR about bank staff", owner="Sam Patel", due="2025-03-20"),
            ActionDraft("Send Sam the article on rostering", owner=None),
        ],
        linked_entries=[shared],
    )
    got = ws.coaching.get_session(sid, today=date(2025, 3, 18))
    assert got.id == sid
    assert got.with_name == "Sam Patel"
    assert got.title == "Session with Sam Patel"
    assert got.agenda == "Rota; the restructure"
    assert got.date == _at("2025-03-17T10:00")
    assert got.model == "grow"
    assert dict(got.sections) == {
        "goal": "Leave with a plan for the rota.",
        "way-forward": "- Talk to HR",
    }
    assert "## Goal" in got.notes and "## Way forward" in got.notes
    assert got.tags == ("workforce-pressures", "change-fatigue")
    assert [e.id for e in got.linked_entries] == [shared]
    assert [(a.text, a.owner, a.due, a.state) for a in got.actions] == [
        ("Talk to HR about bank staff", "Sam Patel", date(2025, 3, 20), ActionState.DUE_SOON),
        ("Send Sam the article on rostering", None, None, ActionState.OPEN),
    ]
    # The notes are an entry of kind session: search finds them.
    assert [e.id for e in ws.journal.found("rota plan")] == [got.entry_id]

    ws.coaching.edit_session(sid, agenda="Rota only", tags=["resilience"], linked_entries=[])
    again = ws.coaching.get_session(sid)
    assert again.agenda == "Rota only"
    assert again.tags == ("resilience",)
    assert again.linked_entries == ()


def test_session_list_filters_by_person_and_marks_upcoming(coach):
    ws = coach
    ws.coaching.add_session("Sam Patel", when=_at("2025-01-10T09:00"), notes="First.")
    ws.coaching.add_session("Alex Kim", when=_at("2025-02-10T09:00"), notes="Alex first.")
    future = datetime.now().astimezone() + timedelta(days=3)
    ws.coaching.add_session("Sam Patel", when=future, title="Next one")
    sam = ws.coaching.list_sessions("Sam Patel")
    assert [s.title for s in sam] == ["Next one", "Session with Sam Patel"]
    assert [s.upcoming for s in sam] == [True, False]
    assert sam[1].date == _at("2025-01-10T09:00") and sam[1].open_actions == 0
    assert len(ws.coaching.list_sessions()) == 3
    ahead = ws.coaching.list_sessions(upcoming_only=True)
    assert [(s.title, s.with_name) for s in ahead] == [("Next one", "Sam Patel")]
    assert ws.coaching.list_sessions("Alex Kim", upcoming_only=True) == []


def test_person_overview_holds_their_sessions_open_actions_shares_and_themes(coach):
    ws = coach
    sam = ws.people.get("Sam Patel")
    older = ws.journal.add(
        "Short-staffed again.",
        title="Rota",
        tags=["workforce-pressures", "resilience"],
        when=datetime.fromisoformat("2025-03-01T08:00+01:00"),  # written abroad
        mood=2,
        kind="shared",
        sender_id=sam.id,
        visibility="coach",
    )
    newer = ws.journal.add(
        "Better week.",
        title="Calmer",
        tags=["workforce-pressures"],
        when=_at("2025-03-08T08:00"),
        energy=4,
        kind="shared",
        sender_id=sam.id,
        visibility="coach",
    )
    ws.journal.add("Mine, not Sam's.", tags=["resilience"])
    sid = ws.coaching.add_session("Sam Patel", when=_at("2025-03-10T09:00"), actions=["Ring HR"])
    done = ws.coaching.add_action("Read the rota policy", owner="Sam Patel")
    ws.coaching.set_status(done, "done")
    ws.coaching.add_session("Alex Kim", notes="Not Sam's.", actions=["Alex's"])

    view = ws.coaching.person_overview("Sam Patel")
    assert view.person == sam
    assert [(s.id, s.open_actions) for s in view.sessions] == [(sid, 1)]
    assert [a.text for a in view.actions] == ["Ring HR"]
    assert [(e.id, e.title, e.mood, e.energy) for e in view.shared] == [
        (newer, "Calmer", None, Scale.GOOD),
        (older, "Rota", Scale.LOW, None),
    ]
    assert view.shared[1].created.isoformat() == "2025-03-01T08:00:00+01:00"
    assert [(t.slug, t.count) for t in view.themes] == [
        ("workforce-pressures", 2),
        ("resilience", 1),
    ]


def test_bad_session_input_changes_nothing(coach):
    ws = coach
    with pytest.raises(NotFound, match="nobody called 'Jo'"):
        ws.coaching.add_session("Jo", notes="x")
    private = ws.journal.add("My own private thought.")
    with pytest.raises(UsageError, match="not an entry Sam Patel shared"):
        ws.coaching.add_session("Sam Patel", notes="x", linked_entries=[private])
    with pytest.raises(UsageError, match="not a date"):
        ws.coaching.add_session("Sam Patel", notes="x", actions=[ActionDraft("a", due="soon")])
    assert ws.coaching.list_sessions() == []
    assert ws.db.scalar("SELECT count(*) FROM entry WHERE kind = 'session'") == 0
    assert ws.coaching.list_actions() == []
    with pytest.raises(NotFound, match="no session 99"):
        ws.coaching.get_session(99)


def test_action_states_and_status_changes(coach):
    ws = coach
    today = date(2025, 3, 10)
    late = ws.coaching.add_action("Late one", due="2025-03-01")
    now = ws.coaching.add_action("Today one", due="2025-03-10", owner="Alex Kim")
    soon = ws.coaching.add_action("Soon one", due="2025-03-15")
    later = ws.coaching.add_action("Later one", due="2025-06-01")
    undated = ws.coaching.add_action("Whenever")
    states = {a.text: a.state for a in ws.coaching.list_actions(today=today)}
    assert states == {
        "Late one": "overdue",
        "Today one": "due-today",
        "Soon one": "due-soon",
        "Later one": "open",
        "Whenever": "open",
    }
    assert ws.coaching.set_status(soon, "done").status is ActionStatus.DONE
    assert ws.coaching.set_status(later, "dropped").closed
    open_ids = [a.id for a in ws.coaching.list_actions(open_only=True, today=today)]
    assert open_ids == [late, now, undated]  # by due date, undated last
    assert ws.coaching.set_status(later, "open").closed is None
    assert [a.text for a in ws.coaching.list_actions(person="Alex Kim")] == ["Today one"]
    with pytest.raises(UsageError, match="status is one of"):
        ws.coaching.set_status(late, "finished")
    with pytest.raises(UsageError, match="needs some text"):
        ws.coaching.add_action("   ")
    with pytest.raises(NotFound, match="no action 404"):
        ws.coaching.set_status(404, "done")
    assert action_state(ActionStatus.DONE, date(2000, 1, 1), today) is ActionState.DONE
    assert action_state(ActionStatus.OPEN, date(2000, 1, 1), today) is ActionState.OVERDUE


def test_reminders_list_due_actions_and_upcoming_sessions(coach):
    ws = coach
    today = date.today()
    ws.coaching.add_action("Overdue", due=today - timedelta(days=2))
    ws.coaching.add_action("Due today", due=today)
    ws.coaching.add_action("Next month", due=today + timedelta(days=30))
    closed = ws.coaching.add_action("Done already", due=today - timedelta(days=1))
    ws.coaching.set_status(closed, "done")
    ws.coaching.add_session("Sam Patel", when=_at("2025-01-01T10:00"), notes="Past.")
    ahead = datetime.now().astimezone() + timedelta(days=2)
    ws.coaching.add_session("Alex Kim", when=ahead, notes="Coming.")
    reminders = ws.coaching.reminders(today)
    assert [a.text for a in reminders.actions] == ["Overdue", "Due today"]
    assert [s.with_name for s in reminders.sessions] == ["Alex Kim"]


def test_reflection_action_plan_becomes_actions_once(coach):
    ws = coach
    entry = ws.journal.add(
        model="gibbs",
        sections={
            "description": "A hard handover.",
            "action-plan": "- Ask for a handover checklist\n- Book a debrief with\n  the night team\n"
            "- Ask for a handover checklist",
        },
    )
    created = ws.coaching.actions_from_entry(entry, due="2025-04-01")
    actions = ws.coaching.list_actions(entry_id=entry)
    assert [a.text for a in actions] == [
        "Ask for a handover checklist",
        "Book a debrief with the night team",
    ]
    assert len(created) == 2 and {a.section for a in actions} == {"action-plan"}
    assert {a.due for a in actions} == {date(2025, 4, 1)}
    assert [a.entry_id for a in actions] == [entry, entry]
    assert ws.coaching.actions_from_entry(entry) == []  # a second click adds nothing
    plain = ws.journal.add("No model here.")
    with pytest.raises(UsageError, match="action plan"):
        ws.coaching.actions_from_entry(plain)
    empty = ws.journal.add(model="what-so-what-now-what", sections={"what": "Something."})
    with pytest.raises(UsageError, match="'Now what\\?' section .* is empty"):
        ws.coaching.actions_from_entry(empty)


def test_split_items_reads_lines_and_checkboxes():
    assert split_items("Call Jo\n\nEmail the board") == ["Call Jo", "Email the board"]
    assert split_items("1. First\n2) Second\n* [ ] Third") == ["First", "Second", "Third"]
    assert split_items("   \n") == []


def test_delete_person_keep_or_delete_sessions(coach):
    ws = coach
    sid = ws.coaching.add_session("Sam Patel", notes="Kept notes.", actions=["Sam's action"])
    ws.coaching.add_action("Mine, from Sam's session", session_id=sid)
    with pytest.raises(UsageError, match="--sessions keep or --sessions delete"):
        ws.coaching.delete_person("Sam Patel", sessions="")
    assert ws.people.find("Sam Patel") is not None

    result = ws.coaching.delete_person("Sam Patel", sessions="keep")
    assert result == PersonRemoved("Sam Patel", sessions_kept=True, sessions=1, actions=2)
    kept = ws.coaching.get_session(sid)
    assert kept.notes == "Kept notes." and kept.with_name is None
    texts = {a.text: a.status for a in ws.coaching.list_actions()}
    assert texts == {"Sam's action (Sam Patel)": "dropped", "Mine, from Sam's session": "open"}

    ws.coaching.add_session("Alex Kim", notes="Alex notes.", actions=["Alex's action"])
    gone = ws.coaching.delete_person("Alex Kim", sessions="delete")
    assert gone == PersonRemoved("Alex Kim", sessions_kept=False, sessions=1, actions=1)
    assert [s.id for s in ws.coaching.list_sessions()] == [sid]
    assert ws.db.scalar("SELECT count(*) FROM entry WHERE body = 'Alex notes.'") == 0
    assert "Alex's action" not in {a.text for a in ws.coaching.list_actions()}


# ---- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli_journal(cli):
    code, _, err = cli("init", "--name", "Coach", "--no-keyring")
    assert code == 0, err
    return cli


def test_cli_people_sessions_and_actions(cli_journal):
    cli = cli_journal
    code, out, err = cli("person", "add", "Sam Patel", "--role", "coachee", "--json")
    assert code == 0, err
    assert json.loads(out)["name"] == "Sam Patel"
    code, _, err = cli("person", "add", "Sam Patel", "--role", "coachee")
    assert code == 2 and "already someone called" in err
    code, _, err = cli("person", "add", "Jo", "--role", "boss")
    assert code == 2

    code, out, err = cli(
        "session", "add", "--with", "Sam Patel", "--date", "2025-03-17T10:00",
        "--tag", "workforce-pressures", "--action", "Talk to HR", "--action", "Draft rota",
        "Talked about the rota.", "--json",
    )  # fmt: skip
    assert code == 0, err
    session = json.loads(out)
    assert session["with"] == "Sam Patel" and session["tags"] == ["workforce-pressures"]
    assert [(a["text"], a["owner"]) for a in session["actions"]] == [
        ("Talk to HR", "Sam Patel"),
        ("Draft rota", "Sam Patel"),
    ]
    code, out, _ = cli("session", "list", "--with", "sam patel", "--json")
    assert [s["id"] for s in json.loads(out)] == [session["id"]]
    code, out, _ = cli("session", "list")
    assert out == f"{session['id']}  2025-03-17 10:00  Session with Sam Patel  2 open actions\n"
    code, out, _ = cli("session", "show", session["id"])
    assert out.splitlines()[:3] == [
        "Session with Sam Patel",
        "2025-03-17 10:00 · with Sam Patel",
        "@workforce-pressures",
    ]
    assert "Talked about the rota." in out and "Talk to HR" in out

    first = session["actions"][0]["id"]
    assert cli("action", "done", first)[0] == 0
    code, out, _ = cli("action", "list", "--open", "--json")
    assert [a["text"] for a in json.loads(out)] == ["Draft rota"]
    code, out, err = cli("action", "add", "Read the report", "--due", "2020-01-01")
    assert code == 0 and "already passed" in err  # allowed, with a warning
    code, _, err = cli("action", "add", "Read", "--owner", "Nobody")
    assert code == 1 and "nobody called 'Nobody'" in err
    code, _, err = cli("session", "add", "--with", "Nobody", "text")
    assert code == 1 and "nobody called" in err
    code, _, err = cli("action", "drop", "999")
    assert code == 1 and "no action 999" in err

    code, _, err = cli("person", "delete", "Sam Patel")
    assert code == 2 and "--sessions" in err
    code, out, _ = cli("person", "delete", "Sam Patel", "--sessions", "keep")
    assert code == 0 and "kept" in out
    code, out, _ = cli("person", "list", "--json")
    assert json.loads(out) == []


def test_cli_reminders_and_person_delete_say_what_happened(cli_journal):
    cli = cli_journal
    assert cli("person", "add", "Sam Patel", "--role", "coachee")[0] == 0
    ahead = (datetime.now().astimezone() + timedelta(days=2)).replace(second=0, microsecond=0)
    code, out, err = cli(
        "session", "add", "--with", "Sam Patel", "--date", ahead.isoformat(), "--title",
        "Next one", "--action", "Bring the rota", "Plan.", "--json",
    )  # fmt: skip
    assert code == 0, err
    session = json.loads(out)
    assert session["date"] == ahead.isoformat() and session["upcoming"] is True
    assert cli("action", "add", "Ring HR", "--due", "2020-01-01")[0] == 0

    code, out, err = cli("reminders", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [a["text"] for a in data["actions"]] == ["Ring HR"]
    [ahead_json] = data["sessions"]
    assert {k: ahead_json[k] for k in ("id", "with", "date", "title", "upcoming")} == {
        "id": session["id"],
        "with": "Sam Patel",
        "date": ahead.isoformat(),
        "title": "Next one",
        "upcoming": True,
    }
    assert ahead_json["open_actions"] == 1
    assert data["retention"] == []
    code, out, _ = cli("reminders")
    assert f"Coming up: {ahead:%Y-%m-%d %H:%M}  Next one" in out

    code, out, _ = cli("person", "delete", "Sam Patel", "--sessions", "delete")
    assert code == 0
    assert out.strip() == "Removed Sam Patel with 1 session and 1 action."
