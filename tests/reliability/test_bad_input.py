"""The foundation's bad-input list (issue 2): one clear sentence each, no traceback, and
nothing written — checked by hashing the journal and its side files before and after.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib

import pytest
from reliability_support import (
    assert_one_line_error,
    fingerprint,
    new_journal,
    run_cli,
    write_passphrase,
)


@pytest.fixture
def journal(tmp_path):
    return new_journal(tmp_path / "journal.rj", entries=3)


@pytest.fixture
def pw(tmp_path):
    return write_passphrase(tmp_path)


@pytest.mark.parametrize("command", [("list",), ("add", "should not land"), ("tags",)])
def test_wrong_passphrase_changes_nothing(tmp_path, journal, command):
    wrong = write_passphrase(tmp_path, "not the passphrase at all", "wrong.txt")
    before = fingerprint(journal)
    line = assert_one_line_error(run_cli(*command, journal=journal, passphrase_file=wrong), 1)
    assert "passphrase" in line
    assert fingerprint(journal) == before


def test_missing_file_is_not_created(tmp_path, pw):
    missing = tmp_path / "nowhere" / "journal.rj"
    line = assert_one_line_error(run_cli("list", journal=missing, passphrase_file=pw), 1)
    assert "init" in line
    assert not missing.parent.exists()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def _plain_sqlite(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE patients(name TEXT)")
    conn.execute("INSERT INTO patients VALUES ('someone else''s data')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind", ["text", "png", "sqlite", "random", "empty"])
def test_not_a_journal_is_refused_and_left_byte_identical(tmp_path, pw, kind):
    import os

    path = tmp_path / f"thing.{kind}"
    if kind == "text":
        path.write_text("Dear diary, this is a plain text file.\n" * 50)
    elif kind == "png":
        path.write_bytes(_png())
    elif kind == "sqlite":
        _plain_sqlite(path)
    elif kind == "random":
        path.write_bytes(os.urandom(64 * 1024))
    else:
        path.write_bytes(b"")
    before = fingerprint(path)
    for command in (("list",), ("add", "should not land")):
        line = assert_one_line_error(run_cli(*command, journal=path, passphrase_file=pw), 1)
        assert "journal" in line
    assert fingerprint(path) == before


@pytest.mark.parametrize(
    "command",
    [("show", "999"), ("edit", "999", "x"), ("delete", "999"), ("show", "abc"), ("delete", "-1")],
)
def test_unknown_entry_id(journal, pw, command):
    before = fingerprint(journal)
    line = assert_one_line_error(run_cli(*command, journal=journal, passphrase_file=pw), 1)
    assert "entry" in line
    assert fingerprint(journal) == before


@pytest.mark.parametrize(
    "options",
    [
        ("--date", "not a date"),
        ("--date", "2026-13-45"),
        ("--mood", "7"),
        ("--mood", "high"),
        ("--energy", "0"),
        ("--visibility", "everyone"),
        ("--model", "no-such-model"),
    ],
)
def test_invalid_values_are_usage_errors_and_write_nothing(journal, pw, options):
    before = fingerprint(journal)
    result = run_cli("add", "text", *options, journal=journal, passphrase_file=pw)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.decode().splitlines()) == 1, result.stderr
    assert b"Traceback" not in result.stderr
    assert fingerprint(journal) == before
