"""Reflective accounts laid out for professional revalidation.

Regulators ask for much the same four things in a reflective account: what the activity or
event was, what you learned, how your practice changed, and how that relates to your
professional code. Entries written with the ``cpd`` model already have those sections; other
models' sections are mapped to the nearest heading (below); a free entry's text goes under
"What happened", leaving the rest for the writer to complete before submitting.
"""

from __future__ import annotations

from reflectjournal.services import entries as E
from reflectjournal.services.frameworks import get_model
from reflectjournal.services.tags import display_name

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
}


def account_parts(entry: dict) -> dict[str, str]:
    """The four headings' text for one entry (missing ones are absent)."""
    model_slug = entry.get("model")
    mapping = MAPPINGS.get(model_slug or "")
    if mapping is None:
        return {"what-happened": entry["body"].strip()} if entry["body"].strip() else {}
    sections = entry.get("sections") or {}
    if not sections:
        model = get_model(model_slug)
        sections = E.split_sections(model, entry["body"]) if model else {}
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
            parts[target] = "\n\n".join(f"*{title}.* {text}" for title, text in pieces)
    return parts


def account_markdown(entry: dict) -> str:
    parts = account_parts(entry)
    lines = [f"## {entry['title']}", ""]
    meta = [f"Date: {entry['created'][:10]}"]
    if entry["tags"]:
        meta.append("Relevant to: " + ", ".join(display_name(t) for t in entry["tags"]))
    lines += [f"*{' · '.join(meta)}*", ""]
    for key, heading in HEADINGS:
        lines += [f"### {heading}", "", parts.get(key) or NOT_WRITTEN, ""]
    return "\n".join(lines)


def document_markdown(entries, owner: str, period: str) -> tuple[str, int]:
    title = "Reflective accounts for revalidation"
    head = [f"# {title}", ""]
    facts = []
    if owner:
        facts.append(f"Written by {owner}")
    if period:
        facts.append(period)
    accounts = [account_markdown(e) for e in entries]
    facts.append(f"{len(accounts)} account{'s' if len(accounts) != 1 else ''}")
    head += [" · ".join(facts), ""]
    if not accounts:
        head.append("No reflections matched the chosen dates and tags.")
    return "\n".join(head + accounts) + "\n", len(accounts)
