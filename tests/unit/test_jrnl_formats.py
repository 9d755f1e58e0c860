"""jrnl journals of every kind: encrypted (1.x, 2.x, 3.x), custom date formats, 1.x layout,
folder journals, jrnl's Markdown export; and the one-line report.

Journals marked "by jrnl" are written by the real jrnl (a development dependency) in a
temporary HOME with its own configuration; the 1.x and 2.x encrypted samples are written here
by hand in exactly the formats jrnl's own ``jrnl/encryption/Jrnlv1Encryption.py`` and
``Jrnlv2Encryption.py`` read (jrnl 4 can read but no longer write them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_importers import JRNL_ENTRIES, needs_jrnl, run_jrnl, write_jrnl_journal

from reflectjournal.cli.shapes import import_report_json
from reflectjournal.errors import ImportFailed
from reflectjournal.services.importers import parse_jrnl, parse_jrnl_text
from reflectjournal.services.importers.jrnl_config import settings_for
from reflectjournal.services.importers.jrnl_crypto import (
    V2_SALT,
    JrnlPasswordNeeded,
    WrongJrnlPassword,
)

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"
EUROPEAN = "%d.%m.%Y %H:%M"


def snapshot(ws) -> tuple:
    db = ws.db
    return tuple(
        tuple(tuple(r) for r in db.query(f"SELECT * FROM {table} ORDER BY 1"))
        for table in ("entry", "tag", "entry_tag", "entry_fts")
    )


@pytest.fixture(scope="module")
def european_home(tmp_path_factory) -> Path:
    """A jrnl journal written by jrnl with timeformat '%d.%m.%Y %H:%M' (and its config)."""
    home = tmp_path_factory.mktemp("jrnl-home")
    write_jrnl_journal(home, EUROPEAN)
    return home


# --- encrypted journals ----------------------------------------------------------------------

PLAIN_V4 = "[2024-01-05 08:30] Night shift handover.\nThree off sick. @workforce\n"
PLAIN_V1 = (
    "2013-04-09 15:39 Started the new role.\nLots to learn about @finance.\n\n"
    "2013-04-10 09:00 Team meeting went well. *\n"
)


def v2_file(path: Path, text: str, password: str = PASSWORD) -> Path:
    """jrnl 2.x: one Fernet token, key = PBKDF2-SHA256(password, fixed salt, 100k)."""
    from cryptography.fernet import Fernet

    key = hashlib.pbkdf2_hmac("sha256", password.encode(), V2_SALT, 100_000, dklen=32)
    path.write_bytes(Fernet(base64.urlsafe_b64encode(key)).encrypt(text.encode("utf-8")))
    return path


def v1_file(path: Path, text: str, password: str = PASSWORD, *, spaces: bool = False) -> Path:
    """jrnl 1.x: 16-byte IV + AES-256-CBC(SHA-256(password)), PKCS7 (or, oldest, spaces)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    data = text.encode("utf-8")
    if spaces:
        padded = data + b" " * (16 - len(data) % 16 or 16)
    else:
        padder = padding.PKCS7(128).padder()
        padded = padder.update(data) + padder.finalize()
    iv = bytes(range(16))
    enc = Cipher(algorithms.AES(hashlib.sha256(password.encode()).digest()), modes.CBC(iv))
    encryptor = enc.encryptor()
    path.write_bytes(iv + encryptor.update(padded) + encryptor.finalize())
    return path


@needs_jrnl
def test_v3_journal_encrypted_by_jrnl_imports_with_its_password(
    european_home, tmp_path, workspace, monkeypatch
):
    home = tmp_path / "home"
    shutil.copytree(european_home, home)
    journal = home / "journal.txt"
    (home / "jrnl.yaml").write_text(
        (home / "jrnl.yaml").read_text().replace(str(european_home), str(home)), "utf-8"
    )
    run_jrnl(home, "--encrypt", stdin=f"{PASSWORD}\n{PASSWORD}\nn\n")
    assert journal.read_bytes().startswith(b"JRNLv3")
    monkeypatch.setenv("HOME", str(home))  # our importer finds jrnl.yaml there
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))

    before = snapshot(workspace)
    with pytest.raises(JrnlPasswordNeeded, match="encrypted"):
        workspace.imports.run("jrnl", journal)
    with pytest.raises(WrongJrnlPassword) as caught:
        workspace.imports.run("jrnl", journal, password="wrong")
    assert str(caught.value).count(".") == 1 and "\n" not in str(caught.value)
    assert snapshot(workspace) == before

    report = workspace.imports.run("jrnl", journal, password=PASSWORD)
    assert (report.entries, report.skipped) == (len(JRNL_ENTRIES), [])
    handover = workspace.journal.found("handover")[0]
    assert handover.created.startswith("2024-01-05T08:30")  # 05.01.2024: day first
    # Nothing decrypted was written beside it.
    assert sorted(p.name for p in home.iterdir()) == sorted(p.name for p in european_home.iterdir())


