"""In-process service timings on the benchmark corpus: unlock, add, list, search, tags,
patterns, backup and import. Each test checks its answer against what the corpus is known to
hold, so a fast wrong answer fails."""

from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest
from conftest import COMMON_TAG, COMMON_WORD, RARE_WORD, SIZE

from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.workspace import Workspace
from reflectjournal.storage.unlock import KeySources

IN_APP_BUDGET = 0.030  # DESIGN.md §7: search / tag filter to the first 200 results
PATTERNS_BUDGET = 0.300
IMPORT_BUDGET = 15.0  # for a 20k-entry jrnl journal


class _KeyringWithKey:
    """Stands in for KeyringStore: the raw key, as the OS keyring would hand it back."""

    def __init__(self, key_hex: str):
        self.key_hex = key_hex

    def get(self, path):
        return self.key_hex


@pytest.fixture(scope="module")
def ws(journal_copy):
    from conftest import corpus_tools

    workspace = Workspace.open(
        journal_copy,
        KeySources(
            passphrase_file=None, environ={"REFLECTJOURNAL_PASSPHRASE": corpus_tools.PASSPHRASE}
        ),
    )
    yield workspace
    workspace.close()


def _rounds(fast: bool) -> dict:
    return {"rounds": 30 if fast else 7, "iterations": 1, "warmup_rounds": 2}


def test_open_with_passphrase(benchmark, recorder, corpus, journal_copy):
    sources = KeySources(passphrase_file=corpus.passphrase_file, environ={})
    benchmark.pedantic(lambda: Workspace.open(journal_copy, sources).close(), **_rounds(False))
    recorder.from_benchmark(
        "open + unlock, passphrase (Argon2id)",
        benchmark,
        note="Argon2id (128 MiB, 3 passes) costs most of it",
    )


def test_open_with_keyring_key(benchmark, recorder, corpus, journal_copy):
    key = corpus.key_file.read_text(encoding="utf-8").strip()
    sources = KeySources(keyring=_KeyringWithKey(key), environ={})
    opened = Workspace.open(journal_copy, sources)
    assert opened.unlocked_by == "keyring"
    opened.close()
    benchmark.pedantic(lambda: Workspace.open(journal_copy, sources).close(), **_rounds(True))
    recorder.from_benchmark("open + unlock, raw key from keyring", benchmark)


def test_add(benchmark, recorder, ws):
    body = "A long day on the ward. " * 40  # ~1 KB, like the corpus
    added: list[int] = []

    def add():
        added.append(ws.journal.add(body, tags=["burnout", "bench-added"], mood=3))

    before = ws.journal.count()
    benchmark.pedantic(add, **_rounds(True))
    assert ws.journal.count() == before + len(added)
    assert ws.journal.found("ward", EntryFilter(tags=["bench-added"], limit=1))
    with ws.db.transaction():  # leave the copy as the corpus made it, for the other counts
        for entry_id in added:
            ws.journal.delete(entry_id)
        ws.db.execute("DELETE FROM tag WHERE slug = 'bench-added'")
    recorder.from_benchmark("add one entry (1 KB, 2 tags, fsync)", benchmark)


def test_list_by_tag(benchmark, recorder, ws, corpus):
    expected = min(200, corpus.meta()["tag_counts"][COMMON_TAG])
    f = EntryFilter(tags=[COMMON_TAG], limit=200)
    rows = benchmark.pedantic(lambda: ws.journal.entries(f), **_rounds(True))
    assert len(rows) == expected
    assert all(COMMON_TAG in r.tags for r in rows)
    assert [r.created for r in rows] == sorted((r.created for r in rows), reverse=True)
    recorder.from_benchmark(
        f"in-app tag filter, first 200 (@{COMMON_TAG})", benchmark, budget_s=IN_APP_BUDGET
    )


def test_list_newest(benchmark, recorder, ws):
    rows = benchmark.pedantic(lambda: ws.journal.entries(EntryFilter(limit=200)), **_rounds(True))
    newest = ws.db.scalar("SELECT max(created) FROM entry")
    assert len(rows) == min(200, SIZE)
    assert rows[0].created.startswith(newest[:19])
    recorder.from_benchmark("in-app list, newest 200", benchmark, budget_s=IN_APP_BUDGET)


