"""A large import fills the full-text index unmerged and merges it once at the end
(storage/bulk.py): every entry is still found, the index's settings are put back, and a
failure at any point, the final merge included, leaves the journal as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflectjournal.services.importers import service as import_service
from reflectjournal.storage import bulk
from reflectjournal.storage.database import Database

WORDS = ["alpha", "bravo", "charlie", "delta", "echo"]


def _jrnl(path: Path, count: int, start: int = 0) -> Path:
    lines = []
    for n in range(start, start + count):
        common = WORDS[n % len(WORDS)]
        lines.append(
            f"[2024-02-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}] Entry {n} about {common}.\n"
            f"Only this one says uniq{n:04d}x; many say handover. @rota @workforce_pressures\n"
        )
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _statements(monkeypatch, method: str = "execute") -> list[str]:
    """Every statement run through Database.execute (or ``method``), in order."""
    seen: list[str] = []
    real = getattr(Database, method)

    def spy(self, sql, params=()):
        seen.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(Database, method, spy)
    return seen


def _fts_state(ws) -> tuple:
    db = ws.db
    return (
        [tuple(r) for r in db.query("SELECT k, v FROM entry_fts_config ORDER BY k")],
        [tuple(r) for r in db.query("SELECT id, block FROM entry_fts_data ORDER BY id")],
        [tuple(r) for r in db.query("SELECT name, sql FROM sqlite_master ORDER BY name")],
        [tuple(r) for r in db.query("SELECT * FROM entry ORDER BY id")],
        [tuple(r) for r in db.query("SELECT * FROM entry_tag ORDER BY entry_id, tag_id")],
        [tuple(r) for r in db.query("SELECT * FROM tag ORDER BY id")],
        [tuple(r) for r in db.query("SELECT * FROM pattern_entry ORDER BY id")],
    )


def _found_ids(ws, query: str) -> set[int]:
    return {int(e.id) for e in ws.journal.found(query)}


def _integrity_ok(ws) -> None:
    # Raises if the index's structure is damaged.
    ws.db.execute("INSERT INTO entry_fts(entry_fts, rank) VALUES ('integrity-check', 0)")


@pytest.mark.parametrize("once_min", [5, 10**9], ids=["merged-once", "merged-as-it-goes"])
def test_every_imported_entry_is_found_either_way(workspace, tmp_path, monkeypatch, once_min):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", once_min)
    monkeypatch.setattr(bulk, "BULK_FTS_HASHSIZE", 1024)  # many segments, as at 100k
    monkeypatch.setattr(import_service, "BATCH", 7)
    before = {r[0]: r[1] for r in workspace.db.query("SELECT k, v FROM entry_fts_config")}
    statements = _statements(monkeypatch)

    report = workspace.imports.run("jrnl", _jrnl(tmp_path / "j.txt", 60))

    assert report.entries == 60
    optimized = any("'optimize'" in s for s in statements)
    assert optimized == (once_min == 5)
    ids = {int(e.id) for e in workspace.journal.entries()}
    by_word = {n: _found_ids(workspace, f"uniq{n:04d}x") for n in range(60)}
    assert sorted(len(found) for found in by_word.values()) == [1] * 60
    assert set().union(*by_word.values()) == ids
    assert _found_ids(workspace, "handover") == ids
    assert _found_ids(workspace, "workforce pressures") == ids  # tag names are indexed
    assert len(_found_ids(workspace, "alpha")) == 12
    _integrity_ok(workspace)
    # The merge settings are what they were, so later writes merge as usual.
    after = {r[0]: r[1] for r in workspace.db.query("SELECT k, v FROM entry_fts_config")}
    for name, default in bulk.FTS_MERGE_DEFAULTS.items():
        assert after.get(name, default) == before.get(name, default) == default
    # And the index keeps working: an edit and a new entry are indexed by the triggers.
    new_id = workspace.journal.add("A zebra crossing.", tags=["rota"])
    assert _found_ids(workspace, "zebra") == {new_id}


def test_a_large_import_into_a_journal_finds_old_and_new(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", 5)
    monkeypatch.setattr(bulk, "BULK_FTS_HASHSIZE", 1024)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 20))
    statements = _statements(monkeypatch)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "b.txt", 30, start=20))  # 30 of 50: merged once
    assert any("'optimize'" in s for s in statements)
    for n in range(50):
        assert len(_found_ids(workspace, f"uniq{n:04d}x")) == 1, n
    assert len(_found_ids(workspace, "handover")) == 50
    _integrity_ok(workspace)


def test_a_small_import_into_a_larger_journal_merges_as_it_goes(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", 5)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 40))
    statements = _statements(monkeypatch)
    # 10 new entries against 40 already there: merging the whole index for them would cost
    # more than it saves.
    workspace.imports.run("jrnl", _jrnl(tmp_path / "b.txt", 10, start=40))
    assert not any("'optimize'" in s for s in statements)
    assert all(len(_found_ids(workspace, f"uniq{n:04d}x")) == 1 for n in range(50))


@pytest.mark.parametrize(
    "failing",
    # Setting the merges aside, filling, merging, putting the settings back.
    ["('automerge', 0)", "INSERT INTO entry_fts(rowid", "'optimize'", "('crisismerge', 16)"],
)
def test_a_failure_while_the_index_is_filled_changes_nothing(
    workspace, tmp_path, monkeypatch, failing
):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", 5)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 5))
    before = _fts_state(workspace)
    real_execute, real_many = Database.execute, Database.executemany

    def execute(self, sql, params=()):
        if failing in sql + repr(tuple(params)):
            raise OSError("disk went away")
        return real_execute(self, sql, params)

    def executemany(self, sql, rows):
        if failing in sql:
            raise OSError("disk went away")
        return real_many(self, sql, rows)

    monkeypatch.setattr(Database, "execute", execute)
    monkeypatch.setattr(Database, "executemany", executemany)
    with pytest.raises(OSError):
        workspace.imports.run("jrnl", _jrnl(tmp_path / "b.txt", 20, start=5))
    monkeypatch.undo()

    assert _fts_state(workspace) == before  # rows, index, settings and triggers
    assert {len(_found_ids(workspace, f"uniq{n:04d}x")) for n in range(5)} == {1}
    assert not _found_ids(workspace, "uniq0010x")
    _integrity_ok(workspace)
    # The same import then goes through whole.
    assert workspace.imports.run("jrnl", tmp_path / "b.txt").entries == 20
    assert len(_found_ids(workspace, "handover")) == 25


def test_share_triggers_are_set_aside_only_while_importing(workspace, tmp_path, monkeypatch):
    names = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'entry_share_%'"
    triggers = {r[0] for r in workspace.db.query(names)}
    assert set(bulk.SHARE_INSERT_TRIGGERS) <= triggers
    during: list[set[str]] = []
    real_insert = import_service.ImportService._insert

    def watching(self, batch, *args):
        during.append({r[0] for r in self.db.query(names)})
        return real_insert(self, batch, *args)

    monkeypatch.setattr(import_service.ImportService, "_insert", watching)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 5))
    assert during and all(not (d & set(bulk.SHARE_INSERT_TRIGGERS)) for d in during)
    assert {r[0] for r in workspace.db.query(names)} == triggers


def _syncing(ws) -> None:
    """Turn on device sync's change capture, as starting to sync does."""
    from reflectjournal.storage.changes import Catalogue

    with ws.db.transaction():
        Catalogue(ws.db).install_triggers()


