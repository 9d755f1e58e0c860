"""The sponsor summary: what a coachee agreed a sponsor or line manager may see.

Only with consent recorded in the agreement. It holds the programme's shape (sessions agreed,
held, dates), attendance, and the shared goals with their ratings; never session notes,
agendas, titles, actions, or anything the coachee wrote in an entry. Before it is written
anywhere, the privacy check looks for identifiers, as for every document that leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from reflectjournal.errors import UsageError
from reflectjournal.services.programmes import Agreement, Goal
from reflectjournal.services.timeutil import now_utc

if TYPE_CHECKING:
    from reflectjournal.services.workspace import Workspace


@dataclass(frozen=True)
class SponsorSummary:
    person: str
    sponsor: str
    agreement: Agreement
    held: tuple[str, ...]  # ISO dates of sessions held within the agreement
    next_session: str | None  # ISO date of the next one planned
    goals: tuple[Goal, ...]
    prepared: str  # ISO date

    @property
    def mentoring(self) -> bool:
        return self.agreement.kind == "mentoring"


def build_summary(
    workspace: Workspace, person: str | int, today: date | None = None
) -> SponsorSummary:
    who = workspace.people.get(person)
    agreement = workspace.programmes.agreement(who.id)
    if agreement is None:
        raise UsageError(
            f"There is no agreement with {who.name}, so there is no sponsor to write to; "
            "set one with 'agreement set'."
        )
    if not agreement.sponsor:
        raise UsageError(
            f"The agreement with {who.name} names no sponsor; add one with "
            "'agreement set --sponsor NAME'."
        )
    if not agreement.sponsor_consent:
        raise UsageError(
            f"{who.name} has not agreed to a summary for {agreement.sponsor}; record their "
            "consent first ('agreement set --sponsor-consent yes')."
        )
    now = now_utc().isoformat()
    rows = workspace.db.query(
        "SELECT date FROM coaching_session WHERE person_id = ? AND substr(date, 1, 10) >= ? "
        "ORDER BY date",
        (who.id, agreement.start or ""),
    )
    held = tuple(r["date"][:10] for r in rows if r["date"] <= now)
    ahead = [r["date"][:10] for r in rows if r["date"] > now]
    goals = tuple(g for g in workspace.programmes.goals(who.id) if g.shared)
    return SponsorSummary(
        person=who.name,
        sponsor=agreement.sponsor,
        agreement=agreement,
        held=held,
        next_session=ahead[0] if ahead else None,
        goals=goals,
        prepared=(today or date.today()).isoformat(),
    )


def _d(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d %b %Y")


def to_markdown(summary: SponsorSummary) -> str:
    from reflectjournal.services.prep import md_escape

    a = summary.agreement
    word = "Mentoring" if summary.mentoring else "Coaching"
    sessions = "meetings" if summary.mentoring else "sessions"
    out = [
        f"# {word} programme summary: {md_escape(summary.person)}",
        "",
        f"For {md_escape(summary.sponsor)} · prepared {_d(summary.prepared)} · shared with "
        f"{md_escape(summary.person)}'s agreement. It holds no content of the conversations, "
        "which stay confidential.",
        "",
        "## Programme",
        "",
    ]
    facts = [f"- {word} since {_d(a.start)}" if a.start else f"- {word} programme"]
    if a.sessions:
        facts.append(f"- {len(summary.held)} of {a.sessions} {sessions} held")
    else:
        facts.append(f"- {len(summary.held)} {sessions} held")
    if a.frequency:
        facts.append(f"- Meeting {md_escape(a.frequency)}")
    if summary.next_session:
        facts.append(f"- Next {sessions[:-1]} planned for {_d(summary.next_session)}")
    if a.review:
        facts.append(f"- Review of the agreement: {_d(a.review)}")
    if a.until:
        facts.append(f"- Planned end: {_d(a.until)}")
    if a.ended:
        facts.append(f"- Ended {_d(a.ended)}")
    out += facts + [""]
    out += ["## Attendance", ""]
    if summary.held:
        out.append(", ".join(_d(d) for d in summary.held) + ".")
    else:
        out.append(f"No {sessions} held yet.")
    out += ["", "## Goals and progress", ""]
    if summary.goals:
        out.append("Progress is the coachee's own rating, from 0 (not started) to 10 (achieved).")
        out.append("")
        for g in summary.goals:
            if g.ratings:
                first, last = g.ratings[0], g.ratings[-1]
                progress = (
                    f"{first.value} ({_d(first.date)}) → {last.value} ({_d(last.date)})"
                    if len(g.ratings) > 1
                    else f"{last.value} ({_d(last.date)})"
                )
            else:
                progress = "not rated yet"
            state = {"achieved": " — achieved", "dropped": " — set aside"}.get(g.status, "")
            out.append(f"- **{md_escape(g.text)}**{state}: {progress}")
    else:
        out.append("No goals were agreed for sharing.")
    out.append("")
    return "\n".join(out)


def title(summary: SponsorSummary) -> str:
    return f"Programme summary: {summary.person}"


def to_html(markdown_text: str, summary: SponsorSummary) -> str:
    from reflectjournal.services import prep

    return prep.to_html(markdown_text, title(summary))
