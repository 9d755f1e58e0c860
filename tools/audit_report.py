"""Judge a pip-audit JSON report for CI: fail on known vulnerabilities, say so and go on when
the vulnerability database could not be reached.

pip-audit reports a package it could not look up as skipped and still exits 0, so "no known
vulnerabilities" can mean "nothing was checked". This tells the two apart.

Usage: python tools/audit_report.py REPORT.json   (exit 1 only for found vulnerabilities)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def judge(report_text: str | None) -> tuple[int, str]:
    if not report_text:
        return 0, "pip-audit could not reach its vulnerability database; the audit was skipped."
    try:
        report = json.loads(report_text)
    except ValueError:
        return 0, "pip-audit wrote no readable report; the audit was skipped."
    deps = report.get("dependencies", []) if isinstance(report, dict) else []
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        return 0, (
            f"pip-audit could not reach its vulnerability database ({len(deps)} packages could "
            "not be looked up); the audit was skipped."
        )
    found = [
        f"{d['name']} {d['version']}: {v.get('id')} (fixed in {', '.join(v.get('fix_versions') or []) or 'no release yet'})"
        for d in audited
        for v in d.get("vulns", [])
    ]
    if found:
        return 1, "Known vulnerabilities:\n  " + "\n  ".join(found)
    skipped = len(deps) - len(audited)
    return 0, (
        f"pip-audit: {len(audited)} packages audited, no known vulnerabilities"
        + (f" ({skipped} could not be looked up)." if skipped else ".")
    )


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else None
    text = path.read_text("utf-8") if path and path.exists() and path.stat().st_size else None
    code, message = judge(text)
    print(message)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
