"""Where things live on disk, and the log file. No Qt, no journal access."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP_NAME = "ReflectJournal"
ENV_JOURNAL = "REFLECTJOURNAL_JOURNAL"


def _dirs() -> PlatformDirs:
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def data_dir() -> Path:
    override = os.environ.get("REFLECTJOURNAL_DATA_DIR")
    return Path(override) if override else Path(_dirs().user_data_dir)


def state_dir() -> Path:
    override = os.environ.get("REFLECTJOURNAL_STATE_DIR")
    return Path(override) if override else Path(_dirs().user_state_dir)


def config_dir() -> Path:
    override = os.environ.get("REFLECTJOURNAL_CONFIG_DIR")
    return Path(override) if override else Path(_dirs().user_config_dir)


def default_journal_path() -> Path:
    env = os.environ.get(ENV_JOURNAL)
    return Path(env).expanduser() if env else data_dir() / "journal.rj"


def log_file() -> Path:
    return state_dir() / "reflectjournal.log"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send log records (with tracebacks) to a rotating file in the state directory.

    Log records name files, ids and errors; they never contain entry text.
    """
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        root.removeHandler(old)
        old.close()  # a replaced log file is closed, not left to the garbage collector
    root.addHandler(handler)
    root.setLevel(level)
    return path
