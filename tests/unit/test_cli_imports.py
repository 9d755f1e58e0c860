"""The command line stays light: read commands never import Qt, and start-up is lean."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from reflectjournal.launcher import main
code = main(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlmodel', 'alembic', 'pydantic', 'sqlalchemy'})
print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)
"""


@pytest.fixture
def journal(tmp_path, passphrase_file):
    from reflectjournal.services.workspace import Workspace

    ws = Workspace.create(tmp_path / "j.rj", passphrase_file.read_text().strip())
    ws.journal.add("An entry about staffing", tags=["burnout"])
    ws.close()
    return ["--journal", str(tmp_path / "j.rj"), "--passphrase-file", str(passphrase_file)]


@pytest.mark.parametrize(
    "command",
    [
        ["list", "--json"],
        ["list", "--tag", "burnout"],
        ["search", "staffing", "--json"],
        ["tags", "--json"],
        ["show", "1", "--json"],
        ["frameworks", "--json"],
    ],
)
def test_read_commands_import_no_qt_and_no_orm(journal, command):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *journal, *command],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, result.stderr
    assert report["heavy"] == [], f"{command} imported {report['heavy']}"


KEYRING_BACKEND = """
import json, os
from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        with open(os.environ["TEST_KEYRING_FILE"], encoding="utf-8") as handle:
            return json.load(handle).get(username)

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
"""

LOADED_PROBE = """
import json, sys
from reflectjournal.launcher import main
code = main(sys.argv[1:])
dataclasses = sorted(
    f"{name}.{value.__name__}"
    for name, module in list(sys.modules.items()) if name.startswith("reflectjournal")
    for value in list(vars(module).values())
    if isinstance(value, type) and value.__module__ == name
    and "__dataclass_fields__" in vars(value)
)
print(json.dumps({'code': code, 'unlocked_by_keyring': 'keyring' in sys.modules,
                  'modules': sorted(sys.modules), 'dataclasses': dataclasses}), file=sys.stderr)
"""

# What `list`, `search` and `tags` with the key in the keyring no longer load (issue 17, a
# command line near the floor): the log file's other handlers (socket, pickle, queue), the
# helpers keyring imports but does not call, OpenSSL (hashlib, secrets), and the services that
# reading entries does not use; since round 5 also ``logging`` itself (with traceback: ~7 ms;
# reflectjournal/logs.py loads it when a record is written), inspect (reflectjournal/deferred.py),
# the export-only entry values and the terminal prompt.
NOT_ON_THE_READ_PATH = {
    "logging",
    "traceback",
    "inspect",  # with ast, dis and tokenize (dataclasses and jaraco.functools import it)
    "ast",
    "tokenize",
    "shutil",  # argparse's help formatter and jaraco.context (with zlib, bz2 and lzma)
    "bz2",
    "lzma",
    "tarfile",  # jaraco.context's download helper
    "backports.tarfile",
    "platform",  # keyring asks only platform.system()
    "reflectjournal.logfile",
    "logging.handlers",
    "getpass",
    "termios",
    "reflectjournal.services.entry_records",
    "reflectjournal.cli.devices_cmds",  # init's place options
    "reflectjournal.adapters.qt_pdf",  # only when a PDF is written
    "reflectjournal.services.sharing",  # the launcher's packet suffixes, for a file argument
    "socket",
    "subprocess",
    "tempfile",
    "configparser",
    "more_itertools",
    "urllib.request",
    "hashlib",
    "secrets",
    "tomllib",
    "reflectjournal.services.frameworks",
    "reflectjournal.services.links",
    "reflectjournal.services.people",
    "reflectjournal.services.patterns",
}


@pytest.mark.parametrize(
    "command",
    [["list", "--tag", "burnout", "--limit", "200"], ["search", "staffing"], ["tags"]],
)
def test_read_commands_with_the_keyring_load_only_what_they_use(tmp_path, command):
    from reflectjournal.services.workspace import Workspace

    path = tmp_path / "j.rj"
    ws = Workspace.create(path, "a passphrase for this test")
    ws.journal.add("An entry about staffing", tags=["burnout"])
    key = ws.db.key.hex()
    ws.close()
    (tmp_path / "file_keyring.py").write_text(KEYRING_BACKEND, encoding="utf-8")
    store = tmp_path / "keyring.json"
    store.write_text(json.dumps({str(path.resolve()): key}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "REFLECTJOURNAL_NO_KEYRING"}
    env.update(
        PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
        TEST_KEYRING_FILE=str(store),
        PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")])),
    )
    result = subprocess.run(
        [sys.executable, "-c", LOADED_PROBE, "--journal", str(path), *command],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, result.stderr
    assert "staffing" in result.stdout or "burnout" in result.stdout
    assert report["unlocked_by_keyring"]
    assert sorted(NOT_ON_THE_READ_PATH & set(report["modules"])) == []
    # Each frozen dataclass costs ~1 ms to create at import: only the values these commands
    # return are dataclasses on their path (keys, settings and plans are typed tuples).
    assert set(report["dataclasses"]) <= READ_PATH_DATACLASSES, report["dataclasses"]


READ_PATH_DATACLASSES = {
    "reflectjournal.services.entries.Entry",
    "reflectjournal.services.entries.EntryComment",
    "reflectjournal.services.entries.EntryFilter",
    "reflectjournal.services.tags.TagInfo",
    "reflectjournal.services.tags.TagUsage",
}
