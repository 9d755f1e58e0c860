"""Importers: pure parsers of jrnl, Day One, Markdown folders and our own export.

jrnl samples under data/imports/jrnl/ were written by the real jrnl binary (run this file
as a script to regenerate them); the live test below checks the parser against jrnl's own
JSON export of a journal it writes in tmp_path. Hostile zips are built in tmp_path.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.errors import ImportFailed
from reflectjournal.services.importers import (
    ImportedEntry,
    ParseResult,
    fingerprint,
    parse_dayone,
    parse_jrnl,
    parse_jrnl_json,
    parse_jrnl_text,
    parse_markdown_folder,
    parse_reflectjournal_file,
    parse_reflectjournal_json,
)
from reflectjournal.services.importers.jrnl_crypto import JrnlPasswordNeeded, WrongJrnlPassword
from reflectjournal.services.importers.markdown_folder import inline_tags
from reflectjournal.services.importers.safety import (
    read_text_strict,
    safe_walk,
    safe_zip_members,
)

DATA = Path(__file__).parent / "data" / "imports"
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
JRNL_BIN = Path(sys.executable).with_name("jrnl")

# --- jrnl: writing real journals with the real binary -------------------------------------

JRNL_ENTRIES = [
    # (command-line text, or None to pipe the stdin text instead)
    ("2024-01-05 08:30: Night shift handover. Three staff off sick; @workforce stretched.", None),
    ("2024-03-31 00:30 *: Clocks go forward tonight. @Burnout risk on nights is real.", None),
    ("2024-03-31 01:30: Written in the missing hour. The rota app says 02:30.", None),
    ("2024-10-27 01:30: Written in the repeated hour. #Resilience needed.", None),
    ("2024-06-01 14:00: Café debrief 🎉 with the team. שלום עולם — مرحبا بالعالم @résumé", None),
    (
        None,
        "2024-07-01 17:45: Reflection on a conflict.\nWhat happened?\n\n- the bed meeting "
        "ran over #Gibbs\n- [1] see the policy\n[x] spoke to @Matron_Lee\n\n"
        "Now what: book protected time.",
    ),
    ("2024-08-02 09:15: I was *really* tired today", None),
]


def run_jrnl(home: Path, *args: str, stdin: str | None = None) -> str:
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [str(JRNL_BIN), "--config-file", str(home / "jrnl.yaml"), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def write_jrnl_journal(home: Path, timeformat: str = "%F %r") -> Path:
    """A jrnl journal written by jrnl itself into ``home``; returns its path."""
    home.mkdir(parents=True, exist_ok=True)
    journal = home / "journal.txt"
    (home / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\n"
        "highlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        f"timeformat: '{timeformat}'\nversion: v4.6\n",
        encoding="utf-8",
    )
    for argument, stdin in JRNL_ENTRIES:
        if argument is None:
            run_jrnl(home, stdin=stdin)
        else:
            run_jrnl(home, argument)
    return journal


def jrnl_export_json(home: Path) -> bytes:
    return run_jrnl(home, "--export", "json").encode("utf-8")


needs_jrnl = pytest.mark.skipif(not JRNL_BIN.exists(), reason="the jrnl binary is not installed")


def by_title(result: ParseResult) -> dict[str, ImportedEntry]:
    return {e.title: e for e in result.entries}


# --- records -------------------------------------------------------------------------------


def entry(**overrides) -> ImportedEntry:
    fields = dict(
        title="Handover", body="Short staffed.", created=datetime(2024, 1, 5, 8, 30, tzinfo=LONDON)
    )
    fields.update(overrides)
    return ImportedEntry(**fields)


def test_fingerprint_is_stable_across_whitespace_seconds_and_zones():
    base = fingerprint(entry())
    assert base == fingerprint(entry(title="Handover ", body="Short\n  staffed.\n"))
    assert base == fingerprint(entry(title="Handover Short", body="staffed."))
    assert base == fingerprint(entry(created=datetime(2024, 1, 5, 8, 30, 41, tzinfo=LONDON)))
    assert base == fingerprint(entry(created=datetime(2024, 1, 5, 3, 30, tzinfo=NEW_YORK)))
    assert len(base) == 64 and int(base, 16) >= 0


def test_fingerprint_changes_with_text_or_minute():
    base = fingerprint(entry())
    assert base != fingerprint(entry(body="Fully staffed."))
    assert base != fingerprint(entry(created=datetime(2024, 1, 5, 8, 31, tzinfo=LONDON)))
    # Tags, stars and mood are not part of the identity of an entry.
    assert base == fingerprint(entry(tags=["x"], starred=True, mood=3))


def test_imported_entry_refuses_naive_times():
    with pytest.raises(ValueError):
        entry(created=datetime(2024, 1, 5, 8, 30))


# --- jrnl plain text -----------------------------------------------------------------------


def test_jrnl_file_written_by_jrnl():
    result = parse_jrnl(DATA / "jrnl" / "journal_v4.txt", LONDON)
    assert result.skipped == []
    assert len(result.entries) == len(JRNL_ENTRIES)
    entries = by_title(result)

    first = entries["Night shift handover."]
    assert first.body == "Three staff off sick; @workforce stretched."
    assert first.tags == ["workforce"]
    assert first.created == datetime(2024, 1, 5, 8, 30, tzinfo=LONDON)
    assert first.starred is False and first.source_id is None

    starred = entries["Clocks go forward tonight."]
    assert starred.starred is True
    assert starred.tags == ["Burnout"]  # raw spelling, not jrnl's lower-cased one

    gap = entries["Written in the missing hour."]  # 01:30 does not exist in London that night
    assert gap.created.utcoffset() == timedelta(0)
    overlap = entries["Written in the repeated hour."]  # 01:30 happens twice: first (BST)
    assert overlap.created.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert overlap.tags == ["Resilience"]

    uni = entries["Café debrief 🎉 with the team."]
    assert uni.body == "שלום עולם — مرحبا بالعالم @résumé"
    assert uni.tags == ["résumé"]
    assert uni.created == datetime(2024, 6, 1, 14, 0, tzinfo=LONDON)

    multi = entries["Reflection on a conflict."]
    assert multi.body.startswith("What happened?\n\n- the bed meeting ran over #Gibbs\n")
    assert "- [1] see the policy\n[x] spoke to @Matron_Lee" in multi.body
    assert multi.body.endswith("Now what: book protected time.")
    assert multi.tags == ["Gibbs", "Matron_Lee"]

    emphasis = entries["I was *really* tired today"]
    assert emphasis.starred is False


def test_jrnl_json_export_written_by_jrnl_matches_the_text_file():
    text = parse_jrnl(DATA / "jrnl" / "journal_v4.txt", LONDON)
    exported = parse_jrnl_json((DATA / "jrnl" / "export.json").read_bytes(), LONDON)
    assert exported.skipped == []
    assert [fingerprint(e) for e in exported.entries] == [fingerprint(e) for e in text.entries]
    for ours, theirs in zip(text.entries, exported.entries, strict=True):
        assert (ours.title, ours.body, ours.starred) == (theirs.title, theirs.body, theirs.starred)
        assert ours.tags == theirs.tags


@needs_jrnl
def test_parser_agrees_with_live_jrnl_export(tmp_path):
    journal = write_jrnl_journal(tmp_path / "home", timeformat="%Y-%m-%d %H:%M")
    text = parse_jrnl_text(journal.read_text(encoding="utf-8"), LONDON)
    raw = json.loads(jrnl_export_json(tmp_path / "home"))
    assert len(text.entries) == len(raw["entries"]) == len(JRNL_ENTRIES)
    for ours, theirs in zip(text.entries, raw["entries"], strict=True):
        assert ours.title == theirs["title"]
        assert ours.body == theirs["body"]
        assert ours.starred == theirs["starred"]
        assert ours.created.strftime("%Y-%m-%d %H:%M") == f"{theirs['date']} {theirs['time']}"
        assert sorted(t.lower() for t in ours.tags) == sorted(t[1:] for t in theirs["tags"])


def test_jrnl_24_hour_time_format_and_crlf():
    text = (
        "[2024-02-01 07:05] Early start.\r\nBody line.\r\n\r\n"
        "[2024-02-01 19:40:12] Late finish. *\r\n"
    )
    result = parse_jrnl_text(text, LONDON)
    assert [(e.title, e.body, e.starred) for e in result.entries] == [
        ("Early start.", "Body line.", False),
        ("Late finish.", "", True),
    ]
    assert result.entries[1].created == datetime(2024, 2, 1, 19, 40, 12, tzinfo=LONDON)


def test_jrnl_12_hour_clock_edges():
    result = parse_jrnl_text(
        "[2024-02-01 12:15:00 AM] Just after midnight.\n[2024-02-01 12:15:00 PM] Lunch.\n",
        LONDON,
    )
    assert [e.created.hour for e in result.entries] == [0, 12]


def test_jrnl_legacy_unbracketed_format():
    result = parse_jrnl(DATA / "jrnl" / "legacy_v1.txt", LONDON)
    assert [e.title for e in result.entries] == ["Started the new role.", "Team meeting went well."]
    assert result.entries[1].starred is True
    assert result.entries[0].body == "Lots to learn about the @FinancialAcumen side."
    assert result.entries[0].tags == ["FinancialAcumen"]


def test_jrnl_unreadable_dates_are_skipped_with_line_numbers():
    result = parse_jrnl(DATA / "jrnl" / "bad_dates.txt", LONDON)
    assert [e.title for e in result.entries] == ["A good entry.", "Another good entry."]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("line 4", "the date '2024-13-45 09:00' could not be read"),
        (
            "line 8",
            "the date '05/01/2024 08:30' could be day-first or month-first (give --date-format)",
        ),
        ("line 11", "the date '2024-02-30 10:00 PM' could not be read"),
    ]
    # The body of a skipped entry is not glued onto its neighbour.
    assert all("should not leak" not in e.body for e in result.entries)


def test_jrnl_text_before_first_entry_and_empty_entries():
    result = parse_jrnl_text(
        "stray note\nmore\n[2024-02-01 09:00] Real.\n[2024-02-02 09:00] \n", LONDON
    )
    assert [e.title for e in result.entries] == ["Real."]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("lines 1-2", "text before the first dated entry"),
        ("line 4", "the entry is empty"),
    ]


def test_jrnl_single_line_entry_without_newline_splits_first_sentence():
    result = parse_jrnl_text("[2024-02-01 09:00] First sentence. Second one!", LONDON)
    assert (result.entries[0].title, result.entries[0].body) == ("First sentence.", "Second one!")


def test_jrnl_text_without_entries_is_refused():
    for text in ["", "just some notes\nwith no dates\n", "[1] a footnote\n[x] done\n"]:
        with pytest.raises(ImportFailed, match="No jrnl entries were found"):
            parse_jrnl_text(text, LONDON)


def test_jrnl_encrypted_by_jrnl_opens_with_its_password():
    path = DATA / "jrnl" / "encrypted_v3.txt"  # written by jrnl --encrypt (see the end)
    with pytest.raises(JrnlPasswordNeeded, match="encrypted .jrnl 3.x.; give its jrnl password"):
        parse_jrnl(path, LONDON)
    with pytest.raises(WrongJrnlPassword, match="does not open this jrnl journal"):
        parse_jrnl(path, LONDON, password="not-it")
    opened = parse_jrnl(path, LONDON, password="sample-passphrase")
    plain = parse_jrnl(DATA / "jrnl" / "journal_v4.txt", LONDON)
    assert [(e.title, e.body, e.created) for e in opened.entries] == [
        (e.title, e.body, e.created) for e in plain.entries
    ]
    assert len(opened.entries) == len(JRNL_ENTRIES)


def test_jrnl_invalid_utf8_names_file_and_offset(tmp_path):
    path = tmp_path / "journal.txt"
    path.write_bytes(b"[2024-01-01 09:00] Caf\xe9 closed.\n")
    with pytest.raises(ImportFailed, match=r"journal.txt is not UTF-8 text .*offset 22"):
        parse_jrnl(path, LONDON)


def test_jrnl_folder_journal(tmp_path):
    day = tmp_path / "journal" / "2024" / "01"
    day.mkdir(parents=True)
    (day / "05.txt").write_text("[2024-01-05 08:30] One.\nbody\n", encoding="utf-8")
    (day / "06.txt").write_text("[2024-01-06 08:30] Two.\n[bad-date] x\n", encoding="utf-8")
    (day / "07.txt").write_text("nothing dated\n", encoding="utf-8")
    result = parse_jrnl(tmp_path / "journal", LONDON)
    assert [e.title for e in result.entries] == ["One.", "Two."]
    assert [s.where for s in result.skipped] == [os.path.join("2024", "01", "07.txt")]


def test_jrnl_json_wrong_shapes(tmp_path):
    with pytest.raises(ImportFailed, match="not a jrnl JSON export"):
        parse_jrnl_json(b'{"tags": {}}', LONDON)
    with pytest.raises(ImportFailed, match=r"not valid JSON \(line 1, column"):
        parse_jrnl_json(b'{"entries": [}', LONDON)
    document = {
        "entries": [
            {"title": "Fine.", "body": "", "date": "2024-01-05", "time": "08:30", "tags": []},
            {"title": "No date.", "body": ""},
            "not an object",
            {"title": "Bad time.", "date": "2024-01-05", "time": "25:00"},
            {"title": "Bad star.", "date": "2024-01-05", "time": "08:30", "starred": "yes"},
            {"title": "Day One.", "date": "2024-01-05", "time": "09:00", "uuid": "ABC"},
        ]
    }
    result = parse_jrnl_json(json.dumps(document).encode(), LONDON)
    assert [e.title for e in result.entries] == ["Fine.", "Day One."]
    assert result.entries[1].source_id == "ABC"
    assert [s.where for s in result.skipped] == ["entry 2", "entry 3", "entry 4", "entry 5"]
    path = tmp_path / "export.json"
    path.write_bytes(json.dumps(document).encode())
    assert len(parse_jrnl(path, LONDON).entries) == 2  # parse_jrnl spots JSON by content


def test_jrnl_naive_times_use_the_given_zone():
    text = "[2024-07-01 09:00] Summer.\n"
    london = parse_jrnl_text(text, LONDON).entries[0].created
    new_york = parse_jrnl_text(text, NEW_YORK).entries[0].created
    assert new_york - london == timedelta(hours=5)
    assert parse_jrnl_text(text).entries[0].created.tzinfo is not None  # default: local zone


header_lines = st.sampled_from(
    [
        "[2024-01-05 08:30] Title *",
        "[2024-02-30 10:00] x",
        "[0000-00-00 99:99:99 PM] y",
        "[9999-12-31 23:59] far",
        "[1900-01-01 00:00 AM] z",
        "2024-01-05 08:30 legacy",
        "[] ",
        "[2024-1-1] *",
        "* ",
        "gAAAAAB",
    ]
)


@settings(
    max_examples=300,
    deadline=None,
    database=None,  # write nothing outside tmp_path, not even hypothesis's example store
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(header_lines, st.text(max_size=30)), max_size=12).map("\n".join),
    ),
    st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Pacific/Kiritimati"), UTC]),
)
def test_jrnl_text_never_raises_anything_but_import_failed(text, tz):
    try:
        result = parse_jrnl_text(text, tz)
    except ImportFailed as exc:
        assert str(exc)
        return
    for item in result.entries:
        assert item.created.tzinfo is not None
        fingerprint(item)


# --- Day One -------------------------------------------------------------------------------


def test_dayone_json_export():
    result = parse_dayone(DATA / "dayone" / "Journal.json")
    entries = {e.source_id: e for e in result.entries}
    assert len(result.entries) == 6

    night = entries["5C1D8E6F0A1B4C2D9E3F4A5B6C7D8E9F"]
    assert night.title == "Night shift handover"
    assert (
        night.body == "Three staff off sick.\n\nStill on the ward at 9. Home by 10."
    )  # escapes gone
    assert night.tags == ["Burnout", "workforce pressures"]
    assert night.starred is True
    assert night.attachments_skipped == 1
    assert night.created == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)
    assert night.created.tzinfo == LONDON

    ambiguous = entries["1A2B3C4D5E6F40718293A4B5C6D7E8F9"]  # 01:30 EDT, the first of two
    assert ambiguous.created.utcoffset() == timedelta(hours=-4)
    assert ambiguous.created.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)

    rtl = entries["ABCDEF0123456789ABCDEF0123456789"]
    assert rtl.title == "مرحبا بالعالم 🎉"
    assert rtl.body == "שלום, צוות הלילה.\nC'est la vie — 多谢"
    assert rtl.created.utcoffset() == timedelta(hours=3)

    unknown_zone = entries["00000000000000000000000000000001"]
    assert unknown_zone.created.tzinfo == UTC
    assert unknown_zone.title == "Title with *escapes* and #hash"  # Day One's \* and \# undone

    long_first = entries["00000000000000000000000000000002"]
    assert long_first.title == "The quality improvement huddle ran long today."
    assert long_first.body.startswith("The quality improvement huddle ran long today. We")
    assert long_first.attachments_skipped == 2
    assert "dayone-moment" not in long_first.body

    rich = entries["00000000000000000000000000000003"]
    assert (rich.title, rich.body) == ("From rich text", "Second line.")

    assert [(s.where, s.reason) for s in result.skipped] == [
        ("entry 4", "it has no text, only 1 attachment, and attachments are not imported"),
        ("entry 5", "it has no creationDate"),
        ("entry 9", "the creationDate 'yesterday' could not be read"),
    ]


def test_dayone_zip_with_photos_and_two_journals(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(DATA / "dayone" / "Journal.json", "Journal.json")
        zf.writestr("photos/3F2A9C1B4D5E6F708192A3B4C5D6E7F8.jpeg", b"\xff\xd8\xff" + b"\x00" * 500)
        zf.writestr(
            "Coaching.json",
            json.dumps(
                {
                    "metadata": {"version": "1.0"},
                    "entries": [
                        {
                            "uuid": "C0",
                            "creationDate": "2024-05-01T12:00:00Z",
                            "timeZone": "Europe/London",
                            "text": "Session prep\nAsk about the rota.",
                        }
                    ],
                }
            ),
        )
        zf.writestr("__MACOSX/._Journal.json", b"\x00\x05\x16\x07")
        zf.writestr("notes.json", b"[1, 2, 3]")
    result = parse_dayone(archive)
    assert len(result.entries) == 7
    assert result.entries[0].title == "Session prep"  # Coaching.json sorts first
    assert "notes.json" in [s.where for s in result.skipped]
    assert "Journal.json entry 5" in [s.where for s in result.skipped]


def test_dayone_refuses_wrong_shapes(tmp_path):
    path = tmp_path / "Journal.json"
    path.write_text('{"metadata": {}}', encoding="utf-8")
    with pytest.raises(ImportFailed, match="not a Day One export"):
        parse_dayone(path)
    archive = tmp_path / "photos-only.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("photos/a.jpeg", b"\xff\xd8")
    with pytest.raises(ImportFailed, match="holds no Day One journal"):
        parse_dayone(archive)
    not_zip = tmp_path / "broken.zip"
    not_zip.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ImportFailed, match="not a readable zip"):
        parse_dayone(not_zip)


# --- Markdown folders ----------------------------------------------------------------------


@pytest.fixture()
def vault(tmp_path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DATA / "markdown", root)
    stamp = datetime(2023, 12, 24, 18, 0, tzinfo=UTC).timestamp()
    os.utime(root / "Undated idea.md", (stamp, stamp))
    (root / "not-utf8.md").write_bytes(b"# Notes\n\nCaf\xe9 au lait\n")
    return root


def test_markdown_folder(vault):
    result = parse_markdown_folder(vault, LONDON)
    entries = by_title(result)
    assert set(entries) == {
        "Handover: a hard night",
        "Daily note heading",
        "Logseq page",
        "Undated idea",
        "2024-02-29",
        "مراجعة الأسبوع 🌙",
    }

    hard = entries["Handover: a hard night"]
    assert hard.created == datetime(2024, 3, 31, 7, 45, tzinfo=LONDON)
    assert (hard.mood, hard.energy, hard.starred) == (2, 3, True)
    assert hard.tags == ["Burnout", "workforce pressures", "staffing", "change fatigue"]
    assert hard.body.startswith("# Not the title, front matter wins")

    daily = entries["Daily note heading"]  # Obsidian daily note: date from the file name
    assert daily.created == datetime(2024, 1, 5, 9, 0, tzinfo=LONDON)
    assert daily.body == "Ward round, then the #QI huddle."
    assert daily.tags == ["QI"]

    logseq = entries["Logseq page"]
    assert logseq.tags == ["multi word", "single", "rota"]
    assert logseq.created == datetime(2024, 1, 6, 9, 0, tzinfo=LONDON)  # journals/2024_01_06.md
    assert "title::" not in logseq.body

    undated = entries["Undated idea"]
    assert undated.created == datetime(2023, 12, 24, 18, 0, tzinfo=UTC)
    assert undated.created.tzinfo == LONDON

    leap = entries["2024-02-29"]  # no heading, no front matter: the file name is the title
    assert leap.created == datetime(2024, 2, 29, 9, 0, tzinfo=LONDON)
    assert leap.body == "Leap day. Nothing to report."

    rtl = entries["مراجعة الأسبوع 🌙"]
    assert rtl.created == datetime(2024, 6, 1, 20, 0, tzinfo=ZoneInfo("Asia/Dubai"))
    assert rtl.tags == ["تأمل", "reflection"]

    skipped = {s.where: s.reason for s in result.skipped}
    assert skipped["not-utf8.md"] == "not UTF-8 text (unreadable byte at offset 12)"
    assert skipped["bad-mood.md"] == "front matter line 3: mood must be a whole number from 1 to 5"
    assert skipped["empty.md"] == "the note is empty"
    assert all("trash" not in where and "bak" not in where for where in skipped)


@pytest.mark.parametrize(
    ("front", "problem"),
    [
        ("date: tomorrow", "front matter line 2: the date 'tomorrow' could not be read"),
        ("title: |\n  block", "front matter line 2: '|' values are not supported"),
        ("tags:\n  nested:\n    - x", "front matter line 3: only '- item' lists are supported"),
        ("tags: [a, [b]]", "front matter line 2: nested lists are not supported"),
        ("tags: [a, b", "front matter line 2: the list is not closed"),
        ('title: "open', "front matter line 2: the quoted text is not closed"),
        ("title: Re: rota", "front matter line 2: put text containing ': ' in quotes"),
        ("mood: 2\nmood: 3", "front matter line 3: 'mood' is given twice"),
        ("energy: 0", "front matter line 2: energy must be a whole number from 1 to 5"),
        ("title: [a, b]", "front matter line 2: 'title' must be text, not a list"),
        ("just words", "front matter line 2 is not 'key: value'"),
        ("  indented: x", "front matter line 2: unexpected indentation"),
        ("starred: maybe", "front matter line 2: starred must be true or false"),
        ("date: 1066-10-14", "front matter line 2: the date '1066-10-14' is out of range"),
    ],
)
def test_front_matter_outside_the_subset_skips_the_note(tmp_path, front, problem):
    (tmp_path / "note.md").write_text(f"---\n{front}\n---\nBody.\n", encoding="utf-8")
    result = parse_markdown_folder(tmp_path, LONDON)
    assert result.entries == []
    assert len(result.skipped) == 1 and result.skipped[0].reason.startswith(problem)


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("tags: a, b ,#c", ["a", "b", "c"]),
        ("tags: ['it''s', \"q \\\" d\", plain]  # comment", ["it's", 'q " d', "plain"]),
        ("tags:\n- one\n-   two  # why\n\n  - three", ["one", "two", "three"]),
        ("tag: solo", ["solo"]),
        ("title: x # c\nunused:\n  deep:\n    - {a: 1}\ntags: [k]", ["k"]),
    ],
)
def test_front_matter_tag_forms(tmp_path, front, expected):
    (tmp_path / "note.md").write_text(f"---\n{front}\n---\nBody.\n", encoding="utf-8")
    result = parse_markdown_folder(tmp_path, LONDON)
    assert result.skipped == []
    assert result.entries[0].tags == expected


def test_front_matter_date_forms(tmp_path):
    forms = {
        "a.md": ("2024-03-31T01:30:00Z", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
        "b.md": ("'2024-03-31 07:00:00+02:00'", datetime(2024, 3, 31, 5, 0, tzinfo=UTC)),
        "c.md": ("2024-10-27 01:30", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),
    }
    for name, (value, _) in forms.items():
        (tmp_path / name).write_text(f"---\ncreated: {value}\n---\n# {name}\n", encoding="utf-8")
    result = parse_markdown_folder(tmp_path, LONDON)
    # Compare in UTC: aware times in a repeated DST hour never compare equal across zones.
    got = {e.title: e.created.astimezone(UTC) for e in result.entries}
    for name, (_, expected) in forms.items():
        assert got[name] == expected


def test_inline_tags_ignore_code_urls_headings_and_entities():
    body = (
        "# Heading is not a tag\n"
        "Real #one, (#two) and #nested/tag- plus #[[three words]].\n"
        "Not: C#, issue #42, https://example.org/#frag, [x](http://a.b/c#d), <https://e.f/#g>\n"
        "Not in `#code` either; &#123; nor a#b.\n"
        "```python\n#comment\n```\n"
        "~~~\n#also-code\n~~~\n"
        "#after-fence\n"
    )
    assert inline_tags(body) == ["one", "two", "nested/tag", "three words", "after-fence"]


def test_empty_folder_is_refused(tmp_path):
    (tmp_path / "readme.txt").write_text("not markdown", encoding="utf-8")
    with pytest.raises(ImportFailed, match="contains no Markdown notes"):
        parse_markdown_folder(tmp_path, LONDON)
    with pytest.raises(ImportFailed, match="is not a folder"):
        parse_markdown_folder(tmp_path / "missing", LONDON)


def test_markdown_folder_does_not_follow_symlinks_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n", encoding="utf-8")
    root = tmp_path / "notes"
    root.mkdir()
    (root / "mine.md").write_text("# Mine\n", encoding="utf-8")
    os.symlink(outside, root / "linked-folder")
    os.symlink(outside / "secret.md", root / "linked.md")
    os.symlink(root, root / "loop")
    result = parse_markdown_folder(root, LONDON)
    assert [e.title for e in result.entries] == ["Mine"]
    assert sorted(s.where for s in result.skipped) == ["linked-folder", "linked.md", "loop"]
    assert all(s.reason == "symbolic link not followed" for s in result.skipped)


# --- our own export ------------------------------------------------------------------------


def test_reflectjournal_export_roundtrip():
    entries = parse_reflectjournal_file(DATA / "ours" / "export.json")
    assert [e["uid"] for e in entries] == ["e-0001", "e-0002"]
    gibbs = entries[0]
    assert gibbs["created"] == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert gibbs["sections"]["feelings"].startswith("Anxious")
    assert gibbs["comments"][0]["created"].tzinfo is not None
    assert gibbs["mood"] == 3 and gibbs["starred"] is True
    shared = entries[1]
    assert shared["kind"] == "shared" and shared["from"] == "Dr Amara Okafor"
    # Optional fields are filled with defaults.
    assert shared["tags"] == [] and shared["mood"] is None and shared["sections"] == {}
    assert shared["visibility"] == "private" and shared["updated"] is None


def _ours(**changes) -> bytes:
    document = json.loads((DATA / "ours" / "export.json").read_text(encoding="utf-8"))
    second = document["entries"][1]
    for key, value in changes.items():
        if value is KeyError:
            second.pop(key)
        else:
            second[key] = value
    return json.dumps(document).encode("utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_ours(mood=7), "entry 2 'mood' must be a whole number from 1 to 5"),
        (_ours(mood=True), "entry 2 'mood' must be a whole number"),
        (_ours(created="2026-11-26T09:30:00"), "entry 2 'created' must include a UTC offset"),
        (_ours(created="last week"), "entry 2 'created' 'last week' is not an ISO date"),
        (_ours(uid=KeyError), "entry 2 'uid' is missing"),
        (_ours(uid="e-0001"), "entry 2 repeats the uid of entry 1"),
        (_ours(kind="diary"), "entry 2 'kind' must be one of reflection, session, shared"),
        (_ours(tags="burnout"), "entry 2 'tags' must be a list of non-empty text"),
        (_ours(sections={"a": 1}), "entry 2 'sections' must map section names to text"),
        (_ours(starred="yes"), "entry 2 'starred' must be true or false"),
        (_ours(surprise=1), "entry 2 'surprise' is not a field of a version 1 export"),
        (_ours(visibility="public"), "entry 2 'visibility' must be one of private"),
        (_ours(comments=[{"author": "x"}]), "entry 2 'comments[1]' must have exactly"),
        (_ours(title=None), "entry 2 'title' must be text"),
    ],
)
def test_reflectjournal_export_wrong_shape_names_entry_and_field(data, message):
    with pytest.raises(ImportFailed, match="was refused: " + re.escape(message)):
        parse_reflectjournal_json(data)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "is not a ReflectJournal export"),
        ({"format": "other", "version": 1, "entries": []}, "is not a ReflectJournal export"),
        ({"format": "reflectjournal-export", "version": 2, "entries": []}, "newer ReflectJournal"),
        ({"format": "reflectjournal-export", "version": "1", "entries": []}, "unknown format"),
        ({"format": "reflectjournal-export", "version": 1, "entries": {}}, "is not a list"),
        ({"format": "reflectjournal-export", "version": 1, "entries": [3]}, "entry 1 must be"),
    ],
)
def test_reflectjournal_export_wrong_document(document, message):
    with pytest.raises(ImportFailed, match=message):
        parse_reflectjournal_json(json.dumps(document).encode())


def test_reflectjournal_export_hostile_json():
    with pytest.raises(ImportFailed, match="nested too deeply"):
        parse_reflectjournal_json(b"[" * 100_000)
    with pytest.raises(ImportFailed, match="not valid JSON"):
        parse_reflectjournal_json(b'{"format": NaN}')
    with pytest.raises(ImportFailed, match="not UTF-8"):
        parse_reflectjournal_json(b'{"format": "\xff"}')


# --- safety --------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], *, mode: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode is not None and name.startswith("link"):
                info.create_system = 3
                info.external_attr = mode << 16
            zf.writestr(info, data)
    return path


def _patch_sizes(path: Path, new_size: int) -> None:
    """Rewrite the uncompressed size of every member in both headers of a zip file."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) != -1:
            struct.pack_into("<I", raw, at + offset, new_size)
            start = at + 4
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.json", "points outside the archive"),
        ("photos/../../evil.json", "points outside the archive"),
        ("..\\..\\evil.json", "points outside the archive"),
        ("/etc/passwd", "has an absolute path"),
        ("C:/Windows/evil.json", "has an absolute path"),
    ],
)
def test_zip_path_traversal_is_refused(tmp_path, monkeypatch, name, problem):
    archive = _zip(tmp_path / "evil.zip", {"Journal.json": b"{}", name: b"x"})
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    with pytest.raises(ImportFailed, match=f"evil.zip was refused: .*{problem}"):
        safe_zip_members(archive)
    with pytest.raises(ImportFailed, match="refused"):
        parse_dayone(archive)
    assert list(work.iterdir()) == [] and not (tmp_path / "evil.json").exists()


