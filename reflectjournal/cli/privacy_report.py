"""How the command line shows the privacy check's findings (exports, prep brief)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from reflectjournal.cli import output, shapes
from reflectjournal.errors import PrivacyCheckFailed


def finding_line(f: dict) -> str:
    where = f"{f['date']} \u201c{f['entry']}\u201d, {f['field']}: " if f.get("entry") else ""
    return f"  {where}{f['label']}: {f['context']}"


@contextmanager
def refusal_reported(args) -> Iterator[None]:
    """A refused document lists its findings (stderr, or one JSON document), then fails."""
    try:
        yield
    except PrivacyCheckFailed as exc:
        findings = shapes.privacy_findings_json(exc.findings)
        if getattr(args, "json", False):
            output.emit_json({"written": False, "findings": findings})
        else:
            sys.stderr.write("Likely patient identifiers:\n")
            for f in findings:
                sys.stderr.write(finding_line(f) + "\n")
        raise


def findings_note(findings: int, redacted: int = 0) -> str:
    """' It carries 2 likely patient identifiers.' (empty when there is nothing to say)."""
    parts = []
    if findings:
        parts.append(
            f"It carries {findings} likely patient identifier{'s' if findings != 1 else ''} "
            "(the privacy check's count; check before you pass it on)."
        )
    if redacted:
        parts.append(
            f"{redacted} identifier{'s were' if redacted != 1 else ' was'} redacted as you chose."
        )
    return (" " + " ".join(parts)) if parts else ""
