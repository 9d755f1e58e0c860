"""Likely patient-identifiable information in text that is about to leave the machine.

Pure functions over strings, no I/O. The whole API other packages need:

- ``scan(text, sensitive_names=(), *, choices=(), fine_names=(), today=None) -> [Finding]`` —
  every likely identifier, in reading order, never overlapping. ``choices`` are the user's
  per-finding decisions for this text (:class:`Choice`): a finding chosen "fine" (a
  colleague, not a patient) is left out; one chosen "redact" comes back with
  ``choice == "redact"``. ``fine_names`` are names never reported as patients' names.
- ``redact(text, findings) -> str`` — each finding replaced by a marker ("[NHS number
  removed]").
- ``apply_choices(text, findings) -> (text, pending)`` — the text with the findings the user
  chose to redact replaced, and the findings still waiting for a decision.
- ``choice_key(kind, text)`` — what a remembered choice is matched on (the digits of a number,
  the words of a name), so "943 476 5919" and "9434765919" are one decision.

The detectors, one module each: :mod:`.numbers` (NHS, CHI, H&C and hospital numbers, and the
cued non-patient numbers that are not reported), :mod:`.dates` (dates of birth),
:mod:`.names` (patients' and relatives' names), :mod:`.addresses`, :mod:`.contacts`
(postcodes, phones, e-mail) and :mod:`.sensitive` (the user's lists of names). Each module's
docstring states its rule. :mod:`.service` keeps the lists and choices in the journal and runs
the check on everything that leaves (exports, the prep brief, share packets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .addresses import street_addresses
from .contacts import emails, phones, postcodes
from .dates import UNCUED_DOB_MIN_YEARS, dates_of_birth, has_spelled_number
from .findings import KIND_LABELS, KIND_SHORT, KINDS, Finding, redact_findings, settle
from .names import patient_names
from .numbers import health_numbers, hospital_numbers, nhs_number_is_valid
from .sensitive import is_fine, listed_names, name_key

__all__ = [
    "DECISIONS",
    "KINDS",
    "KIND_LABELS",
    "KIND_SHORT",
    "UNCUED_DOB_MIN_YEARS",
    "Choice",
    "Finding",
    "apply_choices",
    "choice_key",
    "nhs_number_is_valid",
    "quiet_scan",
    "redact",
    "scan",
]

DECISIONS = ("redact", "fine")
_DIGIT = re.compile("[0-9]")
_NUMBER_KINDS = {"nhs-number", "chi-number", "hc-number", "hospital-number", "phone"}


@dataclass(frozen=True, slots=True)
class Choice:
    """The user's decision about one identifier in one entry."""

    kind: str
    text: str
    decision: str  # "redact" | "fine"
    note: str = ""  # e.g. "a colleague"

    @property
    def key(self) -> tuple[str, str]:
        return choice_key(self.kind, self.text)


def choice_key(kind: str, text: str) -> tuple[str, str]:
    if kind in _NUMBER_KINDS:
        return kind, re.sub(r"[^0-9A-Za-z]", "", text).upper()
    return kind, " ".join(re.sub("[’`]", "'", text).casefold().split())


def scan(
    text: str,
    sensitive_names: Sequence[str] = (),
    *,
    choices: Iterable[Choice] = (),
    fine_names: Sequence[str] = (),
    today: date | None = None,
) -> list[Finding]:
    """Every likely identifier in ``text`` not chosen "fine", sorted, never overlapping.

    ``today`` fixes the reference date for the date-of-birth rules (tests); it defaults to the
    current date.
    """
    if not text:
        return []
    if isinstance(sensitive_names, str):  # a single name passed by mistake
        sensitive_names = [sensitive_names]
    today = today or date.today()
    has_digit = _DIGIT.search(text) is not None  # most paragraphs have none
    candidates = [*listed_names(text, sensitive_names), *patient_names(text, has_digit)]
    if has_digit or has_spelled_number(text):
        candidates += dates_of_birth(text, today)
    if has_digit:
        candidates += [*health_numbers(text), *hospital_numbers(text), *phones(text)]
        candidates += [*postcodes(text), *street_addresses(text)]
    else:
        candidates += street_addresses(text, numbered=False)
    if "@" in text:
        candidates += emails(text)
    findings = settle(text, candidates)
    fine_keys = [k for k in (name_key(n) for n in fine_names) if k]
    decided = {c.key: c.decision for c in choices}
    out = []
    for finding in findings:
        if is_fine(finding, fine_keys):
            continue
        decision = decided.get(choice_key(finding.kind, finding.text))
        if decision == "fine":
            continue
        out.append(replace(finding, choice=decision) if decision else finding)
    return out


def quiet_scan(text: str, sensitive_names: Sequence[str] = (), **kwargs: object) -> dict[str, int]:
    """Counts per kind, for a small unobtrusive warning in the editor."""
    counts: dict[str, int] = {}
    for finding in scan(text, sensitive_names, **kwargs):  # type: ignore[arg-type]
        if finding.choice is None:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
    return counts


def redact(
    text: str, findings: Iterable[Finding] | None = None, *, sensitive_names: Sequence[str] = ()
) -> str:
    """``text`` with each finding replaced by a marker such as ``[NHS number removed]``.

    Without ``findings`` the text is scanned first. Findings must come from scanning this very
    text (a finding whose offsets do not hold its text raises ``ValueError``); overlapping
    findings are redacted once, as one span.
    """
    if findings is None:
        findings = scan(text, sensitive_names)
    return redact_findings(text, findings)


def apply_choices(text: str, findings: Sequence[Finding]) -> tuple[str, list[Finding]]:
    """(``text`` with the findings chosen "redact" replaced, the findings still undecided)."""
    chosen = [f for f in findings if f.choice == "redact"]
    pending = [f for f in findings if f.choice is None]
    return (redact_findings(text, chosen) if chosen else text), pending