def test_zip_symlink_member_is_refused(tmp_path):
    archive = _zip(
        tmp_path / "link.zip",
        {"Journal.json": b"{}", "link.json": b"/etc/passwd"},
        mode=stat.S_IFLNK | 0o777,
    )
    with pytest.raises(ImportFailed, match="'link.json' is a symbolic link"):
        safe_zip_members(archive)


def test_zip_bomb_by_declared_size_and_by_ratio(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", {"Journal.json": b"\x00" * 200_000})
    assert archive.stat().st_size < 2_000
    with pytest.raises(ImportFailed, match="declares 195 KiB, more than the 98 KiB"):
        safe_zip_members(archive, max_member=100_000)
    with pytest.raises(ImportFailed, match="expands more than 100 times"):
        safe_zip_members(archive, ratio_floor=10_000)
    with pytest.raises(ImportFailed, match="add up to more than"):
        safe_zip_members(archive, max_total=150_000)
    # Within every limit it reads fine.
    assert [m.name for m in safe_zip_members(archive)] == ["Journal.json"]


def test_zip_member_that_lies_about_its_size_is_stopped(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "liar.zip", {"Journal.json": b"\x00" * 200_000})
    _patch_sizes(archive, 1_000)
    # zipfile itself stops at the declared size and then fails the CRC check...
    with pytest.raises(ImportFailed, match="liar.zip is damaged: the member 'Journal.json'"):
        safe_zip_members(archive, max_member=10_000, ratio_floor=10**9)
    # ...and our own count of unpacked bytes stops a stream that runs on regardless.
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info: io.BytesIO(b"x" * 50_000))
    with pytest.raises(ImportFailed, match="unpacks to more than it declares"):
        safe_zip_members(archive, max_member=10_000, ratio_floor=10**9)