@pytest.mark.parametrize("word", [RARE_WORD, COMMON_WORD])
def test_search(benchmark, recorder, ws, word):
    f = EntryFilter(limit=200)
    rows = benchmark.pedantic(lambda: ws.journal.found(word, f), **_rounds(True))
    total = ws.journal.count(query=word)
    assert 0 < len(rows) == min(200, total)
    # The index also holds tag names, and "handover" is a free tag in the corpus.
    assert all(word in (r.title + r.body + " ".join(r.tags)).lower() for r in rows)
    recorder.from_benchmark(
        f"in-app search, first 200 ('{word}', {total} hits)", benchmark, budget_s=IN_APP_BUDGET
    )


FILTERED = {
    f"@{COMMON_TAG}": dict(tags=[COMMON_TAG]),
    "@locum-spend (a rare tag)": dict(tags=["locum-spend"]),
    "one month": dict(since="2020-01-01T00:00:00+00:00", until="2020-02-01T00:00:00+00:00"),
    "kind session": dict(kind="session"),
    "mood 1-2": dict(mood_min=1, mood_max=2),
    f"@{COMMON_TAG}, two years, kind reflection": dict(
        tags=[COMMON_TAG],
        kind="reflection",
        since="2019-01-01T00:00:00+00:00",
        until="2021-01-01T00:00:00+00:00",
    ),
}


@pytest.mark.parametrize("word", [COMMON_WORD, "t"])
@pytest.mark.parametrize("label", list(FILTERED))
def test_search_filtered(benchmark, recorder, ws, word, label):
    """Search combined with filters: the first 200 as the GUI list loads them (snippets)."""
    f = EntryFilter(**FILTERED[label], limit=200)
    rows = benchmark.pedantic(lambda: ws.journal.found(word, f, body_chars=480), **_rounds(True))
    total = ws.journal.count(EntryFilter(**FILTERED[label]), query=word)
    assert len(rows) == min(200, total)
    for row in rows:
        assert all(t in row.tags for t in f.tags)
        assert f.kind is None or row.kind == f.kind
        assert f.mood_min is None or f.mood_min <= (row.mood or 0) <= f.mood_max
    recorder.from_benchmark(
        f"in-app search + filter, first 200 ('{word}' + {label})",
        benchmark,
        budget_s=IN_APP_BUDGET,
        note=f"{total} matches",
    )


def test_count_search(benchmark, recorder, ws):
    total = benchmark.pedantic(lambda: ws.journal.count(query=COMMON_WORD), **_rounds(True))
    assert total == len(ws.journal.search_ids(COMMON_WORD))
    recorder.from_benchmark(
        f"in-app count of a search ('{COMMON_WORD}')", benchmark, budget_s=IN_APP_BUDGET
    )


def test_tag_counts(benchmark, recorder, ws, corpus):
    counts = benchmark.pedantic(ws.journal.tag_counts, **_rounds(True))
    used = {t.slug: t.count for t in counts if t.count}
    assert used == corpus.meta()["tag_counts"]
    recorder.from_benchmark("in-app tag counts", benchmark, budget_s=IN_APP_BUDGET)


def test_patterns(benchmark, recorder, ws):
    if importlib.util.find_spec("reflectjournal.services.patterns") is None:
        pytest.skip("services/patterns is not in this checkout yet")
    result = benchmark.pedantic(ws.patterns.compute, **_rounds(False))
    assert result.total_entries == SIZE
    recorder.from_benchmark("patterns dashboard recomputation", benchmark, budget_s=PATTERNS_BUDGET)


@pytest.fixture(scope="module")
def century_ws(bench_home):
    """The same number of entries spread over a hundred years (a corpus of its own)."""
    from conftest import SEED, corpus_tools

    century = corpus_tools.build(
        SIZE, SEED, span_years=100, log=lambda m: print(m, file=sys.stderr)
    )
    target = bench_home / "century.rj"
    shutil.copyfile(century.journal, target)
    key = century.key_file.read_text(encoding="utf-8").strip()
    workspace = Workspace.open(target, KeySources(keyring=_KeyringWithKey(key), environ={}))
    yield workspace
    workspace.close()


