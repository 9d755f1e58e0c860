"""Shared fixtures: every test runs against a throwaway home, with no real keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# GUI tests need no screen; unit tests never import Qt, so this is harmless for them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Journals made by tests use a cheap key derivation (~1 ms instead of ~0.5 s); set here, at
# import, so CLI subprocesses inherit it. test_key_schemes proves the production parameters.
os.environ.setdefault("REFLECTJOURNAL_TEST_WEAK_KDF", "1")

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    for name in ("DATA", "STATE", "CONFIG"):
        monkeypatch.setenv(f"REFLECTJOURNAL_{name}_DIR", str(home / name.lower()))
    monkeypatch.setenv("REFLECTJOURNAL_NO_KEYRING", "1")
    monkeypatch.delenv("REFLECTJOURNAL_PASSPHRASE", raising=False)
    monkeypatch.delenv("REFLECTJOURNAL_JOURNAL", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("TZ", os.environ.get("TZ", "UTC"))
    return home


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE


@pytest.fixture
def passphrase_file(tmp_path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)  # a passphrase file others can read is refused, as ssh refuses keys
    return path


@pytest.fixture
def workspace(tmp_path):
    """A new encrypted journal, open; closed after the test."""
    from reflectjournal.services.workspace import Workspace

    ws = Workspace.create(tmp_path / "journal.rj", PASSPHRASE, owner="Test Leader")
    yield ws
    try:
        ws.close()
    except Exception:
        pass


@pytest.fixture
def cli(tmp_path, passphrase_file, capsys):
    """Run the CLI in-process against tmp_path/journal.rj: returns (exit code, stdout, stderr)."""
    from reflectjournal.cli.main import main

    journal = tmp_path / "journal.rj"

    def run(*args: str, journal_path: Path | None = None, passphrase: Path | None = None):
        argv = ["--journal", str(journal_path or journal)]
        argv += ["--passphrase-file", str(passphrase or passphrase_file)]
        try:
            code = main([*argv, *args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    run.journal = journal
    return run
