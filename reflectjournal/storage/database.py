"""One open journal: a verified SQLCipher connection with the pragmas we rely on.

The connection runs in autocommit mode; every write goes through ``transaction()``, which
takes the write lock up front (``BEGIN IMMEDIATE``) so two writers queue instead of failing
half-way, and turns SQLite's errors into sentences a user can act on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import quote

import sqlcipher3
from sqlcipher3 import dbapi2

from reflectjournal.errors import (
    Interrupted,
    JournalBusy,
    NotAJournal,
    ReadOnlyJournal,
    ReflectJournalError,
    StorageFull,
    WrongPassphrase,
)
from reflectjournal.logs import get_logger
from reflectjournal.storage.keys import RawKey

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

BUSY_TIMEOUT_MS = 5000
# How often (in SQLite virtual-machine steps) a running statement asks whether to stop:
# ~1,000 steps are a few microseconds, so a stale search ends within a millisecond.
STOP_CHECK_STEPS = 1000
CACHE_KIB = 32 * 1024
# Compiled statements a connection keeps. sqlcipher3's cache (pysqlite's older design) puts a
# new statement last and, once full, evicts the last: a statement that arrives after the
# cache has filled is compiled again on every use unless it runs twice in a row. The
# migrations alone run a few hundred statements once, so 128 (the default) left an import's
# statements compiled afresh every batch. Statements are kept only once used, so the cost is
# what a connection actually runs (tens of kilobytes each at most).
CACHED_STATEMENTS = 1024
# The most parameters one statement binds (SQLITE_MAX_VARIABLE_NUMBER's default since 3.32).
MAX_PARAMETERS = 32766
MAX_ROWS_PER_INSERT = 512  # a power of two (see ``Database.insert_rows``)
# sqlcipher3 ships no type information: a row is indexable by position and column name.
Row: TypeAlias = Any
Params: TypeAlias = Sequence[Any] | dict[str, Any]
DatabaseError = dbapi2.DatabaseError


def error_kind(exc: BaseException) -> str:
    """The primary SQLite result name of ``exc`` ("SQLITE_BUSY" for "SQLITE_BUSY_SNAPSHOT").

    Read from ``sqlite_errorname`` (what the engine returned), not from the message, which
    SQLite and SQLCipher word differently between versions. Errors raised without a code
    (ours, or a driver's) fall back to the message.
    """
    name = getattr(exc, "sqlite_errorname", None)
    if isinstance(name, str) and name.startswith("SQLITE_"):
        return "SQLITE_" + name[len("SQLITE_") :].split("_", 1)[0]
    text = str(exc).lower()
    for needle, kind in _MESSAGE_KINDS:
        if needle in text:
            return kind
    return "SQLITE_ERROR"


_MESSAGE_KINDS = (
    ("interrupted", "SQLITE_INTERRUPT"),
    ("locked", "SQLITE_BUSY"),
    ("busy", "SQLITE_BUSY"),
    ("full", "SQLITE_FULL"),
    ("readonly", "SQLITE_READONLY"),
    ("read-only", "SQLITE_READONLY"),
    ("not a database", "SQLITE_NOTADB"),
    ("malformed", "SQLITE_CORRUPT"),
    ("corrupt", "SQLITE_CORRUPT"),
    ("unable to open", "SQLITE_CANTOPEN"),
    ("disk i/o error", "SQLITE_IOERR"),
)


def translate_error(
    exc: Exception, path: Path | None = None, *, opened: bool = False
) -> ReflectJournalError:
    """Map a SQLite error to one clear sentence, by its SQLite result name.

    ``opened`` says the key was already verified on this connection: SQLCipher then reports a
    page that fails its authentication check as "not a database", which means damage, not a
    wrong passphrase.
    """
    kind = error_kind(exc)
    where = f" ({path})" if path else ""
    if kind == "SQLITE_INTERRUPT":
        return Interrupted("The search was stopped because a newer one replaced it.")
    if kind in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return JournalBusy(
            f"The journal{where} is in use by another program; close it there or try again."
        )
    if kind == "SQLITE_FULL":
        return StorageFull("The disk is full, so nothing was saved; free some space and try again.")
    if kind == "SQLITE_READONLY":
        return ReadOnlyJournal(
            f"The journal{where} is read-only; make the file and its folder writable and try again."
        )
    if kind == "SQLITE_CORRUPT" or (opened and kind == "SQLITE_NOTADB"):
        return damaged(path)
    if kind == "SQLITE_NOTADB":
        return WrongPassphrase(
            f"Could not unlock the journal{where}: the passphrase is wrong "
            "or the file is not a ReflectJournal journal."
        )
    if kind == "SQLITE_CANTOPEN":
        return ReadOnlyJournal(
            f"The journal{where} could not be opened; check that it and its folder exist "
            "and are writable (a journal needs to write small lock files beside itself)."
        )
    if kind == "SQLITE_IOERR":
        return ReflectJournalError(
            f"The disk failed while reading or writing the journal{where}, so nothing was saved; "
            "check the disk and try again."
        )
    return ReflectJournalError(f"The journal{where} could not be used: {exc}.")


# The oldest engines we accept: SQLCipher 4.6 (SQLite 3.45, early 2024) and later carry the
# SQLite security fixes of 2022-2023 (CVE-2022-35737, CVE-2023-7104, among others).
MIN_SQLCIPHER = (4, 6, 0)
MIN_SQLITE = (3, 45, 0)


def _version(text: str) -> tuple[int, ...]:
    numbers = []
    for part in text.split()[0].split(".") if text.strip() else []:
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers)


def engine_problem(cipher_version: str, sqlite_version: str) -> str | None:
    """One sentence if the SQLCipher or SQLite linked into this installation is too old."""
    cipher, sqlite = _version(cipher_version), _version(sqlite_version)
    if cipher >= MIN_SQLCIPHER and sqlite >= MIN_SQLITE:
        return None
    need = ".".join(map(str, MIN_SQLCIPHER[:2])), ".".join(map(str, MIN_SQLITE[:2]))
    return (
        f"This installation has SQLCipher {cipher_version or '?'} on SQLite {sqlite_version}, "
        f"older than the SQLCipher {need[0]} on SQLite {need[1]} ReflectJournal needs for its "
        "security fixes; update ReflectJournal (or 'pip install -U sqlcipher3')."
    )


def damaged(path: Path | None) -> NotAJournal:
    """The one message for a damaged file; we never delete, move or rewrite such a file."""
    where = f" {path}" if path else ""
    return NotAJournal(
        f"The journal{where} is damaged and was left untouched; move it aside and restore "
        "your latest backup with 'reflectjournal restore BACKUP'."
    )


class JournalMoved(ReflectJournalError):
    """The path no longer names the file this connection has open."""


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def sqlite_uri(path: Path, *, read_only: bool = False) -> str:
    """A ``file:`` URI naming exactly ``path``: '#', '?' and '%' in a folder or file name
    would otherwise end the path early (a journal "a#b.rj" was written to "a")."""
    absolute = Path(os.path.abspath(path)).as_posix()
    if not absolute.startswith("/"):  # Windows: file:///C:/...
        absolute = "/" + absolute
    uri = "file://" + quote(absolute, safe="/:")
    return uri + "?mode=ro" if read_only else uri


def connect(path: Path, key: RawKey | None, *, read_only: bool = False) -> sqlcipher3.Connection:
    """Open and verify a connection; raises WrongPassphrase if the key does not fit."""
    identity = file_identity(path)
    target = sqlite_uri(path, read_only=read_only)
    try:
        conn = sqlcipher3.connect(
            target,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=_Connection,
            cached_statements=CACHED_STATEMENTS,
        )
    except dbapi2.Error as exc:
        raise translate_error(exc, path) from exc
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        (version,) = conn.execute("PRAGMA cipher_version").fetchone() or (None,)
        if not version:
            raise ReflectJournalError(
                "This installation's SQLite has no encryption support; reinstall ReflectJournal."
            )
        too_old = engine_problem(str(version), dbapi2.sqlite_version)
        if too_old:
            raise ReflectJournalError(too_old)
        if key is not None:
            conn.execute(f"PRAGMA key = {key.pragma_value()}")
        # Reading the schema is the cheapest proof the key is right.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        # 32 MiB of decrypted pages (the default is 8): enough to keep a 100k-entry journal's
        # pattern digest and hot indexes (~15 MB) between recomputations instead of decrypting
        # them again each time. Pages are only held once read, so small journals use less.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except ReflectJournalError:
        conn.close()
        raise
    except dbapi2.Error as exc:
        conn.close()
        raise translate_error(exc, path) from exc
    conn.row_factory = dbapi2.Row
    # Taken before the open, so a file swapped in during the open is caught, not trusted.
    conn.identity = identity
    return conn


class _Connection(sqlcipher3.Connection):  # type: ignore[misc]  # untyped base
    """A connection that remembers which file (device, inode) it opened."""

    identity: tuple[int, int] | None = None


class Database:
    """A verified connection to one journal file.

    Access is serialised with a lock so a GUI worker thread and the UI thread can share it.
    """

    def __init__(self, conn: sqlcipher3.Connection, path: Path, key: RawKey | None):
        self.conn = conn
        self.path = path
        self.key = key
        self._lock = threading.RLock()
        self._depth = 0
        self.key_scheme: int | None = None  # which passphrase scheme opened it (storage/unlock.py)
        self._identity = getattr(conn, "identity", None) or file_identity(path)
        # Facts that only choose a query plan (services/search.py), kept with the change count
        # they were read at; a stale one (another connection wrote since) costs speed, never
        # a wrong answer.
        self.plan_facts: dict[object, tuple[int, object]] = {}

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def sibling(self) -> Database:
        """A second connection to the same file, with the same key, for a worker thread.

        Each connection has its own lock, so a long write transaction on the sibling never
        holds up this one: in WAL mode this connection keeps reading the last committed state
        meanwhile (its own writes wait for the sibling's commit, up to the busy timeout).
        The caller closes it.
        """
        self._check_same_file()
        return Database(connect(self.path, self.key), self.path, self.key)

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        with self._lock:
            try:
                rows: list[Row] = self.conn.execute(sql, params).fetchall()
                return rows
            except dbapi2.Error as exc:
                raise translate_error(exc, self.path, opened=True) from exc

    def plan_fact(self, key: object, read: Callable[[], object]) -> object:
        """``read()``, remembered until this connection next changes a row."""
        changes = self.conn.total_changes
        known = self.plan_facts.get(key)
        if known is None or known[0] != changes:
            known = self.plan_facts[key] = (changes, read())
        return known[1]

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.query_one(sql, params)
        return row[0] if row is not None else None

    def execute(self, sql: str, params: Params = ()) -> dbapi2.Cursor:
        """Run one statement; callers doing several writes wrap them in ``transaction()``."""
        with self._lock:
            try:
                return self.conn.execute(sql, params)
            except dbapi2.Error as exc:
                raise translate_error(exc, self.path, opened=True) from exc

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            try:
                self.conn.executemany(sql, rows)
            except dbapi2.Error as exc:
                raise translate_error(exc, self.path, opened=True) from exc

    def insert_rows(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        """``head`` (``INSERT INTO t(a, b)``) with ``rows``, hundreds of rows per statement.

        ``executemany`` steps once per row and gives up the GIL for each step: while an
        import's parser thread holds it, taking it back can wait out the interpreter's switch
        interval, row after row (half the wall time of writing an import's rows). One
        statement per group gives it up once for the lot.

        Groups are a power of two rows long, so a handful of statement texts serve every
        call: each text is compiled and cached by the connection (128 of them), and a cache
        of hundreds-of-rows statements of every length held tens of megabytes."""
        if not rows:
            return
        width = len(rows[0])
        most = min(MAX_ROWS_PER_INSERT, _power_of_two_at_most(MAX_PARAMETERS // width))
        one = "(" + ",".join("?" * width) + ")"
        start = 0
        while start < len(rows):
            size = min(most, _power_of_two_at_most(len(rows) - start))
            values = [value for row in rows[start : start + size] for value in row]
            self.execute(f"{head} VALUES {','.join([one] * size)}", values)
            start += size

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All-or-nothing writes; nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except dbapi2.Error as exc:
                raise translate_error(exc, self.path, opened=True) from exc
            self._depth = 1
            try:
                # Under the write lock: a journal replaced (passphrase change in another
                # window, a restore, a file manager) or deleted while we held it open must not
                # receive writes that would vanish with the old file.
                self._check_same_file()
                yield self
                self.conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    self.conn.execute("ROLLBACK")
                except dbapi2.Error:
                    log.exception("rollback failed")
                if isinstance(exc, dbapi2.Error):
                    raise translate_error(exc, self.path, opened=True) from exc
                raise
            finally:
                self._depth = 0

    @contextmanager
    def stop_when(self, should_stop: Callable[[], bool]) -> Iterator[Database]:
        """Statements run inside the block end with :class:`Interrupted` as soon as
        ``should_stop()`` is true (checked by SQLite while it works, from this thread): a
        search typed over by a newer one stops at once instead of running to its end."""
        with self._lock:
            self.conn.set_progress_handler(lambda: 1 if should_stop() else 0, STOP_CHECK_STEPS)
            try:
                yield self
            finally:
                self.conn.set_progress_handler(None, 0)

    def _check_same_file(self) -> None:
        if self._identity is None or file_identity(self.path) == self._identity:
            return
        raise JournalMoved(
            f"The journal {self.path} was moved, replaced or deleted while it was open, "
            "so nothing was saved; open it again."
        )

    def integrity_ok(self) -> bool:
        rows = self.query("PRAGMA integrity_check")
        return len(rows) == 1 and rows[0][0] == "ok"

    def close(self) -> None:
        with self._lock:
            # Only after writes: a read-only session must leave the file byte-identical.
            if self.conn.total_changes:
                try:
                    self.conn.execute("PRAGMA optimize")
                except dbapi2.Error:
                    pass
            self.conn.close()


def _power_of_two_at_most(n: int) -> int:
    return 1 << (max(n, 1).bit_length() - 1)
