"""Run a command and print its peak resident memory in MiB (Linux/macOS), its exit status and
its user and system CPU seconds, via wait4.

    python tests/benchmarks/peak_rss.py COMMAND [ARGS...]

Why a separate process: on Linux a child's ru_maxrss starts from what it inherited at fork,
so a command spawned straight from a large pytest process (one that just built a 100k corpus
in memory) would report the parent's size. Spawned from this small process, it reports its own.
"""

from __future__ import annotations

import os
import subprocess
import sys


def main(command: list[str]) -> int:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    # Then the child's CPU seconds (user, system): on a shared machine, wall time alone
    # says more about the neighbours than about the command.
    print(
        f"{usage.ru_maxrss / scale:.1f} {os.waitstatus_to_exitcode(status)} "
        f"{usage.ru_utime:.2f} {usage.ru_stime:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