@pytest.mark.parametrize("spaces", [False, True])
def test_v1_journal_with_unbracketed_dates(tmp_path, spaces):
    path = v1_file(tmp_path / "journal.txt", PLAIN_V1, spaces=spaces)
    with pytest.raises(JrnlPasswordNeeded, match=r"jrnl 1\.x"):
        parse_jrnl(path, LONDON)
    with pytest.raises(WrongJrnlPassword):
        parse_jrnl(path, LONDON, password="nope")
    result = parse_jrnl(path, LONDON, password=PASSWORD)
    assert [(e.title, e.starred) for e in result.entries] == [
        ("Started the new role.", False),
        ("Team meeting went well.", True),
    ]
    assert result.entries[0].created == datetime(2013, 4, 9, 15, 39, tzinfo=LONDON)
    assert result.entries[0].tags == ["finance"]


def test_v2_journal(tmp_path, workspace):
    path = v2_file(tmp_path / "journal.txt", PLAIN_V4)
    with pytest.raises(JrnlPasswordNeeded, match=r"jrnl 2\.x"):
        parse_jrnl(path, LONDON)
    before = snapshot(workspace)
    with pytest.raises(WrongJrnlPassword, match="nothing was imported"):
        workspace.imports.run("jrnl", path, password="nope")
    assert snapshot(workspace) == before
    report = workspace.imports.run("jrnl", path, password=PASSWORD)
    assert report.entries == 1
    assert [e.title for e in workspace.journal.entries()] == ["Night shift handover."]


def test_v1_hint_from_the_config_and_damaged_files(tmp_path):
    from reflectjournal.services.importers.jrnl_config import JrnlSettings

    path = v1_file(tmp_path / "journal.txt", PLAIN_V1)
    result = parse_jrnl(path, LONDON, password=PASSWORD, settings=JrnlSettings(encrypt="jrnlv1"))
    assert len(result.entries) == 2
    v3 = tmp_path / "v3.txt"
    v3.write_bytes(b"JRNLv3\x00\x40" + b"!" * 10)
    with pytest.raises(ImportFailed, match="damaged"):
        parse_jrnl(v3, LONDON, password=PASSWORD)
    v3.write_bytes(b"JRNLv3\x00\x02{}" + b"gAAAAAtoken")
    with pytest.raises(ImportFailed, match="damaged"):
        parse_jrnl(v3, LONDON, password=PASSWORD)


def test_cli_password_file_prompt_and_wrong_password(cli, tmp_path):
    assert cli("init", "--no-keyring")[0] == 0
    path = v2_file(tmp_path / "journal.txt", PLAIN_V4)
    code, out, err = cli("import", "jrnl", str(path))  # not a terminal: no prompt
    assert code == 1 and out == "" and err.count("\n") == 1 and "--password-file" in err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", encoding="utf-8")
    code, out, err = cli("import", "jrnl", str(path), "--password-file", str(wrong))
    assert code == 1 and err.count("\n") == 1 and "does not open" in err
    right = tmp_path / "right.txt"
    right.write_text(PASSWORD + "\n", encoding="utf-8")
    code, out, err = cli("import", "jrnl", str(path), "--password-file", str(right), "--json")
    assert code == 0 and json.loads(out)["entries"] == 1


def test_cli_prompts_on_a_terminal(cli, tmp_path, monkeypatch):
    from reflectjournal.cli import context

    assert cli("init", "--no-keyring")[0] == 0
    path = v1_file(tmp_path / "journal.txt", PLAIN_V1)
    answers = iter(["first guess", PASSWORD])
    monkeypatch.setattr(context, "_tty", lambda: True)
    monkeypatch.setattr(context, "terminal_prompt", lambda message: next(answers))
    code, out, err = cli("import", "jrnl", str(path))
    assert code == 0, err
    assert "does not open" in out  # the wrong first guess was said, then asked again
    assert "Imported 2 entries" in out


# --- dates as the user wrote them --------------------------------------------------------


