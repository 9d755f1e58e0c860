"""The coaching and revalidation verbs over the exchange, end to end on the command line:
three journals meeting through a shared folder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest


@pytest.fixture
def three(cli, tmp_path):
    paths = {n: tmp_path / f"{n}.rj" for n in ("ana", "tom", "cat")}
    people = {"ana": "Ana Leader", "tom": "Tom Mentor", "cat": "Cat Coach"}
    run = {n: (lambda *a, _p=p: cli(*a, journal_path=_p)) for n, p in paths.items()}
    for n in run:
        assert run[n]("init", "--name", people[n], "--no-keyring")[0] == 0
        assert run[n]("contact", "export", str(tmp_path / f"{n}.card"))[0] == 0
    for a, b, role in (("ana", "tom", "mentor"), ("ana", "cat", "coach")):
        assert run[a]("contact", "import", str(tmp_path / f"{b}.card"), "--role", role)[0] == 0
        assert run[b]("contact", "import", str(tmp_path / f"{a}.card"))[0] == 0
    folder = tmp_path / "OneDrive" / "Programme"
    folder.mkdir(parents=True)
    for n in run:
        assert run[n]("exchange", "set", "--folder", str(folder))[0] == 0
    return run


def _json(result):
    code, out, err = result
    assert (code, err) == (0, ""), err
    return json.loads(out)


def test_the_coaching_loop_on_the_command_line(three):
    ana, cat = three["ana"], three["cat"]
    yesterday = (datetime.now().astimezone() - timedelta(days=1)).isoformat(timespec="minutes")
    assert cat("agreement", "set", "--with", "Ana Leader", "--sessions", "6")[0] == 0
    assert cat("goal", "add", "--with", "Ana Leader", "Say no once a week")[0] == 0
    sent = _json(cat("agreement", "send", "--with", "Ana Leader", "--json"))
    assert (sent["person"], sent["received"]) == ("Ana Leader", None)
    code, out, _ = cat(
        "session", "add", "--with", "Ana Leader", "Private notes", "--date", yesterday,
        "--action", "Ring HR by 12 December",
    )  # fmt: skip
    session = out.strip()
    (coach_action,) = _json(cat("action", "list", "--json"))
    assert cat("action", "edit", coach_action["id"], "--due", "2026-12-12")[0] == 0
    summary = _json(cat("session", "summary", session, "We agreed a plan for the rota.", "--json"))
    assert [a["text"] for a in summary["actions"]] == ["Ring HR by 12 December"]
    assert _json(ana("bring", "add", "--with", "Cat Coach", "Saying no to the rota", "--json"))
    for who in (cat, ana, cat, ana):
        assert _json(who("sync", "--json"))["errors"] == []

    # The leader has the copy, the summary and the action; the coach what she wants to bring.
    agreement = _json(ana("agreement", "show", "--with", "Cat Coach", "--json"))
    assert (agreement["sessions"], agreement["origin"]) == (6, "received")
    code, out, _ = ana("agreement", "show", "--with", "Cat Coach")
    assert "a copy Cat Coach sent you" in out
    assert [g["text"] for g in _json(ana("goal", "list", "--json"))] == ["Say no once a week"]
    (got,) = _json(ana("session", "summaries", "--json"))
    assert (got["direction"], got["summary"]) == ("received", "We agreed a plan for the rota.")
    (action,) = _json(ana("action", "list", "--json"))
    assert (action["text"], action["due"], action["owner"]) == (
        "Ring HR by 12 December", "2026-12-12", None,
    )  # fmt: skip
    (item,) = _json(cat("bring", "list", "--json"))
    assert (item["direction"], item["text"]) == ("received", "Saying no to the rota")
    code, out, _ = cat("session", "prep", "Ana Leader")
    assert code == 0 and "wants to bring" in out and "Saying no to the rota" in out
    brief = _json(cat("session", "prep", "Ana Leader", "--json"))
    assert [b["text"] for b in brief["bring"]] == ["Saying no to the rota"]
    (mine,) = _json(ana("bring", "list", "--json"))
    assert mine["received"] is not None
    assert ana("bring", "remove", mine["id"])[0] == 0
    for who in (ana, cat):
        who("sync", "--json")
    assert _json(cat("bring", "list", "--json")) == []


def test_the_mentor_confirms_a_discussion_on_the_command_line(three):
    ana, tom = three["ana"], three["tom"]
    code, out, _ = ana(
        "revalidation",
        "discussion",
        "--with",
        "Tom Mentor",
        "--date",
        "2026-11-02",
        "--pin",
        "12A3456E",
    )
    uid = out.strip().rsplit("(", 1)[1].rstrip(").")
    assert (
        _json(ana("revalidation", "ask", uid[:8], "--with", "Tom Mentor", "--json"))["with"]
        == "Tom Mentor"
    )
    ana("sync", "--json")
    tom("sync", "--json")
    (request,) = _json(tom("revalidation", "requests", "--json"))
    assert (request["registrant"], request["colleague"]["pin"]) == ("Ana Leader", "12A3456E")
    assert _json(tom("revalidation", "confirm", request["uid"][:8], "--json"))["confirmed_at"]
    tom("sync", "--json")
    ana("sync", "--json")
    status = _json(ana("revalidation", "status", "--renewal", "2027-03-31", "--json"))
    (discussion,) = status["discussions"]
    assert discussion["confirmed"] is True
    code, out, _ = ana("revalidation", "status", "--renewal", "2027-03-31")
    assert "confirmed" in out and "not confirmed" not in out


@pytest.mark.parametrize(
    ("who", "args", "words"),
    [
        ("cat", ("agreement", "send", "--with", "Ana Leader"), "no agreement or shared goal"),
        ("cat", ("agreement", "send", "--with", "Nobody"), "nobody called"),
        ("cat", ("session", "summary", "77", "text"), "no session 77"),
        ("ana", ("bring", "add", "--with", "Cat Coach", "  "), "cannot be empty"),
        ("ana", ("bring", "remove", "x"), "not an item id"),
        (
            "ana",
            ("revalidation", "ask", "abcdef12", "--with", "Tom Mentor"),
            "no reflective discussion",
        ),
        ("tom", ("revalidation", "confirm", "abcdef12"), "no request"),
    ],
)
def test_bad_input_gets_one_sentence_and_changes_nothing(three, who, args, words):
    code, out, err = three[who](*args)
    assert code != 0 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
