"""What a detector reports, how overlapping reports are settled, and how text is redacted."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = (
    "nhs-number",
    "chi-number",
    "hc-number",
    "date-of-birth",
    "hospital-number",
    "patient-name",
    "address",
    "postcode",
    "phone",
    "email",
    "sensitive-name",
)
KIND_LABELS = {
    "nhs-number": "NHS number",
    "chi-number": "CHI number (Scotland)",
    "hc-number": "H&C number (Northern Ireland)",
    "date-of-birth": "date of birth",
    "hospital-number": "hospital or MRN number",
    "patient-name": "patient's or relative's name",
    "address": "street address",
    "postcode": "postcode",
    "phone": "phone number",
    "email": "email address",
    "sensitive-name": "sensitive name",
}
# Shorter words for redaction markers and counts.
KIND_SHORT = {**KIND_LABELS, "chi-number": "CHI number", "hc-number": "H&C number",
              "patient-name": "name"}  # fmt: skip
CONTEXT_CHARS = 30

# Which detector wins when two claim overlapping text (lower wins).
PRIORITY = {
    "nhs-number": 0,
    "chi-number": 0,
    "hc-number": 0,
    "email": 1,
    "hospital-number": 2,  # cued; the uncued shape uses SHAPE_PRIORITY
    "date-of-birth": 3,
    "phone": 4,
    "postcode": 5,
    "sensitive-name": 6,
    "address": 7,
    "patient-name": 8,
}
SHAPE_PRIORITY = 7

# A candidate before overlaps are settled: (kind, start, end, priority).
Candidate = tuple[str, int, int, int]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offsets into the scanned text, end exclusive
    end: int
    text: str  # == scanned_text[start:end]
    context: str  # the finding with a little text either side, on one line
    choice: str | None = None  # "redact" when the user chose so for this entry, else None

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def context(text: str, start: int, end: int) -> str:
    """The hit in [brackets] with a little text either side, on one line."""
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)

    def flat(part: str) -> str:
        return re.sub(r"\s+", " ", part)

    before, hit, after = flat(text[left:start]), flat(text[start:end]), flat(text[end:right])
    snippet = f"{before}[{hit.strip()}]{after}".strip()
    return f"{'…' if left > 0 else ''}{snippet}{'…' if right < len(text) else ''}"


def settle(text: str, candidates: list[Candidate]) -> list[Finding]:
    """Non-overlapping findings in reading order: the most specific kind, then the longer."""
    candidates.sort(key=lambda c: (c[3], c[1] - c[2], c[1]))
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end, _ in candidates:
        i = bisect.bisect_left(starts, start)
        if i > 0 and ends[i - 1] > start:  # overlaps the one before
            continue
        if i < len(starts) and starts[i] < end:  # overlaps the one after
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        chosen.append((kind, start, end))
    chosen.sort(key=lambda c: c[1])
    return [
        Finding(kind, start, end, text[start:end], context(text, start, end))
        for kind, start, end in chosen
    ]


def redact_findings(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding replaced by a marker such as ``[NHS number removed]``."""
    spans = sorted(findings, key=lambda f: (f.start, -f.end))
    out: list[str] = []
    position = 0
    for finding in spans:
        if finding.start < 0 or text[finding.start : finding.end] != finding.text:
            raise ValueError("a privacy finding does not belong to this text")
        if finding.start < position:  # overlaps one already redacted: widen that one
            position = max(position, finding.end)
            continue
        out.append(text[position : finding.start])
        out.append(f"[{KIND_SHORT.get(finding.kind, finding.kind)} removed]")
        position = finding.end
    out.append(text[position:])
    return "".join(out)
