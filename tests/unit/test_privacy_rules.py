"""Each rule of the reflective-prose detector: cases it must find and look-alikes it must not."""

from __future__ import annotations

from datetime import date

import pytest

from reflectjournal.services.privacy import Choice, apply_choices, choice_key, redact, scan

TODAY = date(2026, 11, 26)


def found(text: str, names=(), fine=()) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in scan(text, names, fine_names=fine, today=TODAY)]


def kinds(text: str) -> set[str]:
    return {kind for kind, _ in found(text)}


# ---- health service numbers: every grouping, and the right label -------------------------------


@pytest.mark.parametrize(
    "written", ["943 476 5919", "9434 765 919", "943-476-5919", "943.476.5919", "9434765919",
                "943 4765 919", "9434-765-919"],
)  # fmt: skip
def test_nhs_number_in_every_common_grouping(written):
    assert found(f"The wristband said {written} at handover.") == [("nhs-number", written)]


@pytest.mark.parametrize(
    "text, kind, number",
    [
        ("Her CHI number 010101 0001 was read out.", "chi-number", "010101 0001"),
        ("Her CHI 0101010001 was read out.", "chi-number", "0101010001"),
        ("The letter showed 010101-0001 in the header.", "chi-number", "010101-0001"),  # 6+4
        ("The letter showed 120345 6789 in the header.", "chi-number", "120345 6789"),  # no check
        ("The Glasgow team gave 2102451232 for her.", "chi-number", "2102451232"),
        ("The H&C number 320 000 0007 was wrong.", "hc-number", "320 000 0007"),
        ("His health and care number, 3200000015, was on the slide.", "hc-number", "3200000015"),
        ("The Belfast ward sent 320 000 0007 by email.", "hc-number", "320 000 0007"),
        ("NHS number 3200000015 came from England.", "nhs-number", "3200000015"),
    ],
)
def test_chi_and_hc_numbers_are_labelled_as_such(text, kind, number):
    assert found(text) == [(kind, number)]


@pytest.mark.parametrize(
    "text",
    [
        "Purchase order 9434765919 for the beds is stuck.",
        "Our PO 943 476 5919 went to the wrong budget.",
        "PO number for the hoists is 9434765919.",
        "The Datix 9434765919 was downgraded.",
        "ESR 9434765919 belongs to a bank nurse.",
        "Cost centre 943-476-5919 is overspent.",
        "Invoice no. 9434 765 919 was queried.",
        "IT ticket 9434765919 is still open.",
        "We moved 1234567890 pence between budgets.",  # fails the check digit
        "Ref 943 476 5918 has a bad check digit.",
    ],
)
def test_cued_non_patient_numbers_are_not_reported(text):
    assert not kinds(text) & {"nhs-number", "chi-number", "hc-number"}, found(text)


def test_right_after_an_explicit_cue_a_check_digit_typo_still_counts():
    assert found("Her NHS no. 943 476 5918 was on the slide.") == [("nhs-number", "943 476 5918")]
    assert found("Ref 943 476 5918 was on the slide.") == []


def test_a_patient_cue_nearer_than_the_other_cue_still_counts():
    text = "The Datix said the patient's NHS number 9434765919 was on the board."
    assert found(text) == [("nhs-number", "9434765919")]


@pytest.mark.parametrize("text", ["Order ref AB123456 arrived.", "Our PO123456 is pending.",
                                  "Datix DW123456 closed.", "Invoice INV1234567 paid.",
                                  "Datix WEB123456 closed."])  # fmt: skip
def test_references_shaped_like_hospital_numbers_are_not_reported(text):
    assert "hospital-number" not in kinds(text)


