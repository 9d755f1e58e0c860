"""Issue 9: every importer, fed generated and hostile input through the real import path.

Each generated source goes through ``workspace.imports.run`` on one journal per test. The
outcome is either an import whose every parsed record is then in the journal (exact title and
body, counts matching the report, one full-text row each) or an ImportFailed of one sentence
with every table of the journal, the full-text shadow tables and the schema included, exactly
as before. Any other exception fails the test. Hostile archives and folders are refused (or
their bad records skipped, where that is the documented behaviour) and nothing is written
outside the test's own folders: not in a private TMPDIR, not in the working directory, not
next to the archive, not where a ``../`` or absolute member name points.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from reliability_support import size
from ziptools import declare_size as _declare_size  # tests/ziptools.py
from ziptools import make_zip as _zip

from reflectjournal.cli.shapes import import_report_json
from reflectjournal.errors import ImportFailed
from reflectjournal.services.importers.service import parse as parse_source

EXAMPLES = size(50, 1000)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# ---- the journal before and after ------------------------------------------------------------


def dump(ws) -> dict[str, list[tuple]]:
    """Every table (full-text shadow tables and the schema too), row by row."""
    db = ws.db
    names = [
        r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    tables = {"sqlite_master": [tuple(r) for r in db.query("SELECT * FROM sqlite_master")]}
    for name in names:
        tables[name] = sorted((tuple(r) for r in db.query(f'SELECT * FROM "{name}"')), key=repr)
    return tables


def assert_sentence(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message, message
    assert message.rstrip("'\")").endswith((".", "?")), message
    assert len(message) < 600, message


def _event(name: str) -> None:
    if currently_in_test_context():  # attempt() also serves the plain hostile-input tests
        event(name)


def attempt(ws, kind: str, path: Path, **options):
    """Import ``path``; prove the outcome is one of the two allowed ones. Returns the report
    (or None after a refusal). ``options`` (a jrnl password, a date format) go to both the
    import and the parse that checks it."""
    before = dump(ws)
    last_id = ws.db.scalar("SELECT coalesce(max(id), 0) FROM entry")
    try:
        report = ws.imports.run(kind, path, **options)
    except ImportFailed as exc:  # anything else is a bug and fails the test
        _event("refused")
        assert_sentence(str(exc))
        assert dump(ws) == before, "a refused import changed the journal"
        return None
    _event("imported" if report.entries else "imported nothing new")
    rows, skipped, _ = parse_source(kind, path, **options)  # pure parsers: same answer again
    new = ws.db.query(
        "SELECT id, uid, title, body, import_key, created FROM entry WHERE id > ? ORDER BY id",
        (last_id,),
    )
    assert len(new) == report.entries
    assert report.entries + report.duplicates == len(rows)
    assert len(report.skipped) == len(skipped)
    key = "uid" if kind == "json" else "import_key"
    stored = {
        r[key]: (r["title"], r["body"])
        for r in ws.db.query(f"SELECT {key}, title, body FROM entry WHERE {key} IS NOT NULL")
    }
    for row in rows:  # every record parsed is in the journal, word for word
        found = stored.get(row.uid if kind == "json" else row.import_key)
        assert found is not None
        if found != (row.title, row.body):
            # Only an earlier example's record with the same key may differ (a duplicate).
            assert report.duplicates
    for entry in new:
        # The 1900-2199 guard applies to local time; UTC may be a day either side.
        assert 1899 <= int(entry["created"][:4]) <= 2200, entry["created"]
        assert ws.db.scalar("SELECT count(*) FROM entry_fts WHERE rowid = ?", (entry["id"],)) == 1
    # What the CLI prints with --json must be printable.
    json.dumps(import_report_json(report), ensure_ascii=False).encode("utf-8")
    return report


@pytest.fixture
def fuzz_dir(tmp_path):
    """A fresh folder per example (hypothesis reuses the test's tmp_path)."""

    def make() -> Path:
        folder = tmp_path / "src" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder

    return make


# ---- generators ------------------------------------------------------------------------------

WORDS = st.text(min_size=1, max_size=30)
# What a journal cannot store or a terminal cannot show, planted so that a few dozen
# examples meet it: lone surrogates (JSON's \ud800), NUL, control and separator characters.
ODD = st.sampled_from(
    ["\ud800", "\udc80", "\x00", "\n", "\r", "\x1b[31m", "\u2028", "\u202e", "🙂"]
)
ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec=None), max_size=40),
    st.builds(lambda a, odd, b: a + odd + b, WORDS, ODD, WORDS),
)
TAG = st.sampled_from(["burnout", "Burnout", "@rota", "#resilience", "workforce pressures"])
DATE_TEXT = st.one_of(
    st.datetimes(
        min_value=datetime(1700, 1, 1),
        max_value=datetime(2400, 1, 1),
    ).map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(
        ["2024-02-30 10:00", "2024-13-01 09:00", "2024-01-05 12:00 PM", "2024-01-05 13:00 AM",
         "2024-01-05", "05/01/2024 08:30", "2024-1-5 8:05", "9999-12-31 23:59", "0000-01-01"]
    ),
    WORDS,
)  # fmt: skip


