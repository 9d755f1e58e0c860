"""The session prep brief: what a coach needs to walk into the next session with someone.

Everything comes from two sources only: entries the person chose to share (kind ``shared``,
sent by them) and the coach's own sessions with them. Nothing else in the journal, above all
no private entry, is ever read here.

"This period" runs from the last session up to the moment of preparing; "the period before"
runs from the session before that to the last one. Themes are counted per item (an entry or a
session note), so one long entry counts once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from statistics import mean
from typing import TYPE_CHECKING, Any

from reflectjournal.domain.enums import ActionStatus
from reflectjournal.errors import UsageError
from reflectjournal.services import prep_sections
from reflectjournal.services.actions import Action
from reflectjournal.services.coaching_exchange import BringItem, CoachingExchange
from reflectjournal.services.patterns.evidence import Sample, mean_change
from reflectjournal.services.patterns.rules import trend
from reflectjournal.services.people import Person
from reflectjournal.services.programmes import Agreement, Goal
from reflectjournal.services.timeutil import from_storage, now_utc, to_storage
from reflectjournal.services.wellbeing import CareNote, coachee_care_note
from reflectjournal.storage.database import Database, Row

if TYPE_CHECKING:
    from reflectjournal.services.coaching import Session
    from reflectjournal.services.workspace import Workspace

EXCERPT_CHARS = 220
MAX_QUESTIONS = 8
# Framework categories that describe setting or scope rather than a capability being built.
_NOT_CAPABILITY = {"challenge", "context", "level", "leadership-type", "development-method"}
_NOT_CAPABILITY |= {"outcome", "free", "item"}


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    category: str
    recent: int  # items in this period
    previous: int  # items in the period before
    earlier: int  # items at any time before this period
    questions: tuple[str, ...] = ()
    framework: bool = True
    # The coachee's own writing only (entries they shared), for the trend: the coach's tags on
    # session notes say what the coach heard, not what the coachee is writing about more.
    own_recent: int = 0
    own_previous: int = 0

    @property
    def recurring(self) -> bool:
        return self.recent >= 1 and self.earlier >= 1

    @property
    def rising(self) -> bool:
        """The same rule as Patterns and the weekly review (patterns/rules.py)."""
        return trend(self.own_recent, self.own_previous) == "rising"


@dataclass(frozen=True)
class Brief:
    person: Person
    as_of: datetime
    last_session: Session | None
    next_session: Session | None
    shared: list[dict[str, Any]]
    open_actions: list[Action]
    closed_actions: list[Action]
    challenges: list[Theme]
    focus: list[Theme]
    neglected: list[dict[str, Any]]
    other_themes: list[Theme]
    mood: dict[str, Any]
    questions: list[dict[str, Any]]
    agreement: Agreement | None = None
    session_number: int | None = None  # which session of the programme the next one is
    goals: tuple[Goal, ...] = ()
    care: CareNote | None = None
    # What the coachee sent to bring to this session, arrived since the last one.
    bring: tuple[BringItem, ...] = ()

    @property
    def mentoring(self) -> bool:
        if self.agreement is not None:
            return self.agreement.kind == "mentoring"
        return self.person.role.mentoring


def build_brief(workspace: Workspace, person: str | int, as_of: datetime | None = None) -> Brief:
    """The brief for the next session with ``person``, as things stood at ``as_of`` (now)."""
    now = now_utc()
    if as_of is not None and as_of.astimezone() > now.astimezone():
        raise UsageError(
            f"A prep brief is built from what has already happened, and "
            f"{as_of.date().isoformat()} is still to come; leave out --as-of to prepare now."
        )
    moment = (as_of or now).astimezone()
    until = to_storage(moment)[0]
    today = moment.date()
    db = workspace.db
    coaching = workspace.coaching
    who = workspace.people.get(person)
    pid = who.id
    agreement = workspace.programmes.agreement(pid)

    sessions = db.query(
        "SELECT id, entry_id, date FROM coaching_session WHERE person_id = ? ORDER BY date, id",
        (pid,),
    )
    past = [s for s in sessions if s["date"] <= until]
    ahead = [s for s in sessions if s["date"] > until]
    last = past[-1] if past else None
    before_last = past[-2] if len(past) > 1 else None
    since = last["date"] if last else None

    # Every item (shared entry or session note) about this person up to the brief's moment.
    items = db.query(
        "SELECT e.id, e.kind, e.title, e.body, e.created, e.created_offset, e.mood, e.energy "
        "FROM entry e WHERE e.created <= ? AND ((e.kind = 'shared' AND e.sender_id = ?) OR "
        "e.id IN (SELECT entry_id FROM coaching_session WHERE person_id = ?)) "
        "ORDER BY e.created, e.id",
        (until, pid, pid),
    )
    tags = _tags(db, [r["id"] for r in items])
    last_entry = last["entry_id"] if last else None
    from reflectjournal.services.exchange.arrivals import arrived_at

    # Shared entries count from when they arrived (the exchange records it), not when written.
    arrived = arrived_at(db, [r["id"] for r in items if r["kind"] == "shared"])

    def counted_from(row: Row) -> str:
        return str(max(row["created"], arrived.get(row["id"], row["created"])))

    def period(row: Row) -> str:
        # The last session itself belongs to this period: it is what was discussed last time.
        if since is None or row["id"] == last_entry or counted_from(row) > since:
            return "recent"
        if before_last is not None and counted_from(row) >= before_last["date"]:
            return "previous"
        return "older"

    counts: dict[str, Counter[int]] = {
        k: Counter() for k in ("recent", "previous", "earlier", "own_recent", "own_previous")
    }
    for row in items:
        where = period(row)
        own = row["kind"] == "shared"
        for tag_id in tags.get(row["id"], []):
            counts["recent" if where == "recent" else "earlier"][tag_id] += 1
            if where == "previous":
                counts["previous"][tag_id] += 1
            if own and where in ("recent", "previous"):
                counts[f"own_{where}"][tag_id] += 1

    info = _tag_info(db, {t for ids in tags.values() for t in ids})
    themes = [
        Theme(
            slug=info[t]["slug"],
            name=info[t]["name"],
            category=info[t]["category"],
            recent=counts["recent"][t],
            previous=counts["previous"][t],
            earlier=counts["earlier"][t],
            questions=tuple(json.loads(info[t]["questions"] or "[]")),
            framework=info[t]["framework_id"] is not None,
            own_recent=counts["own_recent"][t],
            own_previous=counts["own_previous"][t],
        )
        for t in counts["recent"]
    ]
    themes.sort(key=lambda t: (-t.recent, -t.earlier, t.name))
    challenges = [t for t in themes if t.category == "challenge"]
    focus = [t for t in themes if t.framework and t.category not in _NOT_CAPABILITY]
    other = [t for t in themes if t not in challenges and t not in focus]
    ids_by_slug = {v["slug"]: k for k, v in info.items()}
    neglected = _neglected(db, ids_by_slug, challenges, counts["recent"])

    shared_rows = [r for r in items if r["kind"] == "shared"]
    shared = [
        _shared_item(r, [info[t]["name"] for t in tags.get(r["id"], [])])
        for r in shared_rows
        if since is None or counted_from(r) > since
    ]

    actions = coaching.list_actions(person=pid, today=today)
    open_actions = [a for a in actions if a.is_open]
    closed = [
        a for a in actions if not a.is_open and a.closed and (since is None or a.closed > since)
    ]

    return Brief(
        person=who,
        as_of=moment,
        last_session=coaching.get_session(last["id"], today=today) if last else None,
        next_session=coaching.get_session(ahead[0]["id"], today=today) if ahead else None,
        shared=list(reversed(shared)),
        open_actions=open_actions,
        closed_actions=closed,
        challenges=challenges,
        focus=focus,
        neglected=neglected,
        other_themes=other,
        mood=_mood(shared_rows, since),
        questions=_questions(challenges + focus, neglected),
        agreement=agreement,
        session_number=_next_number(workspace, pid, agreement, until, ahead),
        goals=tuple(
            g
            for g in workspace.programmes.goals(pid)
            if g.status == "active" or (g.closed and (since is None or g.closed > since))
        ),
        care=coachee_care_note(db, pid, until),
        bring=tuple(
            b
            for b in CoachingExchange(db, workspace.sharing).bring_items(pid, since=since)
            if b.origin == "received" and b.arrived and b.arrived <= _stamp(until)
        ),
    )


def _stamp(iso: str) -> str:
    """A stored time (``+00:00``) in the exchange's form (``Z``), to compare with arrivals."""
    return from_storage(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_number(
    workspace: Workspace, pid: int, agreement: Agreement | None, until: str, ahead: object
) -> int | None:
    """The number of the coming session within the agreement (None without an agreement)."""
    if agreement is None:
        return None
    held, _ = workspace.programmes.session_count(pid, until)
    return int(held) + 1


def _tags(db: Database, entry_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for start in range(0, len(entry_ids), 900):
        chunk = entry_ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for entry_id, tag_id in db.query(
            f"SELECT et.entry_id, et.tag_id FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
            f"WHERE et.entry_id IN ({marks}) ORDER BY t.position, t.slug",
            chunk,
        ):
            result.setdefault(entry_id, []).append(tag_id)
    return result


def _tag_info(db: Database, ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.query(
        f"SELECT id, slug, name, category, framework_id, questions FROM tag WHERE id IN ({marks})",
        sorted(ids),
    )
    return {r["id"]: dict(zip(r.keys(), tuple(r), strict=True)) for r in rows}


def _neglected(
    db: Database, by_slug: dict[str, int], challenges: list[Theme], recent: Counter[int]
) -> list[dict[str, Any]]:
    """Capabilities the framework links to this period's challenges that never came up."""
    if not challenges:
        return []
    ids = [by_slug[c.slug] for c in challenges]
    marks = ",".join("?" * len(ids))
    rows = db.query(
        "SELECT r.tag_id, t.id, t.slug, t.name, t.questions FROM tag_relation r "
        # Only what a challenge calls for: "related" links (burnout and resilience) are no gap.
        f"JOIN tag t ON t.id = r.related_id WHERE r.tag_id IN ({marks}) "
        "AND r.kind = 'calls-for' ORDER BY t.position",
        ids,
    )
    names = {by_slug[c.slug]: c.name for c in challenges}
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        if recent[r["id"]]:
            continue
        item = found.setdefault(
            r["slug"],
            {
                "slug": r["slug"],
                "name": r["name"],
                "called_for_by": [],
                "questions": json.loads(r["questions"] or "[]"),
            },
        )
        item["called_for_by"].append(names[r["tag_id"]])
    return sorted(found.values(), key=lambda n: (-len(n["called_for_by"]), n["name"]))


def _shared_item(row: Row, tag_names: list[str]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "created": from_storage(row["created"], row["created_offset"]).isoformat(),
        "tags": tag_names,
        "excerpt": excerpt(row["body"]),
        "mood": row["mood"],
        "energy": row["energy"],
    }


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """A short plain-text opening of someone's entry: headings and markup dropped."""
    text = re.sub(r"^\s{0,3}#{1,6}\s+.*$", " ", body, flags=re.M)
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`>|~]+", "", text)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _mood(rows: list[Row], since: str | None) -> dict[str, Any]:
    def stats(subset: list[Row], key: str) -> float | None:
        values = [r[key] for r in subset if r[key] is not None]
        return round(mean(values), 1) if values else None

    def sample(subset: list[Row], key: str) -> Sample:
        return Sample.of([r[key] for r in subset if r[key] is not None])

    recent = [r for r in rows if since is None or r["created"] > since]
    before = [r for r in rows if since is not None and r["created"] <= since]
    result: dict[str, Any] = {
        "points": [
            {
                "date": from_storage(r["created"], r["created_offset"]).date().isoformat(),
                "mood": r["mood"],
                "energy": r["energy"],
            }
            for r in recent
            if r["mood"] is not None or r["energy"] is not None
        ]
    }
    for key in ("mood", "energy"):
        now_mean, then_mean = stats(recent, key), stats(before, key)
        result[key] = {
            "recent": now_mean,
            "before": then_mean,
            # The weekly review's test: enough ratings, half a point, an interval clear of 0.
            "trend": _TREND_WORDS[mean_change(sample(recent, key), sample(before, key))]
            if then_mean is not None and now_mean is not None
            else None,
        }
    return result


_TREND_WORDS = {"up": "rising", "down": "falling", "level": "steady", "too few": "too few to tell"}


def _questions(themes: list[Theme], neglected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to two questions for each theme in order of weight, one for each gap, at most 8."""
    picked: list[dict[str, Any]] = []
    for theme in themes:
        for question in theme.questions[:2]:
            picked.append({"theme": theme.name, "question": question})
    for gap in neglected[:2]:
        for question in gap["questions"][:1]:
            picked.append({"theme": gap["name"], "question": question})
    seen, result = set(), []
    for q in picked:
        if q["question"] not in seen:
            seen.add(q["question"])
            result.append(q)
    return result[:MAX_QUESTIONS]


# ---- Markdown ------------------------------------------------------------------------------

# Enough to stop someone's text from becoming a link, image, emphasis, code, table or raw HTML
# in our Markdown; list and heading markers only matter at the start of a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LEADING = re.compile(r"^(\s*)([#+\-=])")
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def md_escape(text: str) -> str:
    """Someone else's text, made inert inside our Markdown (no links, headings or HTML)."""
    flat = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    flat = _MD_LEADING.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)
    return _MD_NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)


def _day(moment: str | datetime) -> str:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%a %d %b %Y")


def _due(action: Action) -> str:
    if action.due is None:
        return ""
    label = {"overdue": "overdue since", "due-today": "due today,"}.get(action.state, "due")
    return f" — {label} {action.due.strftime('%d %b')}"


def _owner(action: Action) -> str:
    return md_escape(action.owner) if action.owner else "me"


def to_markdown(brief: Brief) -> str:
    name = md_escape(brief.person.name)
    out: list[str] = [f"# Session prep: {name}", ""]
    meta = [f"Prepared {brief.as_of.strftime('%d %b %Y, %H:%M')}"]
    if brief.last_session:
        meta.append(f"last session {_day(brief.last_session.date)}")
    else:
        meta.append("no session recorded yet")
    if brief.next_session:
        meta.append(f"next session {_day(brief.next_session.date)}")
    label = prep_sections.session_label(brief)
    if label:
        meta.insert(0, f"**{label.split(' (')[0]}**")
    out += [" · ".join(meta), ""]

    overdue = [a for a in brief.open_actions if a.overdue]
    rising = [t.name for t in brief.challenges if t.rising]
    glance = [
        f"**{len(brief.shared)}** shared {'entry' if len(brief.shared) == 1 else 'entries'} since "
        + ("the last session" if brief.last_session else "you began"),
        f"**{len(brief.open_actions)}** open action{'' if len(brief.open_actions) == 1 else 's'}"
        f", **{len(overdue)}** overdue",
    ]
    if rising:
        glance.append("rising: " + ", ".join(md_escape(r) for r in rising))
    out += ["## At a glance", "", *[f"- {g}" for g in glance], ""]
    out += prep_sections.care_lines(brief)
    if brief.bring:
        first = md_escape(brief.person.name.split()[0])
        out += [f"## What {first} wants to bring", ""]
        out += [f"- {md_escape(b.text)}" for b in brief.bring]
        out.append("")
    out += prep_sections.agreement_lines(brief)
    out += prep_sections.goal_lines(brief)

    out += ["## Actions", ""]
    if brief.open_actions:
        for a in brief.open_actions:
            flag = "**Overdue:** " if a.overdue else ""
            out.append(f"- ☐ {flag}{md_escape(a.text)} ({_owner(a)}{_due(a)})")
    else:
        out.append("No open actions.")
    if brief.closed_actions:
        out += ["", "Closed since last time:", ""]
        for a in brief.closed_actions:
            done = a.status is ActionStatus.DONE
            mark = "☑" if done else "☒"
            note = "" if done else " (dropped)"
            out.append(f"- {mark} {md_escape(a.text)}{note}")
    out.append("")

    out += ["## Challenges", ""]
    if brief.challenges:
        for t in brief.challenges:
            labels = [x for x, on in (("rising", t.rising), ("recurring", t.recurring)) if on]
            label = f" — {', '.join(labels)}" if labels else ""
            before = f"; {t.previous} in the period before" if t.previous else ""
            out.append(f"- **{md_escape(t.name)}**: {t.recent} this period{before}{label}")
    else:
        out.append("No challenges tagged in this period.")
    out.append("")

    out += ["## Capabilities", ""]
    if brief.focus:
        out.append(
            "In focus: " + ", ".join(f"{md_escape(t.name)} ({t.recent})" for t in brief.focus) + "."
        )
    if brief.neglected:
        out += ["", "Called for but not mentioned:", ""]
        for n in brief.neglected:
            causes = [md_escape(c) for c in n["called_for_by"]]
            why = " and ".join([", ".join(causes[:-1]), causes[-1]] if len(causes) > 1 else causes)
            verb = "call" if len(causes) > 1 else "calls"
            out.append(f"- **{md_escape(n['name'])}**, which {why} {verb} for")
    if not brief.focus and not brief.neglected:
        out.append("No capabilities tagged in this period.")
    out.append("")

    out += ["## Mood and energy", "", _mood_line(brief.mood), ""]

    out += ["## Shared with you", ""]
    if brief.shared:
        for s in brief.shared:
            tags = f" · {', '.join(md_escape(t) for t in s['tags'])}" if s["tags"] else ""
            out.append(f"### {md_escape(s['title'])}")
            out.append("")
            out.append(f"*{_day(s['created'])}{tags}*")
            if s["excerpt"]:
                out += ["", f"> {md_escape(s['excerpt'])}"]
            out.append("")
    else:
        out += ["Nothing shared since the last session.", ""]

    out += ["## Your notes from last time", ""]
    if brief.last_session:
        session = brief.last_session
        out.append(f"*{_day(session.date)} — {md_escape(session.title)}*")
        out.append("")
        if session.agenda:
            out += [f"Agenda: {md_escape(session.agenda)}", ""]
        # The coach's own notes are their Markdown; demote headings below the brief's own.
        notes = re.sub(r"^(\s{0,3})(#{1,6})", r"\1##\2", session.notes.strip(), flags=re.M)
        out += [notes or "No notes were written.", ""]
    else:
        out += ["This will be your first session together.", ""]

    out += ["## Questions to consider", ""]
    if brief.questions:
        for i, q in enumerate(brief.questions, start=1):
            out.append(f"{i}. {md_escape(q['question'])} *({md_escape(q['theme'])})*")
    else:
        out.append("No themes were tagged, so no framework questions were drawn.")
    out.append("")
    return "\n".join(out)


def _mood_line(mood: dict[str, Any]) -> str:
    parts = []
    for key in ("mood", "energy"):
        m = mood[key]
        if m["recent"] is None:
            continue
        text = f"{key.capitalize()} averaged {m['recent']}/5"
        if m["before"] is not None:
            text += f" (before: {m['before']}/5, {m['trend']})"
        parts.append(text)
    if not parts:
        return "No mood or energy was recorded in the entries shared this period."
    points = ", ".join(
        f"{date.fromisoformat(p['date']).strftime('%d %b')}: {p['mood'] or '–'}/{p['energy'] or '–'}"
        for p in mood["points"]
    )
    return "; ".join(parts) + f". Mood/energy by entry: {points}."


# ---- HTML, for the app and for PDF --------------------------------------------------------

# Qt's rich-text engine understands a small CSS subset; this is chosen to print well in black
# and white on A4 (serif body, clear section rules, compact lists).
BRIEF_CSS = """
body { font-family: 'DejaVu Serif', Georgia, serif; font-size: 10.5pt; color: #1a1a1a; }
h1 { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 17pt; color: #0b4f6c;
     margin-bottom: 2px; }
h2 { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 12pt; color: #0b4f6c;
     border-bottom: 1px solid #9fb8c4; margin-top: 14px; margin-bottom: 4px; }
h3 { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; margin-top: 8px;
     margin-bottom: 0px; }
h4, h5, h6 { font-size: 10.5pt; font-style: italic; margin-bottom: 0px; }
p { margin-top: 3px; margin-bottom: 3px; }
li { margin-bottom: 2px; }
blockquote { color: #333333; margin-left: 14px; font-style: italic; }
em { color: #4a4a4a; }
"""


def entry_ids(brief: Brief) -> list[str]:
    """The entries the brief quotes, whose privacy choices apply to it."""
    ids = [s["id"] for s in brief.shared if s.get("id")]
    if brief.last_session:
        ids.append(str(brief.last_session.entry_id))
    return ids


def title(brief: Brief) -> str:
    return f"Session prep: {brief.person.name}"


# The same layout for a dark screen: light text, headings in a lighter blue. Paper (PDF) always
# uses BRIEF_CSS.
BRIEF_CSS_DARK = (
    BRIEF_CSS.replace("#1a1a1a", "#e6e6e6")
    .replace("#0b4f6c", "#7cc4e4")
    .replace("#9fb8c4", "#4a6572")
    .replace("#333333", "#cfcfcf")
    .replace("#4a4a4a", "#bdbdbd")
)


def to_html(markdown_text: str, brief: Brief | str, *, css: str = BRIEF_CSS) -> str:
    """A whole HTML document: the sanitised rendering of the brief with our print style.

    Only the body comes from rendering (which sanitises it); the head is our own constant text.
    ``brief`` may instead be the document's title (the sponsor summary uses the same style).
    """
    from html import escape

    body = render_html(markdown_text)
    return (
        f'<html><head><meta charset="utf-8"><title>{escape(brief if isinstance(brief, str) else title(brief))}</title>'
        f"<style>{css}</style></head><body>{body}</body></html>"
    )


def render_html(markdown_text: str) -> str:
    """The brief's body as sanitised HTML (the rendering service's allow-list)."""
    from reflectjournal.services.rendering import render_markdown

    return render_markdown(markdown_text)
