"""Issue 17: a command line builds only its own command's parser. The table that says which
module registers which command must match what the modules register."""

from __future__ import annotations

import importlib

import pytest

from reflectjournal.cli import main as cli


def _registered() -> dict[str, str]:
    parser = cli._Parser(prog="reflectjournal")
    sub = parser.add_subparsers(dest="command", parser_class=cli._Parser)
    owner: dict[str, str] = {}
    for name in cli.COMMAND_MODULES:
        before = set(sub.choices)
        importlib.import_module(f"reflectjournal.cli.{name}").register(sub)
        owner.update(dict.fromkeys(set(sub.choices) - before, name))
    return owner


def test_the_command_table_matches_what_the_modules_register():
    assert cli.COMMANDS == _registered()


@pytest.mark.parametrize(
    "argv, command",
    [
        (["list", "--tag", "x"], "list"),
        (["--journal", "list", "search", "x"], "search"),  # a journal file named "list"
        (["--passphrase-file", "p.txt", "--unencrypted", "tags"], "tags"),
        (["--help", "list"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_is_found_after_the_global_options(argv, command):
    assert cli.command_of(argv) == command


def _choices(parser) -> dict:
    return parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "rota", "--tag", "burnout", "--limit", "5"],
        ["list", "--tag", "burnout", "--since", "2024-01-01", "--json"],
        ["tags", "--used"],
        ["devices", "list"],  # a command with verbs of its own
        ["conflicts", "resolve", "3", "--keep", "shown"],
    ],
)
def test_a_known_command_builds_only_its_parser_and_parses_the_same(argv):
    narrow = cli.build_parser(argv)
    full = cli.build_parser()
    assert set(_choices(narrow)) == {argv[0]}
    a, b = vars(narrow.parse_args(argv)), vars(full.parse_args(argv))
    assert a.keys() == b.keys()
    assert {k: v for k, v in a.items() if k != "handler"} == {
        k: v for k, v in b.items() if k != "handler"
    }
    assert a["handler"] is b["handler"]
    # The command's own help (what `reflectjournal COMMAND --help` prints) is the same.
    assert _choices(narrow)[argv[0]].format_help() == _choices(full)[argv[0]].format_help()


def test_every_command_alone_has_the_help_of_the_full_list():
    full = _choices(cli.build_parser())
    for command in cli.COMMANDS:
        narrow = _choices(cli.build_parser([command]))
        assert set(narrow) == {command}
        assert narrow[command].format_help() == full[command].format_help(), command


def test_an_unknown_command_still_gets_the_full_list_in_its_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["lisst"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'lisst'" in err and "patterns" in err and "devices" in err


KEYRING_PROBE = """
import json, sys
from reflectjournal.storage.keyring_store import KeyringStore
KeyringStore().usable()  # loads keyring and its backend
loaded = {m: m in sys.modules for m in ("keyring", "urllib.request", "http.client", "importlib_metadata")}
import jaraco.context
from keyring.compat.py312 import metadata
import urllib.request
forwards = jaraco.context.urllib.request.urlopen is urllib.request.urlopen
real = type(sys.modules["urllib.request"]).__name__
points = hasattr(metadata, "entry_points")
print(json.dumps({"loaded": loaded, "forwards": forwards, "real": real, "points": points}))
"""


def test_keyring_loads_without_the_http_client_and_still_works_if_asked():
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        [sys.executable, "-c", KEYRING_PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["loaded"] == {
        "keyring": True,
        "urllib.request": False,
        "http.client": False,
        "importlib_metadata": False,
    }
    # What keyring's modules hold forwards to the real modules once something uses them.
    assert report == dict(report, forwards=True, real="module", points=True)