def mostly(good, bad):
    """``good`` three times in four. (``st.one_of`` flattens nested unions, so repeating
    a branch there does not weight it.)"""
    return st.integers(0, 3).flatmap(lambda i: bad if i == 0 else good)


TAG_LIST = st.lists(st.one_of(TAG, ANY_TEXT), max_size=4)

# ---- jrnl ------------------------------------------------------------------------------------

_JRNL_LINE = st.one_of(
    st.builds(lambda d, t: f"[{d}] {t}", DATE_TEXT, WORDS),
    st.builds(lambda d, t: f"{d} {t}", DATE_TEXT, WORDS),  # the 1.x layout
    st.builds(lambda t, g: f"{t} @{g} #{g}", WORDS, TAG),
    st.sampled_from(["", "*", "[x] done", "[1] note", "JRNLv3", "Title. Body *", "* starred"]),
    ANY_TEXT,
)


@FUZZ
@given(
    lines=st.lists(_JRNL_LINE, max_size=25),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    garbage=st.one_of(st.none(), st.binary(max_size=64)),
)
def test_generated_jrnl_text_imports_whole_or_is_refused(
    workspace, fuzz_dir, lines, newline, garbage
):
    path = fuzz_dir() / "journal.txt"
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    path.write_bytes(garbage + data if garbage is not None else data)
    attempt(workspace, "jrnl", path)


# Dates in the layouts jrnl users configure, good and bad, and partial ones.
_FORMATS = ["%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %I:%M %p",
            "%Y-%m-%d %I:%M:%S %p", "%Y-%m %H:%M"]  # fmt: skip
_ANY_DATE = st.builds(
    lambda d, f: d.strftime(f),
    st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2210, 1, 1)),
    st.sampled_from(_FORMATS),
)
_JRNL_FORMAT_LINE = st.one_of(
    st.builds(lambda d, t: f"[{d}] {t}", _ANY_DATE, WORDS),
    st.builds(lambda d, t: f"{d} {t}", _ANY_DATE, WORDS),
    st.builds(lambda d, t: f"### {d} {t}", _ANY_DATE, WORDS),
    st.sampled_from(["# 2024", "## January", "#### heading", "[x] done", ""]),
    ANY_TEXT,
)


