"""A seeded demo journal: a few months of a ward manager's reflections, for `gui --demo`.

Everything here is invented and written by the ReflectJournal team. The generator is
deterministic for a given seed and end date, so tests (and screenshots) know what they get.
"""

from __future__ import annotations

import random
import shutil
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.services.timeutil import to_storage

if TYPE_CHECKING:
    from reflectjournal.services.workspace import Workspace

DEMO_PASSPHRASE = "demo journal, nothing private here"
DEMO_OWNER = "Alex Morgan"
FOLDER_PREFIX = "reflectjournal-demo-"
# A demo folder untouched this long belongs to a demo that was killed, not to one still open.
STALE_AFTER_S = 24 * 3600
MENTOR = "Priya Raman"
COACH = "Sam Okafor"


@dataclass(frozen=True)
class Scene:
    title: str
    tags: tuple[str, ...]
    mood: int
    energy: int
    body: str = ""
    model: str | None = None
    sections: dict[str, str] = field(default_factory=dict)
    visibility: str = "private"


# Longer, structured reflections: the heart of the demo.
SCENES: tuple[Scene, ...] = (
    Scene(
        "Night shift with two nurses short",
        ("workforce-pressures", "personal-sustainability", "compassionate-leadership"),
        2,
        2,
        model="gibbs",
        sections={
            "description": "Two registered nurses rang in sick before the night shift. Bank "
            "could cover one gap; I worked the other half of the shift on the floor.",
            "feelings": "Anxious at the 19:00 huddle, then oddly calm once the work started. "
            "Drained and a bit resentful by the morning handover.",
            "evaluation": "Patients were safe and the team pulled together. I stopped "
            "thinking like a manager at about 02:00 and missed the escalation to the site team.",
            "analysis": "I default to doing the work myself because it feels quicker than "
            "asking. That protects the shift but leaves nobody holding the bigger picture.",
            "conclusion": "Covering a gap is sometimes right, but I need someone else to hold "
            "the coordinating role when I do.",
            "action-plan": "Agree with the deputy that the nurse in charge keeps the bleep "
            "whenever I step onto the floor. Raise the rota gaps at Thursday's staffing meeting.",
        },
        visibility="mentor",
    ),
    Scene(
        "The discharge lounge pilot, week three",
        ("demand-management", "quality-improvement", "systems-thinking"),
        4,
        4,
        model="what-so-what-now-what",
        sections={
            "what": "Morning discharges before 11:00 went from four a day to nine. Porters and "
            "pharmacy joined the 08:30 board round for the first time.",
            "so-what": "The bottleneck was never the lounge itself; it was the medicines "
            "reaching the ward after lunch. Seeing it on a run chart convinced the consultants.",
            "now-what": "Ask pharmacy for a named technician for two more weeks and present the "
            "chart at the divisional meeting.",
        },
        visibility="coach",
    ),
    Scene(
        "Another restructure announced",
        ("change-fatigue", "change-leadership", "resilience"),
        2,
        3,
        model="gibbs",
        sections={
            "description": "The division announced a new matron structure, the third change "
            "to reporting lines in eighteen months.",
            "feelings": "Weary. I noticed I was already rehearsing how to sell it before I "
            "understood it myself.",
            "evaluation": "I listened rather than defended when the team pushed back, which "
            "helped. I had no answers to their questions about band changes, which did not.",
            "analysis": "People are not resisting the change; they are tired of changes that "
            "never finish. Naming that openly took some heat out of the room.",
            "conclusion": "My job is to translate and to shield where I can, not to pretend "
            "enthusiasm I don't feel.",
            "action-plan": "Get the band-change answer in writing from HR by Friday and share "
            "it at the next huddle, even if the answer is 'not yet decided'.",
        },
    ),
    Scene(
        "Consultant disagreed with the escalation plan",
        ("professional-tensions", "collaborative-leadership", "clinical-credibility"),
        3,
        3,
        model="what-so-what-now-what",
        sections={
            "what": "A consultant overruled the nurse-led escalation plan in front of the "
            "team. I asked to talk it through after the ward round instead of arguing there.",
            "so-what": "Once we sat down we wanted the same thing: fewer unplanned ICU "
            "referrals. The disagreement was about who decides, not what is safe.",
            "now-what": "Draft a shared escalation guide with her and the registrars; ask her "
            "to co-present it.",
        },
        visibility="mentor",
    ),
    Scene(
        "Budget meeting: agency spend",
        ("external-pressures", "financial-acumen", "conflicting-priorities"),
        3,
        2,
        model="cpd",
        sections={
            "what-happened": "Finance asked me to cut agency spend by a fifth this quarter "
            "while keeping the same fill rate.",
            "what-i-learned": "Framing agency cost against sickness absence and vacancy data "
            "gave me a stronger case than arguing about safety alone.",
            "what-i-changed": "I now bring a one-page staffing and cost summary to every "
            "budget review instead of reacting to their figures.",
            "professional-code": "Speaking up clearly about safe staffing while being honest "
            "about money is part of practising effectively and preserving safety.",
        },
    ),
    Scene(
        "Listening session with healthcare assistants",
        ("staff-engagement", "compassionate-leadership", "turnover"),
        4,
        4,
        model="kolb",
        sections={
            "concrete-experience": "Held an hour with six healthcare assistants and no agenda "
            "except 'what makes a shift good or bad?'.",
            "reflective-observation": "They talked far more about breaks and being thanked "
            "than about pay. Two said they had nearly left in the summer.",
            "abstract-conceptualisation": "Small, reliable signs of respect seem to matter "
            "more to staying than I had assumed.",
            "active-experimentation": "Protect breaks on the rota board and try a two-minute "
            "'thank you' round at the end of each handover for a month.",
        },
    ),
)

