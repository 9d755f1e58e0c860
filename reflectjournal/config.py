"""Where things live on disk, and the log file. No Qt, no journal access.

The log file's handler and formatter are in ``logfile.py``: loading ``logging`` costs a command
line ~7 ms, so it happens only when the log is set up (see ``logs.py``)."""

from __future__ import annotations

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


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) 0700; tighten it if it exists and is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o700)
    except (OSError, AttributeError):  # AttributeError: no getuid on Windows
        pass
    return path


def setup_logging(level: int = 20) -> Path | None:  # 20: logging.INFO
    """Send log records (with tracebacks) to a rotating file in the state directory.

    Log records name files, ids and error types; never entry text, names or error messages.
    The folder is 0700 and every log file 0600, including the ones rotation creates.
    """
    import logging

    from reflectjournal.logfile import LogSafeFormatter, PrivateRotatingFileHandler

    path = log_file()
    try:
        private_dir(path.parent)
        handler = PrivateRotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(LogSafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        root.removeHandler(old)
        old.close()  # a replaced log file is closed, not left to the garbage collector
    root.addHandler(handler)
    root.setLevel(level)
    return path