def _encrypt(version: str, text: bytes, password: str) -> bytes:
    import base64
    import hashlib
    import struct

    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from reflectjournal.services.importers.jrnl_crypto import V2_SALT

    def fernet(salt: bytes) -> bytes:
        key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000, dklen=32)
        return Fernet(base64.urlsafe_b64encode(key)).encrypt(text)

    if version == "2.x":
        return fernet(V2_SALT)
    if version == "3.x":
        salt = bytes(range(16))
        header = base64.b64encode(
            json.dumps({"salt": base64.urlsafe_b64encode(salt).decode()}).encode()
        )
        return b"JRNLv3" + struct.pack(">H", len(header)) + header + fernet(salt)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(
        algorithms.AES(hashlib.sha256(password.encode()).digest()), modes.CBC(b"\x07" * 16)
    ).encryptor()
    return (
        b"\x07" * 16
        + encryptor.update(padder.update(text) + padder.finalize())
        + encryptor.finalize()
    )


@FUZZ
@given(
    lines=st.lists(_JRNL_FORMAT_LINE, max_size=20),
    date_format=st.one_of(st.none(), st.sampled_from(_FORMATS + ["%H:%M", "nonsense"])),
    crypt=st.sampled_from([None, "1.x", "2.x", "3.x"]),
    password=st.sampled_from(["right", "wrong", None]),
    damage=st.one_of(st.none(), st.integers(0, 400)),
)
def test_generated_jrnl_formats_and_encryption_import_whole_or_are_refused(
    workspace, fuzz_dir, lines, date_format, crypt, password, damage
):
    path = fuzz_dir() / "journal.txt"
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if crypt is not None:
        data = _encrypt(crypt, data, "right")
        if damage is not None and damage < len(data):  # a flipped byte anywhere
            data = data[:damage] + bytes([data[damage] ^ 0x55]) + data[damage + 1 :]
    path.write_bytes(data)
    attempt(workspace, "jrnl", path, password=password, date_format=date_format)


_DAY_FILES = st.sampled_from(
    ["2024/01/05.txt", "2024/02/30.txt", "2024/13/01.txt", "notes.txt", "2024/01/5.txt",
     "1899/01/01.txt", "2024/01/06.md", "2024/02/29.txt"]
)  # fmt: skip


@FUZZ
@given(files=st.dictionaries(_DAY_FILES, st.lists(_JRNL_FORMAT_LINE, max_size=5), max_size=5))
def test_generated_jrnl_folder_journal_imports_whole_or_is_refused(workspace, fuzz_dir, files):
    root = fuzz_dir() / "journal"
    root.mkdir()
    for name, lines in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    attempt(workspace, "jrnl", root)


_PLIST_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), ANY_TEXT.filter(
        lambda t: all(c >= " " or c in "\t\n\r" for c in t) and not any(0xD800 <= ord(c) <= 0xDFFF for c in t)
    ), st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2300, 1, 1)),
    st.lists(st.sampled_from(["Burnout", "rota", "workforce pressures"]), max_size=3),
)  # fmt: skip
_DOENTRY = st.fixed_dictionaries(
    {
        "Creation Date": mostly(
            st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2100, 1, 1)),
            _PLIST_VALUE,
        ),
        "Entry Text": mostly(WORDS.filter(lambda t: t.isprintable()), _PLIST_VALUE),
    },
    optional={
        "Tags": mostly(st.lists(st.sampled_from(["Burnout", "rota"]), max_size=3), _PLIST_VALUE),
        "Starred": mostly(st.booleans(), _PLIST_VALUE),
        "Time Zone": st.sampled_from(["Europe/London", "America/New_York", "Not/AZone", ""]),
        "UUID": st.one_of(st.uuids().map(lambda u: u.hex.upper()), _PLIST_VALUE),
    },
)


@FUZZ
@given(
    entries=st.lists(
        st.one_of(_DOENTRY.map(lambda d: {k: v for k, v in d.items() if v is not None}),
                  st.binary(max_size=80)),
        max_size=6,
    ),
    binary=st.booleans(),
)  # fmt: skip
def test_generated_dayone_classic_imports_whole_or_is_refused(workspace, fuzz_dir, entries, binary):
    import plistlib

    folder = fuzz_dir() / "Journal.dayone" / "entries"
    folder.mkdir(parents=True)
    for n, item in enumerate(entries):
        if isinstance(item, bytes):
            data = item
        else:
            fmt = plistlib.FMT_BINARY if binary else plistlib.FMT_XML
            data = plistlib.dumps(item, fmt=fmt)
        (folder / f"E{n}.doentry").write_bytes(data)
    if entries:
        attempt(workspace, "dayone", folder.parent)


