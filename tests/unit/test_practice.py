"""A practitioner's tools: sponsor summary, 360 import, caseload, retention, subject access."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from reflectjournal.errors import ImportFailed, UsageError
from reflectjournal.services import retention, sponsor, subject_access
from reflectjournal.services.caseload import build_caseload


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone()


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


# ---- sponsor summary -------------------------------------------------------------------------


@pytest.fixture
def programme(workspace):
    ws = workspace
    ws.people.add("Sam Patel", "coachee")
    ws.programmes.set_agreement(
        "Sam Patel", sessions=6, start="2026-01-01", sponsor="Dr Lee", frequency="monthly"
    )
    for day in ("2026-01-12", "2026-02-09"):
        ws.coaching.add_session(
            "Sam Patel",
            when=_at(f"{day}T10:00"),
            agenda="SECRET-AGENDA",
            notes="SECRET-NOTES about the divorce",
            actions=["SECRET-ACTION"],
        )
    sam = ws.people.get("Sam Patel").id
    ws.journal.add("SECRET-ENTRY", kind="shared", sender_id=sam, visibility="coach", mood=1)
    goal = ws.programmes.add_goal("Sam Patel", "Delegate the rota")
    ws.programmes.rate_goal(goal.id, 3, day="2026-01-12")
    ws.programmes.rate_goal(goal.id, 6, day="2026-02-09")
    ws.programmes.add_goal("Sam Patel", "PRIVATE-GOAL", shared=False)
    return ws


def test_sponsor_summary_needs_consent(programme):
    with pytest.raises(UsageError, match="has not agreed to a summary for Dr Lee"):
        sponsor.build_summary(programme, "Sam Patel")
    programme.people.add("Jo Bloggs", "coachee")
    with pytest.raises(UsageError, match="no agreement with Jo Bloggs"):
        sponsor.build_summary(programme, "Jo Bloggs")


def test_sponsor_summary_holds_goals_progress_attendance_and_no_content(programme):
    programme.programmes.set_agreement("Sam Patel", sponsor_consent=True)
    text = sponsor.to_markdown(sponsor.build_summary(programme, "Sam Patel"))
    assert "For Dr Lee" in text
    assert "- 2 of 6 sessions held" in text
    assert "12 Jan 2026, 09 Feb 2026." in text
    assert "- **Delegate the rota**: 3 (12 Jan 2026) → 6 (09 Feb 2026)" in text
    for secret in ("SECRET", "PRIVATE-GOAL", "divorce"):
        assert secret not in text


def test_cli_sponsor_summary_privacy_check_and_pdf(cli, tmp_path):
    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    _ok(
        cli(
            "agreement", "set", "--with", "Sam Patel", "--sponsor", "Dr Lee",
            "--sponsor-consent", "yes",
        )
    )  # fmt: skip
    _ok(cli("goal", "add", "--with", "Sam Patel", "Call 07700 900123 back about the rota"))
    out = tmp_path / "summary.md"
    code, _, err = cli("sponsor", "summary", "Sam Patel", "--out", str(out))
    assert code == 1 and "privacy check found 1" in err and not out.exists()
    _ok(cli("sponsor", "summary", "Sam Patel", "--out", str(out), "--allow-identifiers"))
    assert "Call 07700 900123" in out.read_text(encoding="utf-8")
    code, _, err = cli("sponsor", "summary", "Sam Patel", "--out", str(tmp_path / "x.docx"))
    assert code == 2 and ".md or .pdf" in err


# ---- 360 -------------------------------------------------------------------------------------

WIDE = """NHS Leadership Academy - Healthcare Leadership Model 360 feedback
Report for: A Leader

