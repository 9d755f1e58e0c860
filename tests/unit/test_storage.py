"""Encryption on disk, key handling, migrations and the FTS query builder."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.errors import JournalLocked, UsageError, WrongPassphrase
from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage import migrate
from reflectjournal.storage.fts import to_match_query
from reflectjournal.storage.keyring_store import KeyringStore
from reflectjournal.storage.unlock import KeySources

PASSPHRASE = "correct horse battery staple"  # the conftest journals' passphrase

CANARY = "zebracanary"


def _files(path):
    return [p for p in path.parent.glob(path.name + "*") if p.is_file()]


def test_file_is_encrypted_and_canary_absent(workspace):
    workspace.journal.add(f"A private thought about {CANARY}.", tags=["burnout", CANARY])
    assert workspace.journal.found(CANARY)
    workspace.journal.edit(1, body=f"Edited {CANARY} text")
    files = _files(workspace.path)
    assert files, "journal files expected"
    for path in files:
        data = path.read_bytes()
        assert not data.startswith(b"SQLite format 3"), path
        assert CANARY.encode() not in data, path
    assert workspace.path.read_bytes()[:16] != b"SQLite format 3\x00"


def test_cipher_is_really_sqlcipher(workspace):
    assert workspace.db.scalar("PRAGMA cipher_version")
    assert workspace.db.scalar("PRAGMA foreign_keys") == 1
    assert workspace.db.scalar("PRAGMA journal_mode") == "wal"
    assert workspace.db.scalar("PRAGMA secure_delete") == 1


def test_reopen_with_passphrase_and_wrong_passphrase(workspace, tmp_path):
    workspace.journal.add("persisted")
    path = workspace.path
    workspace.close()
    with pytest.raises(WrongPassphrase):
        Workspace.open(path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": "nope nope"}))
    ws = Workspace.open(path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": PASSPHRASE}))
    assert [e.body for e in ws.journal.entries()] == ["persisted"]
    ws.close()


def test_no_source_means_locked(workspace):
    path = workspace.path
    workspace.close()
    with pytest.raises(JournalLocked, match="journal is locked"):
        Workspace.open(path, KeySources(environ={}))


class MemoryKeyring:
    """A fake secure backend (priority 1), as jrnl's tests use."""

    priority = 1

    def __init__(self):
        self.store = {}

    def get_password(self, service, account):
        return self.store.get((service, account))

    def set_password(self, service, account, secret):
        self.store[(service, account)] = secret

    def delete_password(self, service, account):
        self.store.pop((service, account), None)


class FailingKeyring(MemoryKeyring):
    def get_password(self, service, account):
        raise RuntimeError("keyring daemon crashed")

    set_password = get_password


def test_keyring_present_unlocks_without_passphrase(tmp_path):
    backend = MemoryKeyring()
    store = KeyringStore(backend)
    ws = Workspace.create(tmp_path / "k.rj", PASSPHRASE, keyring=store)
    ws.journal.add("from keyring")
    ws.close()
    assert len(backend.store) == 1
    stored = next(iter(backend.store.values()))
    assert PASSPHRASE not in stored  # the derived key, never the passphrase
    opened = Workspace.open(tmp_path / "k.rj", KeySources(environ={}, keyring=store))
    assert opened.unlocked_by == "keyring"
    assert opened.journal.entries()[0].body == "from keyring"
    opened.close()


def test_keyring_failing_or_stale_falls_back_to_passphrase(tmp_path):
    backend = MemoryKeyring()
    Workspace.create(tmp_path / "k.rj", PASSPHRASE, keyring=KeyringStore(backend)).close()
    for key in backend.store:
        backend.store[key] = "00" * 32  # stale key
    sources = KeySources(environ={}, keyring=KeyringStore(backend), prompt=lambda _: PASSPHRASE)
    assert Workspace.open(tmp_path / "k.rj", sources).unlocked_by == "prompt"
    sources.keyring = KeyringStore(FailingKeyring())
    ws = Workspace.open(tmp_path / "k.rj", sources)
    assert ws.unlocked_by == "prompt"
    ws.close()


def test_keyring_absent_and_plaintext_backends_refused():
    import keyring.backends.fail
    from keyrings.alt.file import PlaintextKeyring

    assert not KeyringStore(keyring.backends.fail.Keyring()).usable()
    plain = KeyringStore(PlaintextKeyring())
    assert not plain.usable()
    assert plain.set(__import__("pathlib").Path("/tmp/x.rj"), "secret") is False


def test_prompt_retries_then_fails(workspace):
    path = workspace.path
    workspace.close()
    answers = iter(["bad one", "bad two", "bad three"])
    with pytest.raises(WrongPassphrase):
        Workspace.open(path, KeySources(environ={}, prompt=lambda _: next(answers)))
    answers = iter(["bad one", PASSPHRASE])
    ws = Workspace.open(path, KeySources(environ={}, prompt=lambda _: next(answers)))
    assert ws.unlocked_by == "prompt"
    ws.close()


