"""Everything this journal holds about one person, for a subject access request (UK GDPR
Art. 15) or simply to hand a coachee their file at the end of a programme.

It gathers the person's record, the agreement, goals and ratings, every session note with
them (sections, agenda, tags, linked entries), every action agreed with them or owned by them,
every entry they shared with their comments, their 360 results, and what travelled through
the exchange: session summaries sent to them or received from them, what they wanted to
bring (or I wanted to bring to them), and reflective discussion records they asked me to
confirm. Written as JSON (for a
machine) or Markdown (for a person); both are documents that leave the journal, so the
privacy check runs on them first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from reflectjournal.services.timeutil import from_storage, now_utc

if TYPE_CHECKING:
    from reflectjournal.services.coaching import Session
    from reflectjournal.services.programmes import Agreement
    from reflectjournal.services.workspace import Workspace


@dataclass(frozen=True)
class PersonFile:
    person: dict[str, Any]
    prepared: str
    agreement: dict[str, Any] | None
    goals: tuple[dict[str, Any], ...]
    sessions: tuple[dict[str, Any], ...]
    actions: tuple[dict[str, Any], ...]
    shared_entries: tuple[dict[str, Any], ...]
    feedback360: tuple[dict[str, Any], ...]
    summaries: tuple[dict[str, Any], ...] = ()
    brought: tuple[dict[str, Any], ...] = ()
    discussions_to_confirm: tuple[dict[str, Any], ...] = ()

    def to_document(self) -> dict[str, Any]:
        """The file's own JSON layout (a document format, versioned, not CLI output)."""
        return {"format": "reflectjournal-person-file", "version": 1, **asdict(self)}


def gather(workspace: Workspace, person: str | int) -> PersonFile:
    who = workspace.people.get(person)
    pid = who.id
    db = workspace.db
    agreement = workspace.programmes.agreement(pid)
    goals = tuple(
        {
            "text": g.text,
            "status": g.status,
            "created": g.created,
            "closed": g.closed,
            "ratings": [{"value": r.value, "date": r.date, "note": r.note} for r in g.ratings],
        }
        for g in workspace.programmes.goals(pid)
    )
    sessions = tuple(
        _session(workspace.coaching.get_session(s.id))
        for s in reversed(workspace.coaching.list_sessions(pid))
    )
    actions = tuple(
        {
            "text": a.text,
            "owner": a.owner,
            "due": a.due.isoformat() if a.due else None,
            "status": str(a.status),
            "created": a.created,
            "closed": a.closed,
            "session_id": str(a.session_id) if a.session_id else None,
        }
        for a in workspace.coaching.list_actions(person=pid)
    )
    shared = []
    for r in db.query(
        "SELECT id, title, body, created, created_offset, mood, energy FROM entry "
        "WHERE kind = 'shared' AND sender_id = ? ORDER BY created, id",
        (pid,),
    ):
        comments = db.query(
            "SELECT author, text, created FROM comment WHERE entry_id = ? ORDER BY created",
            (r["id"],),
        )
        tags = [
            t[0]
            for t in db.query(
                "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id "
                "WHERE et.entry_id = ? ORDER BY t.slug",
                (r["id"],),
            )
        ]
        shared.append(
            {
                "title": r["title"],
                "created": from_storage(r["created"], r["created_offset"]).isoformat(),
                "body": r["body"],
                "mood": r["mood"],
                "energy": r["energy"],
                "tags": tags,
                "comments": [dict(zip(c.keys(), tuple(c), strict=True)) for c in comments],
            }
        )
    reports = []
    for report_id, _taken, _title in workspace.feedback360.reports(pid):
        report = workspace.feedback360.report(report_id)
        reports.append(
            {
                "title": report.title,
                "taken": report.taken,
                "dimensions": [
                    {
                        "dimension": d.name,
                        "self": d.self_score,
                        "others": d.others,
                        "groups": dict(d.groups),
                    }
                    for d in report.dimensions
                ],
            }
        )
    person_record = {
        k: getattr(who, k) for k in ("name", "role", "email", "created", "fingerprint")
    }
    exchanged = _exchanged(workspace, pid)
    return PersonFile(
        person=person_record,
        prepared=now_utc().isoformat(),
        agreement=_agreement(agreement) if agreement else None,
        goals=goals,
        sessions=sessions,
        actions=actions,
        shared_entries=tuple(shared),
        feedback360=tuple(reports),
        **exchanged,
    )


def _exchanged(workspace: Workspace, pid: int) -> dict[str, Any]:
    """What travelled with them through the exchange (services/coaching_exchange.py)."""
    cx = workspace.coaching_exchange
    summaries = tuple(
        {
            "direction": "sent" if n.origin == "mine" else "received",
            "date": n.date,
            "summary": n.summary,
            "actions": [{"text": a.text, "due": a.due, "status": a.status} for a in n.actions],
        }
        for n in reversed(cx.summaries(pid))
    )
    brought = tuple(
        {"direction": "sent" if b.origin == "mine" else "received", "text": b.text,
         "written": b.written}
        for b in cx.bring_items(pid)
    )  # fmt: skip
    requests: tuple[dict[str, Any], ...] = ()
    if workspace.coaching_exchange.can_reach(pid):
        requests = tuple(
            {"date": r.date, "registrant": r.registrant, "colleague": r.colleague_name,
             "pin": r.colleague_pin, "accounts": list(r.accounts), "confirmed_at": r.confirmed_at}
            for r in workspace.revalidation_exchange.requests(pid)
        )  # fmt: skip
    return {"summaries": summaries, "brought": brought, "discussions_to_confirm": requests}


