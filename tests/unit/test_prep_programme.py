"""The prep brief's programme parts: session n of N, the agreement, goals, care for the carer."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from reflectjournal.cli.briefs import brief_json
from reflectjournal.services import prep
from reflectjournal.services.wellbeing import care_note, own_care_note, set_own_care_note


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


AS_OF = _at("2026-03-28T12:00")


@pytest.fixture
def ws(workspace):
    ws = workspace
    ws.people.add("Sam Patel", "coachee")
    ws.people.add("Priya Shah", "mentee")
    ws.programmes.set_agreement(
        "Sam Patel",
        sessions=6,
        start="2026-01-01",
        review="2026-03-01",
        until="2026-07-01",
        sponsor="Dr Lee",
        sponsor_consent=True,
        frequency="every three weeks",
    )
    for day in ("2026-01-12", "2026-02-02", "2026-02-23"):
        ws.coaching.add_session("Sam Patel", when=_at(f"{day}T10:00"), notes="Notes.")
    goal = ws.programmes.add_goal("Sam Patel", "Delegate the *rota*")
    ws.programmes.rate_goal(goal.id, 3, day="2026-01-12")
    ws.programmes.rate_goal(goal.id, 5, day="2026-02-23")
    ws.programmes.add_goal("Sam Patel", "Speak up at the board")
    return ws


def _shared(ws, day: str, mood, energy, who="Sam Patel"):
    sender = ws.people.get(who).id
    return ws.journal.add(
        "A hard week.",
        when=_at(day),
        mood=mood,
        energy=energy,
        kind="shared",
        sender_id=sender,
        visibility="coach",
    )


def test_brief_shows_session_four_of_six_agreement_and_goals(ws):
    brief = prep.build_brief(ws, "Sam Patel", as_of=AS_OF)
    assert brief.session_number == 4
    text = prep.to_markdown(brief)
    assert "**Session 4 of 6**" in text
    assert "## Coaching agreement" in text
    assert "review 01 Mar 2026 (due)" in text
    assert "planned end 01 Jul 2026" in text
    assert "Sponsor: Dr Lee (agreed to a summary for the sponsor)" in text
    assert "- **Delegate the \\*rota\\***: 3 → 5 out of 10 (last rated 23 Feb 2026)" in text
    assert "- **Speak up at the board**: not rated yet" in text
    assert "Care for the carer" not in text
    data = brief_json(brief)
    assert (data["session_number"], data["sessions_agreed"]) == (4, 6)
    assert [g["latest"] for g in data["goals"]] == [5, None]
    assert data["care"] is None
    json.dumps(data)


def test_beyond_the_agreed_number_says_so(ws):
    ws.programmes.set_agreement("Sam Patel", sessions=3)
    text = prep.to_markdown(prep.build_brief(ws, "Sam Patel", as_of=AS_OF))
    assert "Session 4 of 3 (beyond the sessions agreed" in text


def test_no_agreement_no_programme_sections(ws):
    brief = prep.build_brief(ws, "Priya Shah", as_of=AS_OF)
    assert brief.session_number is None and brief.goals == ()
    text = prep.to_markdown(brief)
    assert "agreement" not in text.lower() and "## Goals" not in text


def test_mentoring_is_called_meetings(ws):
    ws.programmes.set_agreement("Priya Shah", start="2026-01-01")
    ws.coaching.add_session("Priya Shah", when=_at("2026-02-01T10:00"))
    text = prep.to_markdown(prep.build_brief(ws, "Priya Shah", as_of=AS_OF))
    assert "## Mentoring agreement" in text and "**Meeting 2**" in text


def test_care_note_after_three_low_entries_with_signposting(ws):
    _shared(ws, "2026-03-01T20:00", 4, 4)
    _shared(ws, "2026-03-05T20:00", 2, 3)
    _shared(ws, "2026-03-10T20:00", None, None)  # blank: neither low nor a break
    _shared(ws, "2026-03-15T20:00", 1, 3)
    _shared(ws, "2026-03-20T20:00", 2, 4)
    _shared(ws, "2026-03-22T20:00", 3, 1, who="Priya Shah")  # someone else's
    brief = prep.build_brief(ws, "Sam Patel", as_of=AS_OF)
    assert (brief.care.measures, brief.care.run, brief.care.since) == (("mood",), 3, "2026-03-05")
    text = prep.to_markdown(brief)
    assert "## Care for the carer" in text
    assert "Sam Patel's mood has been at 1 or 2 out of 5 in the last 3 entries" in text
    for place in ("Occupational health", "Employee assistance programme", "NHS Practitioner"):
        assert place in text
    assert brief_json(brief)["care"] == {"measures": ["mood"], "run": 3, "since": "2026-03-05"}
    # As things stood before the third low entry, there was nothing to say.
    assert prep.build_brief(ws, "Sam Patel", as_of=_at("2026-03-16T00:00")).care is None


@pytest.mark.parametrize(
    "points, expected",
    [
        ([], None),
        ([("d1", 2, None), ("d2", 2, None)], None),
        (
            [("2026-01-01", 2, None), ("2026-01-02", 1, None), ("2026-01-03", 2, None)],
            (("mood",), 3, "2026-01-01"),
        ),
        ([("d1", 1, 1), ("d2", 2, 2), ("d3", 3, 2), ("d4", 2, 2)], (("energy",), 4, "d1")),
        ([("d1", 1, 1), ("d2", 2, 2), ("d3", 2, 2)], (("mood", "energy"), 3, "d1")),
        ([("d1", 1, 1), ("d2", 2, 2), ("d3", 2, 2), ("d4", 4, 4)], None),  # recovered
    ],
)
def test_care_rule(points, expected):
    note = care_note(points)
    assert (None if note is None else (note.measures, note.run, note.since)) == expected


def test_own_care_note_can_be_switched_off(workspace):
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        workspace.journal.add("Tired.", when=_at(f"{day}T21:00"), energy=1)
    note = own_care_note(workspace.db)
    assert note is not None and "Your energy" in note.sentence()
    set_own_care_note(workspace.db, False)
    assert own_care_note(workspace.db) is None
    set_own_care_note(workspace.db, True)
    assert own_care_note(workspace.db) is not None
