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