GOOD_DAY = st.dates(date(1950, 1, 1), date(2100, 1, 1)).map(date.isoformat)
# Valid values are drawn twice as often as broken ones, so that many entries import.
_JRNL_ENTRY = st.fixed_dictionaries(
    {
        "title": mostly(WORDS, ANY_TEXT | st.integers()),
        "body": mostly(WORDS, ANY_TEXT | st.none()),
        "date": mostly(GOOD_DAY, DATE_TEXT.map(lambda s: s[:10]) | st.integers()),
    },
    optional={
        "time": st.one_of(st.sampled_from(["09:00", "12:00 PM", "09:00", "25:61", ""]), WORDS),
        "tags": mostly(TAG_LIST, ANY_TEXT),
        "starred": mostly(st.booleans(), st.integers()),
        "uuid": st.one_of(st.uuids().map(str), st.integers()),
    },
)


_ODD_TAGS = ["ok", "lone \ud800 surrogate", "nul\x00"]  # crashed the import before the fix


@FUZZ
@example(entries=[{"title": "t", "body": "b", "date": "2024-01-05", "tags": _ODD_TAGS}])
@given(entries=st.lists(st.one_of(_JRNL_ENTRY, st.integers(), st.none()), max_size=8))
def test_generated_jrnl_json_imports_whole_or_is_refused(workspace, fuzz_dir, entries):
    path = fuzz_dir() / "export.json"
    path.write_text(json.dumps({"tags": {}, "entries": entries}), encoding="utf-8")
    attempt(workspace, "jrnl", path)


# ---- Day One ---------------------------------------------------------------------------------

_ISO = st.one_of(
    st.datetimes(
        min_value=datetime(1800, 1, 1),
        max_value=datetime(2300, 1, 1),
    ).map(lambda d: d.isoformat() + "Z"),
    st.sampled_from(
        ["2024-01-01T00:00:00Z", "1900-01-01T00:00:00+14:00", "2199-12-31T23:59:59-12:00",
         "2024-01-01", "yesterday", "", "2024-01-01T00:00:00+25:00"]
    ),
    ANY_TEXT,
)  # fmt: skip
_DAYONE_TEXT = st.lists(
    st.one_of(
        WORDS,
        ANY_TEXT,
        st.sampled_from(
            ["# Heading", "![](dayone-moment://ABC)", "\\# escaped", "x" * 200 + ". more", "\n\n"]
        ),
    ),
    min_size=1,
    max_size=6,
).map("\n".join)
GOOD_ISO = st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1)).map(
    lambda d: d.isoformat(timespec="seconds") + "Z"
)
_DAYONE_ENTRY = st.fixed_dictionaries(
    {
        "creationDate": mostly(GOOD_ISO, _ISO | st.integers() | st.none()),
        "text": mostly(_DAYONE_TEXT, st.none() | st.integers()),
    },
    optional={
        "uuid": st.one_of(st.uuids().map(lambda u: u.hex.upper()), st.integers()),
        "timeZone": st.one_of(
            st.sampled_from(["Europe/London", "America/New_York", "Not/AZone", "../../etc/passwd"]),
            ANY_TEXT,
            st.integers(),
        ),
        "richText": st.one_of(
            st.just('{"contents": [{"text": "from rich text"}]}'), ANY_TEXT, st.integers()
        ),
        "tags": mostly(TAG_LIST, ANY_TEXT),
        "starred": st.one_of(st.booleans(), st.integers()),
        "photos": st.one_of(st.lists(st.dictionaries(WORDS, WORDS), max_size=2), ANY_TEXT),
    },
)


