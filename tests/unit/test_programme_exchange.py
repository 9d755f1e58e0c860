"""A programme (agreement and shared goals) travelling from coach to coachee and applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reflectjournal.errors import PacketRejected
from reflectjournal.services.programme_exchange import apply_programme, programme_body
from reflectjournal.services.workspace import Workspace

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def pair(tmp_path: Path):
    coach = Workspace.create(tmp_path / "coach.rj", PASSPHRASE, owner="Chris Coach")
    leader = Workspace.create(tmp_path / "leader.rj", PASSPHRASE, owner="Sam Patel")
    coach.people.add("Sam Patel", "coachee")
    leader.people.add("Chris Coach", "coach")
    yield coach, leader, leader.people.get("Chris Coach").id
    coach.close()
    leader.close()


def _travel(body: dict) -> dict:
    return json.loads(json.dumps(body))  # what a message carries: plain JSON


def test_the_coachee_receives_the_agreement_and_shared_goals(pair):
    coach, leader, chris = pair
    coach.programmes.set_agreement("Sam Patel", sessions=6, sponsor="Dr Lee", start="2026-01-01")
    goal = coach.programmes.add_goal("Sam Patel", "Delegate the rota")
    coach.programmes.rate_goal(goal.id, 3, day="2026-01-10")
    coach.programmes.add_goal("Sam Patel", "COACH-ONLY hypothesis", shared=False)
    body = _travel(programme_body(coach.programmes, "Sam Patel"))
    assert [g["text"] for g in body["goals"]] == ["Delegate the rota"]

    assert apply_programme(leader.db, chris, body) == {"agreement": 1, "goals": 1, "ratings": 1}
    received = leader.programmes.agreement(chris)
    assert (received.sessions, received.sponsor, received.origin) == (6, "Dr Lee", "received")
    (got,) = leader.programmes.goals(chris)
    assert (got.text, got.origin, [r.value for r in got.ratings]) == (
        "Delegate the rota",
        "received",
        [3],
    )
    # Applying the same message again, or an older one, changes nothing.
    assert apply_programme(leader.db, chris, body) == {"agreement": 0, "goals": 0, "ratings": 0}
    coach.programmes.rate_goal(goal.id, 6, day="2026-02-10")
    coach.programmes.set_agreement("Sam Patel", sessions=8)
    newer = _travel(programme_body(coach.programmes, "Sam Patel"))
    newer["agreement"]["updated"] = "2099-01-01T00:00:00+00:00"  # a later edit
    newer["goals"][0]["updated"] = "2099-01-01T00:00:00+00:00"
    assert apply_programme(leader.db, chris, newer) == {"agreement": 1, "goals": 1, "ratings": 1}
    assert apply_programme(leader.db, chris, body) == {"agreement": 0, "goals": 0, "ratings": 0}
    assert leader.programmes.agreement(chris).sessions == 8
    assert [r.value for r in leader.programmes.goals(chris)[0].ratings] == [3, 6]
    # What was received is not sent back as if it were the leader's own.
    assert programme_body(leader.programmes, chris) == {
        "type": "programme",
        "agreement": None,
        "goals": [],
    }


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b.update(type="entry"),
        lambda b: b["agreement"].update(sessions=0),
        lambda b: b["agreement"].update(kind="therapy"),
        lambda b: b["agreement"].update(start="not a date"),
        lambda b: b["goals"][0].update(uid="../../etc"),
        lambda b: b["goals"][0]["ratings"][0].update(value=11),
        lambda b: b["goals"][0].update(text="x\x00y"),
        lambda b: b["goals"][0].update(status="deleted"),
        lambda b: b.update(goals="all"),
    ],
)
def test_a_malformed_programme_is_refused_and_writes_nothing(pair, damage):
    coach, leader, chris = pair
    coach.programmes.set_agreement("Sam Patel", sessions=6)
    coach.programmes.rate_goal(coach.programmes.add_goal("Sam Patel", "Delegate").id, 3)
    body = _travel(programme_body(coach.programmes, "Sam Patel"))
    damage(body)
    with pytest.raises(PacketRejected, match="not in the expected layout"):
        apply_programme(leader.db, chris, body)
    for table in ("agreement", "goal", "goal_rating"):
        assert leader.db.scalar(f"SELECT count(*) FROM {table}") == 0