def test_patterns_over_a_century(benchmark, recorder, century_ws):
    """Issue 17: patterns must not grow with the span the entries cover."""
    import os
    import time

    cpu: list[float] = []

    def compute():
        started = time.process_time()
        result = century_ws.patterns.compute()
        cpu.append(time.process_time() - started)
        return result

    result = benchmark.pedantic(compute, **_rounds(False))
    assert result.total_entries == SIZE
    days = century_ws.db.scalar("SELECT count(DISTINCT substr(created, 1, 10)) FROM entry")
    assert days > 30_000 if SIZE >= 100_000 else days > SIZE // 4  # it really spans a century
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cpu.sort()
    recorder.from_benchmark(
        "patterns dashboard recomputation, entries over a century",
        benchmark,
        budget_s=PATTERNS_BUDGET,
        note=f"{days} distinct days; CPU median {cpu[len(cpu) // 2] * 1000:.0f} ms; load {load:.1f}",
    )


def test_backup_verified(benchmark, recorder, ws, bench_home):
    """What "Back up now" and the backup on close do: copy, reopen, integrity check."""
    target = bench_home / "backup.rj"

    def backup():
        target.unlink(missing_ok=True)
        return ws.backups.backup(target)

    report = benchmark.pedantic(backup, rounds=3, iterations=1, warmup_rounds=0)
    assert report.entries == SIZE
    copy = Workspace.open(target, KeySources(keyring=_KeyringWithKey(ws.db.key.hex()), environ={}))
    assert copy.journal.count() == SIZE
    copy.close()
    recorder.from_benchmark(
        "verified backup (BackupService.backup: copy, reopen, integrity check)",
        benchmark,
        note=f"{target.stat().st_size / 1e6:.0f} MB file",
    )


def test_import_jrnl_20k(benchmark, recorder, tmp_path_factory, cli_env):
    """The import command end to end, as a person runs it: a fresh process reads the 20k jrnl
    file and writes it into a new encrypted journal (one transaction, triggers set aside)."""
    from conftest import corpus_tools, reflectjournal_command, run_once

    source = corpus_tools.build(20_000).jrnl_file
    passphrase_file = tmp_path_factory.mktemp("import-key") / "passphrase.txt"
    passphrase_file.write_text(corpus_tools.PASSPHRASE, encoding="utf-8")
    passphrase_file.chmod(0o600)
    targets = []

    def fresh_journal():
        folder = tmp_path_factory.mktemp("import")
        Workspace.create(folder / "j.rj", corpus_tools.PASSPHRASE).close()
        targets.append(folder / "j.rj")
        return (), {}

    def run():
        command = reflectjournal_command(
            "--journal", str(targets[-1]), "--passphrase-file", str(passphrase_file),
            "import", "jrnl", str(source), "--json",
        )  # fmt: skip
        result = run_once(command, cli_env)
        assert result.returncode == 0, result.stderr.decode()[-500:]
        return result

    result = benchmark.pedantic(run, setup=fresh_journal, rounds=3, iterations=1)
    assert b'"entries": 20000' in result.stdout
    for target in targets:
        shutil.rmtree(target.parent, ignore_errors=True)
    recorder.from_benchmark(
        "import a 20k-entry jrnl journal (CLI `import jrnl`, end to end)",
        benchmark,
        budget_s=IMPORT_BUDGET,
        note="fresh process each run, into a new journal",
    )


def test_parse_jrnl_20k(benchmark, recorder):
    """The parsing half of importing: the jrnl reader over the 20k corpus file."""
    from conftest import corpus_tools

    from reflectjournal.services.importers.jrnl import parse_jrnl

    source = corpus_tools.build(20_000).jrnl_file
    result = benchmark.pedantic(lambda: parse_jrnl(source), rounds=3, iterations=1)
    assert len(result.entries) == 20_000, sys.stderr
    recorder.from_benchmark("parse a 20k-entry jrnl file (importers.jrnl)", benchmark)
