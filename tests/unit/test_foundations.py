"""The shared homes: enums, display, settings registry, chunked IN, SQLite error names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reflectjournal.domain.enums import KINDS, VISIBILITIES, Kind, Scale, Visibility
from reflectjournal.errors import JournalBusy, StorageFull, WrongPassphrase
from reflectjournal.services import display, settings
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.chunks import in_chunks
from reflectjournal.storage.database import error_kind, translate_error


def test_enums_are_their_stored_strings():
    assert Kind.SHARED == "shared" and f"{Visibility.MENTOR}" == "mentor"
    assert KINDS == ("reflection", "session", "shared")
    assert VISIBILITIES == ("private", "mentor", "coach")
    assert Scale.parse(3) is Scale.STEADY and Scale.parse("5") is Scale.VERY_GOOD
    assert Scale.parse(0) is None and Scale.parse(6) is None and Scale.parse(True) is None


def test_comment_times_are_shown_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    import time

    time.tzset()
    try:
        # Written at 12:51 in New York, stored in UTC.
        assert display.datetime_text("2026-11-30T17:51:00+00:00") == "30 Nov 2026, 12:51"
        assert display.compact_datetime("2026-11-30T17:51:00+00:00") == "2026-11-30 12:51"
        # An entry keeps its writer's wall-clock time.
        stored = "2026-11-30T09:30:00+01:00"
        assert display.compact_datetime(stored, as_stored_offset=True) == "2026-11-30 09:30"
        assert display.date_text("2026-12-01T02:00:00+00:00") == "30 Nov 2026"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_one_date_style_and_plurals():
    assert display.date_text(date(2026, 11, 3)) == "3 Nov 2026"
    assert display.date_text("2026-11-03") == "3 Nov 2026"
    assert display.date_text("not a date") == "not a date"
    assert display.datetime_text(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)).startswith("2 Jan 2026")
    assert display.plural(1, "entry") == "1 entry"
    assert display.plural(0, "entry") == "0 entries"
    assert display.plural(2, "day") == "2 days"
    assert display.plural(1, "day") == "1 day"
    assert display.plural(3, "match") == "3 matches"
    assert display.plural(2, "person") == "2 people"


def test_chunks_cover_every_value_in_order():
    values = list(range(2001))
    pieces = list(in_chunks(values, 900))
    assert [len(c) for _, c in pieces] == [900, 900, 201]
    assert [v for _, c in pieces for v in c] == values
    assert pieces[2][0] == ",".join("?" * 201)
    assert list(in_chunks([])) == []


def test_settings_registry(tmp_path):
    ws = Workspace.create(tmp_path / "j.rj", None)
    try:
        assert ws.setting(settings.BACKUP_KEEP) == "5"  # the registered default
        ws.set_setting(settings.OWNER_NAME, "Ana Ruiz")
        assert ws.owner_name == "Ana Ruiz"
        ws.set_setting("draft.new", "{}")
        assert ws.settings_with_prefix(settings.DRAFT_PREFIX) == [("draft.new", "{}")]
        ws.delete_setting("draft.new")
        assert ws.settings_with_prefix("draft.") == []
        with pytest.raises(KeyError):
            ws.set_setting("ownr.name", "typo")
    finally:
        ws.close()


class _Coded(Exception):
    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.sqlite_errorname = name


def test_sqlite_errors_are_mapped_by_their_name_not_their_wording():
    assert error_kind(_Coded("whatever the wording", "SQLITE_BUSY_SNAPSHOT")) == "SQLITE_BUSY"
    assert isinstance(translate_error(_Coded("x", "SQLITE_BUSY")), JournalBusy)
    assert isinstance(translate_error(_Coded("x", "SQLITE_FULL")), StorageFull)
    assert isinstance(translate_error(_Coded("x", "SQLITE_NOTADB")), WrongPassphrase)
    # A message that merely mentions "full" is not a full disk when the engine says otherwise.
    assert not isinstance(translate_error(_Coded("table full_text", "SQLITE_ERROR")), StorageFull)
    # Errors without a code (ours) still map by their text.
    assert isinstance(translate_error(Exception("database is locked")), JournalBusy)
