"""Benchmark fixtures: a cached corpus (tools/corpus.py), a working copy of it, and a results
file that tools/bench_report.py turns into docs/benchmarks.md.

Run: ``.venv/bin/python -m pytest tests/benchmarks --benchmark-only`` (RJ_BENCH_SIZE=100000 for
the full run; default 20000). Every test here takes the ``benchmark`` fixture, so the ordinary
test run (``--benchmark-skip``) skips them all at collection, before any corpus is built.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

import corpus as corpus_tools  # noqa: E402

SIZE = int(os.environ.get("RJ_BENCH_SIZE", "20000"))
SEED = int(os.environ.get("RJ_BENCH_SEED", "7"))
# Subprocess repetitions (hyperfine-like: one warm-up, then the median of these).
RUNS = int(os.environ.get("RJ_BENCH_RUNS", "7"))
JRNL_RUNS = int(os.environ.get("RJ_BENCH_JRNL_RUNS", "3"))
# jrnl's tag listing grows quadratically; past this many seconds it is reported as a floor.
JRNL_TIMEOUT = float(os.environ.get("RJ_BENCH_JRNL_TIMEOUT", "180"))
RESULTS = ROOT / ".bench-cache" / f"results-{SIZE}.json"

# Words the corpus holds at known rates: COMMON is in most entries, RARE in ~0.3% of them.
COMMON_TAG = "workforce-pressures"
RARE_WORD = "norovirus"
COMMON_WORD = "handover"


@dataclass
class Result:
    name: str
    median_s: float | None
    runs: int
    budget_s: float | None = None
    jrnl_median_s: float | None = None
    jrnl_note: str = ""
    peak_rss_mb: float | None = None
    budget_rss_mb: float | None = None
    floor_median_s: float | None = None  # the same question asked by a bare sqlcipher3 script
    max_floor_ratio: float | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)


class Recorder:
    """Collects results and rewrites the results file after each one, so a crash late in a
    long run (a Qt abort, a killed jrnl) still leaves every row measured before it."""

    def __init__(self, info: dict, started: float) -> None:
        self.results: dict[str, Result] = {}
        self.info = info
        self.started = started
        self.previous: dict = {}
        if RESULTS.exists():  # a partial rerun (-k) keeps the other rows of the same size
            try:
                self.previous = json.loads(RESULTS.read_text(encoding="utf-8"))["results"]
            except (OSError, ValueError, KeyError):
                self.previous = {}

    def add(self, result: Result) -> Result:
        self.results[result.name] = result
        self.save()
        return result

    def from_benchmark(self, name: str, benchmark, **extra) -> Result:
        stats = benchmark.stats.stats
        return self.add(Result(name, stats.median, stats.rounds, samples=list(stats.data), **extra))

    def save(self) -> None:
        rows = dict(self.previous)
        rows.update({name: asdict(r) for name, r in self.results.items()})
        info = dict(self.info, load_now=os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
        document = {
            "size": SIZE,
            "seed": SEED,
            "machine": info,
            "started": time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started)),
            "results": rows,
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(document, indent=1), encoding="utf-8")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_at_start": load,
    }


@pytest.fixture(scope="session", autouse=True)
def production_key_derivation():
    """Benchmarks measure what users get: the production key derivation, not the cheap one
    tests/conftest.py sets for the rest of the suite (issue 14)."""
    saved = os.environ.pop("REFLECTJOURNAL_TEST_WEAK_KDF", None)
    yield
    if saved is not None:
        os.environ["REFLECTJOURNAL_TEST_WEAK_KDF"] = saved


@pytest.fixture(scope="session")
def recorder():
    rec = Recorder(machine(), time.time())
    yield rec
    if rec.results:
        rec.save()


@pytest.fixture(scope="session")
def corpus():
    return corpus_tools.build(SIZE, SEED, log=lambda message: print(message, file=sys.stderr))


@pytest.fixture(scope="session")
def bench_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bench-home")


@pytest.fixture(scope="session")
def journal_copy(corpus, bench_home) -> Path:
    """A working copy, so benchmarks that write never touch the cached corpus."""
    target = bench_home / "journal.rj"
    shutil.copyfile(corpus.journal, target)
    return target


@pytest.fixture(scope="session")
def cli_env(bench_home, corpus, journal_copy) -> dict[str, str]:
    """Environment for CLI subprocesses: isolated dirs; unlock by passphrase file.

    Our modules are byte-compiled first and may be cached, as a pip install has them: with
    PYTHONDONTWRITEBYTECODE inherited (some shells and CI set it) every run compiled the whole
    package from source, ~60 ms of a command's start-up that no user pays."""
    import compileall

    compileall.compile_dir(ROOT / "reflectjournal", quiet=1)
    compileall.compile_dir(HERE, maxlevels=0, quiet=1)
    env = dict(os.environ, TZ="UTC")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("DATA", "STATE", "CONFIG"):
        env[f"REFLECTJOURNAL_{name}_DIR"] = str(bench_home / name.lower())
    env["REFLECTJOURNAL_JOURNAL"] = str(journal_copy)
    env["REFLECTJOURNAL_NO_KEYRING"] = "1"
    env.pop("REFLECTJOURNAL_PASSPHRASE", None)
    return env


@pytest.fixture(scope="session")
def keyring_env(cli_env, corpus, journal_copy, bench_home) -> dict[str, str]:
    """Environment whose keyring (tests/benchmarks/bench_keyring.py) holds the raw key."""
    store = bench_home / "keyring.json"
    account = str(journal_copy.resolve())
    store.write_text(
        json.dumps({account: corpus.key_file.read_text(encoding="utf-8").strip()}),
        encoding="utf-8",
    )
    env = dict(cli_env)
    env.pop("REFLECTJOURNAL_NO_KEYRING")
    env["PYTHON_KEYRING_BACKEND"] = "bench_keyring.BenchKeyring"
    env["RJ_BENCH_KEYRING_FILE"] = str(store)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    return env


def reflectjournal_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "reflectjournal", *args]


@dataclass
class Run:
    seconds: float
    returncode: int
    stdout: bytes
    stderr: bytes
    cpu_seconds: float = 0.0  # user + system of the child (wait4), steadier on a busy machine


def run_once(command: list[str], env: dict[str, str], timeout: float | None = None) -> Run:
    """One subprocess, wall-clock timed from spawn to exit, output captured."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, proc.returncode, out, err, cpu)


def peak_rss_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one run of ``command``, measured by peak_rss.py (see why there)."""
    helper = [sys.executable, str(HERE / "peak_rss.py"), *command]
    out = subprocess.run(helper, env=env, capture_output=True, check=True).stdout.split()
    assert out[1] == b"0", f"{command} failed while its memory was measured"
    return float(out[0])


def median_of(command: list[str], env: dict[str, str], runs: int, timeout=None) -> list[Run]:
    run_once(command, env, timeout)  # warm-up: page cache, .pyc files
    return [run_once(command, env, timeout) for _ in range(runs)]


def median_seconds(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)
