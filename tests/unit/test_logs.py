"""Loggers that load ``logging`` on first use (reflectjournal/logs.py), and the command line's
log file set up only when a read command writes a record."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest


def _run(code: str, env: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env or dict(os.environ),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_logger_loads_logging_and_runs_the_hooks_once_when_first_used():
    report = _run(
        """
import json, sys
from reflectjournal import logs
log = logs.get_logger("reflectjournal.probe")
ran = []
logs.when_used(lambda: ran.append(len(ran)))
before = "logging" in sys.modules
log.warning("first")
log.warning("second")
import logging
print(json.dumps({
    "before": before, "after": "logging" in sys.modules, "ran": ran,
    "same": log.name == logging.getLogger("reflectjournal.probe").name,
    "pending": logs.pending(),
}))
"""
    )
    assert report == {"before": False, "after": True, "ran": [0], "same": True, "pending": False}


def test_once_logging_is_loaded_loggers_are_the_real_ones():
    import logging

    from reflectjournal.logs import get_logger

    assert get_logger("reflectjournal.probe") is logging.getLogger("reflectjournal.probe")


def test_keyring_loads_without_logging_and_its_records_still_arrive():
    report = _run(
        """
import json, sys
from reflectjournal.storage.keyring_store import _import_keyring
keyring = _import_keyring()
loaded = "logging" in sys.modules
import keyring.core
keyring.core.log.warning("a keyring warning")
import logging
print(json.dumps({"loaded_by_keyring": loaded, "now": "logging" in sys.modules,
                  "real": isinstance(sys.modules["logging"].getLogger("x"), logging.Logger),
                  "forwards": keyring.core.log.name == "keyring.core"}))
"""
    )
    assert report == {"loaded_by_keyring": False, "now": True, "real": True, "forwards": True}


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFLECTJOURNAL_")}
    env.update(
        REFLECTJOURNAL_STATE_DIR=str(tmp_path / "state"),
        REFLECTJOURNAL_DATA_DIR=str(tmp_path / "data"),
        REFLECTJOURNAL_CONFIG_DIR=str(tmp_path / "config"),
        REFLECTJOURNAL_NO_KEYRING="1",
    )
    return env


def test_a_failing_read_command_still_writes_its_log_file(tmp_path, cli_env):
    missing = tmp_path / "missing.rj"
    result = subprocess.run(
        [sys.executable, "-m", "reflectjournal", "--journal", str(missing), "list"],
        capture_output=True,
        text=True,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode != 0
    log = tmp_path / "state" / "reflectjournal.log"
    assert "command list failed: JournalNotFound" in log.read_text(encoding="utf-8")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_an_unexpected_error_in_a_read_command_names_the_log_file(tmp_path, cli_env):
    probe = """
import sys
import reflectjournal.cli.journal_cmds as commands
def broken(args):
    raise RuntimeError("some private text")
commands.cmd_tags = broken
from reflectjournal.cli.main import build_parser, run
argv = sys.argv[1:]
args = build_parser(argv).parse_args(argv)
args.handler = broken
print(run(args))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe, "tags"],
        capture_output=True,
        text=True,
        env=cli_env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    log = tmp_path / "state" / "reflectjournal.log"
    assert result.stdout.strip() == "1"
    assert f"details are in {log}" in result.stderr
    text = log.read_text(encoding="utf-8")
    assert "unexpected error" in text and "RuntimeError" in text
    assert "some private text" not in text


def test_a_deferred_module_is_imported_when_first_used():
    report = _run(
        """
import json, sys
from reflectjournal.deferred import import_deferring
dataclasses = import_deferring("dataclasses", ("inspect",))
during = type(dataclasses.inspect).__name__
@dataclasses.dataclass
class NoDocstring:
    x: int
print(json.dumps({"stood_in": during, "loaded_after": "inspect" in sys.modules,
                  "doc": NoDocstring.__doc__, "real": "signature" in vars(sys.modules["inspect"])}))
"""
    )
    assert report == {
        "stood_in": "Deferred",
        "loaded_after": True,
        "doc": "NoDocstring(x: int)",
        "real": True,
    }


def test_keyring_loads_without_shutil_tarfile_or_platform_and_its_helpers_work():
    report = _run(
        """
import json, os, sys
from reflectjournal.storage.keyring_store import _import_keyring
_import_keyring()
light = not {"shutil", "tarfile", "backports.tarfile", "platform"} & set(sys.modules)
import keyring.util.platform_
import platform
same_root = keyring.util.platform_.config_root() == getattr(
    keyring.util.platform_, "_config_root_" + platform.system(),
    keyring.util.platform_._config_root_Linux)()
import jaraco.context
with jaraco.context.temp_dir() as folder:
    open(os.path.join(folder, "x"), "w").close()
removed = not os.path.exists(folder)
from backports import tarfile
print(json.dumps({"light": light, "removed": removed, "tarfile": hasattr(tarfile, "open"),
                  "filter": callable(jaraco.context._default_filter), "root": same_root}))
"""
    )
    assert report == {
        "light": True,
        "removed": True,
        "tarfile": True,
        "filter": True,
        "root": True,
    }