def test_short_passphrase_refused(tmp_path):
    with pytest.raises(UsageError, match="at least 8"):
        Workspace.create(tmp_path / "x.rj", "short")
    assert not (tmp_path / "x.rj").exists()


def test_schema_head_matches_alembic():
    assert migrate.SCHEMA_HEAD == migrate.script_head()


def test_migrated_schema_matches_sqlmodel_tables(workspace):
    from reflectjournal.domain.tables import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        columns = {row[1] for row in workspace.db.query(f"PRAGMA table_info({table.name})")}
        assert columns == {c.name for c in table.columns}, table.name


def test_upgrade_from_empty_database_is_idempotent(workspace):
    assert migrate.current_revision(workspace.db) == migrate.SCHEMA_HEAD
    assert not migrate.needs_upgrade(workspace.db)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("burnout", '"burnout"*'),
        ("rota gaps", '"rota"* "gaps"*'),
        ('say "hi"', '"say"* "hi"*'),
        ("NEAR(a b)", '"NEAR"* "a"* "b"*'),
        ("title:x", '"title"* "x"*'),
        ("", None),
        ("*** ---", None),
    ],
)
def test_match_query_quotes_every_term(text, expected):
    assert to_match_query(text) == expected


_odd_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list('"*^:()-+NEARORANDNOT ') + list(string.punctuation)),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=_odd_text)
def test_any_search_text_is_valid(workspace, query):
    if not workspace.journal.count():
        workspace.journal.add('Café ward round, naïve rota — 夜勤 🙂 NEAR quotes "x"')
    results = workspace.journal.found(query, EntryFilter(limit=5))
    assert isinstance(results, list)


def test_search_index_has_prefix_indexes_for_the_first_letters_typed(workspace):
    sql = workspace.db.scalar("SELECT sql FROM sqlite_master WHERE name = 'entry_fts'")
    assert "prefix='1 2 3'" in sql
    workspace.journal.add("Thematic review of the night rota.", title="Rota")
    # One, two and three letters, and a whole word, all find it through the index.
    for typed in ("t", "th", "the", "thematic", "ro", "rota"):
        assert [e.title for e in workspace.journal.found(typed)] == ["Rota"], typed


def test_insert_rows_writes_every_row_in_order_in_few_statement_texts(workspace, monkeypatch):
    from reflectjournal.storage import database

    db = workspace.db
    db.execute("CREATE TEMP TABLE many(a, b, c)")
    monkeypatch.setattr(database, "MAX_PARAMETERS", 3 * 9)  # 9 rows' worth: groups of 8 at most
    seen: list[str] = []
    real = database.Database.execute

    def spy(self, sql, params=()):
        seen.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(database.Database, "execute", spy)
    rows = [(n, f"text {n}", None if n % 3 else n / 2) for n in range(43)]
    db.insert_rows("INSERT INTO many(a, b, c)", rows)
    db.insert_rows("INSERT INTO many(a, b, c)", [])  # nothing, not an error

    assert [tuple(r) for r in db.query("SELECT a, b, c FROM many ORDER BY rowid")] == rows
    sizes = [sql.count("(?,?,?)") for sql in seen]
    assert sizes == [8, 8, 8, 8, 8, 2, 1]  # 43: five full groups, then 2 and 1
    assert len(set(seen)) == 3


def test_new_journal_index_leaves_fit_an_encrypted_page(workspace):
    # Migration 0016: FTS5's 4,050-byte default leaf overflows a SQLCipher page.
    assert workspace.db.scalar("SELECT v FROM entry_fts_config WHERE k = 'pgsz'") == 3960
    workspace.journal.add(" ".join(f"word{n}" for n in range(4000)), title="Long")
    largest = workspace.db.scalar("SELECT max(length(block)) FROM entry_fts_data")
    assert 3500 < largest <= 3970  # full leaves, each within a page's 3,981 bytes of payload
    assert [e.title for e in workspace.journal.found("word3999")] == ["Long"]


def test_statements_stay_compiled_after_many_one_off_statements(workspace):
    import sqlcipher3

    db = workspace.db
    compiled: list[str] = []

    def authorizer(action, table, column, _db, _source):
        # SQLite asks while it compiles a statement, never while it runs a compiled one.
        if action == sqlcipher3.SQLITE_READ and table == "entry" and column == "title":
            compiled.append(column)
        return sqlcipher3.SQLITE_OK

    for n in range(300):  # as a journal's migrations or a day of varied searches would
        db.query(f"SELECT {n} FROM tag LIMIT 1")
    db.conn.set_authorizer(authorizer)
    try:
        for _ in range(5):
            for sql in (
                "SELECT title FROM entry WHERE id = ?",
                "SELECT title FROM entry WHERE id > ?",
            ):
                db.query(sql, (1,))
    finally:
        db.conn.set_authorizer(None)
    assert len(compiled) == 2  # once each, kept since