def _marks(ws) -> list[tuple]:
    return [tuple(r) for r in ws.db.query("SELECT tbl, rid FROM sync_dirty ORDER BY tbl, rid")]


def test_sync_marks_are_the_ones_the_triggers_write(tmp_path, monkeypatch):
    from reflectjournal.services.workspace import Workspace

    source = _jrnl(tmp_path / "j.txt", 30)
    source.write_text(
        source.read_text(encoding="utf-8") + "\n[2024-03-01 09:00] New tag. @brandnew\n"
    )
    monkeypatch.setattr(import_service, "BATCH", 7)
    marks = []
    for batched in (True, False):
        if not batched:  # a name no journal has: the triggers stay and mark row by row
            monkeypatch.setattr(bulk, "SYNC_ENTRY_TRIGGERS", ("sync_entry_i", "no_such_trigger"))
        ws = Workspace.create(tmp_path / f"{batched}.rj", "correct horse battery staple")
        try:
            ws.journal.add("Written before the import.", title="Before")
            _syncing(ws)
            with ws.db.transaction():
                ws.db.execute("DELETE FROM sync_dirty")
            triggers = [
                tuple(r) for r in ws.db.query("SELECT name, sql FROM sqlite_master ORDER BY name")
            ]
            assert ws.imports.run("jrnl", source).entries == 31
            marks.append(_marks(ws))
            assert [
                tuple(r) for r in ws.db.query("SELECT name, sql FROM sqlite_master ORDER BY name")
            ] == triggers
            ws.journal.add("Written after the import.", title="After")  # marked by its trigger
            assert ("entry", 33) in _marks(ws)
        finally:
            ws.close()
    assert marks[0] == marks[1]
    assert [m for m in marks[0] if m[0] == "entry"] == [("entry", n) for n in range(2, 33)]
    assert any(m[0] == "tag" for m in marks[0])  # the free tag the import made


def test_a_failed_import_leaves_no_sync_marks(workspace, tmp_path, monkeypatch):
    _syncing(workspace)
    before = _fts_state(workspace), _marks(workspace)
    real_insert = import_service.ImportService._insert

    def failing(self, batch, *args):
        real_insert(self, batch, *args)
        raise OSError("disk went away")

    monkeypatch.setattr(import_service.ImportService, "_insert", failing)
    with pytest.raises(OSError):
        workspace.imports.run("jrnl", _jrnl(tmp_path / "j.txt", 10))
    assert (_fts_state(workspace), _marks(workspace)) == before


