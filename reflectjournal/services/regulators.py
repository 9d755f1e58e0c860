"""What each UK regulator asks of a reflective account and of a revalidation cycle, as data.

Headings and prompts are our own words, following the structure of each regulator's current
published form (checked November 2026):

- NMC (Nursing and Midwifery Council) revalidation: the reflective accounts form asks what the
  CPD activity, practice-related feedback or event/experience was, what you learned, how your
  practice changed, and which of the Code's four themes it relates to; over a three-year cycle
  you need five written accounts, 35 hours of CPD of which 20 participatory, five pieces of
  practice-related feedback and a reflective discussion with another NMC registrant.
- GMC (General Medical Council) appraisal and revalidation: reflection on supporting
  information, mapped to the four domains of Good Medical Practice (2024); reflective notes are
  not legally privileged, so they should hold learning, not identifiable detail.
- HCPC (Health and Care Professions Council) CPD standards: activities that improve the quality
  of your practice and service delivery (standard 3) and benefit service users (standard 4).
"""

from __future__ import annotations

from dataclasses import dataclass

from reflectjournal.errors import UsageError


@dataclass(frozen=True)
class Choice:
    slug: str
    label: str
    meaning: str = ""


@dataclass(frozen=True)
class Question:
    key: str  # what-happened | what-i-learned | what-i-changed | professional-code | benefit
    heading: str


@dataclass(frozen=True)
class Cycle:
    years: int
    accounts: int | None
    cpd_hours: float | None
    participatory_hours: float | None
    feedback: int | None
    discussion: bool


@dataclass(frozen=True)
class Regulator:
    slug: str
    name: str
    document_title: str
    account_types: tuple[Choice, ...]
    themes_heading: str
    themes: tuple[Choice, ...]
    questions: tuple[Question, ...]
    cycle: Cycle
    notes: tuple[str, ...]


NMC = Regulator(
    slug="nmc",
    name="Nursing and Midwifery Council",
    document_title="Reflective accounts for NMC revalidation",
    account_types=(
        Choice("cpd", "CPD activity"),
        Choice("feedback", "Practice-related feedback"),
        Choice("event", "An event or experience in my practice"),
    ),
    themes_heading="Which themes of the Code this relates to",
    themes=(
        Choice("prioritise-people", "Prioritise people"),
        Choice("practise-effectively", "Practise effectively"),
        Choice("preserve-safety", "Preserve safety"),
        Choice("promote-professionalism", "Promote professionalism and trust"),
    ),
    questions=(
        Question("what-happened", "The activity, feedback or event, and what it involved"),
        Question("what-i-learned", "What I learned from it"),
        Question("what-i-changed", "How I changed or improved my practice as a result"),
        Question("professional-code", "How this is relevant to the Code"),
    ),
    cycle=Cycle(
        years=3,
        accounts=5,
        cpd_hours=35,
        participatory_hours=20,
        feedback=5,
        discussion=True,
    ),
    notes=(
        "Keep every account free of anything that could identify a patient, service user or "
        "colleague.",
        "Discuss your five accounts with another NMC registrant, who records their name, PIN "
        "and the date on the reflective discussion form.",
    ),
)

GMC = Regulator(
    slug="gmc",
    name="General Medical Council",
    document_title="Reflections for appraisal and GMC revalidation",
    account_types=(
        Choice("cpd", "Continuing professional development"),
        Choice("feedback", "Feedback from patients or colleagues"),
        Choice("event", "Significant event, complaint or compliment"),
    ),
    themes_heading="Good Medical Practice domains",
    themes=(
        Choice("knowledge-skills-development", "Knowledge, skills and development"),
        Choice("patients-partnership-communication", "Patients, partnership and communication"),
        Choice("colleagues-culture-safety", "Colleagues, culture and safety"),
        Choice("trust-professionalism", "Trust and professionalism"),
    ),
    questions=(
        Question("what-happened", "What happened, or what the learning was"),
        Question("what-i-learned", "What I thought and learned"),
        Question("what-i-changed", "What I will do differently, and any further development"),
        Question("professional-code", "How it relates to Good Medical Practice"),
    ),
    cycle=Cycle(
        years=5,
        accounts=None,
        cpd_hours=None,
        participatory_hours=None,
        feedback=None,
        discussion=False,
    ),
    notes=(
        "Reflective notes are not legally privileged: a court or coroner can ask to see them. "
        "Write about what you learned and will change, not a detailed record of events, and "
        "leave out anything that identifies a patient.",
        "Bring these reflections to your annual appraisal; patient and colleague feedback is "
        "needed at least once in each five-year cycle.",
    ),
)

HCPC = Regulator(
    slug="hcpc",
    name="Health and Care Professions Council",
    document_title="CPD activities for an HCPC CPD profile",
    account_types=(
        Choice("cpd", "Learning activity"),
        Choice("feedback", "Feedback on my practice"),
        Choice("event", "Work-based experience"),
    ),
    themes_heading="HCPC CPD standards this shows",
    themes=(
        Choice("mix", "A mix of learning activities relevant to my practice (standard 2)"),
        Choice("quality", "Improving the quality of my practice and service delivery (standard 3)"),
        Choice("service-users", "Benefiting the people who use my service (standard 4)"),
    ),
    questions=(
        Question("what-happened", "The activity"),
        Question("what-i-learned", "What I learned"),
        Question(
            "what-i-changed", "How it improved the quality of my practice and service delivery"
        ),
        Question("benefit", "How it benefited service users"),
    ),
    cycle=Cycle(
        years=2,
        accounts=None,
        cpd_hours=None,
        participatory_hours=None,
        feedback=None,
        discussion=False,
    ),
    notes=(
        "Keep a continuous, up-to-date record of your CPD; if your profile is chosen for audit "
        "you describe your practice and show how your activities meet standards 1 to 4.",
        "Say who benefited and how: service users, carers, colleagues or the service.",
    ),
)

REGULATORS = {r.slug: r for r in (NMC, GMC, HCPC)}


def regulator(slug: str | None) -> Regulator | None:
    if not slug:
        return None
    found = REGULATORS.get(slug.lower())
    if found is None:
        raise UsageError(f"There is no regulator '{slug}'; choose one of {', '.join(REGULATORS)}.")
    return found


def theme_slugs(reg: Regulator, given: list[str]) -> list[str]:
    """Validate theme choices given by slug or by label, in the regulator's order."""
    known = {c.slug: c for c in reg.themes} | {c.label.lower(): c for c in reg.themes}
    chosen = set()
    for value in given:
        choice = known.get(value.strip().lower())
        if choice is None:
            names = ", ".join(c.slug for c in reg.themes)
            raise UsageError(f"'{value}' is not one of the {reg.slug.upper()} themes: {names}.")
        chosen.add(choice.slug)
    return [c.slug for c in reg.themes if c.slug in chosen]
