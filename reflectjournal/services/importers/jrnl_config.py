"""The user's jrnl configuration, read for the journal being imported.

jrnl keeps ``jrnl.yaml`` in ``$XDG_CONFIG_HOME/jrnl/`` (``~/.config/jrnl/``), or in the home
folder when that cannot be used; jrnl 1.x kept a JSON ``~/.jrnl_config``. A journal there is
either a path or a mapping whose keys (``journal``, ``timeformat``, ``encrypt``) override the
top-level ones (jrnl's ``scope_config``). We read it with ruamel.yaml, the library jrnl
writes it with, and only ever read it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_CONFIG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class JrnlSettings:
    """What the configuration says about one journal."""

    timeformat: str | None = None
    encrypt: object = None  # False, True, "jrnlv1", "jrnlv2"… as jrnl writes it
    config_path: Path | None = None


def candidate_configs(env: Mapping[str, str] | None = None) -> list[Path]:
    if env is None:
        env = os.environ
    home = Path(env.get("HOME") or Path.home())
    xdg = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return [xdg / "jrnl" / "jrnl.yaml", home / "jrnl.yaml", home / ".jrnl_config"]


def _load(path: Path) -> dict[str, Any] | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
        else:
            from ruamel.yaml import YAML

            data = YAML(typ="safe").load(text)
    except Exception:  # a config jrnl itself could not read: ignore it, detect dates instead
        log.info("a jrnl configuration could not be read; ignored")
        return None
    return data if isinstance(data, dict) else None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def settings_for(journal: Path, configs: list[Path] | None = None) -> JrnlSettings:
    """The jrnl settings of the journal at ``journal``, or empty settings when no config
    names it. A config that names it fixes its ``timeformat`` even when jrnl's default."""
    journal = Path(journal)
    for config_path in configs if configs is not None else candidate_configs():
        config = _load(config_path)
        if config is None:
            continue
        journals = config.get("journals")
        if not isinstance(journals, dict):
            continue
        for scoped in journals.values():
            where = scoped.get("journal") if isinstance(scoped, dict) else scoped
            if not isinstance(where, str):
                continue
            path = Path(os.path.expandvars(os.path.expanduser(where)))
            if not _same(path, journal):
                continue
            merged = dict(config)
            if isinstance(scoped, dict):
                merged.update(scoped)
            timeformat = merged.get("timeformat")
            return JrnlSettings(
                timeformat=timeformat if isinstance(timeformat, str) and timeformat else None,
                encrypt=merged.get("encrypt"),
                config_path=config_path,
            )
    return JrnlSettings()
