"""Day One Classic (.dayone folders of .doentry property lists) and Day One JSON escapes.

The .doentry files are written here with plistlib in the layout Day One Classic used (and
jrnl's own DayOneJournal writes): ``Creation Date`` in UTC, ``Entry Text``, ``Starred``,
``Tags``, ``Time Zone``, ``UUID``; one is a binary plist, as some Day One versions wrote.
"""

from __future__ import annotations

import json
import plistlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reflectjournal.errors import ImportFailed
from reflectjournal.services.importers import parse_dayone, parse_dayone_json
from reflectjournal.services.importers.dayone import unescape

NEW_YORK = ZoneInfo("America/New_York")


def doentry(folder: Path, uuid: str, fmt=plistlib.FMT_XML, **fields) -> Path:
    entries = folder / "entries"
    entries.mkdir(parents=True, exist_ok=True)
    data = {"UUID": uuid, "Starred": False, **fields}
    path = entries / f"{uuid}.doentry"
    path.write_bytes(plistlib.dumps(data, fmt=fmt))
    return path


@pytest.fixture
def classic(tmp_path) -> Path:
    folder = tmp_path / "Journal.dayone"
    doentry(
        folder, "A1", **{
            "Creation Date": datetime(2014, 3, 9, 23, 30),  # UTC
            "Entry Text": "Handover after a long night\nThree off sick. Home late.",
            "Tags": ["Burnout", "workforce pressures"],
            "Starred": True,
            "Time Zone": "America/New_York",
        },
    )  # fmt: skip
    doentry(
        folder, "B2", fmt=plistlib.FMT_BINARY, **{
            "Creation Date": datetime(2014, 3, 10, 12, 0),
            "Entry Text": "Binary plist entry\nbody",
        },
    )  # fmt: skip
    doentry(folder, "C3", **{"Creation Date": datetime(2014, 3, 11), "Entry Text": ""})
    (folder / "photos").mkdir()
    (folder / "photos" / "C3.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "entries" / "D4.doentry").write_text("not a plist", encoding="utf-8")
    (folder / "entries" / "E5.doentry").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "aaaaaaaaaa">]>'
        b'<plist version="1.0"><dict><key>Entry Text</key><string>&a;&a;</string></dict></plist>'
    )
    doentry(folder, "F6", **{"Entry Text": "No date"})
    return folder


def test_classic_journal(classic):
    result = parse_dayone(classic)
    by_title = {e.title: e for e in result.entries}
    assert sorted(by_title) == ["Binary plist entry", "Handover after a long night"]
    night = by_title["Handover after a long night"]
    assert night.body == "Three off sick. Home late."
    assert night.created == datetime(2014, 3, 9, 19, 30, tzinfo=NEW_YORK)  # same instant
    assert night.created.utcoffset().total_seconds() == -4 * 3600  # EDT began 9 March 2014
    assert night.tags == ["Burnout", "workforce pressures"]
    assert night.starred is True and night.source_id == "A1"
    assert by_title["Binary plist entry"].created.tzname() == "UTC"
    reasons = {s.where: s.reason for s in result.skipped}
    assert reasons == {
        "entries/C3.doentry": "it has no text, only a photo, which is not imported",
        "entries/D4.doentry": "it is not a readable property list",
        "entries/E5.doentry": "it is not a readable property list",  # entities refused
        "entries/F6.doentry": "it has no Creation Date",
    }


def test_classic_import_and_reimport(workspace, classic):
    report = workspace.imports.run("dayone", classic)
    assert (report.entries, len(report.skipped), report.attachments_skipped) == (2, 4, 0)
    night = workspace.journal.found("handover")[0]
    assert night.created == "2014-03-09T19:30:00-04:00"
    assert set(night.tags) == {"burnout", "workforce-pressures"}
    again = workspace.imports.run("dayone", classic)
    assert (again.entries, again.duplicates) == (0, 2)


def test_classic_size_limit_and_empty_folder(tmp_path, monkeypatch):
    from reflectjournal.services.importers import dayone_classic

    folder = tmp_path / "J.dayone"
    doentry(folder, "A1", **{"Creation Date": datetime(2014, 3, 9), "Entry Text": "x" * 5000})
    monkeypatch.setattr(dayone_classic, "MAX_NOTE_BYTES", 1024)
    result = parse_dayone(folder)
    assert result.entries == []
    assert "more than the 1 KiB" in result.skipped[0].reason
    empty = tmp_path / "Empty.dayone"
    empty.mkdir()
    with pytest.raises(ImportFailed, match="holds no Day One entries"):
        parse_dayone(empty)


def test_dayone_json_markdown_escapes_read_as_written():
    text = (
        "I was sick\\. Really \\- properly \\(flu\\)\\! 1\\. Not a list\\.\n\n"
        "A path C:\\\\temp and `code \\. stays` and\n```\nfenced \\- stays\n```\n"
    )
    assert unescape(text) == (
        "I was sick. Really - properly (flu)! 1. Not a list.\n\n"
        "A path C:\\temp and `code \\. stays` and\n```\nfenced \\- stays\n```\n"
    )
    doc = {
        "entries": [
            {
                "uuid": "X",
                "creationDate": "2024-01-05T08:30:00Z",
                "text": "Felt sick\\. Went home\\!\n\nNext day \\- better \\(mostly\\)\\.",
            }
        ]
    }
    (entry,) = parse_dayone_json(json.dumps(doc).encode()).entries
    assert (entry.title, entry.body) == ("Felt sick. Went home!", "Next day - better (mostly).")


def test_dayone_json_streams_and_reports_bad_json_with_its_line(tmp_path):
    path = tmp_path / "Journal.json"
    entries = [
        {"uuid": f"U{i}", "creationDate": "2024-01-05T08:30:00Z", "text": f"Entry {i}\nbody"}
        for i in range(3)
    ]
    text = json.dumps({"metadata": {"version": "1.0"}, "entries": entries}, indent=1)
    path.write_text(text, encoding="utf-8")
    assert [e.title for e in parse_dayone(path).entries] == ["Entry 0", "Entry 1", "Entry 2"]
    path.write_text(text.replace('"Entry 2', '"Entry 2\x01'[:-1] + "\\q"), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"not valid JSON \(line \d+, column \d+: "):
        parse_dayone(path)
    path.write_text('{"entries": [ {"uuid": "a"} ], "x": NaN}', encoding="utf-8")
    with pytest.raises(ImportFailed, match="not valid JSON"):
        parse_dayone(path)
    path.write_text('[{"entries": []}]', encoding="utf-8")
    with pytest.raises(ImportFailed, match="is not a Day One export"):
        parse_dayone(path)


def test_classic_links_are_not_followed(tmp_path):
    import os

    folder = tmp_path / "J.dayone"
    doentry(folder, "A1", **{"Creation Date": datetime(2014, 3, 9), "Entry Text": "Kept\nbody"})
    outside = tmp_path / "outside.doentry"
    outside.write_bytes(
        plistlib.dumps({"Creation Date": datetime(2014, 3, 9), "Entry Text": "Secret\nx"})
    )
    os.symlink(outside, folder / "entries" / "B2.doentry")
    result = parse_dayone(folder)
    assert [e.title for e in result.entries] == ["Kept"]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("entries/B2.doentry", "symbolic link not followed")
    ]
