"""The privacy check on every way out: exports, the prep brief, and per-entry choices."""

from __future__ import annotations

import json

import pytest

from reflectjournal.errors import PrivacyCheckFailed, UsageError

NHS = "943 476 5919"


@pytest.fixture
def journal(cli):
    code, _, err = cli("init", "--name", "Ana Ruiz")
    assert code == 0, err
    return cli


def add(cli, text: str, *extra: str) -> str:
    code, out, err = cli("add", text, *extra, "--json")
    assert code == 0, err
    return json.loads(out)["id"]


@pytest.mark.parametrize("fmt, name", [("cpd", "cpd.md"), ("html", "out.html"), ("cpd", "a.html")])
def test_a_document_with_an_nhs_number_is_refused_without_allow_identifiers(
    journal, tmp_path, fmt, name
):
    add(journal, f"Bed 4's NHS number {NHS} was on the whiteboard at handover.")
    out = tmp_path / name
    code, stdout, err = journal("export", fmt, str(out))
    assert code != 0 and not out.exists()
    assert "privacy check found 1 likely patient identifier" in err
    assert "NHS number" in err and f"[{NHS}]" in err
    assert "--allow-identifiers" in err and "Traceback" not in err
    assert list(tmp_path.glob(f".{name}*")) == []  # no temporary file left behind

    code, stdout, err = journal("export", fmt, str(out), "--allow-identifiers")
    assert code == 0, err
    assert NHS in out.read_text(encoding="utf-8")
    assert "1 likely patient identifier" in stdout


def test_refusal_with_json_prints_the_findings_as_one_document(journal, tmp_path):
    entry = add(journal, "Mrs Doreen Whitcombe waited nine hours for a bed.")
    code, stdout, _ = journal("export", "cpd", str(tmp_path / "cpd.md"), "--json")
    assert code != 0
    data = json.loads(stdout)
    assert data["written"] is False
    assert [(f["kind"], f["text"], f["entry_id"]) for f in data["findings"]] == [
        ("patient-name", "Mrs Doreen Whitcombe", entry)
    ]
    # The keys of docs/CLI.md, in order (built in cli/shapes.py from the typed findings).
    keys = ["entry_id", "entry", "date", "field", "kind", "label", "text", "context"]
    assert list(data["findings"][0]) == keys


def test_data_exports_are_written_and_report_their_findings(journal, tmp_path):
    add(journal, f"NHS {NHS} and Mrs Doreen Whitcombe.")
    add(journal, "A quiet day with nothing identifying in it.")
    code, stdout, err = journal("export", "json", str(tmp_path / "all.json"), "--json")
    assert code == 0, err
    assert json.loads(stdout)["findings"] == 2
    assert NHS in (tmp_path / "all.json").read_text(encoding="utf-8")
    code, stdout, err = journal("export", "markdown", str(tmp_path / "all.md"))
    assert code == 0, err
    assert "It carries 2 likely patient identifiers" in stdout


def test_remembered_choices_apply_on_the_way_out(workspace, tmp_path):
    entry = workspace.journal.add(
        f"Mr Achebe saw Mrs Whitcombe; NHS {NHS}.", title="Handover", visibility="mentor"
    )
    privacy = workspace.privacy
    with pytest.raises(PrivacyCheckFailed) as refused:
        workspace.exports.run("html", tmp_path / "a.html")
    assert {f.text for f in refused.value.findings} == {"Mr Achebe", "Mrs Whitcombe", NHS}
    assert {f.entry_id for f in refused.value.findings} == {entry}

    privacy.choose(entry, "patient-name", "Mr Achebe", "fine", "a colleague")
    privacy.choose(entry, "patient-name", "Mrs Whitcombe", "redact")
    privacy.choose(entry, "nhs-number", "9434765919", "redact")  # any grouping is one choice
    report = workspace.exports.run("html", tmp_path / "a.html")
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert (report.findings, report.redacted) == (0, 2)
    assert "Mr Achebe" in html and "Whitcombe" not in html and NHS not in html
    assert "[name removed]" in html and "[NHS number removed]" in html

    # The entry itself is untouched; the choice is remembered with it and goes when it goes.
    assert "Mrs Whitcombe" in workspace.journal.entry(entry).body
    assert {c.decision for c in privacy.choices(entry)} == {"fine", "redact"}
    assert privacy.quiet_scan(workspace.journal.entry(entry).body, entry) == {}
    workspace.journal.delete(entry)
    assert privacy.choices(entry) == []