def test_zip_member_declaring_2_gb_is_refused_without_reading(tmp_path):
    archive = _zip(tmp_path / "huge.zip", {"Journal.json": b"{}"})
    _patch_sizes(archive, 2 * 1024**3 - 1)
    with pytest.raises(ImportFailed, match="declares 2048 MiB, more than the 256 MiB"):
        safe_zip_members(archive)
    with pytest.raises(ImportFailed, match="declares 2048 MiB"):
        parse_dayone(archive)


def test_zip_limits_on_count_duplicates_and_unread_members(tmp_path):
    many = _zip(tmp_path / "many.zip", {f"photos/{i}.jpeg": b"x" for i in range(6)})
    with pytest.raises(ImportFailed, match="holds 6 files, more than the 5"):
        safe_zip_members(many, max_files=5)
    # Big members that are not read (photos, videos) do not count against the caps.
    members = safe_zip_members(many, want=lambda name: name.endswith("0.jpeg"))
    assert [m.name for m in members] == ["photos/0.jpeg"]
    photos = _zip(
        tmp_path / "photos.zip", {"Journal.json": b"{}", "photos/big.jpeg": b"\x00" * 50_000}
    )
    assert [
        m.data for m in safe_zip_members(photos, want=lambda n: n.endswith(".json"), max_member=10)
    ] == [b"{}"]
    dup = tmp_path / "dup.zip"
    with zipfile.ZipFile(dup, "w") as zf:
        zf.writestr("Journal.json", b"{}")
        with pytest.warns(UserWarning):
            zf.writestr("Journal.json", b"{}")
    with pytest.raises(ImportFailed, match="appears twice"):
        safe_zip_members(dup)


