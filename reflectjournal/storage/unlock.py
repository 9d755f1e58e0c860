"""Finding the key: passphrase file → environment → OS keyring → prompt → "locked"."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

from reflectjournal.errors import (
    JournalExists,
    JournalLocked,
    JournalNotFound,
    ReflectJournalError,
    UnencryptedJournal,
    UsageError,
    WrongPassphrase,
    log_form,
)
from reflectjournal.logs import get_logger
from reflectjournal.storage import migrate, rekey
from reflectjournal.storage.copy import copy_to
from reflectjournal.storage.database import Database, connect
from reflectjournal.storage.keyring_store import KeyringStore
from reflectjournal.storage.keys import (
    RawKey,
    candidate_keys,
    current_scheme,
    derive_key,
    is_plain_sqlite,
    new_key,
    passphrase_problem,
    read_salt,
)

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

ENV_PASSPHRASE = "REFLECTJOURNAL_PASSPHRASE"
PROMPT_ATTEMPTS = 3


class KeySources:
    """Where a passphrase may come from, in the order they are tried.

    A plain class, not a dataclass: it is built on every open, and creating a dataclass at
    import costs ~1 ms of each command line's start-up."""

    __slots__ = ("passphrase_file", "environ", "keyring", "prompt", "allow_unencrypted")

    def __init__(
        self,
        passphrase_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
        keyring: KeyringStore | None = None,
        # Called with a message; returns a passphrase, or None when the user gives up.
        prompt: Callable[[str], str | None] | None = None,
        # An unencrypted file is opened only when the user explicitly chose to (CLI
        # ``--unencrypted``, or the app's warning answered "Open unencrypted"): a plain file
        # planted at the journal's path must never be unlocked, and written to, silently.
        allow_unencrypted: bool = False,
    ) -> None:
        self.passphrase_file = passphrase_file
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.keyring = keyring
        self.prompt = prompt
        self.allow_unencrypted = allow_unencrypted


def take_from_environment(environ: Mapping[str, str], name: str = ENV_PASSPHRASE) -> str | None:
    """The passphrase in ``environ[name]``, removed from the process environment once read,
    so programs we start (a browser opening a link, a PDF viewer) never inherit it."""
    value = environ.get(name)
    if environ is os.environ:
        os.environ.pop(name, None)
    return value or None


def check_private_file(path: Path, what: str = "passphrase file") -> None:
    """Refuse a secret that other users can read or change, as ssh does with a private key."""
    if os.name != "posix":
        return
    try:
        st = os.stat(path)
    except OSError:
        return  # reading it reports the problem in one sentence
    if not stat.S_ISREG(st.st_mode):
        return  # a pipe (--passphrase-file <(pass show journal)) is private to us
    if st.st_uid != os.getuid():
        raise UsageError(
            f"The {what} {path} belongs to another user, so it was not used; "
            "use a file of your own."
        )
    if st.st_mode & 0o077:
        raise UsageError(
            f"The {what} {path} can be read or changed by other users (mode "
            f"{stat.S_IMODE(st.st_mode):o}), so it was not used; make it private with "
            f"'chmod 600 {path}' and try again."
        )


def read_passphrase_file(path: Path) -> str:
    check_private_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"The passphrase file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"The passphrase file {path} could not be read: {exc}.") from None
    passphrase = text.rstrip("\r\n")
    if not passphrase:
        raise UsageError(f"The passphrase file {path} is empty.")
    return passphrase


class Unlocked:
    """An opened journal and what opened it."""

    __slots__ = ("db", "source", "passphrase")

    def __init__(self, db: Database, source: str, passphrase: str | None = None) -> None:
        self.db = db
        # "passphrase-file" | "environment" | "keyring" | "prompt" | "unencrypted"
        self.source = source
        # The passphrase that opened it (only until the key scheme is checked), never stored.
        self.passphrase = passphrase

    def __repr__(self) -> str:
        return f"Unlocked({self.db.path}, {self.source!r})"


def _try_key(path: Path, key: RawKey) -> Database | None:
    try:
        return Database(connect(path, key), path, key)
    except WrongPassphrase:
        return None


def key_for(path: Path, passphrase: str) -> RawKey:
    """The key ``passphrase`` gives under the scheme the file's salt names."""
    return derive_key(passphrase, _salt(path))


def _salt(path: Path) -> bytes:
    salt = read_salt(path)
    if salt is None:
        raise WrongPassphrase(f"{path} is too short to be a ReflectJournal journal.")
    return salt


def open_with_passphrase(
    path: Path, passphrase: str, *, read_only: bool = False
) -> Database | None:
    """The journal (or backup) opened with ``passphrase``, trying the salt's key scheme and,
    for a salt that only looks marked, scheme 1; None if no key fits."""
    for scheme, key in candidate_keys(passphrase, _salt(path)):
        try:
            db = Database(connect(path, key, read_only=read_only), path, key)
        except WrongPassphrase:
            continue
        db.key_scheme = scheme.number
        return db
    return None


def unlock(path: Path, sources: KeySources) -> Unlocked:
    """Open an existing journal with the first key that fits, migrating it if needed."""
    if not path.exists():
        raise JournalNotFound(
            f"No journal at {path}; create one with 'reflectjournal init' or give --journal."
        )
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a journal file.")
    unlocked = _unlock_key(path, sources)
    sweep_leftovers(path)
    prepare_schema(unlocked.db)
    passphrase, unlocked.passphrase = unlocked.passphrase, None
    if passphrase is not None:
        unlocked.db = upgrade_key_scheme(unlocked.db, passphrase, sources.keyring)
    return unlocked


