"""Privacy detectors: examples each way per kind, and precision/recall on a labelled sample.

Run with ``-s`` to see the per-detector figures.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflectjournal.services.privacy import (
    KINDS,
    UNCUED_DOB_MIN_YEARS,
    Finding,
    nhs_number_is_valid,
    redact,
    scan,
)

TODAY = date(2026, 11, 26)
SAMPLE = Path(__file__).parent / "data" / "privacy_sample.txt"


def found(text: str, names=(), today: date = TODAY) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text, names, today=today)]


def kinds(text: str, names=()) -> set[str]:
    return {kind for kind, _ in found(text, names)}


# ---- NHS numbers: the check digit is computed here, independently -----------------------------


def check_digit(first_nine: str) -> int | None:
    """Modulus 11 with weights 10..2; None when the remainder gives 10 (never issued)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    check = 11 - total % 11
    return None if check == 10 else 0 if check == 11 else check


def numbers(valid: bool, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        nine = "".join(rng.choice("0123456789") for _ in range(9))
        check = check_digit(nine)
        if check is None or len(set(nine)) == 1:
            continue
        last = check if valid else (check + rng.randint(1, 9)) % 10
        out.append(nine + str(last))
    return out


def test_published_example_is_valid_and_found_in_every_format():
    assert nhs_number_is_valid("9434765919")
    for written in ("943 476 5919", "943-476-5919", "9434765919"):
        assert found(f"NHS number {written} on the form") == [("nhs-number", written)]


def test_after_an_nhs_cue_any_grouping_counts():
    assert found("NHS no 9434 765 919 on the form") == [("nhs-number", "9434 765 919")]
    assert found("NHS number: 94 3476 5919.") == [("nhs-number", "94 3476 5919")]
    # A typo in the check digit right after the cue still points at the patient.
    assert found("NHS no 9434 765 918 has a bad check digit") == [("nhs-number", "9434 765 918")]
    # Every common grouping counts without a cue too (4-3-3, dots); a non-patient cue wins.
    assert found("Reference 9434 765 919 with no cue") == [("nhs-number", "9434 765 919")]
    assert found("Copied 943.476.5919 by hand") == [("nhs-number", "943.476.5919")]
    assert found("Invoice 9434 765 919 from the agency") == []


@pytest.mark.parametrize("number", numbers(valid=True, count=40, seed=1))
def test_valid_check_digits_are_found(number):
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    assert nhs_number_is_valid(number)
    assert ("nhs-number", spaced) in found(f"Quoted {spaced} at the huddle.")
    assert ("nhs-number", number) in found(f"Quoted {number} at the huddle.")


@pytest.mark.parametrize("number", numbers(valid=False, count=40, seed=2))
def test_invalid_check_digits_are_not_nhs_numbers(number):
    assert not nhs_number_is_valid(number)
    assert "nhs-number" not in kinds(f"Ref {number[:3]} {number[3:6]} {number[6:]} in the log.")
    assert "nhs-number" not in kinds(f"Ref {number} in the log.")


def test_remainder_ten_is_never_valid():
    nine = next(n for n in (f"{i:09d}" for i in range(1, 10**6)) if check_digit(n) is None)
    assert not any(nhs_number_is_valid(nine + str(d)) for d in range(10))


@pytest.mark.parametrize(
    "text",
    [
        "Ref 943 476 5918 is a typo.",  # wrong check digit
        "0000000000 is a placeholder.",  # identical digits pass mod 11 but are not issued
        "Account 12943 476 59190 is longer.",  # part of a longer number
        "943 476 59190 has eleven digits.",
        "Mixed 943-476 5919 separators.",
        "Money £9434765919 is not a person.",
        "Purchase order 9434765919 for beds.",
        "PO 943 476 5919 raised twice.",
        "Datix 9434765919 closed.",
        "ESR number 9434765919 on my payslip.",
        "Cost centre 943-476-5919 overspent.",
        "Ticket 9434765919 with IT.",
    ],
)
def test_nhs_number_negatives(text):
    assert "nhs-number" not in kinds(text)


# ---- dates of birth -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date_text",
    [
        ("DOB 12/03/1956, frail", "12/03/1956"),
        ("D.O.B. 12-03-56 on the label", "12-03-56"),
        ("dob: 1956-03-12", "1956-03-12"),
        ("Date of birth 12 March 1956.", "12 March 1956"),
        ("date of birth is 12th Mar 1956", "12th Mar 1956"),
        ("born on March 12, 1956 in Leeds", "March 12, 1956"),
        ("born 03/1956", "03/1956"),
        ("Birth date recorded as 12.03.1956", "12.03.1956"),
        ("The baby, born on 02/10/2026, was well.", "02/10/2026"),
        ("admitted, 14/07/1938, no next of kin", "14/07/1938"),  # uncued, decades ago
        (f"seen, 01/01/{TODAY.year - UNCUED_DOB_MIN_YEARS}, in clinic",
         f"01/01/{TODAY.year - UNCUED_DOB_MIN_YEARS}"),
        ("Birthday: 12/03/1956", "12/03/1956"),
    ],
)  # fmt: skip
def test_dates_of_birth_are_found(text, date_text):
    assert ("date-of-birth", date_text) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Board meeting on 12/03/2026 went badly.",
        "Deadline 2026-12-01 for the QI report.",
        "The CQC visit on 14 June 2025 went well.",
        f"Restructure on 01/04/{TODAY.year - UNCUED_DOB_MIN_YEARS + 1}.",  # too recent uncued
        "Meeting on 12/03/56 (two-digit year, no cue).",
        "She was born in 1956.",  # a year is not a date
        "DOB 31/02/1956 cannot exist.",
        "DOB 12/03/2027 is in the future.",
        "Born out of frustration, the project started on 12/03/2024.",
        "My birthday party on 12/03/2026 was lovely.",
        "Version 1.12.2020 of the form.",
        "Ratio 12/3 and score 4/5.",
    ],
)
def test_date_negatives(text):
    assert "date-of-birth" not in kinds(text)