# ---- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Mrs Doreen Whitcombe waited nine hours.", "Mrs Doreen Whitcombe"),
        ("Mr Khan's daughter asked about the scan.", "Mr Khan"),
        ("Baby Amelia went back to the unit.", "Baby Amelia"),
        ("We discussed patient Arthur Bellingham.", "Arthur Bellingham"),
        ("Her daughter Karen wants a call.", "Karen"),
        ("His wife Maureen brought his glasses.", "Maureen"),
        ("A gentleman called Walter Price was confused.", "Walter Price"),
        ("Doreen's husband sat by the bed.", "Doreen"),
        ("Walter Price (91) was on a trolley.", "Walter Price"),
        ("Master Jacob Reeves was admitted.", "Master Jacob Reeves"),
        ("Miss O'Connell fell twice.", "Miss O'Connell"),
        ("I sat with Doreen Whitcombe as she died.", "Doreen Whitcombe"),
        ("Arthur Price died before his daughter arrived.", "Arthur Price"),
        ("We admitted Maisie Collins from the care home.", "Maisie Collins"),
        ("In bed 6, John Ferguson, the delirium got worse.", "John Ferguson"),
        ("Jean Harper had a fall at 3am.", "Jean Harper"),
        ("The grandson, Tyler, kept filming.", "Tyler"),
        ("Tyler, 4, was scared of the mask.", "Tyler"),
        ("Nana Joan visits every day at 2pm.", "Joan"),
        ("Please call Maureen (daughter) after six.", "Maureen"),
        ("She told me her name was Betty and asked for tea.", "Betty"),
        ("Mr P. Sandhu was listed twice.", "Mr P. Sandhu"),
    ],
)
def test_patients_and_relatives_names(text, name):
    assert ("patient-name", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mr Brennan, the consultant urologist, cancelled the list.",
        "Our chief executive, Mrs Ng, spoke at the awards.",
        "My mentor Mrs Fairweather asked a good question.",
        "Mr Achebe's theatre list overran.",
        "Dr Kaur led the review.",
        "Sister Jones ran the ward like clockwork.",
        "The Patient Safety team reviewed the data.",
        "We want Baby Friendly accreditation.",
        "Patient A and Patient B were discussed anonymously.",
        "Priya's presentation was the best thing all day.",
        "My daughter Lucy's play clashed with the board.",
        "Mr T's DOB was read out.",
        "Mr Justice Hallam's judgment is required reading.",
        "The Mrs Fairweather memorial prize went to a student.",
        "In March, 12 staff left the unit.",
        "Morale deteriorated over the winter.",
        "Performance fell in Q3.",
        "Sarah Jones presented the falls audit.",
        "Mr Khan, who chairs the safeguarding committee, rang me.",
        "The Freedom to Speak Up Guardian, Mrs Adeyemi, met me.",
        "Dr Ahmed discharged the patient at noon.",
        "In focus: Resilience (1). Rising: Team Leads (12).",
        "Collaborative Leadership (20) came up again.",
        "Our director of nursing, Ms Obi, challenged the board.",
        "The safeguarding lead, Mr Hassan, took the referral.",
        "Mrs Jones rang in sick again and the rota fell apart.",
        "Sarah's baby shower is on Friday.",
        "Mr Smith from estates fixed the door.",
        "Mr Daniels from the CCG joined the call.",
        "My son Daniel starts school next week.",
        "Patient DW, an 80-year-old man, fell on the ward.",
    ],
)
def test_staff_public_and_anonymised_names_are_not_patients(text):
    assert "patient-name" not in kinds(text), found(text)


def test_names_marked_fine_are_never_reported():
    text = "Mr Achebe was there; Mrs Whitcombe waited."
    assert found(text) == [("patient-name", "Mr Achebe"), ("patient-name", "Mrs Whitcombe")]
    assert found(text, fine=["Achebe"]) == [("patient-name", "Mrs Whitcombe")]
    assert found(text, fine=["Sam Achebe", "Mrs Whitcombe"]) == []