# Quick, free-form notes: they make the list look like a lived-in journal.
NOTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Five minutes of quiet before handover",
        ("protected-reflection-time", "resilience"),
        "Sat in the car for five minutes before going in. It helped more than the coffee.",
    ),
    (
        "Inspection preparation",
        ("regulatory-navigation", "external-pressures"),
        "Walked the ward with the quality lead looking at it as an inspector might. "
        "The storage cupboard and the out-of-date leaflets are easy wins.",
    ),
    (
        "Sickness rate is creeping up",
        ("workforce-pressures", "burnout"),
        "Third long-term sickness absence this month. Need to look at whether it clusters "
        "on one team before drawing conclusions.",
    ),
    (
        "Good feedback from a family",
        ("compassionate-leadership", "staff-engagement"),
        "A daughter wrote to thank the night team by name. Read it out at the huddle and "
        "watched people stand a little taller.",
    ),
    (
        "Action learning set",
        ("action-learning", "systems-thinking"),
        "Brought the discharge problem to the set. Someone asked who owns the patient's "
        "medicines at 10:00, and nobody in the room could answer.",
    ),
    (
        "Said no to a new project",
        ("conflicting-priorities", "personal-sustainability"),
        "Declined to lead the new falls audit this quarter. Felt guilty, then relieved.",
    ),
    (
        "Ethics of the side room",
        ("ethical-reasoning", "life-and-death-stakes"),
        "One side room, two patients who both needed it. We chose on infection risk and "
        "wrote down why. Still sitting with the family's disappointment.",
    ),
    (
        "Rota meeting went well",
        ("workforce-pressures", "collaborative-leadership"),
        "Team leads built next month's rota together for the first time. Fewer gaps, and "
        "nobody had to be the villain.",
    ),
    (
        "Tired and short with a student",
        ("personal-sustainability", "resilience"),
        "I was curt with a student nurse who asked a fair question at the wrong moment. "
        "Apologised at the end of the shift; she was gracious about it.",
    ),
    (
        "Infection rates review",
        ("infection-rates", "quality-improvement"),
        "Hand hygiene audits look fine on paper, but two line infections this month. "
        "Asking the IPC nurse to observe rather than audit next week.",
    ),
    (
        "Coaching session notes to self",
        ("coaching-and-mentoring", "change-leadership"),
        "Sam asked what I would do if I trusted my deputy fully. I did not like how long "
        "it took me to answer.",
    ),
    (
        "Leadership programme, module two",
        ("leadership-programme", "systems-thinking"),
        "Mapped the patient's journey from ED to our ward. Seven handoffs before anyone from "
        "my team meets them.",
    ),
)