def test_the_uncued_year_rule_follows_today():
    text = "seen, 05/05/2000, in clinic"
    assert "date-of-birth" in kinds_on(text, date(2026, 1, 1))
    assert "date-of-birth" not in kinds_on(text, date(2010, 1, 1))


def kinds_on(text: str, today: date) -> set[str]:
    return {f.kind for f in scan(text, today=today)}


# ---- hospital / MRN numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, token",
    [
        ("MRN 00123456 mixed up", "00123456"),
        ("M.R.N.: 7654321", "7654321"),
        ("hospital number 1234 5678 on the form", "1234 5678"),
        ("Hospital no: K123456 flagged", "K123456"),
        ("hosp no. A9876543", "A9876543"),
        ("patient ID is 556677889", "556677889"),
        ("Notes for RXX123456 misfiled", "RXX123456"),
        ("Unit number: 0098765 again", "0098765"),
        ("K1234567 on the sticker", "K1234567"),
    ],
)
def test_hospital_numbers_are_found(text, token):
    assert ("hospital-number", token) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ward 7B, bed 12, band 6.",
        "Trust code RX1, site RX101.",
        "Case number 2026/114 closed.",
        "Patient ID 12 is a test record.",
        "COVID19 and NEWS2 scores.",
        "Datix W12345 closed.",
        "Order PO-2231-77 pending.",
        "National insurance AB123456C is a different thing.",
    ],
)
def test_hospital_number_negatives(text):
    assert "hospital-number" not in kinds(text)


# ---- postcodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "LS6 2QT", "EC1A 1BB",
             "W1A 0AX", "GIR 0AA", "M11AE", "ls6 2qt", "Sw1a 1aa"],
)  # fmt: skip
def test_postcodes_are_found(code):
    assert ("postcode", code) in found(f"Lives at {code}, near the park.")


@pytest.mark.parametrize(
    "text",
    [
        "Call NHS 111 tonight.",
        "The A1 was closed.",
        "Meet in room B12 3rd floor.",
        "the b2 4th floor lift",
        "Ward 7B and bay C2.",
        "Q1 2026 results",
        "Dose 5MG twice daily.",
        "Postcode QQ1 1AA has a letter never used first.",
        "Room AB1 1CI uses a letter never used inward.",
    ],
)
def test_postcode_negatives(text):
    assert "postcode" not in kinds(text)


