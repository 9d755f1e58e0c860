"""Reflective accounts laid out for professional revalidation.

Regulators ask for much the same four things in a reflective account: what the activity or
event was, what you learned, how your practice changed, and how that relates to your
professional code. Entries written with the ``cpd`` model already have those sections; other
models' sections are mapped to the nearest heading (below); a free entry's text goes under
"What happened", leaving the rest for the writer to complete before submitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from reflectjournal.services import entries as E
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.regulators import Regulator
from reflectjournal.services.revalidation import AccountDetails, Tracker
from reflectjournal.services.tags import display_name

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

    from reflectjournal.services.entry_records import EntryRecord
    from reflectjournal.services.regulators import Choice

HEADINGS = (
    ("what-happened", "What happened"),
    ("what-i-learned", "What I learned"),
    ("what-i-changed", "How my practice changed"),
    ("professional-code", "How it relates to my professional code"),
)
NOT_WRITTEN = "_Not written yet._"

# model slug → {model section key: account heading key}; several sections may share one.
MAPPINGS: dict[str, dict[str, str]] = {
    "cpd": {
        "what-happened": "what-happened",
        "what-i-learned": "what-i-learned",
        "what-i-changed": "what-i-changed",
        "professional-code": "professional-code",
    },
    "gibbs": {
        "description": "what-happened",
        "feelings": "what-happened",
        "evaluation": "what-i-learned",
        "analysis": "what-i-learned",
        "conclusion": "what-i-learned",
        "action-plan": "what-i-changed",
    },
    "kolb": {
        "concrete-experience": "what-happened",
        "reflective-observation": "what-i-learned",
        "abstract-conceptualisation": "what-i-learned",
        "active-experimentation": "what-i-changed",
    },
    "what-so-what-now-what": {
        "what": "what-happened",
        "so-what": "what-i-learned",
        "now-what": "what-i-changed",
    },
    "after-action-review": {
        "expected": "what-happened",
        "actual": "what-happened",
        "difference": "what-i-learned",
        "next-time": "what-i-changed",
    },
    "johns": {
        "description": "what-happened",
        "aims": "what-happened",
        "feelings": "what-happened",
        "values": "what-i-learned",
        "next-time": "what-i-changed",
    },
    "schon": {
        "in-action": "what-happened",
        "on-action": "what-i-learned",
        "for-action": "what-i-changed",
    },
    "brookfield": {
        "own-experience": "what-happened",
        "people-served": "what-i-learned",
        "colleagues": "what-i-learned",
        "theory": "what-i-learned",
        "assumptions": "what-i-changed",
    },
    "schwartz-round": {
        "story": "what-happened",
        "how-it-felt": "what-happened",
        "what-it-stirred": "what-i-learned",
        "staying-with-me": "what-i-learned",
    },
    "significant-event-analysis": {
        "what-happened": "what-happened",
        "why": "what-i-learned",
        "went-well": "what-i-learned",
        "could-be-better": "what-i-learned",
        "change": "what-i-changed",
    },
    "star": {
        "situation": "what-happened",
        "task": "what-happened",
        "action": "what-happened",
        "result": "what-i-learned",
    },
}


def _stop(title: str) -> str:
    """A section title as a lead-in: 'Feelings.' but 'What happened?' as it is."""
    return title if title[-1:] in "?.!" else f"{title}."


def account_parts(entry: EntryRecord) -> dict[str, str]:
    """The four headings' text for one entry (missing ones are absent)."""
    model_slug = entry.model
    mapping = MAPPINGS.get(model_slug or "")
    if mapping is None:
        return {"what-happened": entry.body.strip()} if entry.body.strip() else {}
    sections = dict(entry.sections)
    if not sections:
        model = get_model(model_slug)
        sections = E.split_sections(model, entry.body) if model else {}
    model = get_model(model_slug)
    titles = {s.key: s.title for s in model.sections} if model else {}
    collected: dict[str, list[tuple[str, str]]] = {}
    for key, text in sections.items():
        if text.strip():
            target = mapping.get(key, "what-happened")
            collected.setdefault(target, []).append((titles.get(key, key), text.strip()))
    parts = {}
    for target, pieces in collected.items():
        if len(pieces) == 1:
            parts[target] = pieces[0][1]
        else:  # keep where each part came from, e.g. "Feelings" under "What happened"
            parts[target] = "\n\n".join(f"*{_stop(title)}* {text}" for title, text in pieces)
    return parts


def uk_date(iso: str) -> str:
    """'2026-11-03…' -> '3 November 2026' (the long form UK forms and readers expect)."""
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class CpdContext:
    """What the account layout needs besides the entries themselves."""

    regulator: Regulator | None = None
    details: dict[int, AccountDetails] = field(default_factory=dict)
    tag_names: dict[str, str] = field(default_factory=dict)
    tracker: Tracker | None = None


def _tag_label(slug: str, names: dict[str, str]) -> str:
    return names.get(slug) or display_name(slug)


def _boxes(choices: Iterable[Choice], chosen: Container[str]) -> str:
    return "  \n".join(f"{'☒' if c.slug in chosen else '☐'} {c.label}" for c in choices)