@FUZZ
@example(
    entries=[{"creationDate": "2024-01-05T09:00:00Z", "text": "t", "tags": _ODD_TAGS}], as_zip=False
)
@example(entries=[{"creationDate": "2024-01-05T09:00:00Z", "text": "\ud800"}], as_zip=True)
@given(
    entries=st.lists(st.one_of(_DAYONE_ENTRY, st.integers(), st.text(max_size=5)), max_size=8),
    as_zip=st.booleans(),
)
def test_generated_dayone_export_imports_whole_or_is_refused(workspace, fuzz_dir, entries, as_zip):
    folder = fuzz_dir()
    document = json.dumps({"metadata": {"version": "1.0"}, "entries": entries}).encode()
    if as_zip:
        path = folder / "export.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("Journal.json", document)
            zf.writestr("photos/a.jpeg", b"\xff\xd8")
    else:
        path = folder / "Journal.json"
        path.write_bytes(document)
    attempt(workspace, "dayone", path)


_JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    value=_JSON_VALUE,
    wrap=st.sampled_from(["bare", "entries", "ours", "entry"]),
    kind=st.sampled_from(["dayone", "jrnl", "json"]),
)
def test_arbitrary_json_is_imported_or_refused_for_every_format(
    workspace, fuzz_dir, value, wrap, kind
):
    document = {
        "bare": value,
        "entries": {"entries": value},
        "ours": {"format": "reflectjournal-export", "version": 1, "entries": value},
        "entry": {"format": "reflectjournal-export", "version": 1, "entries": [value]},
    }[wrap]
    path = fuzz_dir() / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")  # ASCII: surrogates as \ud800
    attempt(workspace, kind, path)


# ---- our own export --------------------------------------------------------------------------

OFFSET_ISO = st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1), timezones=st.timezones()).map(
    lambda d: d.isoformat()
)
_OURS_ENTRY = st.fixed_dictionaries(
    {
        "uid": st.one_of(st.uuids().map(lambda u: u.hex), st.sampled_from(["same", ""])),
        # Mostly valid (so that some imports succeed), sometimes not.
        "kind": mostly(
            st.sampled_from(["reflection", "session", "shared"]),
            st.sampled_from(["note", "Reflection"]) | st.integers(),
        ),
        "title": mostly(WORDS, ANY_TEXT | st.none()),
        "body": mostly(WORDS, ANY_TEXT | st.integers()),
        "created": mostly(
            st.sampled_from(
                [
                    "2024-01-05T09:30:00+00:00",
                    "2024-03-31T01:30:00+01:00",
                    "1900-01-01T00:00:00+14:00",
                ]
            ),
            _ISO | st.just("2024-01-01T09:00:00"),
        ),  # fmt: skip
    },
    optional={
        "updated": mostly(OFFSET_ISO | st.none(), _ISO),
        "tags": mostly(st.lists(TAG, max_size=3), TAG_LIST | ANY_TEXT),
        "mood": mostly(
            st.integers(1, 5) | st.none(), st.integers(-1, 7) | st.booleans() | st.floats()
        ),
        "energy": mostly(st.integers(1, 5), st.text(max_size=2)),
        "visibility": mostly(st.sampled_from(["private", "mentor", "coach"]), st.just("public")),
        "model": mostly(st.sampled_from([None, "gibbs", "GROW", "kolb"]), ANY_TEXT),
        "sections": mostly(
            st.dictionaries(st.sampled_from(["description", "feelings", "odd"]), WORDS),
            st.dictionaries(ANY_TEXT, ANY_TEXT) | st.lists(WORDS) | st.none(),
        ),
        "starred": mostly(st.booleans(), st.integers()),
        "comments": mostly(
            st.lists(
                st.fixed_dictionaries({"author": WORDS, "text": WORDS, "created": OFFSET_ISO}),
                max_size=2,
            ),
            st.lists(
                st.fixed_dictionaries(
                    {"author": ANY_TEXT, "text": ANY_TEXT, "created": _ISO},
                    optional={"extra": WORDS},
                ),
                min_size=1,
                max_size=2,
            )
            | st.none()
            | WORDS,
        ),
        "from": mostly(WORDS | st.none(), ANY_TEXT | st.integers()),
        "id": mostly(st.integers() | WORDS, st.booleans()),
    },
)