# ---- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123", "07700900123", "07700 900 123", "0161 496 0000", "020 7946 0958",
        "(020) 7946 0958", "01632 960123", "(01632) 960 123", "0300 123 4567", "0800 123 4567",
        "+44 20 7946 0958", "+44 (0)20 7946 0958", "+447700900123", "0044 7700 900123",
        "020-7946-0958",
    ],
)  # fmt: skip
def test_phone_numbers_are_found(number):
    assert ("phone", number) in found(f"Ring {number} after six.")


@pytest.mark.parametrize(
    "text",
    [
        "Use ext 4421 or bleep 4471.",
        "Call NHS 111 or 999.",
        "Dates 01/02/2023 and 01 02 2023.",
        "We saved £125,000 and 0.5 WTE.",
        "The 0800 line rang out.",
        "Mobile 0770 090 012 is too short.",
        "Number 07700 900123 4 has a stray digit.",
        "Room 2.14 at 10:30.",
        "+1 212 555 0199 is not a UK number.",
    ],
)
def test_phone_negatives(text):
    assert "phone" not in kinds(text)


# ---- emails ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, address",
    [
        ("Emailed jane.doe@example.org.", "jane.doe@example.org"),
        ("to a.khan@mail.example.co.uk, cc", "a.khan@mail.example.co.uk"),
        ("<o'brien+ward7@nhs.example>", "o'brien+ward7@nhs.example"),
        ("MATRON@EXAMPLE.NHS.UK shouted", "MATRON@EXAMPLE.NHS.UK"),
    ],
)
def test_emails_are_found(text, address):
    assert ("email", address) in found(text)


@pytest.mark.parametrize(
    "text", ["Sent by email.", "me @ home", "user@localhost", "a@b.1", "@channel please"]
)
def test_email_negatives(text):
    assert "email" not in kinds(text)


# ---- sensitive names ------------------------------------------------------------------------------


def test_sensitive_names_whole_word_any_case_and_spacing():
    names = ["Mrs Okafor", "Derek Hume", "O'Neil", "Jo"]
    text = (
        "mrs  OKAFOR met Derek\nHume; O’Neil and Jo came. Mrs Okaforth, Jones and Joanne did not."
    )
    hits = [hit for hit in found(text, names) if hit[0] == "sensitive-name"]
    assert hits == [
        ("sensitive-name", "mrs  OKAFOR"),
        ("sensitive-name", "Derek\nHume"),
        ("sensitive-name", "O’Neil"),
        ("sensitive-name", "Jo"),
    ]


def test_longer_name_wins_and_blank_names_are_ignored():
    assert found("Jane Smith spoke", ["Jane", "Jane Smith", "", "  ", "J"]) == [
        ("sensitive-name", "Jane Smith")
    ]
    assert found("nothing here", []) == [] and found("", ["x"]) == []


def test_name_inside_an_email_is_reported_once_as_the_email():
    assert found("write to jane.smith@example.org", ["Smith"]) == [
        ("email", "jane.smith@example.org")
    ]


# ---- scan and redact -------------------------------------------------------------------------------


def test_findings_are_sorted_non_overlapping_and_carry_context():
    text = "Mr Hume (DOB 01/01/1940, MRN 7654321) lives at BD7 1DP, tel 01274 000000."
    findings = scan(text, ["Hume"], today=TODAY)
    assert [f.kind for f in findings] == [
        "sensitive-name", "date-of-birth", "hospital-number", "postcode", "phone",
    ]  # fmt: skip
    assert all(isinstance(f, Finding) and f.kind in KINDS for f in findings)
    assert all(text[f.start : f.end] == f.text and f.text in f.context for f in findings)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


def test_nhs_number_beats_phone_and_hospital_readings():
    assert found("MRN 943 476 5919") == [("nhs-number", "943 476 5919")]
    assert found("call 0123456789") == [("nhs-number", "0123456789")]


