"""Care for the carer: a gentle note when mood or energy has stayed low for a while.

The rule is deliberately plain so a person can check it: the last few entries that recorded
mood (or energy) were all at 1 or 2 out of 5. Entries that left the scale blank are skipped,
not counted as low or as a break. It is a prompt to ask, never a diagnosis, and the words say
so. The same rule serves a coach's prep brief (on what the coachee shared) and a leader's own
Patterns page (on their own reflections), where it can be switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reflectjournal.services import settings
from reflectjournal.services.display import plural
from reflectjournal.storage.database import Database

LOW = 2  # 1 or 2 out of 5
RUN = 3  # this many entries in a row
SETTING = settings.CARE_NOTE.key  # "off" hides the note on the owner's own Patterns page

# Where to turn; described in our own words. NHS Practitioner Health is a free, confidential
# service for NHS doctors, dentists and other health and care staff in England.
SIGNPOSTS: tuple[tuple[str, str], ...] = (
    ("Occupational health", "your organisation's service, for support to stay well at work"),
    (
        "Employee assistance programme (EAP)",
        "free, confidential counselling and advice that most employers offer, day and night",
    ),
    (
        "NHS Practitioner Health",
        "a confidential service for health and care staff with mental health concerns "
        "(practitionerhealth.nhs.uk)",
    ),
    ("A GP", "for anything that is affecting sleep, appetite or day-to-day life"),
)
URGENT = (
    "If someone may be at risk of harm, this is not something to wait for the next session "
    "with: contact them now, and in an emergency call 999 or NHS 111 (option 2 for mental health)."
)


@dataclass(frozen=True)
class CareNote:
    measures: tuple[str, ...]  # "mood", "energy"
    run: int  # entries in the low run (the longest of the measures)
    since: str  # ISO date of the first entry of the run

    def sentence(self, who: str | None = None) -> str:
        """The note in plain words: about someone else (``who``) or, without it, to the reader."""
        what = " and ".join(self.measures)
        verb = "have" if len(self.measures) > 1 else "has"
        since = date.fromisoformat(self.since).strftime("%d %b %Y")
        if who:
            return (
                f"{who}'s {what} {verb} been at 1 or 2 out of 5 in the last {plural(self.run, 'entry')} "
                f"they shared (since {since}). It may be worth asking gently how they are, "
                "and whether they would like to know where support is."
            )
        return (
            f"Your {what} {verb} been at 1 or 2 out of 5 in your last {plural(self.run, 'entry')} "
            f"(since {since}). Looking after yourself is part of looking after others; "
            "if it would help, these are there for you."
        )


def care_note(points: Iterable[tuple[str, int | None, int | None]]) -> CareNote | None:
    """``points`` are (ISO date, mood, energy) oldest first; the note, or None if all is well."""
    rows = list(points)
    runs: dict[str, tuple[int, str]] = {}
    by_measure = {
        "mood": [(day, mood) for day, mood, _ in rows if mood is not None],
        "energy": [(day, energy) for day, _, energy in rows if energy is not None],
    }
    for measure, values in by_measure.items():
        run = 0
        since = ""
        for day, value in reversed(values):
            if value > LOW:
                break
            run += 1
            since = day
        if run >= RUN:
            runs[measure] = (run, since)
    if not runs:
        return None
    longest = max(runs.values())
    return CareNote(measures=tuple(runs), run=longest[0], since=min(s for _, s in runs.values()))


def coachee_care_note(db: Database, person_id: int, until: str) -> CareNote | None:
    """The note for what ``person_id`` shared up to ``until`` (stored UTC text)."""
    rows = db.query(
        "SELECT substr(created, 1, 10), mood, energy FROM entry WHERE kind = 'shared' "
        "AND sender_id = ? AND created <= ? AND (mood IS NOT NULL OR energy IS NOT NULL) "
        "ORDER BY created DESC, id DESC LIMIT 60",
        (person_id, until),
    )
    return care_note(reversed([tuple(r) for r in rows]))


def own_care_note(db: Database) -> CareNote | None:
    """The note for the journal owner's own reflections, unless they switched it off."""
    if settings.read(db, settings.CARE_NOTE) == "off":
        return None
    rows = db.query(
        "SELECT substr(created, 1, 10), mood, energy FROM entry WHERE kind = 'reflection' "
        "AND (mood IS NOT NULL OR energy IS NOT NULL) ORDER BY created DESC, id DESC LIMIT 60"
    )
    return care_note(reversed([tuple(r) for r in rows]))


def set_own_care_note(db: Database, enabled: bool) -> None:
    settings.write(db, settings.CARE_NOTE, "on" if enabled else "off")


class Wellbeing:
    """The owner's own care note and its switch, for the front ends (``workspace.wellbeing``)."""

    def __init__(self, db: Database):
        self.db = db

    def own_care_note(self) -> CareNote | None:
        return own_care_note(self.db)

    def care_note_on(self) -> bool:
        return settings.read(self.db, settings.CARE_NOTE) != "off"

    def set_own_care_note(self, enabled: bool) -> None:
        set_own_care_note(self.db, enabled)
