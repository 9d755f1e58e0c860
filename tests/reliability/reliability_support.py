"""Helpers shared by the reliability suite: sizes, CLI subprocesses, file fingerprints."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

PASSPHRASE = "correct horse battery staple"
NEW_PASSPHRASE = "a different passphrase, also long"

# CI runs a size that fits in a few minutes; RJ_FULL=1 runs the full size.
FULL = os.environ.get("RJ_FULL") == "1"


def size(ci: int, full: int) -> int:
    return full if FULL else ci


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of the test (isolated home, no keyring) for a CLI subprocess."""
    env = dict(os.environ)
    env.pop("REFLECTJOURNAL_PASSPHRASE", None)
    env.update(extra)
    return env


def run_cli(
    *args: str,
    journal: Path,
    passphrase_file: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    """Run ``python -m reflectjournal`` as a real process; returns bytes stdout/stderr."""
    argv = [sys.executable, "-m", "reflectjournal", "--journal", str(journal)]
    if passphrase_file is not None:
        argv += ["--passphrase-file", str(passphrase_file)]
    return subprocess.run(
        [*argv, *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env or cli_env(),
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, code: int | None = None) -> str:
    """A failure reported as exactly one line on stderr, no traceback; returns the line."""
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, f"expected a failure, got exit 0: {result.stdout[:300]!r}"
    if code is not None:
        assert result.returncode == code, (result.returncode, err)
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr should be one line, got {len(lines)}: {err!r}"
    assert lines[0].startswith("reflectjournal: "), lines[0]
    assert "unexpected error" not in lines[0], lines[0]
    return lines[0]


def journal_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def fingerprint(path: Path) -> dict[str, str | None]:
    """Hashes of the journal and its side files (None where a file is absent)."""
    result: dict[str, str | None] = {}
    for p in journal_files(path):
        result[p.name] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return result


def write_passphrase(folder: Path, passphrase: str = PASSPHRASE, name: str = "pass.txt") -> Path:
    path = folder / name
    path.write_text(passphrase + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def open_workspace(path: Path, passphrase: str = PASSPHRASE):
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    return Workspace.open(path, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase}))


def new_journal(path: Path, passphrase: str = PASSPHRASE, entries: int = 0):
    """A fresh encrypted journal with ``entries`` known entries, closed; returns the path."""
    from reflectjournal.services.workspace import Workspace

    ws = Workspace.create(path, passphrase, owner="Reliability Test")
    for i in range(entries):
        ws.journal.add(f"known entry {i} wordw{i}x " + "steady text " * 20, tags=["burnout"])
    ws.close()
    return path


# ---- faults the operating system can produce -----------------------------------------------

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def make_read_only(path: Path) -> bool:
    """Make ``path`` unwritable even for root (immutable flag); False if impossible here."""
    if not IS_ROOT:
        path.chmod(0o500 if path.is_dir() else 0o400)
        return True
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return result.returncode == 0


def make_writable(path: Path) -> None:
    if IS_ROOT:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    else:
        path.chmod(0o700 if path.is_dir() else 0o600)


def mount_tmpfs(folder: Path, size_kb: int) -> bool:
    """A tiny filesystem of our own (root only); False when this machine cannot mount."""
    if not IS_ROOT:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
        capture_output=True,
    )
    return result.returncode == 0


def remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)