def upgrade_key_scheme(db: Database, passphrase: str, keyring: KeyringStore | None) -> Database:
    """Re-key a journal whose key scheme is older than today's, with the same passphrase.

    Done with the passphrase change's verified copy-and-swap, so a failure (another window
    holding the journal, a read-only folder, a full disk) leaves the file as it was: it is
    tried again at the next unlock. Backups keep their own scheme and still open.
    """
    used = getattr(db, "key_scheme", None)
    if db.key is None or used is None or used == current_scheme().number:
        return db
    try:
        upgraded = rekey.change_passphrase(db, passphrase, check_strength=False)
    except ReflectJournalError as exc:
        log.info("key scheme upgrade postponed: %s", log_form(exc))
        return db
    log.info("journal key re-derived with scheme %d", current_scheme().number)
    if keyring is not None and upgraded.key is not None and keyring.get(upgraded.path):
        keyring.set(upgraded.path, upgraded.key.hex())
    return upgraded


def sweep_leftovers(path: Path) -> None:
    """Remove the staging files of a passphrase change that was killed before its swap.

    The journal itself is then still the old file under the old passphrase (the swap is one
    atomic rename), so the staged copy is an unconfirmed duplicate, encrypted, safe to drop.
    We hold an open connection here, which keeps any other passphrase change from starting.
    """
    for leftover in rekey.leftovers(path):
        try:
            leftover.unlink()
        except FileNotFoundError:  # the usual case: nothing to sweep, nothing to log
            continue
        except OSError:  # a read-only folder: harmless, it is swept on a later open
            log.info("could not remove %s", leftover)
        else:
            log.debug("swept %s", leftover)


def _unlock_key(path: Path, sources: KeySources) -> Unlocked:
    if is_plain_sqlite(path):
        if not sources.allow_unencrypted:  # refused before anything opens (or touches) it
            raise unencrypted_refusal(path)
        _check_plain_journal(path)
        log.warning("opening an unencrypted journal, as asked")
        return Unlocked(Database(connect(path, None), path, None), "unencrypted")

    explicit: list[tuple[str, str]] = []
    if sources.passphrase_file is not None:
        explicit.append(("passphrase-file", read_passphrase_file(sources.passphrase_file)))
    elif (from_env := take_from_environment(sources.environ)) is not None:
        explicit.append(("environment", from_env))
    for source, passphrase in explicit:
        db = open_with_passphrase(path, passphrase)
        if db is None:
            raise WrongPassphrase(
                f"Could not unlock {path}: the passphrase from the {source.replace('-', ' ')} "
                "is wrong, or the file is not a ReflectJournal journal."
            )
        return Unlocked(db, source, passphrase)

    if sources.keyring is not None:
        stored = sources.keyring.get(path)
        key = RawKey.from_hex(stored) if stored else None
        if key is not None:
            db = _try_key(path, key)
            if db is not None:
                return Unlocked(db, "keyring")
            log.warning("the keyring holds a stale key for %s; ignoring it", path)

    if sources.prompt is not None:
        message = f"Passphrase for {path.name}: "
        for _ in range(PROMPT_ATTEMPTS):
            answer = sources.prompt(message)
            if answer is None:
                break
            db = open_with_passphrase(path, answer)
            if db is not None:
                return Unlocked(db, "prompt", answer)
            message = "That passphrase did not open the journal; try again: "
        else:
            raise WrongPassphrase(
                f"Could not unlock {path}: the passphrase is wrong, "
                "or the file is not a ReflectJournal journal."
            )
    raise JournalLocked(
        "journal is locked: give --passphrase-file FILE, set REFLECTJOURNAL_PASSPHRASE, "
        "or run in a terminal to type the passphrase."
    )


def unencrypted_refusal(path: Path, what: str = "journal") -> UnencryptedJournal:
    return UnencryptedJournal(
        f"The {what} {path} is not encrypted, so anyone who can read the file can read it; "
        "if you did not make it so, someone may have swapped it: leave it unopened and "
        "restore your backup, otherwise give --unencrypted to open it."
    )


def _check_plain_journal(path: Path) -> None:
    """Refuse an unrelated SQLite file before opening it for writing.

    A normal open switches the file to WAL mode, which rewrites its header: looking first,
    read-only, keeps someone else's database byte-identical.
    """
    probe = Database(connect(path, None, read_only=True), path, None)
    try:
        migrate.needs_upgrade(probe)  # raises NotAJournal for a database that is not ours
    finally:
        probe.conn.close()


def prepare_schema(db: Database) -> None:
    """Migrate an older journal to the current schema, after a verified backup copy."""
    if not migrate.needs_upgrade(db):
        return
    revision = migrate.current_revision(db)
    if revision is not None:
        backup = migrate.backup_path_for(db.path, revision)
        if not backup.exists():
            copy_to(db, backup)
        log.info("backed up %s to %s before migrating", db.path, backup)
    migrate.upgrade(db)


def create(path: Path, passphrase: str | None, owner: str = "") -> Database:
    """Create a new journal; ``passphrase=None`` makes an unencrypted one."""
    if path.exists():
        raise JournalExists(f"{path} already exists; nothing was changed.")
    if passphrase is not None:
        problem = passphrase_problem(passphrase, tuple(owner.split()))
        if problem:
            raise UsageError(problem)
    try:
        if not path.parent.exists():  # a folder we make for the journal is private
            path.parent.mkdir(mode=0o700, parents=True)
    except OSError as exc:
        raise ReflectJournalError(f"Could not create the folder {path.parent}: {exc}.") from None
    key = new_key(passphrase) if passphrase is not None else None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        db = Database(connect(path, key), path, RawKey(key.key) if key else None)
        migrate.upgrade(db)
    except BaseException:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return db
