"""A coach's or mentor's caseload: what is moving across everyone they work with.

Read from two sources only, as the prep brief is: entries the coachees and mentees shared, and
the practitioner's own session notes and actions with them. The owner's private reflections
are never read here.

- Themes rising across the caseload: tags on those items in the last four weeks against the
  four weeks before, by the Patterns page's own trend rule, with how many people they came up for (a theme two people raise is
  worth more attention than one person's busy week).
- Overdue actions agreed with them.
- Who has not been seen for a while: the last session more than ``quiet_days`` ago and nothing
  planned, or never seen at all. Relationships that have ended are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reflectjournal.services.patterns.rules import TREND_WINDOW_DAYS, trend
from reflectjournal.services.timeutil import now_utc, to_storage
from reflectjournal.services.wellbeing import coachee_care_note

if TYPE_CHECKING:
    from reflectjournal.services.actions import Action
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.database import Database

WINDOW_DAYS = TREND_WINDOW_DAYS  # the same windows as Patterns and the prep brief
QUIET_DAYS = 42
CLIENT_ROLES = ("coachee", "mentee")


@dataclass(frozen=True)
class CaseloadPerson:
    id: int
    name: str
    role: str
    last_seen: str | None  # ISO date of the last session held
    next_session: str | None  # ISO date of the next planned
    days_since: int | None
    open_actions: int
    overdue_actions: int
    shared_recently: int  # entries shared in the recent window
    low_mood_or_energy: bool  # the care-for-the-carer rule holds for what they shared


@dataclass(frozen=True)
class CaseloadTheme:
    slug: str
    name: str
    recent: int
    previous: int
    people: tuple[str, ...]  # who it came up for in the recent window

    @property
    def rising(self) -> bool:
        """The same rule as Patterns and the prep brief (patterns/rules.py)."""
        return trend(self.recent, self.previous) == "rising"


@dataclass(frozen=True)
class Caseload:
    as_of: str
    people: tuple[CaseloadPerson, ...]
    rising: tuple[CaseloadTheme, ...]
    overdue: tuple[Action, ...]
    not_seen: tuple[CaseloadPerson, ...]
    quiet_days: int


def build_caseload(
    workspace: Workspace, *, today: date | None = None, quiet_days: int = QUIET_DAYS
) -> Caseload:
    today = today or date.today()
    db = workspace.db
    moment = datetime.combine(today, datetime.max.time()).astimezone()
    until = to_storage(moment)[0]
    recent_from = to_storage(moment - timedelta(days=WINDOW_DAYS))[0]
    previous_from = to_storage(moment - timedelta(days=2 * WINDOW_DAYS))[0]
    ended = {a.person_id for a in workspace.programmes.agreements() if a.ended}
    clients = [p for p in workspace.people.list() if p.role in CLIENT_ROLES and p.id not in ended]
    if not clients:
        return Caseload(today.isoformat(), (), (), (), (), quiet_days)
    ids = [p.id for p in clients]
    marks = ",".join("?" * len(ids))
    names = {p.id: p.name for p in clients}

    # Items: shared entries sent by a client, and session notes with a client.
    items = db.query(
        f"SELECT e.id, e.created, coalesce(e.sender_id, s.person_id) AS pid FROM entry e "
        f"LEFT JOIN coaching_session s ON s.entry_id = e.id AND e.kind = 'session' "
        f"WHERE e.created > ? AND e.created <= ? AND ("
        f"(e.kind = 'shared' AND e.sender_id IN ({marks})) OR "
        f"(e.kind = 'session' AND s.person_id IN ({marks})))",
        (previous_from, until, *ids, *ids),
    )
    recent_count: dict[str, int] = defaultdict(int)
    previous_count: dict[str, int] = defaultdict(int)
    people_for: dict[str, set[str]] = defaultdict(set)
    tag_rows = _tags(db, [r["id"] for r in items])
    tag_names: dict[str, str] = {}
    for r in items:
        recent = r["created"] > recent_from
        for slug, name in tag_rows.get(r["id"], ()):
            tag_names[slug] = name
            if recent:
                recent_count[slug] += 1
                people_for[slug].add(names[r["pid"]])
            else:
                previous_count[slug] += 1
    themes = [
        CaseloadTheme(
            slug,
            tag_names[slug],
            recent_count[slug],
            previous_count[slug],
            tuple(sorted(people_for[slug], key=str.lower)),
        )
        for slug in recent_count
    ]
    rising = sorted(
        (t for t in themes if t.rising),
        key=lambda t: (-len(t.people), -(t.recent - t.previous), t.name),
    )

    actions = [
        a
        for pid in ids
        for a in workspace.coaching.list_actions(person=pid, open_only=True, today=today)
    ]
    seen_ids: set[int] = set()
    unique_actions = []
    for a in actions:
        if a.id not in seen_ids:
            seen_ids.add(a.id)
            unique_actions.append(a)
    sessions = db.query(
        f"SELECT person_id, max(CASE WHEN date <= ? THEN date END) AS last, "
        f"min(CASE WHEN date > ? THEN date END) AS next FROM coaching_session "
        f"WHERE person_id IN ({marks}) GROUP BY person_id",
        (now_utc().isoformat(), now_utc().isoformat(), *ids),
    )
    by_person = {r["person_id"]: r for r in sessions}
    shared_recent = dict(
        db.query(
            f"SELECT sender_id, count(*) FROM entry WHERE kind = 'shared' AND created > ? "
            f"AND created <= ? AND sender_id IN ({marks}) GROUP BY sender_id",
            (recent_from, until, *ids),
        )
    )
    people = []
    for p in clients:
        row = by_person.get(p.id)
        last = row["last"][:10] if row and row["last"] else None
        nxt = row["next"][:10] if row and row["next"] else None
        mine = [a for a in unique_actions if p.name in (a.owner, a.session_with)]
        people.append(
            CaseloadPerson(
                id=p.id,
                name=p.name,
                role=p.role,
                last_seen=last,
                next_session=nxt,
                days_since=(today - date.fromisoformat(last)).days if last else None,
                open_actions=len(mine),
                overdue_actions=sum(a.overdue for a in mine),
                shared_recently=shared_recent.get(p.id, 0),
                low_mood_or_energy=coachee_care_note(db, p.id, until) is not None,
            )
        )
    not_seen = tuple(
        p
        for p in sorted(people, key=lambda p: (p.last_seen or "", p.name))
        if p.next_session is None and (p.days_since is None or p.days_since > quiet_days)
    )
    overdue = tuple(
        sorted(
            (a for a in unique_actions if a.overdue),
            key=lambda a: (a.due or date.min, a.id),
        )
    )
    return Caseload(
        as_of=today.isoformat(),
        people=tuple(people),
        rising=tuple(rising),
        overdue=overdue,
        not_seen=not_seen,
        quiet_days=quiet_days,
    )


def _tags(db: Database, entry_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    result: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(entry_ids), 900):
        chunk = entry_ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for entry_id, slug, name in db.query(
            f"SELECT et.entry_id, t.slug, t.name FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
            f"WHERE et.entry_id IN ({marks})",
            chunk,
        ):
            result.setdefault(entry_id, []).append((slug, name))
    return result
