"""Exports: JSON round trip, Markdown notes, HTML, CPD accounts, filters, atomic writes.

PDF needs Qt, so its test lives in tests/gui/test_io_dialogs.py.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reflectjournal.domain.enums import Kind, Scale, Visibility
from reflectjournal.errors import UsageError
from reflectjournal.services.entries import EntryComment, EntryFilter
from reflectjournal.services.entry_records import EntryRecord
from reflectjournal.services.exporters import ExportCancelled, common
from reflectjournal.services.importers import parse_markdown_folder
from reflectjournal.services.timeutil import range_end, range_start
from reflectjournal.services.workspace import Workspace

PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))


def fill(ws) -> dict[str, int]:
    """A journal whose every field differs from the defaults somewhere."""
    j = ws.journal
    ids = {}
    ids["gibbs"] = j.add(
        model="gibbs",
        sections={
            "description": "The ward ran out of beds at 3 a.m.",
            "feelings": "Anxious, then calm.",
            "evaluation": "Escalation worked.",
            "conclusion": "Escalate earlier.",
            "action-plan": "Agree a bed-huddle at midnight.",
        },
        title="Bed crisis",
        tags=["demand-management", "Night shift"],
        when=datetime(2024, 3, 1, 3, 15, tzinfo=PLUS_TWO),
        mood=2,
        energy=1,
        visibility="mentor",
        starred=True,
    )
    ids["cpd"] = j.add(
        model="cpd",
        sections={
            "what-happened": "Attended a QI workshop.",
            "what-i-learned": "Run charts beat RAG ratings.",
            "what-i-changed": "Our huddle board now has a run chart.",
            "professional-code": "Practise effectively; keep learning.",
        },
        title="QI workshop",
        tags=["quality-improvement"],
        when=datetime(2024, 5, 10, 14, 0, tzinfo=MINUS_FIVE),
    )
    ids["free"] = j.add(
        "Plain thoughts with <script>alert('x')</script> and **bold** — ünïcode ✓.\n\nLine two.",
        title='Quotes "and" colons: fine',
        tags=["resilience"],
        when=datetime(2024, 6, 1, 9, 0, tzinfo=PLUS_TWO),
        visibility="coach",
    )
    sender = ws.people.add("Dr Mentee Example", "coachee")
    ids["shared"] = j.add(
        "What they shared with me.",
        title="Shared reflection",
        kind="shared",
        sender_id=sender,
        when=datetime(2024, 7, 1, 12, 0, tzinfo=PLUS_TWO),
    )
    with ws.db.transaction():
        ws.db.execute(
            "INSERT INTO comment(uid, entry_id, author, text, created, entry_hash, outgoing, sent) "
            "VALUES ('c1', ?, 'Test Leader', 'Good <b>insight</b>.', '2024-07-02T10:00:00+00:00', "
            "'', 1, 0)",
            (ids["shared"],),
        )
    return ids


def exported(ws, path: Path, **filters) -> dict:
    report = ws.exports.run("json", path, EntryFilter(**filters))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert report.entries == len(data["entries"])
    return data


def without_ids(data: dict) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "id"} for e in data["entries"]]


def test_json_export_import_round_trip_is_exact(workspace, tmp_path, passphrase):
    fill(workspace)
    first = exported(workspace, tmp_path / "one.json")
    assert first["format"] == "reflectjournal-export" and first["version"] == 1
    assert [e["title"] for e in first["entries"]] == [
        "Bed crisis", "QI workshop", 'Quotes "and" colons: fine', "Shared reflection",
    ]  # fmt: skip
    gibbs = first["entries"][0]
    assert gibbs["created"] == "2024-03-01T03:15:00+02:00"
    assert gibbs["sections"]["feelings"] == "Anxious, then calm."
    assert (gibbs["mood"], gibbs["energy"], gibbs["starred"], gibbs["visibility"]) == (
        2, 1, True, "mentor",
    )  # fmt: skip
    shared = first["entries"][3]
    assert shared["from"] == "Dr Mentee Example"
    assert shared["comments"] == [
        {
            "author": "Test Leader",
            "text": "Good <b>insight</b>.",
            "created": "2024-07-02T10:00:00+00:00",
        }
    ]

    other = Workspace.create(tmp_path / "other.rj", passphrase)
    try:
        report = other.imports.run("json", tmp_path / "one.json")
        assert (report.entries, report.duplicates) == (4, 0)
        second = exported(other, tmp_path / "two.json")
        assert without_ids(second) == without_ids(first)
        # Importing the same export again adds nothing.
        assert other.imports.run("json", tmp_path / "one.json").duplicates == 4
    finally:
        other.close()
    # And into the journal it came from: every uid is already there.
    assert workspace.imports.run("json", tmp_path / "one.json").entries == 0


def test_exporters_read_typed_entry_records(workspace):
    ids = fill(workspace)
    order = [ids["gibbs"], ids["shared"], ids["free"]]
    records = list(common.iter_entries(workspace.db, order))
    assert [type(r) for r in records] == [EntryRecord] * 3
    gibbs, shared, free = records
    assert [r.id for r in records] == order and all(len(r.uid) == 32 for r in records)
    assert (gibbs.kind, gibbs.mood, gibbs.energy, gibbs.visibility) == (
        Kind.REFLECTION, Scale.LOW, Scale.VERY_LOW, Visibility.MENTOR,
    )  # fmt: skip
    assert gibbs.created == "2024-03-01T03:15:00+02:00" and gibbs.starred
    assert [key for key, _ in gibbs.sections][:2] == ["description", "feelings"]
    assert (shared.sender, free.sender) == ("Dr Mentee Example", None)
    assert shared.comments == (
        EntryComment("Test Leader", "Good <b>insight</b>.", "2024-07-02T10:00:00+00:00"),
    )
    # Files and link targets only when asked for (every format but CPD asks).
    assert gibbs.attachments == () and gibbs.link_context is None
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    workspace.attachments.add(ids["free"], "minutes.pdf", pdf)
    [with_files] = common.iter_entries(workspace.db, [ids["free"]], attachments=True)
    [file] = with_files.attachments
    assert (file.name, file.mime, file.size, file.data) == (
        "minutes.pdf", "application/pdf", len(pdf), pdf,
    )  # fmt: skip
    assert not file.is_image and with_files.link_context is not None


def test_the_json_export_writes_its_record_fields_in_order(workspace):
    from reflectjournal.services.exporters.json_export import FIELDS, export_record

    ids = fill(workspace)
    [shared] = common.iter_entries(workspace.db, [ids["shared"]])
    record = export_record(shared)
    assert tuple(record) == FIELDS  # no attachments: no "attachments" key
    assert (record["id"], record["kind"], record["from"]) == (
        str(ids["shared"]), "shared", "Dr Mentee Example",
    )  # fmt: skip


def test_exports_use_the_list_filters(workspace, tmp_path):
    fill(workspace)
    by_tag = exported(workspace, tmp_path / "tag.json", tags=["resilience"])
    assert [e["title"] for e in by_tag["entries"]] == ['Quotes "and" colons: fine']
    ranged = exported(
        workspace,
        tmp_path / "range.json",
        since=range_start("2024-05-01"),
        until=range_end("2024-06-30"),
    )
    assert [e["title"] for e in ranged["entries"]] == ["QI workshop", 'Quotes "and" colons: fine']


def test_markdown_folder_export_reads_back_with_our_markdown_importer(workspace, tmp_path):
    fill(workspace)
    report = workspace.exports.run("markdown", tmp_path / "notes")
    files = sorted(p.name for p in (tmp_path / "notes").iterdir())
    assert report.entries == 4 and len(files) == 4
    assert files[0] == "2024-03-01-0315-bed-crisis.md"
    parsed = {e.title: e for e in parse_markdown_folder(tmp_path / "notes").entries}
    source = {e.title: e for e in workspace.journal.entries()}
    assert set(parsed) == set(source)
    for title, entry in parsed.items():
        assert entry.created.isoformat() == source[title].created
        assert [t.lower() for t in entry.tags[: len(source[title].tags)]] == list(
            source[title].tags
        )
    assert parsed["Bed crisis"].mood == 2 and parsed["Bed crisis"].starred is True
    assert "## Feelings" in parsed["Bed crisis"].body


def test_markdown_single_file_export(workspace, tmp_path):
    fill(workspace)
    out = tmp_path / "all.md"
    workspace.exports.run("markdown", out)
    text = out.read_text(encoding="utf-8")
    titles = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert titles == ["Bed crisis", "QI workshop", 'Quotes "and" colons: fine', "Shared reflection"]
    assert "### Feelings" in text  # the entry's own headings sit under its title
    assert "> Good <b>insight</b>." in text  # others' words quoted


def test_html_is_self_contained_and_safe(workspace, tmp_path):
    fill(workspace)
    out = tmp_path / "journal.html"
    workspace.exports.run("html", out)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    for title in ("Bed crisis", "QI workshop", "Quotes &quot;and&quot; colons: fine"):
        assert f"<h2>{title}</h2>" in html
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)=[\"']?https?:", html)  # nothing fetched from outside
    assert "<strong>bold</strong>" in html
    assert "Good &lt;b&gt;insight&lt;/b&gt;." in html  # a comment is text, not markup


def test_cpd_account_maps_model_sections(workspace, tmp_path):
    fill(workspace)
    out = tmp_path / "cpd.md"
    report = workspace.exports.run("cpd", out)
    assert report.entries == 3  # reflections only: the shared entry is someone else's
    text = out.read_text(encoding="utf-8")
    accounts = {block.split("\n", 1)[0]: block for block in text.split("\n## ")[1:]}
    assert set(accounts) == {"Bed crisis", "QI workshop", 'Quotes "and" colons: fine'}

    def section(title: str, heading: str) -> str:
        block = accounts[title]
        return block.split(f"### {heading}\n\n", 1)[1].split("\n\n###", 1)[0].strip()

    assert section("QI workshop", "How my practice changed") == (
        "Our huddle board now has a run chart."
    )
    assert section("QI workshop", "How it relates to my professional code") == (
        "Practise effectively; keep learning."
    )
    happened = section("Bed crisis", "What happened")
    assert "The ward ran out of beds" in happened and "*Feelings.* Anxious" in happened
    assert "Escalate earlier." in section("Bed crisis", "What I learned")
    assert section("Bed crisis", "How my practice changed") == "Agree a bed-huddle at midnight."
    assert section("Bed crisis", "How it relates to my professional code") == "_Not written yet._"
    assert section('Quotes "and" colons: fine', "What happened").startswith("Plain thoughts")

    by_tag = workspace.exports.run(
        "cpd", tmp_path / "qi.html", EntryFilter(tags=["quality-improvement"])
    )
    html = (tmp_path / "qi.html").read_text(encoding="utf-8")
    assert by_tag.entries == 1 and "QI workshop" in html and "Bed crisis" not in html
    with pytest.raises(UsageError, match=r"\.md, \.html or \.pdf"):
        workspace.exports.run("cpd", tmp_path / "cpd.txt")


def test_existing_target_is_refused_unless_overwrite(workspace, tmp_path):
    fill(workspace)
    out = tmp_path / "taken.json"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(UsageError, match="already exists"):
        workspace.exports.run("json", out)
    assert out.read_text(encoding="utf-8") == "keep me"
    workspace.exports.run("json", out, overwrite=True)
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "reflectjournal-export"
    with pytest.raises(UsageError, match="over the journal itself"):
        workspace.exports.run("json", workspace.path, overwrite=True)


@pytest.mark.parametrize(
    "kind,name", [("json", "x.json"), ("markdown", "notes"), ("html", "x.html")]
)
def test_failed_or_cancelled_export_leaves_nothing(workspace, tmp_path, monkeypatch, kind, name):
    fill(workspace)
    monkeypatch.setattr(common, "BATCH", 2)
    outdir = tmp_path / "out"
    outdir.mkdir()
    calls = []

    def cancel_on_second_batch() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(ExportCancelled, match="nothing was written"):
        workspace.exports.run(kind, outdir / name, cancelled=cancel_on_second_batch)
    assert list(outdir.iterdir()) == []


def test_pdf_without_a_writer_says_so(workspace, tmp_path):
    with pytest.raises(UsageError, match="PDF output is not available"):
        workspace.exports.run("pdf", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_cli_export_with_filters(cli, tmp_path):
    assert cli("init", "--no-keyring")[0] == 0
    cli("add", "About resilience.", "--tag", "resilience", "--date", "2024-01-02")
    cli("add", "About the rota.", "--tag", "rota", "--date", "2024-02-02")
    code, out, err = cli("export", "json", str(tmp_path / "r.json"), "--tag", "resilience")
    assert (code, err) == (0, "") and out.strip().startswith("Exported 1 entry to")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [e["body"] for e in data["entries"]] == ["About resilience."]
    code, out, err = cli("export", "json", str(tmp_path / "r.json"))
    assert code == 2 and "already exists" in err and err.count("\n") == 1
    code, out, _ = cli(
        "export", "html", str(tmp_path / "s.html"), "--since", "2024-02-01", "--json"
    )
    assert code == 0 and json.loads(out)["entries"] == 1
