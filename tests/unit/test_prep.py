"""The session prep brief, built from a hand-made history whose right answer is known."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from reflectjournal.cli.briefs import brief_json
from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services import prep
from reflectjournal.services.coaching import ActionDraft


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


AS_OF = _at("2025-03-28T12:00")


@pytest.fixture
def history(workspace):
    """Two sessions with Sam, entries Sam shared around them, and things that must stay out."""
    ws = workspace
    sam = ws.people.get(ws.people.add("Sam Patel", "coachee")).id
    alex = ws.people.get(ws.people.add("Alex Kim", "coachee")).id

    def shared(day, title, body, tags, mood=None, energy=None, sender=sam):
        return ws.journal.add(
            body,
            title=title,
            tags=tags,
            when=_at(day),
            mood=mood,
            energy=energy,
            kind="shared",
            sender_id=sender,
            visibility="coach",
        )

    ids = {}
    ids["s1"] = ws.coaching.add_session(
        "Sam Patel",
        when=_at("2025-03-03T10:00"),
        notes="First session: the rota.",
        tags=["workforce-pressures"],
        actions=[ActionDraft("Draft a rota proposal", owner="Sam Patel", due="2025-03-10")],
    )
    ids["e1"] = shared(
        "2025-03-05T20:00", "Short again", "Two gaps.", ["workforce-pressures"], 3, 3
    )
    ids["s2"] = ws.coaching.add_session(
        "Sam Patel",
        when=_at("2025-03-17T10:00"),
        agenda="Rota; the new system",
        sections={"goal": "Find one thing to **stop**.", "way-forward": "Talk to HR."},
        tags=["change-fatigue"],
        actions=[
            ActionDraft("Talk to HR about bank staff", owner="Sam Patel", due="2025-03-20"),
            ActionDraft("Book protected reflection time", owner="Sam Patel"),
        ],
    )
    ids["e2"] = shared(
        "2025-03-20T21:00",
        "Night shift",
        "# Heading\nWe ran [the ward](http://evil.example) on <script>alert(1)</script> fumes.",
        ["workforce-pressures", "resilience"],
        2,
        2,
    )
    ids["e3"] = shared(
        "2025-03-25T19:00",
        "Running on empty",
        "I am tired.",
        ["workforce-pressures", "burnout"],
        2,
        1,
    )
    ids["e5"] = shared(
        "2025-03-27T18:00", "Agency again", "More agency shifts.", ["workforce-pressures"]
    )
    # Must never appear: another coachee's entry, the coach's private reflection about Sam,
    # and an action that belongs to nobody in Sam's sessions.
    shared("2025-03-22T09:00", "Alex's week", "ALEX-ONLY", ["conflicting-priorities"], 5, 5, alex)
    ws.journal.add(
        "PRIVATE-NOTE: I worry about Sam.",
        title="My worry about Sam",
        tags=["demand-management", "workforce-pressures"],
        when=_at("2025-03-21T08:00"),
    )
    ws.coaching.add_action("Renew my own supervision", due="2025-03-01")
    # An action from session 1 was completed.
    first = ws.coaching.list_actions(session_id=ids["s1"])[0].id
    ws.coaching.set_status(first, "done")
    return ws, ids


def test_brief_contains_exactly_the_right_entries_actions_and_themes(history):
    ws, ids = history
    brief = prep.build_brief(ws, "Sam Patel", as_of=AS_OF)
    data = brief_json(brief)

    assert data["last_session"]["id"] == str(ids["s2"])
    assert data["next_session"] is None
    assert [s["id"] for s in data["shared"]] == [str(ids["e5"]), str(ids["e3"]), str(ids["e2"])]
    assert data["shared"][1]["tags"] == ["Workforce pressures", "Burnout"]
    assert data["shared"][2]["excerpt"] == "We ran the ward on alert(1) fumes."

    assert [(a["text"], a["state"]) for a in data["open_actions"]] == [
        ("Talk to HR about bank staff", "overdue"),
        ("Book protected reflection time", "open"),
    ]
    assert [a["text"] for a in data["closed_actions"]] == ["Draft a rota proposal"]

    challenges = {c["slug"]: c for c in data["challenges"]}
    assert list(challenges) == ["workforce-pressures", "change-fatigue"]
    wp = challenges["workforce-pressures"]
    assert (wp["recent"], wp["previous"], wp["recurring"], wp["rising"]) == (3, 2, True, True)
    cf = challenges["change-fatigue"]
    assert (cf["recent"], cf["previous"], cf["recurring"], cf["rising"]) == (1, 0, False, False)
    # Rising counts only what Sam wrote: 3 shared this period against 1 (the coach's session
    # tags do not count), which clears the shared rule's bar of max(2, sqrt(4)) = 2.
    assert (wp["own_recent"], wp["own_previous"]) == (3, 1)
    assert [t["slug"] for t in data["capabilities_in_focus"]] == ["resilience"]
    assert [t["slug"] for t in data["other_themes"]] == ["burnout"]
    assert [(n["slug"], n["called_for_by"]) for n in data["capabilities_neglected"]] == [
        ("compassionate-leadership", ["Workforce pressures", "Change fatigue"]),
        ("change-leadership", ["Change fatigue"]),
        ("collaborative-leadership", ["Workforce pressures"]),
    ]

    # Two ratings against one: too few for the shared mean-change test to call a direction.
    assert data["mood"]["mood"] == {"recent": 2.0, "before": 3.0, "trend": "too few to tell"}
    assert data["mood"]["energy"] == {"recent": 1.5, "before": 3.0, "trend": "too few to tell"}

    def questions(slug, n):
        return list(ws.frameworks.item(slug).questions[:n])

    expected = (
        questions("workforce-pressures", 2)
        + questions("change-fatigue", 2)
        + questions("resilience", 2)
        + questions("compassionate-leadership", 1)
        + questions("change-leadership", 1)
    )
    assert [q["question"] for q in data["questions"]] == expected


def test_private_and_other_peoples_entries_never_appear(history):
    ws, _ = history
    brief = prep.build_brief(ws, "Sam Patel", as_of=AS_OF)
    text = prep.to_markdown(brief) + json.dumps(brief_json(brief))
    for secret in ("PRIVATE-NOTE", "My worry about Sam", "ALEX-ONLY", "Alex's week"):
        assert secret not in text
    assert "Renew my own supervision" not in text
    assert "demand-management" not in text and "Demand management" not in text


def test_markdown_has_every_section_and_makes_others_text_inert(history):
    ws, _ = history
    md = prep.to_markdown(prep.build_brief(ws, "Sam Patel", as_of=AS_OF))
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        "## At a glance",
        "## Actions",
        "## Challenges",
        "## Capabilities",
        "## Mood and energy",
        "## Shared with you",
        "## Your notes from last time",
        "## Questions to consider",
    ]
    assert "- ☐ **Overdue:** Talk to HR about bank staff (Sam Patel — overdue since 20 Mar)" in md
    assert "rising: Workforce pressures" in md
    assert (
        "**Compassionate leadership**, which Workforce pressures and Change fatigue call for" in md
    )
    assert "> We ran the ward on alert(1) fumes." in md
    # The coach's own notes keep their Markdown, with headings demoted under the brief's.
    assert "#### Goal" in md and "Find one thing to **stop**." in md
    # Nobody's shared text can add a link or a heading to the brief.
    assert "](http" not in md and "\n# Heading" not in md


def test_first_brief_upcoming_session_and_bad_input(workspace):
    ws = workspace
    ws.people.add("Jo Bloggs", "coachee")
    ahead = datetime.now().astimezone() + timedelta(days=5)
    ws.coaching.add_session("Jo Bloggs", when=ahead, title="First meeting")
    brief = prep.build_brief(ws, "Jo Bloggs")
    assert brief.last_session is None
    assert brief.next_session is not None and brief.next_session.title == "First meeting"
    md = prep.to_markdown(brief)
    assert "This will be your first session together." in md
    assert "No themes were tagged" in md
    with pytest.raises(NotFound, match="nobody called 'Nobody'"):
        prep.build_brief(ws, "Nobody")
    with pytest.raises(UsageError, match="still to come"):
        prep.build_brief(ws, "Jo Bloggs", as_of=ahead)


def test_cli_prep_writes_markdown_and_refuses_bad_requests(cli, tmp_path):
    assert cli("init", "--name", "Coach", "--no-keyring")[0] == 0
    assert cli("person", "add", "Sam Patel", "--role", "coachee")[0] == 0
    assert cli("session", "add", "--with", "Sam Patel", "--date", "2025-03-03T10:00",
               "--tag", "workforce-pressures", "--action", "Draft rota", "Notes.")[0] == 0  # fmt: skip
    out = tmp_path / "brief.md"
    code, stdout, err = cli("session", "prep", "Sam Patel", "--out", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith("# Session prep: Sam Patel")
    code, stdout, _ = cli("session", "prep", "Sam Patel", "--json")
    data = json.loads(stdout)
    assert data["person"] == "Sam Patel" and data["open_actions"][0]["text"] == "Draft rota"
    code, _, err = cli("session", "prep", "Sam Patel", "--out", str(tmp_path / "brief.docx"))
    assert code == 2 and "Markdown (.md) or PDF (.pdf)" in err
    code, _, err = cli("session", "prep", "Sam Patel", "--as-of", "2999-01-01")
    assert code == 2 and "still to come" in err
    code, _, err = cli("session", "prep", "Nobody")
    assert code == 1 and "nobody called 'Nobody'" in err
