"""The privacy check's speed on a megabyte of reflective prose (our labelled sentences).

Run alone: ``.venv/bin/python -m pytest tests/benchmarks/test_bench_privacy.py --benchmark-only``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reflectjournal.services.privacy import scan

DATA = Path(__file__).resolve().parents[1] / "unit" / "data"


def _megabyte() -> str:
    lines = [
        line
        for name in ("privacy_prose.txt", "privacy_prose_heldout.txt")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "->", "@"))
    ]
    text = "\n".join(lines) + "\n"
    return text * (1_000_000 // len(text))


def test_scan_a_megabyte_of_prose(benchmark):
    text = _megabyte()
    findings = benchmark.pedantic(
        scan, args=(text,), kwargs={"today": date(2026, 11, 26)}, rounds=3, iterations=1
    )
    assert findings