# Short everyday check-ins, assembled from parts so months of them do not read alike.
CHECK_INS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Ward round ran late", ("demand-management",), "The board round ran forty minutes over."),
    (
        "Bed meeting at 08:00",
        ("demand-management", "system-leadership"),
        "Site asked for four beds before lunch; we found two.",
    ),
    (
        "Handover felt rushed",
        ("workforce-pressures",),
        "Handover took ten minutes instead of thirty.",
    ),
    (
        "Appraisal with my deputy",
        ("coaching-and-mentoring", "team-leadership"),
        "Talked about what she wants to be doing in two years.",
    ),
    (
        "Complaint response",
        ("regulatory-navigation", "compassionate-leadership"),
        "Drafted the reply to a family who felt unheard on discharge.",
    ),
    (
        "Sickness calls before 07:00",
        ("workforce-pressures", "burnout"),
        "Three calls before seven, all from the same team.",
    ),
    (
        "Quality board",
        ("quality-improvement", "staff-engagement"),
        "Put the falls data on the board where the team can see it every day.",
    ),
    (
        "Finance query on overtime",
        ("financial-acumen",),
        "Finance queried last month's overtime line.",
    ),
    (
        "Difficult conversation with a band 6",
        ("professional-tensions", "compassionate-leadership"),
        "Raised a pattern of late arrivals with one of the senior nurses.",
    ),
    (
        "Visit from the director of nursing",
        ("organisational-leadership", "external-pressures"),
        "The director walked the ward and asked the team what slows them down.",
    ),
    (
        "Student nurses' first week",
        ("team-leadership", "leadership-programme"),
        "Four new students started; the team was patient with them.",
    ),
    (
        "Supervision session",
        ("protected-reflection-time", "resilience"),
        "Used supervision to talk about the side-room decision.",
    ),
)
FEELINGS = (  # with the mood that goes with them
    ("I felt stretched but steady.", 3),
    ("Frustrated, mostly with myself.", 2),
    ("Proud of the team today.", 5),
    ("Tired in a way a night's sleep will not fix.", 1),
    ("Calmer than I expected to be.", 4),
    ("Uneasy; something about it still bothers me.", 2),
    ("Quietly pleased.", 4),
)
NEXT_STEPS = (
    "Next: ask the team what they would change.",
    "Next: put it on the agenda for Thursday.",
    "Next: talk it through with Priya.",
    "Next: nothing for now, just noticing it.",
    "Next: protect thirty minutes on Friday to think about it properly.",
    "Next: check back in two weeks.",
)

CHECK_INS_PER_MONTH = 8
RATED = ("resilience", "collaborative-leadership", "systems-thinking", "financial-acumen")


def sweep_stale_folders(parent: Path, now: float | None = None) -> list[Path]:
    """Remove demo folders a killed demo left in ``parent`` (the system's temp folder).

    A demo normally removes its own folder on exit; only ours (by name), only folders, and only
    those unchanged for a day are touched. Returns what was removed.
    """
    now = time_module.time() if now is None else now
    removed = []
    for folder in Path(parent).glob(f"{FOLDER_PREFIX}*"):
        try:
            stale = folder.is_dir() and not folder.is_symlink()
            stale = stale and now - folder.stat().st_mtime > STALE_AFTER_S
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def generate(
    path: Path,
    passphrase: str = DEMO_PASSPHRASE,
    *,
    seed: int = 7,
    months: int = 4,
    today: date | None = None,
) -> Workspace:
    """Create an encrypted demo journal at ``path`` and return its open Workspace."""
    from reflectjournal.services.workspace import Workspace as Opened

    workspace = Opened.create(path, passphrase, owner=DEMO_OWNER)
    populate(workspace, seed=seed, months=months, today=today)
    return workspace


