"""Schema migrations with Alembic, run at open after a verified backup copy.

Alembic and SQLModel are only imported when the schema is not current, so an ordinary open
costs one indexed read of ``alembic_version``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import NotAJournal
from reflectjournal.logs import get_logger
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from alembic.config import Config

log = get_logger(__name__)  # loads logging when a record is written (logs.py)

# The newest revision in migrations/versions; a unit test keeps this in step with Alembic.
SCHEMA_HEAD = "0016"


def current_revision(db: Database) -> str | None:
    has_table = db.scalar(
        "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    )
    if not has_table:
        return None
    revision = db.scalar("SELECT version_num FROM alembic_version")
    return None if revision is None else str(revision)


def is_empty(db: Database) -> bool:
    return not db.scalar("SELECT count(*) FROM sqlite_master")


def needs_upgrade(db: Database) -> bool:
    revision = current_revision(db)
    if revision is None and not is_empty(db):
        raise NotAJournal(f"{db.path} is a database, but not a ReflectJournal journal.")
    return revision != SCHEMA_HEAD


def _alembic_config(db: Database) -> Config:
    # importlib.resources only here: at module level it cost every open ~7 ms of imports.
    from importlib import resources

    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    location = resources.files("reflectjournal.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["connection_factory"] = lambda: db.conn
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to ``revision`` inside the caller's connection."""
    from alembic import command

    log.info("migrating %s from %s to %s", db.path, current_revision(db), revision)
    with db._lock:
        command.upgrade(_alembic_config(db), revision)


def script_head() -> str:
    from importlib import resources

    from alembic.script import ScriptDirectory

    location = resources.files("reflectjournal.storage") / "migrations"
    head = ScriptDirectory(str(location)).get_current_head()
    if head is None:
        raise RuntimeError("the packaged migrations have no head revision")
    return head


def backup_path_for(path: Path, revision: str | None) -> Path:
    return path.with_name(f"{path.name}.pre-migration-{revision or 'empty'}.bak")