@needs_jrnl
def test_custom_timeformat_from_the_users_jrnl_config(european_home, monkeypatch):
    journal = european_home / "journal.txt"
    assert journal.read_text(encoding="utf-8").startswith("[05.01.2024 08:30]")
    monkeypatch.setenv("HOME", str(european_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(european_home / "config"))
    assert settings_for(journal).timeformat == EUROPEAN
    result = parse_jrnl(journal, LONDON)
    assert len(result.entries) == len(JRNL_ENTRIES) and result.skipped == []
    days = sorted(e.created for e in result.entries)
    assert days[0] == datetime(2024, 1, 5, 8, 30, tzinfo=LONDON)
    assert days[-1] == datetime(2024, 10, 27, 1, 30, tzinfo=LONDON)


@needs_jrnl
def test_custom_timeformat_detected_without_config_and_overridden(european_home, tmp_path):
    journal = tmp_path / "copy.txt"  # no configuration names this file
    shutil.copyfile(european_home / "journal.txt", journal)
    detected = parse_jrnl(journal, LONDON)
    assert sorted(e.created for e in detected.entries)[0] == datetime(
        2024, 1, 5, 8, 30, tzinfo=LONDON
    )
    forced = parse_jrnl(journal, LONDON, date_format=EUROPEAN)
    assert [e.created for e in forced.entries] == [e.created for e in detected.entries]
    with pytest.raises(ImportFailed, match="not a date format"):
        parse_jrnl(journal, LONDON, date_format="dd.mm.yyyy")


@needs_jrnl
def test_jrnl_markdown_export_by_jrnl(european_home, tmp_path):
    exported = tmp_path / "journal.md"
    exported.write_text(run_jrnl(european_home, "--export", "md"), encoding="utf-8")
    from_md = parse_jrnl(exported, LONDON, date_format=EUROPEAN)
    from_text = parse_jrnl(european_home / "journal.txt", LONDON, date_format=EUROPEAN)
    assert from_md.skipped == []
    assert [(e.title, e.body, e.created, e.tags) for e in from_md.entries] == [
        (e.title, e.body, e.created, e.tags) for e in from_text.entries
    ]


def test_markdown_export_headings_in_bodies_come_back_up():
    text = (
        "# 2024\n\n## January\n\n### 2024-01-05 08:30 Title here.\n\n"
        "#### A heading I wrote\nbody\n \n## February\n\n### 2024-02-01 09:00 Next.\n\nmore\n "
    )
    result = parse_jrnl_text(text, LONDON)
    assert [(e.title, e.body) for e in result.entries] == [
        ("Title here.", "# A heading I wrote\nbody"),
        ("Next.", "more"),
    ]


@pytest.mark.parametrize(
    "text, first",
    [
        ("[13/06/2020 08:30] A.\n[05/06/2020 09:00] B.\n", datetime(2020, 6, 13, 8, 30)),
        ("[06/13/2020 08:30 PM] A.\n[06/05/2020 09:00 AM] B.\n", datetime(2020, 6, 13, 20, 30)),
        ("[13.06.2020 08:30] A.\n[05.06.2020 09:00] B.\n", datetime(2020, 6, 13, 8, 30)),
        ("[05.06.2020 08:30] A.\n", datetime(2020, 6, 5, 8, 30)),  # dots: day first
        ("[2020-06-13 08:30:00 PM] A.\n", datetime(2020, 6, 13, 20, 30)),  # jrnl's %F %r
    ],
)
def test_common_formats_are_detected(text, first):
    result = parse_jrnl_text(text, LONDON)
    assert result.entries[0].created == first.replace(tzinfo=LONDON)


def test_ambiguous_dates_are_refused_until_the_format_is_given():
    text = "[05/06/2020 08:30] A.\n[07/06/2020 09:00] B.\n"
    with pytest.raises(ImportFailed, match="could be day-first or month-first.*--date-format"):
        parse_jrnl_text(text, LONDON)
    result = parse_jrnl_text(text, LONDON, date_format="%m/%d/%Y %H:%M")
    assert result.entries[0].created == datetime(2020, 5, 6, 8, 30, tzinfo=LONDON)


def test_partial_date_is_its_own_entry_read_as_jrnl_does(workspace, tmp_path):
    path = tmp_path / "journal.txt"
    path.write_text(
        "[2019-06-30 09:00] Before.\nbody\n[2019-07 14:23] Month only.\nits body\n",
        encoding="utf-8",
    )
    result = parse_jrnl(path, LONDON)
    assert [e.title for e in result.entries] == ["Before.", "Month only."]
    assert result.entries[0].body == "body"  # not merged
    assert result.entries[1].created == datetime(2019, 7, 1, 14, 23, tzinfo=LONDON)
    report = workspace.imports.run("jrnl", path)
    assert [(n.where, n.reason) for n in report.notes] == [
        (
            "line 3",
            "the date '2019-07 14:23' has no day; read as the 1st of the month, as jrnl does",
        )
    ]
    assert report.summary() == (
        "Imported 2 entries; 0 skipped; 1 with a partial date read as jrnl reads it."
    )


# --- layouts -------------------------------------------------------------------------------


@needs_jrnl
def test_folder_journal_by_jrnl_and_files_jrnl_ignores(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    folder = home / "journal"
    (home / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        f"indent_character: '|'\njournals:\n  default:\n    journal: {folder}/\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.6\n",
        encoding="utf-8",
    )
    run_jrnl(home, "2024-01-05 08:30: Night shift handover. @workforce")
    run_jrnl(home, "2024-01-05 17:00: Same day, later.")
    run_jrnl(home, "2024-02-29 09:00: Leap day.")
    assert (folder / "2024" / "01" / "05.txt").is_file()
    (folder / "notes.txt").write_text("[2024-03-01 09:00] Not a day file.\n", encoding="utf-8")
    (folder / "2024" / "02" / "30.txt").write_text("[2024-02-30 09:00] x.\n", encoding="utf-8")
    (folder / "2024" / "13").mkdir()
    (folder / "2024" / "13" / "01.txt").write_text("[2024-03-01 09:00] y.\n", encoding="utf-8")
    result = parse_jrnl(folder, LONDON)
    assert sorted(e.title for e in result.entries) == [
        "Leap day.",
        "Night shift handover.",
        "Same day, later.",
    ]
    assert {s.where for s in result.skipped} == {"notes.txt", "2024/02/30.txt", "2024/13/01.txt"}
    assert {s.reason for s in result.skipped} == {
        "not a jrnl day file (YYYY/MM/DD.txt), which jrnl ignores"
    }


def test_nothing_readable_is_an_error_and_writes_nothing(workspace, tmp_path, cli):
    path = tmp_path / "journal.txt"
    path.write_text("[2024-13-45 09:00] Bad.\n[2024-02-30 09:00] Also bad.\n", encoding="utf-8")
    before = snapshot(workspace)
    with pytest.raises(ImportFailed) as caught:
        workspace.imports.run("jrnl", path)
    message = str(caught.value)
    assert message.startswith("Nothing was imported: none of the entries in journal.txt")
    assert "2 the date could not be read" in message and "\n" not in message
    assert snapshot(workspace) == before
    other = tmp_path / "other.rj"
    assert cli("init", "--no-keyring", journal_path=other)[0] == 0
    code, out, err = cli("import", "jrnl", str(path), journal_path=other)
    assert code == 1 and out == "" and err.startswith("reflectjournal: Nothing was imported")


def test_report_line_counts_what_came_in_and_why_some_did_not(workspace, tmp_path):
    path = tmp_path / "journal.txt"
    path.write_text(
        "stray\n[2024-01-01 09:00] One.\n[2024-13-01 09:00] Bad.\n[2024-01-02 09:00] \n",
        encoding="utf-8",
    )
    report = workspace.imports.run("jrnl", path)
    assert report.summary() == (
        "Imported 1 entry; 3 skipped (1 text before the first dated entry, "
        "1 the date could not be read, 1 the entry is empty)."
    )
    again = workspace.imports.run("jrnl", path)
    assert again.summary().startswith("Imported 0 entries; 1 already in the journal; 3 skipped")
    assert import_report_json(again)["summary"] == again.summary()


def test_year_and_time_only_is_read_as_jrnl_reads_it_and_short_brackets_stay_text():
    result = parse_jrnl_text(
        "[2019-06-30 09:00] A.\nx\n[2019 14:23] Year only.\ny\n[2019] was hard\n", LONDON
    )
    assert [(e.title, e.body) for e in result.entries] == [
        ("A.", "x"),
        ("Year only.", "y\n[2019] was hard"),  # jrnl too ignores brackets of six characters
    ]
    assert result.entries[1].created == datetime(2019, 1, 1, 14, 23, tzinfo=LONDON)
    assert [n.reason for n in result.notes] == [
        "the date '2019 14:23' has no month or day; read as 1 January, as jrnl does"
    ]