Dimension,Self,Line manager,Peers,Direct reports,Other,Average of all raters,Number of raters
1. Inspiring shared purpose,3.2,3.5,3.8,3.6,,3.7,9
2. Leading with care,3.9,3.4,3.1,3.3,,3.2,9
Evaluating information,2.0,2.8,2.6,2.9,n/a,2.8,9
Overall,3.0,3.2,3.2,3.3,,3.2,9
"""


def test_360_wide_report_with_the_academy_column_names(workspace, tmp_path):
    path = tmp_path / "hlm360.csv"
    path.write_text(WIDE, encoding="utf-8")
    report = workspace.feedback360.import_file(path, taken="2026-10-01", title="HLM 360")
    got = {d.slug: (d.self_score, d.others, d.gap, d.reading[:11]) for d in report.dimensions}
    assert got == {
        "nhs-inspiring-shared-purpose": (3.2, 3.7, -0.5, "others abov"),
        "nhs-leading-with-care": (3.9, 3.2, 0.7, "self above "),
        "nhs-evaluating-information": (2.0, 2.8, -0.8, "others abov"),
    }
    purpose = report.dimensions[0]
    assert dict(purpose.groups) == {"Line manager": 3.5, "Peers": 3.8, "Direct reports": 3.6}
    assert report.person is None and report.taken == "2026-10-01"
    assert workspace.feedback360.latest().report == report.report


def test_360_long_layout_semicolons_and_cp1252(workspace, tmp_path):
    path = tmp_path / "long.csv"
    text = (
        "Leadership dimension;Rater group;Mean;Raters\n"
        "Holding to account;Self;2,5;1\n"
        "Holding to account;Peers;3,0;4\n"
        "Holding to account;Direct reports;4,0;3\n"
        "Engaging the team;Self;3,0;1\n"
    )
    path.write_bytes(text.encode("cp1252"))
    workspace.people.add("Sam Patel", "coachee")
    report = workspace.feedback360.import_file(path, person="Sam Patel")
    by = {d.name: d for d in report.dimensions}
    assert by["Holding to account"].others == 3.5  # mean of the groups when no all-raters
    assert by["Holding to account"].self_score == 2.5
    assert by["Engaging the team"].others is None and by["Engaging the team"].gap is None
    assert report.person == "Sam Patel"
    assert workspace.feedback360.latest() is None  # mine: none


@pytest.mark.parametrize(
    "text, message",
    [
        ("Name,Score\nx,1\n", "no 'Dimension' column"),
        ("Dimension,Comments\nLeading with care,good\n", "no rater columns"),
        ("Dimension,Self\nLeading with fear,3\n", "Line 2: 'Leading with fear' is not a"),
        ("Dimension,Self,Others\nLeading with care,3,lots\n", "Line 2: 'lots' under All others"),
        ("Dimension,Self\nLeading with care,42\n", "outside 0-10"),
        ("Dimension,Rater group,Score\nLeading with care,Boss,3\n", "not a rater group"),
        ("Dimension,Self\n", "holds no scores"),
    ],
)
def test_360_bad_files_change_nothing(workspace, tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message):
        workspace.feedback360.import_file(path)
    assert workspace.db.scalar("SELECT count(*) FROM feedback_score") == 0


def test_360_cli(cli, tmp_path):
    _ok(cli("init", "--no-keyring"))
    path = tmp_path / "r.csv"
    path.write_text(WIDE, encoding="utf-8")
    _ok(cli("rate", "nhs-leading-with-care", "2", "--date", "2026-09-01"))
    data = json.loads(_ok(cli("360", "import", str(path), "--json")))
    care = next(d for d in data["dimensions"] if d["slug"] == "nhs-leading-with-care")
    assert (care["self"], care["others"], care["journal_rating"]) == (3.9, 3.2, 2)
    text = _ok(cli("360", "show"))
    assert "Leading with care" in text and "+0.7" in text
    code, _, err = cli("360", "import", str(tmp_path / "missing.csv"))
    assert code != 0 and "no file" in err


# ---- caseload --------------------------------------------------------------------------------


def test_caseload_across_coachees(workspace):
    ws = workspace
    today = date(2026, 6, 30)
    for name, role in (("Sam Patel", "coachee"), ("Priya Shah", "mentee"), ("Jo Kay", "coachee")):
        ws.people.add(name, role)
    ws.people.add("My Coach", "coach")
    ids = {p.name: p.id for p in ws.people.list()}

    def shared(who, day, tags, mood=None):
        ws.journal.add(
            "x", kind="shared", sender_id=ids[who], when=_at(f"{day}T20:00"), tags=tags,
            visibility="coach", mood=mood,
        )  # fmt: skip

    shared("Sam Patel", "2026-06-10", ["burnout"], 2)
    shared("Sam Patel", "2026-06-20", ["burnout", "workforce-pressures"], 1)
    shared("Sam Patel", "2026-06-25", ["workforce-pressures"], 2)
    shared("Priya Shah", "2026-06-15", ["burnout"])
    shared("Priya Shah", "2026-05-10", ["workforce-pressures"])
    shared("Priya Shah", "2026-05-12", ["workforce-pressures"])
    # The owner's own private reflection is never read.
    for _ in range(5):
        ws.journal.add("mine", tags=["change-fatigue"], when=_at("2026-06-20T08:00"))
    ws.coaching.add_session("Sam Patel", when=_at("2026-06-01T10:00"), tags=["burnout"])
    ws.coaching.add_session("Priya Shah", when=_at("2026-03-01T10:00"))
    ws.coaching.add_action("Send the rota", owner="Sam Patel", due="2026-06-01")
    ws.coaching.add_action("Book the room", owner="Jo Kay", due="2026-12-01")
    ws.programmes.set_agreement("Jo Kay", start="2026-01-01")

    caseload = build_caseload(ws, today=today)
    assert [p.name for p in caseload.people] == ["Jo Kay", "Priya Shah", "Sam Patel"]
    rising = {t.slug: (t.recent, t.previous, t.people) for t in caseload.rising}
    # The 1 June session fell in the four weeks before the recent window.
    assert rising == {"burnout": (3, 1, ("Priya Shah", "Sam Patel"))}
    assert "change-fatigue" not in {t.slug for t in caseload.rising}
    assert [a.text for a in caseload.overdue] == ["Send the rota"]
    assert [p.name for p in caseload.not_seen] == ["Jo Kay", "Priya Shah"]  # never, 121 days
    sam = next(p for p in caseload.people if p.name == "Sam Patel")
    assert (sam.last_seen, sam.days_since, sam.overdue_actions, sam.shared_recently) == (
        "2026-06-01",
        29,
        1,
        3,
    )
    assert sam.low_mood_or_energy
    ws.programmes.end_relationship("Jo Kay", ended="2026-06-01")
    assert [p.name for p in build_caseload(ws, today=today).people] == ["Priya Shah", "Sam Patel"]


def test_caseload_cli_json(cli):
    _ok(cli("init", "--no-keyring"))
    assert "No coachees" in _ok(cli("caseload"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    data = json.loads(_ok(cli("caseload", "--json")))
    assert data["not_seen"] == ["Sam Patel"] and data["rising"] == []


# ---- retention -------------------------------------------------------------------------------


def test_retention_reminds_and_never_deletes(workspace):
    ws = workspace
    ws.people.add("Sam Patel", "coachee")
    ws.people.add("Priya Shah", "mentee")
    ws.people.add("Jo Kay", "coachee")  # nothing held: never listed
    ws.coaching.add_session("Sam Patel", when=_at("2020-01-10T10:00"), notes="old")
    ws.programmes.set_agreement("Sam Patel", start="2020-01-01")
    ws.programmes.end_relationship("Sam Patel", ended="2020-06-01")
    ws.coaching.add_session("Priya Shah", when=_at("2025-12-01T10:00"), notes="recent")
    today = date(2026, 6, 30)
    assert retention.due(ws.db, today) == []  # no period set: no reminders
    retention.set_months(ws.db, 36)
    due = retention.due(ws.db, today)
    assert [(d.name, d.reason, d.since) for d in due] == [("Sam Patel", "ended", "2020-06-01")]
    assert "past your 36-month retention period" in retention.sentence(due[0], 36)
    assert ws.db.scalar("SELECT count(*) FROM coaching_session") == 2  # nothing deleted
    assert ws.coaching.reminders(today).retention == (retention.sentence(due[0], 36),)
    retention.set_months(ws.db, 6)
    assert [d.name for d in retention.due(ws.db, today)] == ["Priya Shah", "Sam Patel"]
    with pytest.raises(UsageError, match="whole number of months"):
        retention.set_months(ws.db, 0)
    retention.set_months(ws.db, None)
    assert retention.due(ws.db, today) == []


def test_retention_cli(cli):
    _ok(cli("init", "--no-keyring"))
    assert "No retention period" in _ok(cli("retention", "due"))
    assert "kept 24 months" in _ok(cli("retention", "set", "24"))
    assert json.loads(_ok(cli("retention", "due", "--json"))) == {"months": 24, "due": []}
    code, _, err = cli("retention", "set", "forever")
    assert code == 2 and "number of months" in err


# ---- subject access --------------------------------------------------------------------------


def test_person_file_holds_everything_about_them_and_nobody_else(programme):
    ws = programme
    ws.people.add("Alex Kim", "coachee")
    ws.coaching.add_session("Alex Kim", notes="ALEX-NOTES")
    ws.journal.add("OWNER-PRIVATE about Sam", when=_at("2026-01-01T08:00"))
    file = subject_access.gather(ws, "Sam Patel")
    doc = json.loads(subject_access.to_json(file))
    assert doc["format"] == "reflectjournal-person-file"
    assert doc["person"]["name"] == "Sam Patel"
    assert doc["agreement"]["sponsor"] == "Dr Lee"
    assert [g["text"] for g in doc["goals"]] == ["Delegate the rota", "PRIVATE-GOAL"]
    assert [s["agenda"] for s in doc["sessions"]] == ["SECRET-AGENDA", "SECRET-AGENDA"]
    assert [a["text"] for a in doc["actions"]] == ["SECRET-ACTION", "SECRET-ACTION"]
    assert [e["body"] for e in doc["shared_entries"]] == ["SECRET-ENTRY"]
    text = json.dumps(doc) + subject_access.to_markdown(file)
    assert "ALEX-NOTES" not in text and "OWNER-PRIVATE" not in text
    assert "SECRET-NOTES about the divorce" in subject_access.to_markdown(file)


def test_person_export_cli(cli, tmp_path):
    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    _ok(cli("session", "add", "--with", "Sam Patel", "Talked about the rota."))
    out = tmp_path / "sam.json"
    _ok(cli("person", "export", "Sam Patel", "--out", str(out)))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["sessions"][0]["notes"] == "Talked about the rota."
    md = tmp_path / "sam.md"
    _ok(cli("person", "export", "Sam Patel", "--out", str(md)))
    assert "Talked about the rota." in md.read_text(encoding="utf-8")
    _ok(cli("session", "add", "--with", "Sam Patel", "NHS number 943 476 5919 came up"))
    code, _, err = cli("person", "export", "Sam Patel", "--out", str(tmp_path / "x.json"))
    assert code == 1 and "privacy check" in err and not (tmp_path / "x.json").exists()
    code, _, err = cli("person", "export", "Nobody", "--out", str(out))
    assert code != 0 and "nobody called" in err


def test_person_record_and_calendar_are_written_whole_or_not_at_all(cli, tmp_path, monkeypatch):
    """Both files go through the exporters' atomic writer: a temporary file renamed into
    place, so a crash or a full disk never leaves half a file under the user's name."""
    import os

    from reflectjournal.services.exporters import common

    _ok(cli("init", "--no-keyring"))
    _ok(cli("person", "add", "Sam Patel", "--role", "coachee"))
    _ok(cli("session", "add", "--with", "Sam Patel", "Talked about the rota."))
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src, dst):
        renamed.append(os.path.basename(dst))
        real_replace(src, dst)

    monkeypatch.setattr(common.os, "replace", replace)
    _ok(cli("person", "export", "Sam Patel", "--out", str(tmp_path / "sam.md")))
    _ok(cli("session", "export", "--ics", str(tmp_path / "sessions.ics")))
    assert renamed == ["sam.md", "sessions.ics"]
    assert "BEGIN:VCALENDAR" in (tmp_path / "sessions.ics").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_recent_dates_helper():
    assert date(2026, 6, 30) - timedelta(days=29) == date(2026, 6, 1)
