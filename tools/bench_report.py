"""Run the benchmarks and write their results table into docs/benchmarks.md.

    .venv/bin/python tools/bench_report.py            # 1k, 10k and 100k: run, then write the page
    .venv/bin/python tools/bench_report.py --size 100000          # one size
    .venv/bin/python tools/bench_report.py --no-run  # tables (and growth) from the last runs
    .venv/bin/python tools/bench_report.py --size 10000 -k "cli or search or patterns"
                                                     # a subset (pytest -k), rows kept

The benchmarks (tests/benchmarks) write .bench-cache/results-<size>.json as they go; this
script only turns that file into Markdown, so a partial run still gives a partial table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
MIN_RATIO = 10.0

HEADER = """\
# Performance at scale

How ReflectJournal holds up on a large journal, measured against
[jrnl](https://jrnl.sh) 4.6 reading the same entries. Regenerate this page with one command:

```
.venv/bin/python tools/bench_report.py                 # 1k, 10k and 100k, then this page
.venv/bin/python tools/bench_report.py --size 100000   # one size
```

It builds (or reuses) a seeded corpus with `tools/corpus.py` — entries over ten years,
~1.2 KB Markdown bodies, 1–4 framework or free tags, moods, model sections, coaching
sessions and actions — written both as our encrypted journal and as a jrnl plain-text file,
then runs `pytest tests/benchmarks --benchmark-only`. Run the suite alone with
`RJ_BENCH_SIZE=20000 .venv/bin/python -m pytest tests/benchmarks --benchmark-only`.

Timings are medians. CLI rows are fresh processes (one warm-up, then the median of several
runs, like hyperfine), and jrnl's runs are made in the same session so the ratio compares like
with like. jrnl reads an unencrypted file; we decrypt SQLCipher pages. Budgets are those of
DESIGN.md §7.
"""


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _verdict(r: dict) -> str:
    checks = []
    if r.get("max_floor_ratio") and r.get("floor_median_s") and r.get("median_s"):
        checks.append(r["median_s"] / r["floor_median_s"] <= r["max_floor_ratio"])
    if r.get("budget_s") is not None and r.get("median_s") is not None:
        checks.append(r["median_s"] <= r["budget_s"])
    if r.get("budget_rss_mb") is not None and r.get("peak_rss_mb") is not None:
        checks.append(r["peak_rss_mb"] <= r["budget_rss_mb"])
    if r["name"].startswith("CLI `") and r.get("median_s") and not r.get("floor_median_s"):
        jrnl = r.get("jrnl_median_s")
        # jrnl that never finished is at least its timeout, so the ratio is a lower bound.
        checks.append(jrnl is None or jrnl / r["median_s"] >= MIN_RATIO)
    if not checks:
        return "(no budget)"
    return "met" if all(checks) else "**not met**"


def _ratio(r: dict) -> str:
    if r.get("floor_median_s"):
        return (
            f"{r['median_s'] / r['floor_median_s']:.1f}× the raw query ({_ms(r['floor_median_s'])})"
        )
    if not r["name"].startswith("CLI `"):
        return ""
    if r.get("jrnl_median_s") is None:
        return f"jrnl {r.get('jrnl_note') or 'not run'}"
    return f"{r['jrnl_median_s'] / r['median_s']:.1f}× (jrnl {_ms(r['jrnl_median_s'])})"


def _budget(r: dict) -> str:
    parts = []
    if r.get("budget_s") is not None:
        parts.append(f"≤ {_ms(r['budget_s'])}")
    if r.get("budget_rss_mb") is not None:
        parts.append(f"≤ {r['budget_rss_mb']:.0f} MB")
    if r.get("max_floor_ratio"):
        parts.append(f"≤ {r['max_floor_ratio']:.0f}× the raw query")
    elif r["name"].startswith("CLI `"):
        parts.append(f"≥ {MIN_RATIO:.0f}× jrnl")
    return ", ".join(parts)


def table(document: dict) -> str:
    m = document["machine"]
    load = [m.get("load_at_start"), m.get("load_now")]
    lines = [
        f"## {document['size']:,} entries (seed {document['seed']}, run {document['started']})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, {m['system']}, "
        f"Python {m['python']}. **The CPU is shared with other work** (load average "
        + " → ".join(f"{x:.1f}" for x in load if x is not None)
        + "), so single timings are noisy; medians are what to compare.",
        "",
        "| operation | median | peak memory | vs jrnl | budget | verdict | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in document["results"].values():
        memory = f"{r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") is not None else ""
        lines.append(
            f"| {r['name']} | {_ms(r.get('median_s'))} | {memory} | {_ratio(r)} | "
            f"{_budget(r)} | {_verdict(r)} | {r.get('note', '')} |"
        )
    return "\n".join(lines) + "\n"


def _operation(name: str) -> str:
    """A row's name without what depends on the corpus size (hit counts), to line sizes up."""
    return re.sub(r", \d+ hits\)", ")", name)


def growth(documents: list[dict]) -> str:
    """One row per operation, one column per corpus size: how each grows from 1k to 100k."""
    documents = sorted(documents, key=lambda d: d["size"])
    names: dict[str, None] = {}
    cells: dict[tuple[str, int], str] = {}
    for document in documents:
        for r in document["results"].values():
            op = _operation(r["name"])
            names.setdefault(op)
            value = _ms(r.get("median_s")) if r.get("median_s") is not None else ""
            if r.get("peak_rss_mb") is not None:
                value = (value + " / " if value else "") + f"{r['peak_rss_mb']:.0f} MB"
            if r.get("jrnl_median_s"):
                value += f" (jrnl {_ms(r['jrnl_median_s'])})"
            elif r.get("jrnl_note") and "finish" in r["jrnl_note"]:
                value += " (jrnl > timeout)"
            if r.get("floor_median_s"):
                value += f" (raw {_ms(r['floor_median_s'])})"
            cells[(op, document["size"])] = value
    sizes = [d["size"] for d in documents]
    lines = [
        "## Growth with the journal's size",
        "",
        "Medians of the runs below, side by side (jrnl and the raw sqlcipher3 floor measured "
        "in the same run as ours). An empty cell: not measured at that size.",
        "",
        "| operation | " + " | ".join(f"{n:,} entries" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for op in names:
        lines.append(f"| {op} | " + " | ".join(cells.get((op, n), "") for n in sizes) + " |")
    return "\n".join(lines) + "\n"


NOTES_MARK = "<!-- notes: kept when the tables are regenerated -->"


def write(sizes: list[int]) -> Path:
    """Tables for each size; anything below NOTES_MARK in the old page is kept as it was."""
    notes = ""
    if DOC.exists():
        old = DOC.read_text(encoding="utf-8")
        if NOTES_MARK in old:
            notes = old[old.index(NOTES_MARK) :]
    sections = [HEADER]
    documents = []
    for size in sizes:
        path = ROOT / ".bench-cache" / f"results-{size}.json"
        if path.exists():
            documents.append(json.loads(path.read_text(encoding="utf-8")))
    if len(documents) > 1:
        sections.append(growth(documents))
    for document in sorted(documents, key=lambda d: -d["size"]):
        sections.append(table(document))
    sections.append(notes or NOTES_MARK + "\n")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(sections), encoding="utf-8")
    return DOC


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="corpus size (repeatable)")
    parser.add_argument("--no-run", action="store_true", help="only rewrite the table")
    parser.add_argument(
        "-k", dest="select", metavar="EXPR", help="only the benchmarks pytest -k EXPR selects"
    )
    args = parser.parse_args(argv)
    sizes = args.size or [1_000, 10_000, 100_000]
    code = 0
    if not args.no_run:
        for size in sizes:
            command = [sys.executable, "-m", "pytest", "tests/benchmarks", "--benchmark-only"]
            select = ["-k", args.select] if args.select else []
            done = subprocess.run(
                [*command, "-q", *select],
                cwd=ROOT,
                env=dict(os.environ, RJ_BENCH_SIZE=str(size)),
            )
            code = code or done.returncode
    print(write(sizes))
    if code:
        print(f"the benchmark run exited with {code}; the table shows what it measured")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