def test_choices_refuse_bad_input_in_one_sentence(workspace):
    entry = workspace.journal.add("text", title="t")
    with pytest.raises(UsageError, match="not a choice"):
        workspace.privacy.choose(entry, "nhs-number", "x", "maybe")
    with pytest.raises(UsageError, match="not a kind"):
        workspace.privacy.choose(entry, "shoe-size", "x", "fine")
    with pytest.raises(UsageError, match="no entry 999"):
        workspace.privacy.choose(999, "nhs-number", "x", "fine")


def test_names_marked_fine_are_a_journal_list(workspace, tmp_path):
    workspace.journal.add("Mr Achebe spoke about the theatre figures.", title="Board")
    with pytest.raises(PrivacyCheckFailed):
        workspace.exports.run("cpd", tmp_path / "cpd.md")
    assert workspace.privacy.add_fine_name("Mr  Achebe") == ["Mr Achebe"]
    workspace.exports.run("cpd", tmp_path / "cpd.md")
    assert "Mr Achebe" in (tmp_path / "cpd.md").read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="not on the list"):
        workspace.privacy.remove_fine_name("Nobody")


def test_prep_brief_out_is_refused_with_identifiers(cli, tmp_path):
    assert cli("init", "--name", "Coach")[0] == 0
    assert cli("person", "add", "Sam Lee", "--role", "coachee")[0] == 0
    code, _, err = cli("session", "add", "--with", "Sam Lee", f"Discussed NHS {NHS} slip.")
    assert code == 0, err
    out = tmp_path / "brief.md"
    code, _, err = cli("session", "prep", "Sam Lee", "--out", str(out))
    assert code != 0 and not out.exists()
    assert "prep brief" in err and "NHS number" in err
    code, _, err = cli("session", "prep", "Sam Lee", "--out", str(out), "--allow-identifiers")
    assert code == 0, err
    assert NHS in out.read_text(encoding="utf-8")
    code, stdout, _ = cli("session", "prep", "Sam Lee")  # on screen only: no check needed
    assert code == 0 and NHS in stdout


def test_cli_remembers_choices_and_fine_names(journal, tmp_path):
    entry = add(journal, f"Mr Achebe read NHS {NHS} aloud.")
    code, out, err = journal(
        "privacy", "scan", "--entry", entry, f"Mr Achebe read NHS {NHS} aloud."
    )
    assert code == 0 and "NHS number" in out and "Mr Achebe" in out
    code, out, err = journal("privacy", "choose", entry, "nhs-number", NHS, "redact")
    assert code == 0 and "redacted wherever it goes" in out, err
    code, out, err = journal("privacy", "fine", "add", "Mr Achebe")
    assert code == 0 and out.strip() == "Mr Achebe"
    code, out, _ = journal("privacy", "choices", entry, "--json")
    assert json.loads(out) == [
        {"kind": "nhs-number", "text": NHS, "decision": "redact", "note": ""}
    ]
    code, out, err = journal("export", "cpd", str(tmp_path / "cpd.md"), "--json")
    assert code == 0, err
    assert json.loads(out)["redacted"] == 1
    assert "[NHS number removed]" in (tmp_path / "cpd.md").read_text(encoding="utf-8")
    code, out, err = journal("privacy", "choose", entry, "nhs-number", NHS, "forget")
    assert code == 0 and "ask about it again" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("privacy", "choose", "abc", "nhs-number", NHS, "redact"), "not an entry id"),
        (("privacy", "choose", "999", "nhs-number", NHS, "redact"), "no entry 999"),
        (("privacy", "choose", "1", "shoe-size", "9", "fine"), "not a kind"),
        (("privacy", "choose", "1", "nhs-number", NHS, "forget"), "nothing changed"),
        (("privacy", "fine", "add"), "Give the name"),
        (("privacy", "fine", "remove", "Nobody"), "not on the list"),
        (("privacy", "choices", "x"), "not an entry id"),
    ],
)
def test_cli_bad_input_gets_one_sentence(journal, args, message):
    add(journal, "An entry to choose on.")
    code, out, err = journal(*args)
    assert code != 0 and message in err and "Traceback" not in err
