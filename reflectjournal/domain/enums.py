"""The closed vocabularies the journal stores as text: entry kind, visibility, a person's role,
the 1-5 scale, an action's status.

``Kind`` and ``Visibility`` are ``StrEnum``s, so a member *is* its stored string: rows, JSON and
comparisons with plain strings keep working while code gains a type to check against.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Kind(StrEnum):
    """What an entry is: the owner's reflection, a coaching session's notes, or received."""

    REFLECTION = "reflection"
    SESSION = "session"
    SHARED = "shared"


class Visibility(StrEnum):
    """Who may see an entry: nobody else, the owner's mentor, or the owner's coach."""

    PRIVATE = "private"
    MENTOR = "mentor"
    COACH = "coach"

    @property
    def label(self) -> str:
        return {"private": "Private", "mentor": "Mentor", "coach": "Coach"}[self.value]


class Role(StrEnum):
    """Who a person is to the journal's owner: their coachee or mentee, mentor or coach."""

    COACHEE = "coachee"
    MENTEE = "mentee"
    MENTOR = "mentor"
    COACH = "coach"

    @property
    def is_client(self) -> bool:
        """Someone the owner coaches or mentors (as opposed to the owner's own coach)."""
        return self in (Role.COACHEE, Role.MENTEE)

    @property
    def mentoring(self) -> bool:
        return self in (Role.MENTEE, Role.MENTOR)


class Scale(IntEnum):
    """Mood, energy and self-ratings: whole numbers from 1 to 5."""

    VERY_LOW = 1
    LOW = 2
    STEADY = 3
    GOOD = 4
    VERY_GOOD = 5

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").lower()

    @classmethod
    def parse(cls, value: object) -> Scale | None:
        """The member for ``value`` (an int or its digit), or None when it is not on the scale."""
        if value is None or isinstance(value, bool):  # None: most rows (a list parses 400)
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int):
            return _SCALE_MEMBERS.get(value)  # members by value, without the enum's lookups
        return None


class ActionStatus(StrEnum):
    """Where an action stands as stored: still to do, done, or given up."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ActionState(StrEnum):
    """What an action shows as: its status, or for an open one how near its due date is."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"
    OVERDUE = "overdue"
    DUE_TODAY = "due-today"
    DUE_SOON = "due-soon"


_SCALE_MEMBERS: dict[int, Scale] = {int(m): m for m in Scale}
KINDS: tuple[str, ...] = tuple(Kind)
VISIBILITIES: tuple[str, ...] = tuple(Visibility)

__all__ = [
    "KINDS",
    "ActionState",
    "ActionStatus",
    "VISIBILITIES",
    "Kind",
    "Role",
    "Scale",
    "Visibility",
]