def _agreement(a: Agreement) -> dict[str, Any]:
    keep = (
        "kind sessions frequency confidentiality limits sponsor sponsor_consent start review "
        "until no_fault ended end_review"
    ).split()
    return {k: getattr(a, k) for k in keep}


def _session(s: Session) -> dict[str, Any]:
    """A session in the file's own layout (ids and times as text, as the file was first made)."""
    return {
        "date": s.date.isoformat(),
        "title": s.title,
        "agenda": s.agenda,
        "notes": s.notes,
        "model": s.model,
        "sections": dict(s.sections),
        "tags": list(s.tags),
        "linked_entries": [
            {"id": str(e.id), "title": e.title, "created": e.created.isoformat()}
            for e in s.linked_entries
        ],
    }


def to_json(file: PersonFile) -> str:
    return json.dumps(file.to_document(), ensure_ascii=False, indent=2) + "\n"


def to_markdown(file: PersonFile) -> str:
    from reflectjournal.services.prep import md_escape

    name = md_escape(file.person["name"])
    out = [
        f"# Everything held about {name}",
        "",
        f"Prepared {file.prepared[:10]} from this journal. Role: {file.person['role']}.",
        "",
    ]
    if file.agreement:
        out += ["## Agreement", ""]
        for key, value in file.agreement.items():
            if value not in (None, "", False):
                out.append(f"- {key.replace('_', ' ').capitalize()}: {md_escape(str(value))}")
        out.append("")
    out += ["## Goals", ""]
    for g in file.goals:
        trail = ", ".join(f"{r['value']} on {r['date']}" for r in g["ratings"]) or "not rated"
        out.append(f"- {md_escape(g['text'])} ({g['status']}): {trail}")
    if not file.goals:
        out.append("None.")
    out += ["", f"## Sessions ({len(file.sessions)})", ""]
    for s in file.sessions:
        out += [f"### {s['date'][:10]} — {md_escape(s['title'])}", ""]
        if s["agenda"]:
            out += [f"Agenda: {md_escape(s['agenda'])}", ""]
        # Notes are the practitioner's own Markdown; headings are demoted under the session.
        notes = "\n".join(
            ("###" + line) if line.lstrip().startswith("#") else line
            for line in s["notes"].strip().splitlines()
        )
        out += [notes or "No notes.", ""]
    out += [f"## Actions ({len(file.actions)})", ""]
    for a in file.actions:
        due = f", due {a['due']}" if a["due"] else ""
        out.append(f"- {md_escape(a['text'])} ({a['status']}{due})")
    out += ["", f"## Entries they shared ({len(file.shared_entries)})", ""]
    for e in file.shared_entries:
        out += [f"### {md_escape(e['title'])}", "", f"*{e['created'][:10]}*", ""]
        out += [md_escape(line) for line in e["body"].splitlines()] + [""]
        for c in e["comments"]:
            out += [f"> {md_escape(c['author'])}: {md_escape(c['text'])}", ""]
    if file.summaries:
        out += [f"## Session summaries ({len(file.summaries)})", ""]
        for n in file.summaries:
            out += [f"### {n['date']} ({n['direction']})", "", md_escape(n["summary"]), ""]
            for a in n["actions"]:
                due = f", due {a['due']}" if a["due"] else ""
                out.append(f"- {md_escape(a['text'])} ({a['status']}{due})")
            out.append("")
    if file.brought:
        out += ["## What was to be brought to sessions", ""]
        for b in file.brought:
            out.append(f"- {md_escape(b['text'])} ({b['direction']} {b['written'][:10]})")
        out.append("")
    if file.discussions_to_confirm:
        out += ["## Reflective discussion records they asked to have confirmed", ""]
        for r in file.discussions_to_confirm:
            state = f"confirmed {r['confirmed_at'][:10]}" if r["confirmed_at"] else "not confirmed"
            out.append(f"- {r['date']}: {md_escape(r['registrant'])} with "
                       f"{md_escape(r['colleague'])} ({state})")  # fmt: skip
        out.append("")
    if file.feedback360:
        out += ["## 360 feedback", ""]
        for r in file.feedback360:
            out += [f"### {md_escape(r['title'])} ({r['taken']})", ""]
            for d in r["dimensions"]:
                out.append(f"- {d['dimension']}: self {d['self']}, others {d['others']}")
            out.append("")
    return "\n".join(out)


def entry_ids(workspace: Workspace, person: str | int) -> list[int]:
    """The entries behind the file (their notes and what they shared), whose privacy choices
    apply to it."""
    pid = workspace.people.get(person).id
    rows = workspace.db.query(
        "SELECT id FROM entry WHERE (kind = 'shared' AND sender_id = ?) OR id IN "
        "(SELECT entry_id FROM coaching_session WHERE person_id = ?)",
        (pid, pid),
    )
    return [r[0] for r in rows]