_OURS_OK = {"uid": "u1", "kind": "shared", "title": "t", "body": "b",
            "created": "2024-01-05T09:30:00+00:00"}  # fmt: skip


@FUZZ
@example(entries=[dict(_OURS_OK, tags=_ODD_TAGS[1:2])])
@example(entries=[dict(_OURS_OK, **{"from": "\ud800 sender"})])
@example(
    entries=[
        dict(
            _OURS_OK,
            comments=[{"author": "a\ud800", "text": "x", "created": "2024-01-05T09:30:00+00:00"}],
        )
    ]
)
@example(entries=[dict(_OURS_OK, model="gibbs", sections={"feelings": "\udc80"})])
@example(entries=[dict(_OURS_OK, model="no\nsuch")])
@example(entries=[dict(_OURS_OK, **{"multi\nline": 1})])
@given(entries=st.lists(_OURS_ENTRY, max_size=6))
def test_generated_reflectjournal_export_imports_whole_or_is_refused(workspace, fuzz_dir, entries):
    path = fuzz_dir() / "export.json"
    document = {"format": "reflectjournal-export", "version": 1, "entries": entries}
    path.write_text(json.dumps(document), encoding="utf-8")
    report = attempt(workspace, "json", path)
    if report is not None:  # our own format is all or nothing: every entry is there, exactly
        for entry in entries:
            row = workspace.db.query_one(
                "SELECT title, body FROM entry WHERE uid = ?", (entry["uid"],)
            )
            assert row is not None
            if report.duplicates == 0:
                assert (row["title"], row["body"]) == (entry["title"], entry["body"])


# ---- Markdown folders ------------------------------------------------------------------------

_FRONT_VALUE = st.one_of(
    WORDS,
    DATE_TEXT,
    st.sampled_from(
        ["[Burnout, \"workforce pressures\"]", "[a, [b]]", "[unclosed", "'quoted'", '"esc \\q"',
         "|", "> folded", "{a: 1}", "&anchor", "3", "9", "true", "maybe", "# comment", "a: b",
         "2024-01-05T08:30:00Z", "2024-01-05", "[[wiki link]]", "~", "null"]
    ),
)  # fmt: skip
_FRONT_LINE = st.one_of(
    st.builds(
        lambda k, v: f"{k}: {v}",
        st.sampled_from(
            [
                "title",
                "date",
                "created",
                "tags",
                "tag",
                "mood",
                "energy",
                "starred",
                "other",
                "Title",
                "9bad",
            ]
        ),
        _FRONT_VALUE,
    ),  # fmt: skip
    st.sampled_from(["  - Burnout", "- rota", "  nested: value", "", "# a comment", "\tx"]),
    WORDS,
)
_NOTE = st.builds(
    lambda front, fenced, body: (
        ("---\n" + "\n".join(front) + "\n---\n" if fenced else "") + "\n".join(body)
    ),
    st.lists(_FRONT_LINE, max_size=8),
    st.booleans(),
    st.lists(
        st.one_of(WORDS, ANY_TEXT, st.sampled_from(["# Title", "#tag", "#[[two words]]", "```"])),
        max_size=6,
    ),
)
_SAFE_NAME = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=30
)
_NAME = st.one_of(
    st.builds(lambda n, s: n + s, _SAFE_NAME, st.sampled_from([".md", ".markdown", ".MD", ".txt"])),
    st.sampled_from(["2024-01-05.md", "2024_13_45.md", "sub/2023-12-31 note.md", ".hidden.md",
                     "logseq/bak/old.md", "a/b/c/deep.md"]),
    # Names that are not UTF-8 at all (Linux allows any bytes but / and NUL).
    st.binary(min_size=1, max_size=20)
    .filter(lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b".."))
    .map(lambda b: b + b".md"),
)  # fmt: skip


