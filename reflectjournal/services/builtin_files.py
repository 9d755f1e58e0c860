"""The framework and model files shipped with the app, and whether a journal holds them.

Every open asks ``builtins_current``; when the answer is yes (almost always) nothing else of
``services/frameworks.py`` is needed, so that module and its dataclasses load only when a
framework is shown, parsed or installed.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path

from reflectjournal.services import settings
from reflectjournal.storage.database import Database

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


@cache
def resource_texts(folder: str) -> tuple[str, ...]:
    """The text of each ``.toml`` file in a resources folder, by file name."""
    # A plain folder beside the package (a checkout, a wheel, a frozen build) is read directly:
    # importlib.resources costs ~7 ms of imports, on every command. Zipped installs fall back.
    base = RESOURCES / folder
    if not base.is_dir():
        from importlib import resources

        base = resources.files("reflectjournal.resources") / folder  # type: ignore[assignment]
    return tuple(
        entry.read_text(encoding="utf-8")
        for entry in sorted(base.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    )


def builtin_fingerprint() -> str:
    """Identifies the shipped framework files' exact text, without parsing them."""
    texts = resource_texts("frameworks")
    return f"{len(texts)}:{zlib.crc32(chr(0).join(texts).encode('utf-8')):08x}"


def builtins_current(db: Database) -> bool:
    """Whether the journal was last brought up to date from these very framework files."""
    return settings.read(db, settings.BUILTIN_FRAMEWORKS) == builtin_fingerprint()