def test_read_text_strict(tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffhello ✓".encode())
    assert read_text_strict(bom) == "hello ✓"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbfok then \xc3\x28 broken")
    with pytest.raises(
        ImportFailed, match=r"bad.txt is not UTF-8 text \(unreadable byte at offset 11\)"
    ):
        read_text_strict(bad)
    with pytest.raises(ImportFailed, match="more than the 4 bytes"):
        read_text_strict(bom, limit_bytes=4)
    with pytest.raises(ImportFailed, match="does not exist"):
        read_text_strict(tmp_path / "missing.txt")
    with pytest.raises(ImportFailed, match="not a regular file"):
        read_text_strict(tmp_path)


def test_safe_walk_skips_hidden_and_links(tmp_path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "x.md").write_text("x", encoding="utf-8")
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    os.symlink("/", tmp_path / "root-link")
    walk = safe_walk(tmp_path, include=lambda p: p.suffix == ".md")
    assert walk.files == [tmp_path / "a.md"]
    assert [s.where for s in walk.skipped] == ["root-link"]


if __name__ == "__main__":  # regenerate the jrnl samples with the real jrnl binary
    import tempfile

    out = DATA / "jrnl"
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch)
        journal = write_jrnl_journal(home)
        shutil.copyfile(journal, out / "journal_v4.txt")
        (out / "export.json").write_bytes(jrnl_export_json(home))
        run_jrnl(home, "--encrypt", stdin="sample-passphrase\nsample-passphrase\nn\n")
        shutil.copyfile(journal, out / "encrypted_v3.txt")