@FUZZ
@given(
    notes=st.lists(
        st.tuples(_NAME, st.one_of(_NOTE, st.binary(max_size=40)), st.integers(-(2**33), 2**40)),
        min_size=0,
        max_size=6,
    )
)
def test_generated_markdown_folder_imports_whole_or_is_refused(workspace, fuzz_dir, notes):
    folder = fuzz_dir()
    for name, content, mtime in notes:
        raw = name if isinstance(name, bytes) else name.encode("utf-8", "surrogatepass")
        target = os.path.join(os.fsencode(folder), raw)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        with open(target, "wb") as handle:
            handle.write(data)
        try:
            os.utime(target, (mtime, mtime))
        except (OSError, OverflowError, ValueError):
            pass  # the file system cannot hold that time; the note keeps today's
    attempt(workspace, "markdown", folder)


# ---- hostile archives and folders, through the import path -----------------------------------


_GOOD_DAYONE = json.dumps(
    {"entries": [{"creationDate": "2024-01-01T09:00:00Z", "text": "Good entry\nfrom Day One"}]}
).encode()
_CANARY = "outsidecanary" + uuid.uuid4().hex[:8]


def _hostile(src: Path, outside: Path, case: str) -> tuple[str, Path, str | None, int]:
    """(format, path, words the refusal must contain or None when it imports, entries added)."""
    absolute = outside / "absolute-evil.json"
    if case == "zip-dotdot":
        return "dayone", _zip(src / "a.zip", {"Journal.json": _GOOD_DAYONE,
                                              "../../evil.json": b"x"}), "outside the archive", 0  # fmt: skip
    if case == "zip-absolute":
        return "dayone", _zip(src / "a.zip", {"Journal.json": _GOOD_DAYONE,
                                              str(absolute): b"x"}), "absolute path", 0  # fmt: skip
    if case == "zip-symlink":
        archive = _zip(
            src / "a.zip", {"Journal.json": _GOOD_DAYONE, "link.json": b"/etc/passwd"},
            link="link.json",
        )  # fmt: skip
        return "dayone", archive, "symbolic link", 0
    if case == "zip-bomb":
        return "dayone", _zip(src / "a.zip", {"Journal.json": b" " * (8 * 1024**2)}), "zip bomb", 0
    if case == "zip-liar":  # declares less than it holds
        archive = _zip(src / "a.zip", {"Journal.json": b"\x00" * 300_000})
        _declare_size(archive, 1_000)
        return "dayone", archive, "is damaged", 0
    if case == "zip-2gb":
        archive = _zip(src / "a.zip", {"Journal.json": _GOOD_DAYONE})
        _declare_size(archive, 2 * 1024**3)
        return "dayone", archive, "declares 2048 MiB", 0
    if case == "zip-nested":
        inner = _zip(src / "inner.zip", {"Journal.json": _GOOD_DAYONE}).read_bytes()
        archive = _zip(src / "a.zip", {"inner.zip": inner, "Journal.json": inner})
        return "dayone", archive, "holds no Day One journal", 0
    if case == "zip-empty-file":
        (src / "a.zip").write_bytes(b"")
        return "dayone", src / "a.zip", "not a readable zip archive", 0
    if case == "jrnl-latin1":
        (src / "j.txt").write_bytes("[2024-01-01 09:00] Caf\u00e9 au lait".encode("latin-1"))
        return "jrnl", src / "j.txt", "not UTF-8", 0
    if case == "dayone-invalid-utf8":
        (src / "Journal.json").write_bytes(b'{"entries": ["\xff\xfe"]}')
        return "dayone", src / "Journal.json", "not UTF-8", 0
    if case.startswith("wrong-shape-"):
        kind = case.removeprefix("wrong-shape-")
        (src / "x.json").write_text('{"entries": {"a": [1, 2]}, "format": 7}', encoding="utf-8")
        words = "not a ReflectJournal export" if kind == "json" else "has no list of entries"
        return kind, src / "x.json", words, 0
    if case.startswith("zero-byte-"):
        kind = case.removeprefix("zero-byte-")
        (src / "x.json").write_bytes(b"")
        return kind, src / "x.json", "", 0
    if case == "empty-folder-markdown":
        return "markdown", src, "contains no Markdown notes", 0
    if case == "empty-folder-jrnl":
        return "jrnl", src, "contains no jrnl day files", 0
    if case == "folder-symlinks-out":
        (outside / "secret.md").write_text(f"# Secret\n{_CANARY}", encoding="utf-8")
        (outside / "more").mkdir()
        (outside / "more" / "deep.md").write_text(_CANARY, encoding="utf-8")
        (src / "good.md").write_text("# Good note\nIt stays.", encoding="utf-8")
        os.symlink(outside / "secret.md", src / "link.md")
        os.symlink(outside / "more", src / "linked-folder")
        return "markdown", src, None, 1
    if case == "folder-bad-notes":  # documented: bad notes are skipped, the rest imported
        (src / "good.md").write_text("# Good note\nIt stays.", encoding="utf-8")
        (src / "empty.md").write_bytes(b"")
        (src / "latin1.md").write_bytes("caf\u00e9".encode("latin-1"))
        return "markdown", src, None, 1
    raise AssertionError(case)


