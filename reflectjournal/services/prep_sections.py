"""The prep brief's programme sections: the agreement, the goals and care for the carer.

Kept apart from prep.py so the brief's core (themes, actions, what was shared) stays readable.
Every piece of someone else's text goes through ``md_escape``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from reflectjournal.services.wellbeing import SIGNPOSTS, URGENT

if TYPE_CHECKING:
    from reflectjournal.services.prep import Brief


def _escape(text: str) -> str:
    from reflectjournal.services.prep import md_escape

    return md_escape(text)


def _short(iso: str | None) -> str:
    return date.fromisoformat(iso[:10]).strftime("%d %b %Y") if iso else ""


def session_label(brief: Brief) -> str | None:
    """'Session 4 of 6' (or 'Meeting 4' in mentoring without a fixed number)."""
    if brief.session_number is None:
        return None
    word = "Meeting" if brief.mentoring else "Session"
    agreed = brief.agreement.sessions if brief.agreement else None
    text = f"{word} {brief.session_number}" + (f" of {agreed}" if agreed else "")
    if agreed and brief.session_number > agreed:
        text += " (beyond the sessions agreed: time to review the agreement?)"
    return text


def care_lines(brief: Brief) -> list[str]:
    if brief.care is None:
        return []
    out = ["## Care for the carer", "", brief.care.sentence(_escape(brief.person.name)), ""]
    out += ["Places that can help:", ""]
    out += [f"- **{name}**: {what}" for name, what in SIGNPOSTS]
    out += ["", f"*{URGENT}*", ""]
    return out


def agreement_lines(brief: Brief) -> list[str]:
    a = brief.agreement
    if a is None:
        return []
    label = session_label(brief)
    out = [f"## {'Mentoring' if a.kind == 'mentoring' else 'Coaching'} agreement", ""]
    facts = []
    if label:
        facts.append(f"**{label}**" if not a.ended else label)
    if a.start:
        facts.append(f"since {_short(a.start)}")
    if a.frequency:
        facts.append(_escape(a.frequency))
    if a.review:
        due = " (due)" if a.review <= brief.as_of.date().isoformat() and not a.ended else ""
        facts.append(f"review {_short(a.review)}{due}")
    if a.until:
        facts.append(f"planned end {_short(a.until)}")
    if a.ended:
        facts.append(f"ended {_short(a.ended)}")
    out.append(" · ".join(facts) + ".")
    if a.sponsor:
        consent = (
            "agreed to a summary for the sponsor"
            if a.sponsor_consent
            else "no summary for the sponsor agreed"
        )
        out += ["", f"Sponsor: {_escape(a.sponsor)} ({consent})."]
    if a.limits:
        out += ["", f"Limits of confidentiality: {_escape(a.limits)}"]
    out.append("")
    return out


def goal_lines(brief: Brief) -> list[str]:
    if not brief.goals:
        return []
    out = ["## Goals", ""]
    for g in brief.goals:
        trail = " → ".join(str(r.value) for r in g.ratings[-6:])
        latest = g.latest
        if latest is not None:
            progress = f"{trail} out of 10 (last rated {_short(latest.date)})"
        else:
            progress = "not rated yet: where would they put it, 0 to 10?"
        state = {"achieved": " — achieved", "dropped": " — dropped"}.get(g.status, "")
        out.append(f"- **{_escape(g.text)}**{state}: {progress}")
    out.append("")
    return out
