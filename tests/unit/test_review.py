"""The weekly review: the last seven local days, as data and Markdown."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from reflectjournal.services.review import Measure


def add(ws, day, *tags, mood=None, title=None, hour=9, tz=UTC):
    y, m, d = map(int, day.split("-"))
    return ws.journal.add(
        "text", title=title, tags=list(tags), mood=mood, when=datetime(y, m, d, hour, tzinfo=tz)
    )


def action(ws, text, status="open", due=None):
    with ws.db.transaction():
        ws.db.execute(
            "INSERT INTO action(uid, text, status, due, created) VALUES (?, ?, ?, ?, ?)",
            (uuid.uuid4().hex, text, status, due, "2026-11-01T09:00:00+00:00"),
        )


def build(ws, asof="2026-11-29"):
    from reflectjournal.services.review import WeeklyReview

    return WeeklyReview(ws.db).build(date.fromisoformat(asof))


def test_empty_week(workspace):
    r = build(workspace)
    assert (r.since, r.until) == ("2026-11-23", "2026-11-29")
    assert r.entries == () and r.themes == () and r.mood.mean is None
    assert "Nothing this week" in r.markdown and "None open." in r.markdown


def test_week_summary_numbers(workspace):
    ws = workspace
    add(ws, "2026-11-16", "burnout", mood=4)  # the week before
    add(ws, "2026-11-22", "burnout", mood=2)  # the week before (Sunday)
    add(ws, "2026-11-23", "burnout", "resilience", mood=3, title="Monday")
    add(ws, "2026-11-29", "burnout", mood=2, title="Sunday")
    add(ws, "2026-11-30", "burnout", mood=5)  # after the week
    # 23:30 in New York on the 29th is the 30th in UTC: still this week for its writer.
    add(ws, "2026-11-29", hour=23, tz=ZoneInfo("America/New_York"), title="Late", mood=1)
    action(ws, "call the matron", due="2026-11-20")
    action(ws, "book a 1:1", due="2026-12-05")
    action(ws, "closed", status="done")
    r = build(ws)
    assert [e.title for e in r.entries] == ["Monday", "Sunday", "Late"]
    assert set(r.entries[0].tags) == {"burnout", "resilience"}
    themes = {t.slug: t for t in r.themes}
    assert (themes["burnout"].count, themes["burnout"].previous_week) == (2, 2)
    assert themes["resilience"].count == 1
    # Mood 3, 2, 1 this week against 4, 2: two ratings are too few to call a change.
    assert r.mood == Measure(mean=2.0, n=3, previous_mean=3.0, previous_n=2, change="too few")
    assert [a.text for a in r.open_actions] == ["call the matron", "book a 1:1"]
    assert r.overdue == 1
    md = r.markdown
    assert md.startswith("# Weekly review, 23 Nov – 29 Nov 2026")
    assert "- Burnout: 2 (2 the week before)" in md
    assert "- Resilience: 1 (0 the week before)" in md
    assert "Mood: 2.0 / 5 over 3 entries (too few ratings to compare with 3.0 over 2 entries " in md
    assert "- [ ] call the matron (due 2026-11-20, overdue)" in md


def test_changes_use_the_shared_rules(workspace):
    ws = workspace
    # Last week: mood 4, 4, 5 and burnout once; this week mood 2, 2, 3, 2 and burnout 4 times.
    for day, mood in (("2026-11-17", 4), ("2026-11-18", 4), ("2026-11-19", 5)):
        add(ws, day, *(("burnout",) if day == "2026-11-17" else ()), mood=mood)
    for day, mood in (("2026-11-24", 2), ("2026-11-25", 2), ("2026-11-26", 3), ("2026-11-27", 2)):
        add(ws, day, "burnout", mood=mood)
    r = build(ws)
    # 4 against 1: the difference 3 clears max(2, sqrt(5)) = 2.24 and the minimum count of 3.
    assert {t.slug: t.trend for t in r.themes} == {"burnout": "rising"}
    # 2.25 against 4.33: more than half a point and the 95% interval leaves out zero.
    assert r.mood.change == "down"
    assert "- Burnout: 4 (1 the week before; rising)" in r.markdown
    assert "(down from 4.3 over 3 entries the week before)" in r.markdown


def test_one_entry_a_hair_higher_is_not_up(workspace):
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        add(workspace, day, mood=3)
    add(workspace, "2026-11-24", mood=3)
    add(workspace, "2026-11-25", mood=3)
    add(workspace, "2026-11-26", mood=4)  # 3.33 against 3.0
    assert build(workspace).mood.change == "level"


def test_titles_stay_literal_markdown(workspace):
    add(workspace, "2026-11-25", title="# not a heading [link](http://x)")
    md = build(workspace).markdown
    assert "\\# not a heading \\[link\\](http://x)" in md


def test_cli_review_json_and_save(cli):
    cli("init", "--name", "T")
    cli("add", "A day", "--date", "2026-11-25T10:00", "--tag", "burnout")
    code, out, err = cli("review", "--date", "2026-11-29", "--json")
    assert code == 0, err
    r = json.loads(out)
    assert len(r["entries"]) == 1 and r["markdown"].startswith("# Weekly review")
    code, out, err = cli("review", "--date", "2026-11-29", "--save", "--json")
    saved = json.loads(out)["saved_id"]
    code, out, _ = cli("show", saved, "--json")
    assert json.loads(out)["title"] == "Weekly review, 23 Nov – 29 Nov 2026"
    code, _, err = cli("review", "--date", "someday")
    assert code == 2 and "not a date" in err
