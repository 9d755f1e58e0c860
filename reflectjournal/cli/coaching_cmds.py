"""Coaching commands: person, session, action, reminders (docs/CLI.md, Coaching)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.cli import output
from reflectjournal.cli.journal_cmds import workspace
from reflectjournal.cli.shapes import action_json, actions_json
from reflectjournal.services.display import plural

if TYPE_CHECKING:
    from datetime import datetime

    from reflectjournal.services.actions import Action
    from reflectjournal.services.coaching import Reminders, Session, SessionSummary


def register(sub) -> None:
    person = sub.add_parser("person", help="coachees, mentors and coaches")
    verbs = person.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help="add a person")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=("coachee", "mentee", "mentor", "coach"))
    p.add_argument("--email", default="", metavar="E")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_person_add)
    p = verbs.add_parser("list", help="everyone this journal knows")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_person_list)
    p = verbs.add_parser(
        "delete", help="remove a person; say what happens to their sessions with --sessions"
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--sessions",
        choices=("keep", "delete"),
        help="keep their session notes (their open actions are dropped) or delete them too",
    )
    p.set_defaults(handler=cmd_person_delete)

    p = verbs.add_parser(
        "export", help="everything held about one person (a subject access request)"
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--out", required=True, metavar="FILE.json|FILE.md")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="write it even if the privacy check finds likely identifiers",
    )
    p.set_defaults(handler=cmd_person_export)

    session = sub.add_parser("session", help="coaching session notes and the prep brief")
    verbs = session.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help="record a session")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--date", metavar="ISO", help="when it took place (a future date: planned)")
    p.add_argument("--title", metavar="T")
    p.add_argument("--agenda", default="", metavar="TEXT")
    p.add_argument("--tag", action="append", default=[], metavar="SLUG")
    p.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="TEXT",
        help="an action agreed, owned by the coachee (repeatable)",
    )
    p.add_argument(
        "--link", action="append", default=[], metavar="ID", help="a shared entry discussed"
    )
    p.add_argument(
        "--model",
        metavar="SLUG",
        help="a session model: grow takes '## Goal', '## Reality', '## Options' and "
        "'## Way forward' from the notes",
    )
    p.add_argument("text", nargs="?", metavar="TEXT|-", help="the notes; - reads standard input")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_add)
    p = verbs.add_parser("export", help="sessions as an iCalendar file (Outlook, Google Calendar)")
    p.add_argument("--ics", required=True, metavar="FILE")
    p.add_argument("--with", dest="person", metavar="PERSON", help="only sessions with PERSON")
    p.add_argument("--upcoming", action="store_true", help="only sessions still to come")
    p.add_argument(
        "--minutes", type=int, default=60, metavar="N", help="length of each session (60)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_export)
    p = verbs.add_parser("list", help="sessions, newest first")
    p.add_argument("--with", dest="person", metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_list)
    p = verbs.add_parser("show", help="one session with its notes and actions")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_show)
    p = verbs.add_parser("delete", help="remove a session and its notes (actions stay)")
    p.add_argument("id", metavar="ID")
    p.set_defaults(handler=cmd_session_delete)
    from reflectjournal.cli.coaching_exchange_cmds import register_session_verbs

    register_session_verbs(verbs)
    p = verbs.add_parser("prep", help="the prep brief for the next session with PERSON")
    p.add_argument("person", metavar="PERSON")
    p.add_argument("--out", metavar="FILE.md|FILE.pdf")
    p.add_argument("--as-of", metavar="DATE", help="prepare as things stood on DATE (past only)")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="write --out even if the privacy check finds likely patient identifiers",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_session_prep)

    action = sub.add_parser("action", help="actions from sessions and reflections")
    verbs = action.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help="a new open action")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--owner", metavar="PERSON", help="who will do it (default: me)")
    p.add_argument("--due", metavar="DATE")
    p.add_argument("--entry", metavar="ID", help="the entry it came from")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_action_add)
    p = verbs.add_parser("edit", help="change an action's text, due date or owner")
    p.add_argument("id", metavar="ID")
    p.add_argument("--text", metavar="T")
    p.add_argument("--due", metavar="DATE", help="a date, or 'none' to clear it")
    p.add_argument("--owner", metavar="PERSON", help="a person's name, or 'me'")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_action_edit)
    p = verbs.add_parser("list", help="actions, open ones first by due date")
    p.add_argument("--open", action="store_true", help="only open actions")
    p.add_argument("--status", choices=("open", "done", "dropped"))
    p.add_argument("--with", dest="person", metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_action_list)
    for verb, status, text in (
        ("done", "done", "mark an action done"),
        ("drop", "dropped", "drop an action that will not be done"),
        ("reopen", "open", "open a closed action again"),
    ):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("id", metavar="ID")
        p.set_defaults(handler=cmd_action_status, status=status)
    p = verbs.add_parser(
        "from-entry", help="turn a reflection's action plan into actions, one per item"
    )
    p.add_argument("entry", metavar="ENTRY_ID")
    p.add_argument("--due", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_action_from_entry)

    p = sub.add_parser("reminders", help="actions due today or overdue, sessions coming up")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reminders)


# ---- people ----------------------------------------------------------------------------------


def cmd_person_add(args) -> int:
    from reflectjournal.cli.shapes import person_json

    with workspace(args) as ws:
        person_id = ws.people.add(args.name, args.role, args.email)
        person = ws.people.get(person_id)
    return output.reply(args, person_json(person), f"Added {person.name} ({person.role}).")


def cmd_person_list(args) -> int:
    from reflectjournal.cli.shapes import person_json

    with workspace(args) as ws:
        people = ws.people.list()
    lines = (f"{p.name}  ({p.role})" + (f"  <{p.email}>" if p.email else "") for p in people)
    return output.reply(
        args,
        [person_json(p) for p in people],
        "\n".join(lines),
        empty="Nobody yet; add someone with 'reflectjournal person add NAME --role coachee'.",
    )


def cmd_person_delete(args) -> int:
    with workspace(args) as ws:
        result = ws.coaching.delete_person(args.name, sessions=args.sessions or "")
    if result.sessions_kept:
        output.say(
            f"Removed {result.name}; {plural(result.sessions, 'session')} kept "
            "and their open actions dropped."
        )
    else:
        output.say(
            f"Removed {result.name} with {plural(result.sessions, 'session')} "
            f"and {plural(result.actions, 'action')}."
        )
    return 0


def cmd_person_export(args) -> int:
    from reflectjournal.cli.practice_cmds import _out_path, _privacy
    from reflectjournal.cli.privacy_report import refusal_reported
    from reflectjournal.errors import UsageError
    from reflectjournal.services import subject_access

    out = _out_path(args.out, (".json", ".md"), "export")
    if out is None:  # --out "" (the flag itself is required)
        raise UsageError("Give the file to write with --out FILE.json or --out FILE.md.")
    with refusal_reported(args), workspace(args) as ws:
        file = subject_access.gather(ws, args.name)
        as_json = out.suffix.lower() == ".json"
        # The check reads exactly what is written, so choices on the entries apply to it.
        text = _privacy(
            ws,
            subject_access.to_json(file) if as_json else subject_access.to_markdown(file),
            args.allow_identifiers,
            "export",
            subject_access.entry_ids(ws, args.name),
        )
        ws.exports.save_file(out, text)
    output.say(f"Wrote everything held about {file.person['name']} to {out}.")
    return 0


# ---- sessions --------------------------------------------------------------------------------


def cmd_session_add(args) -> int:
    from reflectjournal.cli.context import read_text_argument
    from reflectjournal.services.timeutil import parse_datetime

    notes = read_text_argument(args.text, required=False) or ""
    when = parse_datetime(args.date) if args.date else None
    from reflectjournal.cli.shapes import session_json

    with workspace(args) as ws:
        session_id = ws.coaching.add_session(
            args.person,
            notes=notes,
            when=when,
            title=args.title,
            agenda=args.agenda,
            tags=args.tag,
            actions=args.action,
            linked_entries=args.link,
            model=args.model,
        )
        session = session_json(ws.coaching.get_session(session_id))
    return output.reply(args, session, session["id"])


def cmd_session_export(args) -> int:
    from reflectjournal.errors import UsageError
    from reflectjournal.services.calendar_ics import sessions_to_ics

    out = Path(args.ics).expanduser()
    if out.suffix.lower() not in (".ics", ".ical", ".ifb", ".icalendar"):
        raise UsageError("Name the calendar file with .ics so calendars recognise it.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; nothing was written.")
    if not 5 <= args.minutes <= 600:
        raise UsageError("A session lasts from 5 to 600 minutes; choose --minutes in that range.")
    with workspace(args) as ws:
        count, data = sessions_to_ics(
            ws, person=args.person, upcoming_only=args.upcoming, minutes=args.minutes
        )
        if not count:
            raise UsageError("There are no sessions to put in a calendar; nothing was written.")
        ws.exports.save_file(out, data)
    return output.reply(
        args,
        {"out": str(out), "sessions": count},
        f"Wrote {count} session{'s' if count != 1 else ''} to {out}.",
    )


def cmd_session_list(args) -> int:
    from reflectjournal.cli.shapes import session_summary_json

    with workspace(args) as ws:
        sessions = ws.coaching.list_sessions(args.person)
    return output.reply(
        args,
        [session_summary_json(s) for s in sessions],
        lambda _: _session_lines(sessions),
        empty="No sessions.",
    )


def _session_lines(sessions: list[SessionSummary]) -> None:
    width = max(len(str(s.id)) for s in sessions)
    for s in sessions:
        ahead = "  (coming up)" if s.upcoming else ""
        opened = f"  {plural(s.open_actions, 'open action')}" if s.open_actions else ""
        output.say(f"{s.id:>{width}}  {_minute(s.date)}  {s.title}{ahead}{opened}")


def cmd_session_show(args) -> int:
    from reflectjournal.cli.shapes import session_json

    with workspace(args) as ws:
        session = ws.coaching.get_session(args.id)
    return output.reply(args, session_json(session), lambda _: _session_detail(session))


def _session_detail(session: Session) -> None:
    output.say(session.title)
    output.say(f"{_minute(session.date)} · with {session.with_name or 'someone removed'}")
    if session.tags:
        output.say(" ".join("@" + t for t in session.tags))
    if session.agenda:
        output.say(f"Agenda: {session.agenda}")
    output.say()
    output.say(session.notes)
    if session.linked_entries:
        output.say()
        output.say("Shared entries discussed:")
        for e in session.linked_entries:
            output.say(f"  {e.id}  {e.created.isoformat()[:10]}  {e.title}")
    if session.actions:
        output.say()
        output.say("Actions:")
        _action_lines(list(session.actions))


def cmd_session_delete(args) -> int:
    with workspace(args) as ws:
        ws.coaching.delete_session(args.id)
    output.say(f"Session {args.id} and its notes deleted; its actions were kept.")
    return 0


def cmd_session_prep(args) -> int:
    from reflectjournal.errors import UsageError
    from reflectjournal.services import prep
    from reflectjournal.services.timeutil import parse_datetime

    out = Path(args.out).expanduser() if args.out else None
    suffix = out.suffix.lower() if out else ""
    if out is not None and suffix not in (".md", ".markdown", ".pdf"):
        raise UsageError(
            "The brief can be written as Markdown (.md) or PDF (.pdf); name the file so."
        )
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; nothing was written.")
    as_of = parse_datetime(args.as_of) if args.as_of else None
    from reflectjournal.cli.privacy_report import refusal_reported

    with refusal_reported(args), workspace(args) as ws:
        brief = prep.build_brief(ws, args.person, as_of=as_of)
        markdown = prep.to_markdown(brief)
        if out is not None:  # the brief leaves the machine: the privacy check guards it
            checked = ws.privacy.guard_text(
                markdown, prep.entry_ids(brief), args.allow_identifiers, "prep brief"
            )
            markdown = checked.text
            ws.exports.save_document(
                out, markdown=markdown, html=prep.to_html(markdown, brief), title=prep.title(brief)
            )
    if args.json:
        from reflectjournal.cli.briefs import brief_json

        data = brief_json(brief)
        data["markdown"] = markdown
        if out is not None:
            data["out"] = str(out)
        output.emit_json(data)
    elif out is not None:
        output.say(f"Wrote the prep brief for {brief.person.name} to {out}.")
    else:
        output.say(markdown)
    return 0


# ---- actions ---------------------------------------------------------------------------------


def _warn_if_past(action: Action) -> None:
    if action.overdue and action.due is not None:
        sys.stderr.write(
            f"reflectjournal: note: action {action.id} is due {action.due.isoformat()}, "
            "which has already passed, so it shows as overdue.\n"
        )


def cmd_action_add(args) -> int:
    with workspace(args) as ws:
        action_id = ws.coaching.add_action(
            args.text, owner=args.owner, due=args.due, entry_id=args.entry
        )
        action = ws.coaching.get_action(action_id)
    _warn_if_past(action)
    return output.reply(args, action_json(action), str(action.id))


def cmd_action_edit(args) -> int:
    from reflectjournal.errors import UsageError

    changes: dict = {}
    if args.text is not None:
        changes["text"] = args.text
    if args.due is not None:
        changes["due"] = None if args.due.strip().lower() in ("none", "") else args.due
    if args.owner is not None:
        changes["owner"] = args.owner
    if not changes:
        raise UsageError("Say what to change: --text, --due or --owner.")
    with workspace(args) as ws:
        ws.coaching.edit_action(args.id, **changes)
        action = ws.coaching.get_action(args.id)
    _warn_if_past(action)
    return output.reply(args, action_json(action), f"Action {action.id} changed: {action.text}")


def cmd_action_list(args) -> int:
    with workspace(args) as ws:
        actions = ws.coaching.list_actions(
            status=args.status, open_only=args.open, person=args.person
        )
    return output.reply(
        args, actions_json(actions), lambda _: _action_lines(actions), empty="No actions."
    )


def cmd_action_status(args) -> int:
    with workspace(args) as ws:
        action = ws.coaching.set_status(args.id, args.status)
    words = {"done": "done", "dropped": "dropped", "open": "open again"}
    output.say(f"Action {action.id} is {words[args.status]}: {action.text}")
    return 0


def cmd_action_from_entry(args) -> int:
    with workspace(args) as ws:
        ids = ws.coaching.actions_from_entry(args.entry, due=args.due)
        actions = [ws.coaching.get_action(i) for i in ids]
    return output.reply(
        args,
        actions_json(actions),
        lambda _: _action_lines(actions),
        empty="Every item of that action plan is already an action; nothing was added.",
    )


def cmd_reminders(args) -> int:
    from reflectjournal.cli.shapes import reminders_json

    with workspace(args) as ws:
        reminders = ws.coaching.reminders()
    return output.reply(args, reminders_json(reminders), lambda _: _reminder_lines(reminders))


def _reminder_lines(reminders: Reminders) -> None:
    if not reminders.any:
        output.say("Nothing due today and no sessions coming up.")
    if reminders.actions:
        output.say("Due today or overdue:")
        _action_lines(list(reminders.actions))
    for s in reminders.sessions:
        output.say(f"Coming up: {_minute(s.date)}  {s.title}")
    for sentence in reminders.retention:
        output.say(sentence)


def _minute(moment: datetime) -> str:
    """'2026-12-03 14:00': the moment as its writer wrote it, to the minute."""
    return moment.isoformat()[:16].replace("T", " ")


_STATE_LABELS = {
    "overdue": "OVERDUE",
    "due-today": "due today",
    "due-soon": "due soon",
    "open": "open",
    "done": "done",
    "dropped": "dropped",
}


def _action_lines(actions: list[Action]) -> None:
    width = max(len(str(a.id)) for a in actions)
    for a in actions:
        due = f" due {a.due.isoformat()}" if a.due else ""
        owner = a.owner or "me"
        output.say(f"{a.id:>{width}}  [{_STATE_LABELS[a.state]}]{due}  {a.text}  ({owner})")
