"""JSON for the prep brief (CLI.md: JSON is built in cli/, services return dataclasses)."""

from __future__ import annotations

from reflectjournal.cli.programme_cmds import agreement_json, goal_json
from reflectjournal.cli.shapes import actions_json, session_json


def theme_json(t) -> dict:
    return {
        "slug": t.slug,
        "name": t.name,
        "category": t.category,
        "recent": t.recent,
        "previous": t.previous,
        "recurring": t.recurring,
        "rising": t.rising,
        "own_recent": t.own_recent,
        "own_previous": t.own_previous,
    }


def brief_json(brief) -> dict:
    care = brief.care
    return {
        "person": brief.person.name,
        "as_of": brief.as_of.isoformat(),
        "session_number": brief.session_number,
        "sessions_agreed": brief.agreement.sessions if brief.agreement else None,
        "agreement": agreement_json(brief.agreement) if brief.agreement else None,
        "goals": [goal_json(g) for g in brief.goals],
        "care": (
            {"measures": list(care.measures), "run": care.run, "since": care.since}
            if care
            else None
        ),
        "last_session": session_json(brief.last_session) if brief.last_session else None,
        "next_session": session_json(brief.next_session) if brief.next_session else None,
        "shared": brief.shared,
        "bring": [
            {"text": b.text, "written": b.written, "arrived": b.arrived} for b in brief.bring
        ],
        "open_actions": actions_json(brief.open_actions),
        "closed_actions": actions_json(brief.closed_actions),
        "challenges": [theme_json(t) for t in brief.challenges],
        "capabilities_in_focus": [theme_json(t) for t in brief.focus],
        "capabilities_neglected": brief.neglected,
        "other_themes": [theme_json(t) for t in brief.other_themes],
        "mood": brief.mood,
        "questions": brief.questions,
    }