def test_a_folder_over_the_file_limit_is_refused_in_one_sentence(workspace, tmp_path, monkeypatch):
    from reflectjournal.services.importers import safety

    vault = tmp_path / "Vault"
    for n in range(4):
        (vault / "notes").mkdir(parents=True, exist_ok=True)
        (vault / "notes" / f"note {n}.md").write_text(f"Note {n}.", encoding="utf-8")
        (vault / "notes" / f"pic {n}.png").write_bytes(b"not read unless embedded")
    (vault / "notes" / "other.txt").write_text("not a note: the import does not count it")
    assert len(safety.walk_names(vault, max_files=9).files) == 9
    monkeypatch.setattr(safety, "MAX_WALK_FILES", 7)
    with pytest.raises(ImportFailed) as refused:
        workspace.imports.run("markdown", vault)
    assert str(refused.value) == "Vault holds more than 7 files; import a smaller folder."
    assert workspace.journal.entries() == []


def test_folder_reads_are_advised_ahead_in_batches_never_blocking(tmp_path, monkeypatch):
    import threading

    from reflectjournal.services.importers import safety

    folder = tmp_path / "entries"
    folder.mkdir()
    names = [f"{n:03d}.doentry" for n in range(200)]
    for name in names:
        (folder / name).write_bytes(b"<plist/>")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "005.doentry.fifo")
        names[5] = (
            "005.doentry.fifo"  # opening a FIFO to read waits for a writer, unless told not to
        )
    (folder / "006.link").symlink_to(folder / "007.doentry")
    names[6] = "006.link"
    names[7] = "gone.doentry"
    prefix = str(folder) + os.sep
    opened: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        opened.append(os.path.basename(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    calls: list[list[str]] = []

    def advise_all():
        for number in range(len(names)):
            before = len(opened)
            safety.advise_ahead(prefix, names, number)
            calls.append(opened[before:])

    worker = threading.Thread(target=advise_all, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "advising blocked"
    if not hasattr(os, "posix_fadvise"):
        assert opened == []
        return
    assert calls[0] == names[:128]  # the first two batches at once
    assert calls[64] == names[128:192] and calls[128] == names[192:]
    assert sum(map(len, calls)) == 200 and not any(calls[n] for n in range(1, 64))
