"""ImportService: parsed records into the journal in one transaction, deduplicated, tags mapped.

Samples are small and written here from the formats' documentation; each test knows the
answer (titles, tags, times) it must find in the journal afterwards.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from ziptools import declare_size as _declare_size  # tests/ziptools.py
from ziptools import make_zip as _zip

from reflectjournal.errors import ImportFailed
from reflectjournal.services.entries import Entry, EntryFilter
from reflectjournal.services.importers import service as import_service
from reflectjournal.services.importers.service import ImportCancelled

JRNL_TEXT = """\
[2024-01-05 08:30] Night shift handover.
Three staff off sick; @workforce_pressures stretched
and @Burnout on everyone's mind.

Second paragraph: café, naïve, 日本語.

[2024-13-40 08:30] A date that does not exist.
This entry is skipped.

[2024-03-31 01:30] Clocks went forward *
Written on the night the clocks changed. @rota and #Resilience.
"""


def snapshot(ws) -> tuple:
    """Everything an import could touch, to prove a refused import changed nothing."""
    db = ws.db
    return (
        [tuple(r) for r in db.query("SELECT * FROM entry ORDER BY id")],
        [tuple(r) for r in db.query("SELECT * FROM tag ORDER BY id")],
        [tuple(r) for r in db.query("SELECT * FROM entry_tag ORDER BY entry_id, tag_id")],
        [tuple(r) for r in db.query("SELECT * FROM entry_section ORDER BY entry_id, key")],
        [tuple(r) for r in db.query("SELECT * FROM person ORDER BY id")],
        [tuple(r) for r in db.query("SELECT name, sql FROM sqlite_master ORDER BY name")],
    )


def by_title(ws) -> dict[str, Entry]:
    return {e.title: e for e in ws.journal.entries()}


@pytest.fixture
def jrnl_file(tmp_path) -> Path:
    path = tmp_path / "journal.txt"
    path.write_text(JRNL_TEXT, encoding="utf-8")
    return path


def test_jrnl_import_maps_framework_tags_and_reports_counts(workspace, jrnl_file):
    workspace.journal.add("Already here.", title="Existing", tags=["rota"])  # a free tag
    report = workspace.imports.run("jrnl", jrnl_file)

    assert report.entries == 2 and report.duplicates == 0
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("line 7", "the date '2024-13-40 08:30' could not be read")
    ]
    entries = by_title(workspace)
    handover = entries["Night shift handover."]
    # "@workforce_pressures" and "@Burnout" are framework items; "rota" reuses the free tag.
    assert list(handover.tags) == ["workforce-pressures", "burnout"]
    assert "日本語" in handover.body and "\n\nSecond paragraph" in handover.body
    assert handover.created == "2024-01-05T08:30:00+00:00"  # TZ=UTC in tests
    clocks = entries["Clocks went forward"]
    assert clocks.starred is True
    assert set(clocks.tags) == {"rota", "resilience"}
    assert report.tags == 4 and report.tags_mapped == 3 and report.tags_new == 0
    categories = {t.slug: t.category for t in workspace.journal.tag_counts()}
    assert categories["burnout"] != "free" and categories["resilience"] != "free"
    assert categories["rota"] == "free"


def test_reimporting_the_same_source_adds_nothing(workspace, jrnl_file):
    first = workspace.imports.run("jrnl", jrnl_file)
    before = snapshot(workspace)
    again = workspace.imports.run("jrnl", jrnl_file)
    assert (first.entries, again.entries, again.duplicates) == (2, 0, 2)
    assert snapshot(workspace) == before


def test_imported_entries_are_searchable_by_text_and_tag_name(workspace, jrnl_file):
    workspace.imports.run("jrnl", jrnl_file)
    assert [e.title for e in workspace.journal.found("café")] == ["Night shift handover."]
    # Tags are indexed by name ("Workforce pressures") as the triggers would have done.
    assert [e.title for e in workspace.journal.found("workforce")] == ["Night shift handover."]
    # The full-text triggers are back in place: a later edit is indexed as usual.
    entry_id = by_title(workspace)["Clocks went forward"].id
    workspace.journal.edit(entry_id, body="Now about gardening.")
    assert [e.title for e in workspace.journal.found("gardening")] == ["Clocks went forward"]
    new_id = workspace.journal.add("A brand new zebra note.", tags=["rota"])
    assert [int(e.id) for e in workspace.journal.found("zebra")] == [new_id]


def test_progress_is_reported_up_to_the_total(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(import_service, "BATCH", 3)
    lines = [f"[2024-02-{d:02d} 09:00] Day {d}.\nBody {d}.\n" for d in range(1, 11)]
    path = tmp_path / "ten.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    report = workspace.imports.run("jrnl", path, progress=lambda d, t: seen.append((d, t)))
    assert report.entries == 10
    assert seen == [(0, 10), (3, 10), (6, 10), (9, 10), (10, 10)]


def test_cancel_between_batches_rolls_everything_back(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(import_service, "BATCH", 2)
    path = tmp_path / "six.txt"
    path.write_text(
        "\n".join(f"[2024-02-0{d} 09:00] Day {d}. @newtag{d}\n" for d in range(1, 7)),
        encoding="utf-8",
    )
    before = snapshot(workspace)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # two batches written, then the user presses Cancel

    with pytest.raises(ImportCancelled, match="cancelled; nothing was written"):
        workspace.imports.run("jrnl", path, cancelled=cancelled)
    assert snapshot(workspace) == before  # new free tags and the trigger drop undone too


def test_a_failure_mid_import_changes_nothing(workspace, jrnl_file, monkeypatch):
    before = snapshot(workspace)
    real_insert = import_service.ImportService._insert

    def failing(self, batch, *args):
        real_insert(self, batch, *args)
        raise OSError("disk went away")

    monkeypatch.setattr(import_service.ImportService, "_insert", failing)
    with pytest.raises(OSError):
        workspace.imports.run("jrnl", jrnl_file)
    assert snapshot(workspace) == before


def test_dayone_zip_with_time_zone_photo_and_tags(workspace, tmp_path):
    journal = {
        "metadata": {"version": "1.0"},
        "entries": [
            {
                "uuid": "A1",
                "creationDate": "2024-07-01T06:15:00Z",
                "timeZone": "Europe/London",
                "text": "# Board paper\nFinance pressures again.\n![](dayone-moment://ABC)",
                "tags": ["Financial acumen", "board"],
                "starred": True,
                "photos": [{"identifier": "ABC"}],
            },
            {"uuid": "A2", "creationDate": "not a date", "text": "Lost"},
        ],
    }
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Journal.json", json.dumps(journal))
        zf.writestr("photos/ABC.jpeg", b"\xff\xd8\xff")
    report = workspace.imports.run("dayone", archive)
    assert (report.entries, report.attachments_skipped) == (1, 1)
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("entry 2", "the creationDate 'not a date' could not be read")
    ]
    (entry,) = workspace.journal.entries()
    assert entry.title == "Board paper"
    assert entry.created == "2024-07-01T07:15:00+01:00"  # London summer time kept
    assert list(entry.tags) == ["financial-acumen", "board"] and entry.starred is True
    assert "dayone-moment" not in entry.body


def test_markdown_folder_with_front_matter_and_inline_tags(workspace, tmp_path):
    notes = tmp_path / "vault"
    (notes / "daily").mkdir(parents=True)
    (notes / "daily" / "2024-04-02.md").write_text(
        "---\ntitle: Difficult conversation\ndate: 2024-04-02 17:05\ntags: [Conflict]\n"
        "mood: 2\nenergy: 4\n---\nTalked with the matron about #change-fatigue.\n",
        encoding="utf-8",
    )
    (notes / "bad.md").write_bytes(b"caf\xe9 not utf-8")
    report = workspace.imports.run("markdown", notes)
    assert report.entries == 1
    assert len(report.skipped) == 1 and report.skipped[0].where == "bad.md"
    assert "UTF-8" in report.skipped[0].reason
    (entry,) = workspace.journal.entries()
    assert (entry.title, entry.mood, entry.energy) == ("Difficult conversation", 2, 4)
    assert list(entry.tags) == ["change-fatigue", "conflict"]  # framework item first, then free


# --- hostile and broken input: one sentence naming the problem, journal unchanged ----------


def _hostile(tmp_path: Path, case: str) -> tuple[str, Path, str]:
    """(format, path, words the refusal must contain)."""
    ok_json = json.dumps({"entries": [{"creationDate": "2024-01-01T00:00:00Z", "text": "x"}]})
    if case == "traversal":
        path = _zip(tmp_path / "evil.zip", {"Journal.json": ok_json.encode(), "../evil.json": b"x"})
        return "dayone", path, "points outside the archive"
    if case == "symlink":
        path = _zip(
            tmp_path / "link.zip",
            {"Journal.json": ok_json.encode(), "link.json": b"/etc/passwd"},
            link="link.json",
        )
        return "dayone", path, "is a symbolic link"
    if case == "bomb":
        path = _zip(tmp_path / "bomb.zip", {"Journal.json": b" " * (4 * 1024 * 1024)})
        return "dayone", path, "zip bomb"
    if case == "2gb":
        path = _zip(tmp_path / "huge.zip", {"Journal.json": b"{}"})
        _declare_size(path, 2 * 1024**3 - 1)
        return "dayone", path, "declares 2048 MiB"
    if case == "utf8":
        path = tmp_path / "latin1.txt"
        path.write_bytes("[2024-01-01 09:00] Caf\u00e9".encode("latin-1"))
        return "jrnl", path, "not UTF-8"
    if case == "wrong-shape":
        path = tmp_path / "export.json"
        path.write_text(
            json.dumps({"format": "reflectjournal-export", "version": 1, "entries": {"a": 1}}),
            encoding="utf-8",
        )
        return "json", path, "'entries' is not a list"
    if case == "empty-folder":
        path = tmp_path / "empty"
        path.mkdir()
        return "markdown", path, "contains no Markdown notes"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case", ["traversal", "symlink", "bomb", "2gb", "utf8", "wrong-shape", "empty-folder"]
)
def test_hostile_input_is_refused_and_changes_nothing(workspace, tmp_path, case, monkeypatch):
    workspace.journal.add("Before the import.", tags=["resilience"])
    kind, path, words = _hostile(tmp_path, case)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(workspace)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ImportFailed) as caught:
        workspace.imports.run(kind, path)
    message = str(caught.value)
    assert words in message and "\n" not in message and message.endswith(".")
    assert snapshot(workspace) == before
    assert list(work.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == listing


def test_our_json_with_an_unknown_model_is_refused_whole(workspace, tmp_path):
    good = {
        "uid": "u1",
        "kind": "reflection",
        "title": "Fine",
        "body": "Fine.",
        "created": "2024-01-01T09:00:00+00:00",
    }
    bad = dict(good, uid="u2", model="no-such-model")
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps({"format": "reflectjournal-export", "version": 1, "entries": [good, bad]}),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match="entry 2 uses the reflection model 'no-such-model'"):
        workspace.imports.run("json", path)
    assert workspace.journal.count() == 0


def test_cli_import_prints_counts_and_json(cli, jrnl_file):
    assert cli("init", "--no-keyring")[0] == 0
    code, out, err = cli("import", "jrnl", str(jrnl_file))
    assert code == 0 and err == ""
    assert out.splitlines()[0] == ("Imported 2 entries; 1 skipped (1 the date could not be read).")
    assert out.splitlines()[1] == "Tags: 4 (3 framework items, 1 new free tags)."
    assert "skipped line 7: the date '2024-13-40 08:30' could not be read" in out
    code, out, err = cli("import", "jrnl", str(jrnl_file), "--json")
    data = json.loads(out)  # exactly one JSON document
    assert (code, data["entries"], data["duplicates"]) == (0, 0, 2)
    code, out, err = cli("import", "jrnl", str(jrnl_file.parent / "missing.txt"))
    assert code == 1 and out == "" and err.count("\n") == 1 and "does not exist" in err


def test_filter_after_import_sees_imported_entries(workspace, jrnl_file):
    workspace.imports.run("jrnl", jrnl_file)
    titles = [e.title for e in workspace.journal.entries(EntryFilter(tags=["burnout"]))]
    assert titles == ["Night shift handover."]
    assert os.environ["TZ"] == "UTC"