HOSTILE = [
    "zip-dotdot", "zip-absolute", "zip-symlink", "zip-bomb", "zip-liar", "zip-2gb", "zip-nested",
    "zip-empty-file", "jrnl-latin1", "dayone-invalid-utf8", "wrong-shape-dayone",
    "wrong-shape-jrnl", "wrong-shape-json", "zero-byte-dayone", "zero-byte-jrnl",
    "zero-byte-json", "empty-folder-markdown", "empty-folder-jrnl", "folder-symlinks-out",
    "folder-bad-notes",
]  # fmt: skip


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted(
        (str(p.relative_to(folder)), p.lstat().st_size if not p.is_dir() else -1)
        for p in folder.rglob("*")
    )


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_source_is_refused_and_writes_nothing(
    workspace, tmp_path, private_tmpdir, monkeypatch, case
):
    import tempfile

    assert tempfile.gettempdir() == str(private_tmpdir)
    workspace.journal.add("Written before the import.", tags=["resilience"])
    src, outside, cwd = tmp_path / "in" / "src", tmp_path / "outside", tmp_path / "cwd"
    for folder in (src, outside, cwd):
        folder.mkdir(parents=True)
    kind, path, words, added = _hostile(src, outside, case)
    monkeypatch.chdir(cwd)
    seen = {f: _listing(f) for f in (private_tmpdir, tmp_path / "in", outside, cwd)}
    before = dump(workspace)

    if words is None:
        report = attempt(workspace, kind, path)
        assert report is not None and report.entries == added
        assert {s.reason for s in report.skipped} >= (
            {"symbolic link not followed"} if case == "folder-symlinks-out" else
            {"the note is empty", "not UTF-8 text (unreadable byte at offset 3)"}
        )  # fmt: skip
        assert [e.title for e in workspace.journal.entries()][:1] == ["Good note"]
        assert _CANARY not in repr(dump(workspace))
    else:
        with pytest.raises(ImportFailed) as caught:
            workspace.imports.run(kind, path)
        assert_sentence(str(caught.value))
        assert words in str(caught.value)
        assert dump(workspace) == before

    for folder, listing in seen.items():
        assert _listing(folder) == listing, f"{folder.name} changed"
    assert not (tmp_path / "evil.json").exists() and not (tmp_path / "in" / "evil.json").exists()
    assert not (outside / "absolute-evil.json").exists()