def populate(
    workspace: Workspace, *, seed: int = 7, months: int = 4, today: date | None = None
) -> int:
    """Fill an open workspace with demo entries; returns how many entries were written."""
    rng = random.Random(seed)
    end = today or date.today()
    start = end - timedelta(days=30 * months)
    days = (end - start).days
    journal = workspace.journal
    written = 0
    with workspace.db.transaction():
        plan: list[tuple[date, Scene | tuple[str, tuple[str, ...], str, int]]] = [
            (start + timedelta(days=rng.randrange(days)), item) for item in SCENES
        ]
        plan += [(start + timedelta(days=rng.randrange(days)), (*n, 3)) for n in NOTES]
        deck: list[tuple[str, tuple[str, ...], str]] = []
        for _ in range(CHECK_INS_PER_MONTH * months):
            # Dealt like cards: every check-in once before any comes back (random choice
            # gave seven "Finance query on overtime" in one demo).
            if not deck:
                deck = list(CHECK_INS)
                rng.shuffle(deck)
            title, tags, opening = deck.pop()
            feeling, mood = rng.choice(FEELINGS)
            body = f"{opening} {feeling}\n\n{rng.choice(NEXT_STEPS)}"
            plan.append((start + timedelta(days=rng.randrange(days)), (title, tags, body, mood)))
        plan.sort(key=lambda item: item[0])
        for day, item in plan:
            when = datetime.combine(day, time(rng.choice((7, 13, 18, 21)), rng.randrange(60)))
            when = when.astimezone()
            if isinstance(item, Scene):
                journal.add(
                    title=item.title,
                    model=item.model,
                    sections=item.sections,
                    tags=item.tags,
                    when=when,
                    mood=_wobble(rng, item.mood),
                    energy=_wobble(rng, item.energy),
                    visibility=item.visibility,
                )
            else:
                title, tags, body, mood = item
                journal.add(
                    body,
                    title=title,
                    tags=tags,
                    when=when,
                    mood=_wobble(rng, mood),
                    energy=_wobble(rng, 3),
                )
            written += 1
        _add_people_and_sessions(workspace, rng, start, days)
        for slug in RATED:
            value = rng.randint(1, 2)
            for step in range(months):
                day = start + timedelta(days=30 * step + 15)
                value = min(5, value + rng.choice((0, 1)))
                journal.rate(slug, value, day.isoformat(), note="Monthly check-in")
    return written


def _wobble(rng: random.Random, value: int) -> int:
    return max(1, min(5, value + rng.choice((-1, 0, 0, 1))))


def _add_people_and_sessions(
    workspace: Workspace, rng: random.Random, start: date, days: int
) -> None:
    """A mentor and a coach, with coaching sessions written straight into the tables.

    The coaching service is another issue's work; plain SQL against the shared schema keeps
    the demo independent of it.
    """
    people = workspace.people
    people.add(MENTOR, "mentor", "priya.raman@example.org")
    coach_id = people.add(COACH, "coach", "sam.okafor@example.org")
    db = workspace.db
    agendas = (
        ("Delegating when the ward is short", "Agreed to let the deputy run two huddles a week."),
        ("Preparing for the divisional meeting", "Rehearsed the discharge story in three minutes."),
    )
    for number, (agenda, note) in enumerate(agendas):
        day = start + timedelta(days=days // 3 * (number + 1))
        when = datetime.combine(day, time(16, 0)).astimezone()
        entry_id = workspace.journal.add(
            note,  # the agenda has its own field: in the body too, the brief showed it twice
            title=f"Coaching with {COACH}",
            kind="session",
            when=when,
            tags=("coaching-and-mentoring",),
        )
        session_id = db.execute(
            "INSERT INTO coaching_session(entry_id, person_id, date, agenda) VALUES (?, ?, ?, ?)",
            (entry_id, coach_id, day.isoformat(), agenda),
        ).lastrowid
        created = to_storage(when)[0]
        db.execute(
            "INSERT INTO action(uid, text, owner_id, due, status, created, closed, entry_id, "
            "session_id, section_key) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, NULL)",
            (
                f"demo-action-{number}",
                note,
                (day + timedelta(days=14)).isoformat(),
                "done" if number == 0 else "open",
                created,
                created if number == 0 else None,
                entry_id,
                session_id,
            ),
        )
