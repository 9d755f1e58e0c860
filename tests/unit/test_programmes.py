"""Agreements, goals, the mentee role, GROW from the command line, iCalendar, action edits."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.actions import due_in_text


@pytest.fixture
def ws(workspace):
    workspace.people.add("Sam Patel", "coachee")
    workspace.people.add("Priya Shah", "mentee")
    return workspace


def test_agreement_defaults_then_partial_updates_keep_the_rest(ws):
    first = ws.programmes.set_agreement("Sam Patel", sessions=6, sponsor="Dr Lee")
    assert first.kind == "coaching"
    assert first.sessions == 6 and first.sponsor == "Dr Lee"
    assert first.start == date.today().isoformat()
    assert "harm" in first.limits and "without blame" in first.no_fault
    assert ws.programmes.set_agreement("Priya Shah").kind == "mentoring"  # by role

    later = ws.programmes.set_agreement("sam patel", until="2099-06-01", frequency="monthly")
    assert (later.sessions, later.sponsor, later.until, later.frequency) == (
        6,
        "Dr Lee",
        "2099-06-01",
        "monthly",
    )
    assert later.uid == first.uid
    assert ws.db.scalar("SELECT count(*) FROM agreement") == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sessions": 0}, "whole number"),
        ({"kind": "therapy"}, "coaching or mentoring"),
        ({"start": "2026-05-01", "until": "2026-04-01"}, "comes before the start"),
        ({"until": "not a date"}, "is not a date"),
        ({"limits": "x\x00y"}, "NUL"),
    ],
)
def test_bad_agreement_input_is_one_sentence_and_changes_nothing(ws, kwargs, message):
    ws.programmes.set_agreement("Sam Patel", sessions=6)
    before = ws.programmes.agreement("Sam Patel")
    with pytest.raises(UsageError, match=message):
        ws.programmes.set_agreement("Sam Patel", **kwargs)
    assert ws.programmes.agreement("Sam Patel") == before


def test_ending_keeps_everything_and_records_the_review(ws):
    ws.programmes.set_agreement("Priya Shah", sessions=4, start="2026-01-10")
    ws.coaching.add_session("Priya Shah", notes="First meeting", when=_at("2026-01-12T09:00"))
    ended = ws.programmes.end_relationship(
        "Priya Shah", ended="2026-06-01", review="Found her voice at board."
    )
    assert ended.ended == "2026-06-01" and not ended.active
    assert ended.end_review == "Found her voice at board."
    assert len(ws.coaching.list_sessions("Priya Shah")) == 1
    with pytest.raises(UsageError, match="before the start"):
        ws.programmes.end_relationship("Priya Shah", ended="2025-01-01")
    assert ws.programmes.reopen_relationship("Priya Shah").ended is None


def test_goals_with_ratings_over_time(ws):
    goal = ws.programmes.add_goal("Sam Patel", "  Delegate the  rota ")
    assert goal.text == "Delegate the rota" and goal.ratings == ()
    ws.programmes.rate_goal(goal.id, 3, day="2026-01-05")
    ws.programmes.rate_goal(goal.id, 6, day="2026-03-01", note="handed over nights")
    got = ws.programmes.rate_goal(str(goal.id), 4, day="2026-02-01")
    assert [(r.date, r.value) for r in got.ratings] == [
        ("2026-01-05", 3),
        ("2026-02-01", 4),
        ("2026-03-01", 6),
    ]
    assert got.latest.note == "handed over nights" and got.first.value == 3
    ws.programmes.add_goal("Priya Shah", "Speak at the board")
    assert [g.person for g in ws.programmes.goals()] == ["Priya Shah", "Sam Patel"]
    assert [g.text for g in ws.programmes.goals("Sam Patel")] == ["Delegate the rota"]
    assert ws.programmes.set_goal_status(goal.id, "achieved").closed is not None


@pytest.mark.parametrize("value", [-1, 11, "7"])
def test_goal_rating_out_of_range_is_refused(ws, value):
    goal = ws.programmes.add_goal("Sam Patel", "Delegate")
    with pytest.raises(UsageError, match="0 \\(not started\\) to 10"):
        ws.programmes.rate_goal(goal.id, value)
    assert ws.db.scalar("SELECT count(*) FROM goal_rating") == 0


def test_goal_errors(ws):
    with pytest.raises(NotFound, match="no goal 99"):
        ws.programmes.rate_goal(99, 3)
    with pytest.raises(UsageError, match="needs some text"):
        ws.programmes.add_goal("Sam Patel", "   ")
    goal = ws.programmes.add_goal("Sam Patel", "Delegate")
    future = (date.today() + timedelta(days=3)).isoformat()
    with pytest.raises(UsageError, match="still to come"):
        ws.programmes.rate_goal(goal.id, 3, day=future)


def test_deleting_a_person_removes_their_programme(ws):
    ws.programmes.set_agreement("Sam Patel", sessions=6)
    ws.programmes.rate_goal(ws.programmes.add_goal("Sam Patel", "Delegate").id, 3)
    ws.coaching.delete_person("Sam Patel", sessions="delete")
    for table in ("agreement", "goal", "goal_rating"):
        assert ws.db.scalar(f"SELECT count(*) FROM {table}") == 0


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def test_session_count_within_the_agreement(ws):
    ws.programmes.set_agreement("Sam Patel", sessions=6, start="2026-01-01")
    ws.coaching.add_session("Sam Patel", when=_at("2025-12-01T10:00"))  # chemistry, before
    for day in ("2026-01-10", "2026-02-10", "2026-03-10"):
        ws.coaching.add_session("Sam Patel", when=_at(f"{day}T10:00"))
    assert ws.programmes.session_count("Sam Patel", "2026-02-20T00:00:00+00:00") == (2, 6)
    assert ws.programmes.session_count("Sam Patel", "2027-01-01T00:00:00+00:00") == (3, 6)


# ---- due dates in an action plan -----------------------------------------------------------

WRITTEN = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    "text, due",
    [
        ("Ring HR by 12 December", date(2026, 12, 12)),
        ("Finish the paper by 12th Dec 2027", date(2027, 12, 12)),
        ("by December 3rd, send the plan", date(2026, 12, 3)),
        ("Agree the budget by 2026-12-01", date(2026, 12, 1)),
        ("Book leave by 5/1", date(2027, 1, 5)),
        ("Talk to Jo by 15 March", date(2027, 3, 15)),  # already past this year: next year
        ("Send it by Monday", date(2026, 11, 23)),
        ("Send it by next Monday", date(2026, 11, 30)),
        ("Reply by tomorrow", date(2026, 11, 21)),
        ("Write to the board", None),
        ("Meet the team by 31 February", None),
        ("Buy 12 December tickets", None),  # a date without 'by' is not a due date
    ],
)
def test_due_in_text(text, due):
    assert due_in_text(text, WRITTEN) == due


def test_action_plan_items_get_their_own_due_dates(ws):
    entry = ws.journal.add(
        "## Action plan\n\n- Ring HR by 12 December\n- Read about rostering\n",
        model="gibbs",
        when=_at("2026-11-20T09:00"),
    )
    ws.coaching.actions_from_entry(entry)
    dues = {a.text: a.due for a in ws.coaching.list_actions()}
    assert dues == {"Ring HR by 12 December": date(2026, 12, 12), "Read about rostering": None}


# ---- command line --------------------------------------------------------------------------


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def test_cli_programme_round_trip(cli, tmp_path):
    _ok(cli("init", "--name", "Coach Carter", "--no-keyring"))
    assert "mentee" in _ok(cli("person", "add", "Priya Shah", "--role", "mentee"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    data = json.loads(
        _ok(
            cli(
                "agreement",
                "set",
                "--with",
                "Sam Patel",
                "--sessions",
                "6",
                "--until",
                "2099-01-01",
                "--sponsor",
                "Dr Lee",
                "--json",
            )
        )
    )
    assert (data["sessions"], data["sponsor"], data["until"], data["kind"]) == (
        6,
        "Dr Lee",
        "2099-01-01",
        "coaching",
    )
    goal_id = _ok(cli("goal", "add", "--with", "Sam Patel", "Delegate the rota")).strip()
    _ok(cli("goal", "rate", goal_id, "4", "--date", "2026-01-01"))
    _ok(cli("goal", "rate", goal_id, "7"))
    goals = json.loads(_ok(cli("goal", "list", "--with", "Sam Patel", "--json")))
    assert [(g["text"], g["latest"], len(g["ratings"])) for g in goals] == [
        ("Delegate the rota", 7, 2)
    ]
    assert "4 → 7" in _ok(cli("goal", "list"))

    code, out, err = cli("goal", "rate", goal_id, "eleven")
    assert code == 2 and out == "" and err.count("\n") == 1 and "0 (not started)" in err
    code, _, err = cli("agreement", "set", "--with", "Nobody", "--sessions", "3")
    assert code != 0 and "nobody called 'Nobody'" in err
    code, _, err = cli("agreement", "show", "--with", "Priya Shah")
    assert code != 0 and "no agreement with Priya Shah" in err


def test_cli_session_add_with_grow_headings(cli):
    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    notes = "## Goal\nA plan for nights\n\n## Reality\nGaps\n\n## Options\nBank\n\n## Way forward\n- Ring HR"
    session = json.loads(
        _ok(cli("session", "add", "--with", "Sam Patel", "--model", "grow", notes, "--json"))
    )
    assert session["model"] == "grow"
    assert session["sections"] == {
        "goal": "A plan for nights",
        "reality": "Gaps",
        "options": "Bank",
        "way-forward": "- Ring HR",
    }
    code, _, err = cli("session", "add", "--with", "Sam Patel", "--model", "grow", "no headings")
    assert code == 2 and "'## Goal'" in err
    code, _, err = cli("session", "add", "--with", "Sam Patel", "--model", "gibbs", "## Goal\nx")
    assert code == 2 and "not a session model" in err
    assert len(json.loads(_ok(cli("session", "list", "--json")))) == 1


def test_cli_action_edit(cli):
    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    action_id = _ok(cli("action", "add", "Read the book")).strip()
    got = json.loads(
        _ok(
            cli(
                "action",
                "edit",
                action_id,
                "--text",
                "Read two chapters",
                "--due",
                "2099-12-20",
                "--owner",
                "Sam Patel",
                "--json",
            )
        )
    )
    assert (got["text"], got["due"], got["owner"]) == (
        "Read two chapters",
        "2099-12-20",
        "Sam Patel",
    )
    got = json.loads(
        _ok(cli("action", "edit", action_id, "--due", "none", "--owner", "me", "--json"))
    )
    assert (got["due"], got["owner"]) == (None, None)
    code, _, err = cli("action", "edit", action_id)
    assert code == 2 and "--text, --due or --owner" in err
    code, _, err = cli("action", "edit", action_id, "--due", "someday")
    assert code == 2 and "not a date" in err
    code, _, err = cli("action", "edit", "77", "--text", "x")
    assert code != 0 and "no action 77" in err


def test_ics_export_parses_back_as_rfc5545(cli, tmp_path):
    import icalendar

    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    _ok(cli("person", "add", "Priya Shah", "--role", "mentee"))
    _ok(cli("agreement", "set", "--with", "Sam Patel", "--sessions", "6", "--start", "2026-01-01"))
    secret = "Sam is thinking of leaving"
    _ok(cli("session", "add", "--with", "Sam Patel", "--date", "2026-01-10T09:30+00:00", secret))
    _ok(cli("session", "add", "--with", "Sam Patel", "--date", "2026-02-10T14:00+01:00", "x"))
    _ok(cli("session", "add", "--with", "Priya Shah", "--date", "2026-03-01T08:00+00:00", "y"))
    out = tmp_path / "sessions.ics"
    summary = json.loads(_ok(cli("session", "export", "--ics", str(out), "--json")))
    assert summary["sessions"] == 3
    raw = out.read_bytes()
    assert secret.encode() not in raw
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 3.1 folding
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar
    events = calendar.walk("VEVENT")
    got = [
        (str(e["SUMMARY"]), e.decoded("DTSTART").isoformat(), str(e.get("DESCRIPTION", "")))
        for e in events
    ]
    assert got == [
        ("Coaching session with Sam Patel", "2026-01-10T09:30:00+00:00", "Session 1 of 6"),
        ("Coaching session with Sam Patel", "2026-02-10T13:00:00+00:00", "Session 2 of 6"),
        ("Mentoring meeting with Priya Shah", "2026-03-01T08:00:00+00:00", ""),
    ]
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(hours=1) for e in events)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 3
    # Exporting again keeps each event's UID, so a calendar updates rather than duplicates.
    _ok(cli("session", "export", "--ics", str(out), "--with", "Sam Patel"))
    again = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == uids[:2]


def test_ics_export_bad_input(cli, tmp_path):
    _ok(cli("init", "--no-keyring"))
    code, _, err = cli("session", "export", "--ics", str(tmp_path / "s.ics"))
    assert code == 2 and "no sessions" in err and not (tmp_path / "s.ics").exists()
    code, _, err = cli("session", "export", "--ics", str(tmp_path / "s.txt"))
    assert code == 2 and ".ics" in err
    code, _, err = cli("session", "export", "--ics", str(tmp_path / "missing" / "s.ics"))
    assert code == 2 and "does not exist" in err