def test_redact_replaces_each_span():
    text = "DOB 12/03/1956, NHS 943 476 5919, email a@b.example."
    out = redact(text, scan(text, today=TODAY))
    assert out == (
        "DOB [date of birth removed], NHS [NHS number removed], email [email address removed]."
    )
    assert redact("nothing", []) == "nothing"


def test_redact_refuses_findings_from_other_text_and_merges_overlaps():
    finding = scan("NHS 943 476 5919")[0]
    with pytest.raises(ValueError):
        redact("something else entirely", [finding])
    text = "abcdef"
    overlapping = [Finding("email", 0, 4, "abcd", ""), Finding("phone", 2, 6, "cdef", "")]
    assert redact(text, overlapping) == "[email address removed]"


def test_large_text_gives_every_finding():
    """Correctness at size; speed is measured in tests/benchmarks/test_bench_privacy.py."""
    unit = (
        "Met the team on 12/03/2026 about 28 beds and ext 4421; Mrs Okafor's DOB 01/02/1950, "
        "NHS 943 476 5919, jane.doe@example.org, 07700 900123, LS6 2QT, MRN 00123456.\n"
    )
    text = unit * (200_000 // len(unit))
    findings = scan(text, ["Mrs Okafor"], today=TODAY)
    assert len(findings) == 7 * (200_000 // len(unit))  # one of each kind per line


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(max_size=12), max_size=3))
def test_any_text_gives_consistent_findings(text, names):
    findings = scan(text, names, today=TODAY)
    assert all(text[f.start : f.end] == f.text and f.kind in KINDS for f in findings)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))
    redacted = redact(text, findings)
    assert redacted.count(" removed]") >= len(findings)


# ---- the labelled sample: precision and recall ------------------------------------------------------


def load_sample() -> tuple[list[tuple[str, list[tuple[str, str]]]], list[str], date]:
    cases: list[tuple[str, list[tuple[str, str]]]] = []
    names: list[str] = []
    today = TODAY
    for raw in SAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@names:"):
            names = [n.strip() for n in line.split(":", 1)[1].split(",") if n.strip()]
        elif line.startswith("@today:"):
            today = date.fromisoformat(line.split(":", 1)[1].strip())
        elif line.startswith("->"):
            kind, _, text = line[2:].strip().partition(": ")
            assert kind in KINDS, kind
            cases[-1][1].append((kind, text))
        else:
            sentence = raw.split(" (known limit")[0]
            cases.append((sentence, []))
    return cases, names, today


def test_labelled_sample_precision_and_recall():
    cases, names, today = load_sample()
    with_ids = sum(1 for _, expected in cases if expected)
    assert len(cases) >= 60 and with_ids >= 30 and len(cases) - with_ids >= 30
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    misses = []
    for sentence, expected in cases:
        predicted = Counter((f.kind, f.text) for f in scan(sentence, names, today=today))
        wanted = Counter(expected)
        for item in predicted | wanted:
            hit = min(predicted[item], wanted[item])
            tp[item[0]] += hit
            fp[item[0]] += predicted[item] - hit
            fn[item[0]] += wanted[item] - hit
            if predicted[item] != wanted[item]:
                misses.append((item, predicted[item], wanted[item], sentence))

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    print(f"\nlabelled sample: {len(cases)} sentences, {with_ids} with identifiers")
    print(f"{'detector':16s} {'TP':>4s} {'FP':>4s} {'FN':>4s} {'precision':>10s} {'recall':>7s}")
    for kind in KINDS:
        p = ratio(tp[kind], tp[kind] + fp[kind])
        r = ratio(tp[kind], tp[kind] + fn[kind])
        print(f"{kind:16s} {tp[kind]:4d} {fp[kind]:4d} {fn[kind]:4d} {p:10.3f} {r:7.3f}")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = ratio(total_tp, total_tp + total_fp)
    recall = ratio(total_tp, total_tp + total_fn)
    print(
        f"{'overall':16s} {total_tp:4d} {total_fp:4d} {total_fn:4d} {precision:10.3f} {recall:7.3f}"
    )
    for (kind, text), got, want in ((m[0], m[1], m[2]) for m in misses):
        print(f"  mismatch: {kind} {text!r}: found {got}, labelled {want}")
    assert precision >= 0.95 and recall >= 0.9, misses
