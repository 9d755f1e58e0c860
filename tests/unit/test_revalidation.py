"""Revalidation-ready CPD exports and the tracker, on a journal whose right answers are known."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.revalidation import RevalidationService


@pytest.fixture
def records(workspace):
    ws = workspace
    ws.set_setting("owner.name", "Ana Ruiz")
    ids = {
        "qi": ws.journal.add(
            model="cpd",
            sections={
                "what-happened": "Attended a QI workshop.",
                "what-i-learned": "Run charts beat RAG ratings.",
                "what-i-changed": "Our huddle board now has a run chart.",
                "professional-code": "Keeps my practice current.",
            },
            title="QI workshop",
            tags=["quality-improvement", "nhs-holding-to-account", "qi-training"],
            when=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
        ),
        "night": ws.journal.add(
            "A hard night on the ward.",
            title="Night shift",
            tags=["workforce-pressures"],
            when=datetime(2026, 6, 9, 9, 0, tzinfo=UTC),
        ),
        "old": ws.journal.add(
            model="cpd",
            sections={"what-happened": "Before this cycle."},
            title="Old course",
            when=datetime(2022, 1, 10, 9, 0, tzinfo=UTC),
        ),
    }
    r = RevalidationService(ws.db)
    r.set_cycle("nmc", "2026-12-31")
    r.set_account(ids["qi"], "cpd", ["practise-effectively", "Preserve safety"])
    r.set_account(ids["night"], "event", ["prioritise-people"])
    r.add_cpd("QI workshop", "2026-03-03", 6, participatory=True, method="Workshop")
    r.add_cpd("Reading on safe staffing", "2026-04-01", 2.5, method="Reading")
    r.add_cpd("Too early", "2023-12-31", 10)  # the cycle began on 1 January 2024
    r.add_feedback("Thanked for a calm handover", "2026-05-02", "Patient's relative")
    r.add_discussion("Sam Okafor", "2026-10-01", colleague_pin="12A3456E", entry_ids=[ids["qi"]])
    return ws, r, ids


def test_tracker_counts_this_cycle_only(records):
    ws, r, ids = records
    t = r.tracker(today=date(2026, 11, 30))
    assert (t.cycle_start, t.cycle_end) == (date(2024, 1, 1), date(2026, 12, 31))
    assert [a.title for a in t.accounts] == ["QI workshop", "Night shift"]  # not the 2022 one
    assert [a.account_type for a in t.accounts] == ["cpd", "event"]
    assert (t.cpd_hours, t.participatory_hours) == (8.5, 6.0)
    assert len(t.feedback) == 1 and t.feedback[0].source == "Patient's relative"
    assert t.still_needed() == (
        "3 more reflective accounts",
        "26.5 more hours of CPD",
        "14 more participatory hours",
        "4 more pieces of feedback",
    )


def test_nmc_export_follows_the_form(records, tmp_path):
    ws, _, _ = records
    out = tmp_path / "nmc.md"
    report = ws.exports.run("cpd", out, regulator="nmc")
    assert report.entries == 3
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Reflective accounts for NMC revalidation\n")
    assert "Written by Ana Ruiz" in text
    assert "- Reflective accounts: 2 of 5" in text
    assert "- CPD: 8.5 hours of 35, of which 6 hours of 20 participatory" in text
    assert "| 3 March 2026 | QI workshop | Workshop | 6 | Yes |" in text
    assert "| 2 May 2026 | Patient's relative | Thanked for a calm handover |" in text
    assert "- With: Sam Okafor, PIN 12A3456E" in text
    assert "- Confirmed by them through ReflectJournal: not yet" in text
    qi = text.split("## QI workshop\n", 1)[1].split("\n## ", 1)[0]
    # Real tag names and a UK long date, not "Nhs holding to account" and 2026-03-03.
    assert (
        "*Date: 3 March 2026 · Relevant to: Holding to account, Quality improvement, QI training*"
        in qi
    )
    assert "☒ CPD activity  \n☐ Practice-related feedback  \n☐ An event or experience" in qi
    assert "☐ Prioritise people  \n☒ Practise effectively  \n☒ Preserve safety  \n" in qi
    assert "### How I changed or improved my practice as a result\n\nOur huddle board" in qi
    night = text.split("## Night shift\n", 1)[1].split("\n## ", 1)[0]
    assert "☒ An event or experience in my practice" in night
    assert "### What I learned from it\n\n_Not written yet._" in night


def test_gmc_export_warns_reflection_is_not_privileged(records, tmp_path):
    ws, _, _ = records
    out = tmp_path / "gmc.md"
    ws.exports.run("cpd", out, regulator="gmc")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Reflections for appraisal and GMC revalidation")
    assert "not legally privileged" in text.split("## ", 1)[0]  # before any account
    for domain in ("Knowledge, skills and development", "Patients, partnership and communication",
                   "Colleagues, culture and safety", "Trust and professionalism"):  # fmt: skip
        assert f"☐ {domain}" in text
    assert "Reflective discussion" not in text  # an NMC requirement, not a GMC one


def test_hcpc_export_asks_for_benefit_to_service_users(records, tmp_path):
    ws, r, ids = records
    r.set_account(ids["qi"], "cpd", ["quality", "service-users"],
                  benefit="Falls on the ward halved.", regulator_slug="hcpc")  # fmt: skip
    out = tmp_path / "hcpc.html"
    ws.exports.run("cpd", out, regulator="hcpc")
    html = out.read_text(encoding="utf-8")
    assert "How it benefited service users" in html and "Falls on the ward halved." in html
    assert "☒ Benefiting the people who use my service (standard 4)" in html


def test_bad_input_is_one_sentence_and_changes_nothing(records, tmp_path):
    ws, r, ids = records
    with pytest.raises(UsageError, match="not a type of account"):
        r.set_account(ids["qi"], "course")
    with pytest.raises(UsageError, match="not one of the NMC themes"):
        r.set_account(ids["qi"], "cpd", ["be nice"])
    assert r.account_details()[ids["qi"]].themes == ("practise-effectively", "preserve-safety")
    with pytest.raises(UsageError, match="not a number of CPD hours"):
        r.add_cpd("Nothing", "2026-01-01", 0)
    with pytest.raises(UsageError, match="not a date"):
        r.add_feedback("Good", "last Tuesday", "colleague")
    with pytest.raises(NotFound, match="no entry 999"):
        r.add_cpd("Course", "2026-01-01", 1, entry_id=999)
    with pytest.raises(UsageError, match="no regulator 'ncm'"):
        ws.exports.run("cpd", tmp_path / "x.md", regulator="ncm")
    assert not (tmp_path / "x.md").exists()
    assert r.tracker(today=date(2026, 11, 30)).cpd_hours == 8.5


def test_discussion_record_travels_and_takes_a_confirmation(records):
    ws, r, _ = records
    uid = r.tracker(today=date(2026, 11, 30)).discussions[0].uid
    payload = r.discussion_payload(uid)
    assert payload == {
        "type": "reflective-discussion", "uid": uid, "date": "2026-10-01",
        "registrant": "Ana Ruiz", "colleague": {"name": "Sam Okafor", "pin": "12A3456E"},
        "accounts": ["QI workshop"],
    }  # fmt: skip
    json.dumps(payload, sort_keys=True)  # canonical JSON for signing
    confirmed = r.confirm_discussion(uid, "ab12 cd34", "c2lnbmF0dXJl")
    assert confirmed.confirmed and confirmed.confirmed_by == "ab12 cd34"


def test_cli_revalidation_and_export(cli, tmp_path):
    assert cli("init", "--name", "Ana")[0] == 0
    code, out, err = cli("add", "Ran a teaching session.", "--json", "--date", "2026-05-01")
    entry = json.loads(out)["id"]
    assert cli("revalidation", "cycle", "--regulator", "nmc", "--renewal", "2027-04-30")[0] == 0
    code, out, err = cli("revalidation", "account", entry, "--type", "cpd",
                         "--theme", "practise-effectively", "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["themes"] == ["practise-effectively"]
    assert cli("revalidation", "cpd", "Teaching", "--date", "2026-05-01", "--hours", "2",
               "--participatory")[0] == 0  # fmt: skip
    code, out, err = cli("revalidation", "status", "--json")
    status = json.loads(out)
    assert status["cpd"]["hours"] == 2 and status["accounts"]["count"] == 1
    assert status["cycle"] == {"start": "2024-05-01", "end": "2027-04-30"}
    code, _, err = cli("revalidation", "cpd", "Teaching", "--date", "2026-05-01", "--hours", "-1")
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    code, out, err = cli("export", "cpd", str(tmp_path / "nmc.md"), "--regulator", "nmc")
    assert code == 0, err
    assert "☒ Practise effectively" in (tmp_path / "nmc.md").read_text(encoding="utf-8")
    code, _, err = cli("export", "markdown", str(tmp_path / "x.md"), "--regulator", "nmc")
    assert code == 2 and "--regulator goes with 'export cpd' only." in err


def test_new_models_map_into_the_account(workspace, tmp_path):
    from reflectjournal.services.frameworks import reflection_models

    models = reflection_models()
    assert models["after-action-review"].actionable_section().key == "next-time"
    assert "Driscoll" in models["what-so-what-now-what"].source
    workspace.journal.add(
        model="after-action-review",
        sections={
            "expected": "Discharge by noon.",
            "actual": "Discharges at 4 pm.",
            "difference": "Pharmacy queue.",
            "next-time": "Order take-home medicines the day before.",
        },
        title="Discharge AAR",
        when=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
    )
    out = tmp_path / "aar.md"
    workspace.exports.run("cpd", out, regulator="nmc")
    text = out.read_text(encoding="utf-8")
    changed = text.split("### How I changed or improved my practice as a result\n\n", 1)[1]
    assert changed.startswith("Order take-home medicines the day before.")
    happened = text.split("### The activity, feedback or event, and what it involved\n\n", 1)[1]
    assert happened.startswith("*What did we expect to happen?* Discharge by noon.")