# ---- dates of birth -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, when",
    [
        ("The toddler, 14/02/2023, waited four hours.", "14/02/2023"),
        ("Baby Amelia, 02/10/2026, fed well.", "02/10/2026"),
        ("A 4-year-old boy, 11.09.2022, came by ambulance.", "11.09.2022"),
        ("She was born 4th June '38 in Leeds.", "4th June '38"),
        ("Born June '52 and still driving.", "June '52"),
        ("He was born on the fourth of June, nineteen thirty-eight.",
         "fourth of June, nineteen thirty-eight"),
        ("born on the 2nd of May, two thousand and nineteen", "2nd of May, two thousand and nineteen"),
        ("Mrs Pryce (14/07/1938) had no next of kin.", "14/07/1938"),
        ("Mrs W, 12/03/56, was frail.", "12/03/56"),
        ("The baby boy born at 23 weeks on 1 September 2026 died.", "1 September 2026"),
        ("DOB 4/6/38 on the label.", "4/6/38"),
    ],
)  # fmt: skip
def test_dates_of_birth_without_a_cue_or_spelled_out(text, when):
    assert ("date-of-birth", when) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "I qualified on 01/09/1998 and still love it.",
        "I registered with the NMC on 14 September 1994.",
        "The board meeting on 3 March 2025 ran over.",
        "The Francis report, published on 6 February 2013, changed us.",
        "The Kirkup report of 19 October 2022 hangs over us.",
        "The idea was born on 12 March 2024 over coffee.",
        "The idea for the lounge was born on 12 June 2023 in a corridor.",
        "Born out of frustration, the project started on 12/03/2024.",
        "The NHS was born on 5 July 1948.",
        "My son's school trip on 14/05/2025 meant leaving early.",
        "The child safeguarding review dated 03/04/2023 arrived late.",
        "Since 03/01/2011 I have managed the ward.",
        "She was born in 1956.",  # a year alone is not a date of birth
        "Our 10th birthday as a unit is on 4 March 2025.",
        "My birthday party on 12/03/2026 was lovely.",
    ],
)
def test_career_meeting_publication_and_figurative_dates_are_not_births(text):
    assert "date-of-birth" not in kinds(text), found(text)


# ---- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, address",
    [
        ("She lives at 14 Acacia Avenue alone.", "14 Acacia Avenue"),
        ("The ambulance went to 7 Church Street.", "7 Church Street"),
        ("Letters to Flat 2, 31 Mill Lane came back.", "Flat 2, 31 Mill Lane"),
        ("Visit to 22b Station Road was cancelled.", "22b Station Road"),
        ("They live at 3/1 Leith Walk in a top flat.", "3/1 Leith Walk"),
        ("He lives on Foxglove Close with his son.", "Foxglove Close"),
    ],
)
def test_street_addresses_without_a_postcode(text, address):
    assert ("address", address) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Our new hub on Station Road opens in January.",
        "We have 28 beds on Ward 22, level 4.",
        "Room 12 Green Team meets on Fridays.",
        "The 10 Year Plan sets out three shifts.",
        "Band 7 posts went to 3 internal candidates.",
        "We moved the 2 Oak Lane clinic to the main site.",
        "The letter from 10 Downing Street was read out.",
    ],
)
def test_workplaces_and_counts_are_not_addresses(text):
    assert "address" not in kinds(text), found(text)


# ---- choices ------------------------------------------------------------------------------------


def test_choices_drop_fine_findings_and_mark_redactions():
    text = "Mr Achebe saw Mrs Whitcombe, NHS 943 476 5919."
    choices = [
        Choice("patient-name", "Mr Achebe", "fine", "a colleague"),
        Choice("nhs-number", "9434765919", "redact"),  # matched on digits, any grouping
    ]
    findings = scan(text, choices=choices, today=TODAY)
    assert [(f.kind, f.text, f.choice) for f in findings] == [
        ("patient-name", "Mrs Whitcombe", None),
        ("nhs-number", "943 476 5919", "redact"),
    ]
    clean, pending = apply_choices(text, findings)
    assert clean == "Mr Achebe saw Mrs Whitcombe, NHS [NHS number removed]."
    assert [f.text for f in pending] == ["Mrs Whitcombe"]
    assert redact(text, findings) == "Mr Achebe saw [name removed], NHS [NHS number removed]."
    assert choice_key("patient-name", "Mrs  WHITCOMBE") == choice_key(
        "patient-name", "mrs whitcombe"
    )
