"""Coaching through the exchange: agreement send, session summary/summaries, bring.

Registered by ``programme_cmds`` (agreement send), ``coaching_cmds`` (session summary,
session summaries) and here (bring). JSON is built here from the services' dataclasses.
"""

from __future__ import annotations

from typing import Any

from reflectjournal.cli import output
from reflectjournal.cli.journal_cmds import workspace
from reflectjournal.services.display import compact_datetime


def _exchange(ws: Any) -> Any:
    return ws.coaching_exchange


def _all(show: Any, rows: list[Any]) -> None:
    for row in rows:
        show(row)


def _when(stamp: str | None) -> str | None:
    return compact_datetime(stamp) if stamp else None


# ---- agreement send --------------------------------------------------------------------------


def register_agreement_verbs(verbs: Any) -> None:
    p = verbs.add_parser(
        "send", help="send PERSON a copy of the agreement and shared goals (changes follow)"
    )
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement_send)


def delivery_json(d: Any) -> dict[str, Any]:
    return {"person": d.person, "version": d.version, "queued": d.queued, "received": d.received}


def cmd_agreement_send(args: Any) -> int:
    with workspace(args) as ws:
        delivery = _exchange(ws).send_programme(args.person)
    return output.reply(
        args,
        delivery_json(delivery),
        f"A copy of the agreement and shared goals goes to {delivery.person} at the next sync; "
        "later changes follow.",
    )


# ---- session summary ---------------------------------------------------------------------------


def register_session_verbs(verbs: Any) -> None:
    p = verbs.add_parser(
        "summary", help="send the coachee a session's summary with the actions they own"
    )
    p.add_argument("id", metavar="SESSION_ID")
    p.add_argument("text", metavar="TEXT|-", help="the summary; - reads standard input")
    p.add_argument(
        "--allow-identifiers", action="store_true", help="send even if the privacy check objects"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_summary)
    p = verbs.add_parser("summaries", help="session summaries sent and received")
    p.add_argument("--with", dest="person", metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_summaries)


def summary_json(s: Any) -> dict[str, Any]:
    return {
        "id": str(s.id),
        "person": s.person,
        "direction": "sent" if s.origin == "mine" else "received",
        "session_id": str(s.session_id) if s.session_id else None,
        "date": s.date,
        "summary": s.summary,
        "updated": s.updated,
        "received": s.received,
        "actions": [
            {"id": str(a.id), "text": a.text, "due": a.due, "status": a.status} for a in s.actions
        ],
    }


def cmd_session_summary(args: Any) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text) or ""
    with workspace(args) as ws:
        sent = _exchange(ws).send_summary(args.id, text, allow_identifiers=args.allow_identifiers)
    count = len(sent.actions)
    return output.reply(
        args,
        summary_json(sent),
        f"The summary goes to {sent.person} at the next sync, with {count} "
        f"action{'s' if count != 1 else ''} they own.",
    )


def cmd_session_summaries(args: Any) -> int:
    with workspace(args) as ws:
        found = _exchange(ws).summaries(args.person)
    return output.reply(
        args,
        [summary_json(s) for s in found],
        lambda _: _all(_summary_lines, found),
        empty="No session summaries sent or received yet.",
    )


def _summary_lines(s: Any) -> None:
    way = f"to {s.person}" if s.origin == "mine" else f"from {s.person}"
    state = ""
    if s.origin == "mine":
        state = f" (received {_when(s.received)})" if s.received else " (not received yet)"
    output.say(f"{s.date}  summary {way}{state}")
    for line in s.summary.splitlines():
        output.say(f"    {line}")
    for a in s.actions:
        due = f", due {a.due}" if a.due else ""
        output.say(f"    - [{a.status}] {a.text}{due}  (action {a.id})")


# ---- bring -------------------------------------------------------------------------------------


def register(sub: Any) -> None:
    bring = sub.add_parser("bring", help="what you want to bring to the next session")
    verbs = bring.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help="send your coach or mentor something to bring")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("text", metavar="TEXT|-", help="what you want to bring; - reads stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_bring_add)
    p = verbs.add_parser("list", help="what you sent, and what others want to bring")
    p.add_argument("--with", dest="person", metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_bring_list)
    p = verbs.add_parser("remove", help="take back something you wanted to bring")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_bring_remove)


def bring_json(b: Any) -> dict[str, Any]:
    return {
        "id": str(b.id),
        "person": b.person,
        "direction": "sent" if b.origin == "mine" else "received",
        "text": b.text,
        "written": b.written,
        "arrived": b.arrived,
        "received": b.received,
    }


def cmd_bring_add(args: Any) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text) or ""
    with workspace(args) as ws:
        item = _exchange(ws).bring(args.person, text)
    return output.reply(
        args, bring_json(item), f"{item.person} will see it at the next sync (item {item.id})."
    )


def cmd_bring_list(args: Any) -> int:
    with workspace(args) as ws:
        found = _exchange(ws).bring_items(args.person)
    return output.reply(
        args,
        [bring_json(b) for b in found],
        lambda _: _all(_bring_line, found),
        empty="Nothing to bring yet; 'reflectjournal bring add --with PERSON TEXT' adds one.",
    )


def _bring_line(b: Any) -> None:
    if b.origin == "mine":
        state = f"received {_when(b.received)}" if b.received else "not received yet"
        output.say(f"{b.id:>4}  to {b.person} ({state}): {b.text}")
    else:
        output.say(f"{b.id:>4}  from {b.person} (arrived {_when(b.arrived)}): {b.text}")


def cmd_bring_remove(args: Any) -> int:
    with workspace(args) as ws:
        item = _exchange(ws).remove_bring(args.id)
    output.say(f"Removed; {item.person} no longer sees it after the next sync.")
    return 0