def test_a_large_import_indexes_while_it_writes_and_merges_once(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", 5)
    monkeypatch.setattr(bulk, "INDEX_GROUP", 10)
    monkeypatch.setattr(bulk, "BULK_FTS_HASHSIZE", 1024)
    monkeypatch.setattr(import_service, "BATCH", 8)  # one INSERT a batch (insert_rows)
    statements = _statements(monkeypatch)

    report = workspace.imports.run("jrnl", _jrnl(tmp_path / "j.txt", 60))

    assert report.entries == 60
    writes = [n for n, s in enumerate(statements) if s.startswith("INSERT INTO entry(")]
    fills = [n for n, s in enumerate(statements) if s.startswith("INSERT INTO entry_fts(rowid")]
    merges = [n for n, s in enumerate(statements) if "'optimize'" in s]
    # Groups of at least 10 entries are indexed between the batches, not all at the end...
    assert len(fills) == 4 and fills[0] < writes[2] and fills[-2] < writes[-1]
    # ...unmerged, and the whole index is merged once, after the last group.
    assert len(merges) == 1 and merges[0] > fills[-1] > writes[-1]
    ids = {int(e.id) for e in workspace.journal.entries()}
    assert all(_found_ids(workspace, f"uniq{n:04d}x") for n in range(60))
    assert _found_ids(workspace, "handover") == ids
    _integrity_ok(workspace)
    config = {r[0]: r[1] for r in workspace.db.query("SELECT k, v FROM entry_fts_config")}
    for name, default in bulk.FTS_MERGE_DEFAULTS.items():
        assert config.get(name, default) == default
    assert config.get("hashsize", bulk.FTS_HASHSIZE) == bulk.FTS_HASHSIZE


def test_indexing_as_it_writes_waits_until_the_import_outgrows_the_journal(
    workspace, tmp_path, monkeypatch
):
    monkeypatch.setattr(bulk, "MERGE_ONCE_MIN", 5)
    monkeypatch.setattr(bulk, "INDEX_GROUP", 1)
    monkeypatch.setattr(import_service, "BATCH", 8)  # one INSERT a batch (insert_rows)
    workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 20))
    statements = _statements(monkeypatch)

    workspace.imports.run("jrnl", _jrnl(tmp_path / "b.txt", 30, start=20))

    writes = [n for n, s in enumerate(statements) if s.startswith("INSERT INTO entry(")]
    fills = [n for n, s in enumerate(statements) if s.startswith("INSERT INTO entry_fts(rowid")]
    # 20 entries were there: the third batch (24 new) is the first that decides a merge once.
    assert writes[2] < fills[0] < writes[3]
    assert all(len(_found_ids(workspace, f"uniq{n:04d}x")) == 1 for n in range(50))
    _integrity_ok(workspace)


@pytest.mark.parametrize("fails", [False, True])
def test_the_switch_interval_is_shortened_only_while_importing(
    workspace, tmp_path, monkeypatch, fails
):
    import sys

    before = sys.getswitchinterval()
    during: list[float] = []
    real_insert = import_service.ImportService._insert

    def watching(self, batch, *args):
        during.append(sys.getswitchinterval())
        if fails:
            raise OSError("disk went away")
        return real_insert(self, batch, *args)

    monkeypatch.setattr(import_service.ImportService, "_insert", watching)
    if fails:
        with pytest.raises(OSError):
            workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 5))
    else:
        workspace.imports.run("jrnl", _jrnl(tmp_path / "a.txt", 5))
    assert during and max(during) <= import_service.SWITCH_INTERVAL < before
    assert sys.getswitchinterval() == before


def test_duplicates_are_found_across_batches(workspace, tmp_path, monkeypatch):
    monkeypatch.setattr(import_service, "BATCH", 4)
    source = _jrnl(tmp_path / "j.txt", 20)
    text = source.read_text(encoding="utf-8")
    # Entry 0 again at the end, five batches after the first copy.
    source.write_text(text + "\n" + text.split("\n\n")[0] + "\n", encoding="utf-8")
    asked = _statements(monkeypatch, "query")
    lookups = lambda: [s for s in asked if "json_each" in s]  # noqa: E731

    report = workspace.imports.run("jrnl", source)
    assert (report.entries, report.duplicates) == (20, 1)
    assert len(_found_ids(workspace, "uniq0000x")) == 1
    assert len(lookups()) == 6  # one per batch, whatever its size

    asked.clear()
    again = workspace.imports.run("jrnl", source)
    assert (again.entries, again.duplicates) == (0, 21)
    assert len(lookups()) == 6
    assert len(workspace.journal.entries()) == 20
