"""The command line end to end (a fresh process per run, like a user's shell), against jrnl
on the same entries in the same run. Our side is timed twice: unlocking with a passphrase
file (scrypt, ~0.1 s) and with the key from the keyring (no key stretching)."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys

import pytest
from conftest import (
    COMMON_TAG,
    COMMON_WORD,
    JRNL_RUNS,
    JRNL_TIMEOUT,
    RARE_WORD,
    RUNS,
    Result,
    median_of,
    median_seconds,
    peak_rss_mb,
    reflectjournal_command,
)

CLI_BUDGET = 0.6
MIN_RATIO = 10.0

# name: (our arguments, jrnl's arguments for the same question)
CASES = {
    f"list --tag {COMMON_TAG} --limit 200": (
        ["list", "--tag", COMMON_TAG, "--limit", "200"],
        ["-n", "200", "@" + COMMON_TAG],
    ),
    f"search {RARE_WORD}": (["search", RARE_WORD], ["-contains", RARE_WORD]),
    f"search {COMMON_WORD} --limit 200": (
        ["search", COMMON_WORD, "--limit", "200"],
        ["-contains", COMMON_WORD, "-n", "200"],
    ),
    "tags": (["tags"], ["--tags"]),
    f"search {COMMON_WORD} --tag {COMMON_TAG} --limit 200": (
        ["search", COMMON_WORD, "--tag", COMMON_TAG, "--limit", "200"],
        ["@" + COMMON_TAG, "-contains", COMMON_WORD, "-n", "200"],
    ),
}

_jrnl: dict[str, tuple[float | None, str, int | None]] = {}


def _jrnl_found(stderr: bytes) -> int | None:
    match = re.search(rb"(\d+) entr(?:y|ies) found", stderr)
    return int(match.group(1)) if match else None


def jrnl_median(name: str, corpus) -> tuple[float | None, str, int | None]:
    """jrnl's median for a case, measured once per session: (seconds, note, entries found)."""
    if name not in _jrnl:
        command = corpus.jrnl_command(*CASES[name][1])
        try:
            runs = median_of(command, corpus.jrnl_env(), JRNL_RUNS, timeout=JRNL_TIMEOUT)
        except subprocess.TimeoutExpired:
            _jrnl[name] = (None, f"did not finish within {JRNL_TIMEOUT:.0f} s", None)
        else:
            assert all(r.returncode == 0 for r in runs), runs[0].stderr[-300:]
            found = _jrnl_found(runs[0].stderr)
            if name == "tags":
                found = len(re.findall(rb"^@\S+\s*: \d+$", runs[0].stdout, re.MULTILINE))
            _jrnl[name] = (median_seconds(runs), f"median of {len(runs)}", found)
    return _jrnl[name]


def _our_count(name: str, stdout: bytes) -> int:
    lines = [line for line in stdout.decode().splitlines() if line.strip()]
    if name == "tags":  # the used tags: rows with a non-zero count
        return sum(1 for line in lines if re.match(r"^\s+[1-9]\d*\s+\S+$", line))
    return len(lines)


@pytest.mark.parametrize("unlock", ["passphrase-file", "keyring"])
@pytest.mark.parametrize("name", list(CASES))
def test_cli_vs_jrnl(benchmark, recorder, corpus, cli_env, keyring_env, name, unlock):
    ours, _ = CASES[name]
    if unlock == "keyring":
        env, command = keyring_env, reflectjournal_command(*ours)
    else:
        env = cli_env
        command = reflectjournal_command("--passphrase-file", str(corpus.passphrase_file), *ours)
    runs: list = []
    from conftest import run_once

    benchmark.pedantic(
        lambda: runs.append(run_once(command, env)), rounds=RUNS, iterations=1, warmup_rounds=1
    )
    last = runs[-1]
    assert last.returncode == 0, last.stderr.decode()[-300:]
    jrnl_seconds, jrnl_note, jrnl_found = jrnl_median(name, corpus)
    if jrnl_found is not None:  # both tools answered the same question
        assert _our_count(name, last.stdout) == jrnl_found
    result = recorder.from_benchmark(
        f"CLI `{name}` ({unlock})",
        benchmark,
        budget_s=CLI_BUDGET,
        jrnl_median_s=jrnl_seconds,
        jrnl_note=jrnl_note,
    )
    result.note = f"ours median of {len(runs) - 1} after a warm-up; need ≥ {MIN_RATIO:.0f}× jrnl"


@pytest.mark.parametrize(
    "name, args",
    [
        (f"CLI `search {COMMON_WORD}` (every match)", ["search", COMMON_WORD]),
        ("CLI `tags`", ["tags"]),
    ],
)
def test_cli_peak_memory(benchmark, recorder, corpus, keyring_env, name, args):
    command = reflectjournal_command(*args)
    peaks: list[float] = []
    benchmark.pedantic(
        lambda: peaks.append(peak_rss_mb(command, keyring_env)), rounds=3, iterations=1
    )
    recorder.add(
        Result(
            f"peak memory, {name}",
            None,
            len(peaks),
            peak_rss_mb=max(peaks),
            note="ru_maxrss of the process (wait4), largest of the runs",
        )
    )


# name: (our arguments, raw_floor.py arguments for the same rows)
FLOOR_CASES = {
    f"list --tag {COMMON_TAG} --limit 200": (
        ["list", "--tag", COMMON_TAG, "--limit", "200"],
        ["list-tag", COMMON_TAG],
    ),
    f"search {COMMON_WORD} --limit 200": (
        ["search", COMMON_WORD, "--limit", "200"],
        ["search", COMMON_WORD],
    ),
    "tags": (["tags"], ["tags"]),
}
MAX_FLOOR_RATIO = 2.0


@pytest.mark.parametrize("name", list(FLOOR_CASES))
def test_cli_near_the_floor(benchmark, recorder, corpus, keyring_env, journal_copy, name):
    """Ours (keyring unlock) and a bare sqlcipher3 script on the same file, runs interleaved
    so both see the same machine load; the ratio of medians is what start-up adds."""
    from conftest import HERE, run_once

    ours_args, raw_args = FLOOR_CASES[name]
    ours = reflectjournal_command(*ours_args)
    raw = [sys.executable, str(HERE / "raw_floor.py"), str(journal_copy), *raw_args]
    ours_runs: list = []
    raw_runs: list = []

    def pair():
        raw_runs.append(run_once(raw, keyring_env))
        ours_runs.append(run_once(ours, keyring_env))

    benchmark.pedantic(pair, rounds=RUNS, iterations=1, warmup_rounds=1)
    assert all(r.returncode == 0 for r in ours_runs + raw_runs), ours_runs[-1].stderr[-300:]
    ours_median, raw_median = median_seconds(ours_runs), median_seconds(raw_runs)
    ours_cpu = statistics.median(r.cpu_seconds for r in ours_runs)
    raw_cpu = statistics.median(r.cpu_seconds for r in raw_runs)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    recorder.add(
        Result(
            f"CLI `{name}` (keyring) against a raw sqlcipher3 query",
            ours_median,
            len(ours_runs),
            floor_median_s=raw_median,
            max_floor_ratio=MAX_FLOOR_RATIO,
            samples=[r.seconds for r in ours_runs],
            note=(
                "interleaved pairs after a warm-up; raw = tests/benchmarks/raw_floor.py; "
                f"CPU medians {ours_cpu * 1000:.0f} ms against {raw_cpu * 1000:.0f} ms "
                f"({ours_cpu / raw_cpu:.1f}×); load {load:.1f}"
            ),
        )
    )