def account_markdown(entry: EntryRecord, context: CpdContext | None = None) -> str:
    context = context or CpdContext()
    reg = context.regulator
    parts = account_parts(entry)
    lines = [f"## {entry.title}", ""]
    meta = [f"Date: {uk_date(entry.created)}"]
    if entry.tags:
        labels = ", ".join(_tag_label(t, context.tag_names) for t in entry.tags)
        meta.append("Relevant to: " + labels)
    lines += [f"*{' · '.join(meta)}*", ""]
    if reg is None:
        for key, heading in HEADINGS:
            lines += [f"### {heading}", "", parts.get(key) or NOT_WRITTEN, ""]
        return "\n".join(lines)
    details = context.details.get(entry.id)
    chosen_type = details.account_type if details else ""
    chosen_themes = set(details.themes) if details else set()
    lines += ["### Type of account", "", _boxes(reg.account_types, {chosen_type}), ""]
    for question in reg.questions:
        if question.key == "benefit":
            text = (details.benefit if details else "") or NOT_WRITTEN
        else:
            text = parts.get(question.key) or NOT_WRITTEN
        lines += [f"### {question.heading}", ""]
        if question.key == "professional-code":
            lines += [_boxes(reg.themes, chosen_themes), ""]
            if parts.get(question.key):
                lines += [parts[question.key], ""]
            continue
        lines += [text, ""]
    if reg.slug == "hcpc":
        lines += [f"### {reg.themes_heading}", "", _boxes(reg.themes, chosen_themes), ""]
    return "\n".join(lines)


def tracker_markdown(t: Tracker) -> list[str]:
    reg, c = t.regulator, t.regulator.cycle
    out = [
        "## Revalidation record",
        "",
        f"Cycle: {uk_date(t.cycle_start.isoformat())} to {uk_date(t.cycle_end.isoformat())} "
        f"({c.years} years)",
        "",
    ]

    def against(have: float, need: float | None, unit: str = "") -> str:
        text = f"{have:g}" + (f" {unit}" if unit else "")
        return text + (f" of {need:g}" if need else "")

    out += [
        f"- Reflective accounts: {against(len(t.accounts), c.accounts)}",
        f"- CPD: {against(t.cpd_hours, c.cpd_hours, 'hours')}, of which "
        f"{against(t.participatory_hours, c.participatory_hours, 'hours')} participatory",
        f"- Practice-related feedback: {against(len(t.feedback), c.feedback)}",
    ]
    if c.discussion:
        held = t.discussions
        out.append(
            "- Reflective discussion: "
            + (f"held on {uk_date(held[-1].date)}" if held else "not yet held")
        )
    needs = t.still_needed()
    out += ["", ("Still needed: " + "; ".join(needs) + ".") if needs else "Everything the "
            f"{reg.slug.upper()} asks for in this cycle is recorded.", ""]  # fmt: skip
    if t.cpd:
        out += ["### CPD log", "", "| Date | Activity | Method | Hours | Participatory |",
                "|---|---|---|---|---|"]  # fmt: skip
        for a in t.cpd:
            out.append(
                f"| {uk_date(a.date)} | {_cell(a.title)} | {_cell(a.method) or '—'} | "
                f"{a.hours:g} | {'Yes' if a.participatory else 'No'} |"
            )
        out.append("")
    if t.feedback:
        out += ["### Feedback log", "", "| Date | From | What it said |", "|---|---|---|"]
        for f in t.feedback:
            out.append(f"| {uk_date(f.date)} | {_cell(f.source) or '—'} | {_cell(f.summary)} |")
        out.append("")
    if c.discussion:
        out += ["### Reflective discussion", ""]
        if not t.discussions:
            out += ["Not yet recorded: the registrant you discuss your accounts with gives their "
                    "name, registration number (PIN) and the date.", ""]  # fmt: skip
        for d in t.discussions:
            out += [
                f"- Date: {uk_date(d.date)}",
                f"- With: {d.colleague_name}"
                + (f", PIN {d.colleague_pin}" if d.colleague_pin else ""),
                "- Confirmed by them through ReflectJournal: "
                + ("yes" if d.confirmed else "not yet"),
                "",
            ]
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def document_markdown(
    entries: Iterable[EntryRecord], owner: str, period: str, context: CpdContext | None = None
) -> tuple[str, int]:
    context = context or CpdContext()
    reg = context.regulator
    title = reg.document_title if reg else "Reflective accounts for revalidation"
    head = [f"# {title}", ""]
    facts = []
    if owner:
        facts.append(f"Written by {owner}")
    if period:
        facts.append(period)
    accounts = [account_markdown(e, context) for e in entries]
    facts.append(f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}")
    head += [" · ".join(facts), ""]
    if reg is not None:
        # The regulator's cautions come first, where the writer sees them before anything else.
        head += ["\n>\n".join(f"> {note}" for note in reg.notes), ""]
    if context.tracker is not None:
        head += tracker_markdown(context.tracker)
    if not accounts:
        head.append("No reflections matched the chosen dates and tags.")
    return "\n".join(head + accounts) + "\n", len(accounts)
