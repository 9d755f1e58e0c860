"""Loggers that load ``logging`` when a record is first written, not when a module loads.

``logging`` (with ``traceback``, ``linecache``, ``tokenize`` and ``string`` behind it) is ~7 ms
of a command line's start-up, and a ``list`` that works writes no record at all. Modules on
that path name their logger with :func:`get_logger`; while ``logging`` is not loaded that gives
a stand-in which, at its first use, runs the hooks given to :func:`when_used` (the command
line's log file, ``logfile.setup_logging``) and then forwards everything to the real logger.
Once ``logging`` is loaded (the desktop app, the tests, any other command) it gives the real
logger at once.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

_hooks: list[Callable[[], object]] = []


class _Logger:
    """Stands in for ``logging.getLogger(name)`` until something is logged through it."""

    __slots__ = ("_name", "_real")

    def __init__(self, name: str) -> None:
        self._name = name
        self._real: Any = None

    def __getattr__(self, attr: str) -> Any:
        if self._real is None:
            self._real = _real_logger(self._name)
        return getattr(self._real, attr)

    def __repr__(self) -> str:
        return repr(self._real) if self._real is not None else f"<Logger {self._name} (unused)>"


def _loaded() -> ModuleType | None:
    """The real ``logging`` if it is loaded (not a stand-in: storage/keyring_store.py)."""
    module = sys.modules.get("logging")
    return module if module is not None and "getLogger" in vars(module) else None


def _real_logger(name: str) -> logging.Logger:
    module = _loaded()
    if module is None:
        sys.modules.pop("logging", None)  # a stand-in, if any, makes way for the real one
        module = importlib.import_module("logging")
    settle()
    logger: logging.Logger = module.getLogger(name)
    return logger


def get_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)``, or a stand-in that loads ``logging`` on first use."""
    module = _loaded()
    if module is not None and not _hooks:
        logger: logging.Logger = module.getLogger(name)
        return logger
    return _Logger(name)  # type: ignore[return-value]  # it forwards every attribute


def when_used(hook: Callable[[], object]) -> None:
    """Run ``hook`` once, before the first record goes through a logger of ours (or at
    ``settle()``): how the command line sets up its log file only when something is logged."""
    _hooks.append(hook)


def settle() -> None:
    """Run the waiting hooks now (``logging`` has been loaded, or is about to be used)."""
    while _hooks:
        _hooks.pop(0)()


def pending() -> bool:
    """Whether hooks are still waiting (nothing has been logged yet)."""
    return bool(_hooks)
