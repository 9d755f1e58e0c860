"""privacy fine, privacy choose, privacy choices: the user's decisions about findings."""

from __future__ import annotations

from reflectjournal.cli import output, shapes


def register(verbs) -> None:
    p = verbs.add_parser("fine", help="names never reported as patients' (colleagues, public)")
    p.add_argument("action", choices=("list", "add", "remove"))
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_privacy_fine)

    p = verbs.add_parser(
        "choose", help="remember a decision about one finding in one entry (redact or fine)"
    )
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("kind", metavar="KIND", help="the finding's kind, e.g. nhs-number")
    p.add_argument("text", metavar="TEXT", help="the finding's text as the check shows it")
    p.add_argument("decision", choices=("redact", "fine", "forget"))
    p.add_argument("--note", default="", help='why, e.g. "a colleague"')
    p.set_defaults(handler=cmd_privacy_choose)

    p = verbs.add_parser("choices", help="the decisions remembered on an entry")
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_privacy_choices)


def _workspace(args):
    from reflectjournal.cli.journal_cmds import workspace

    return workspace(args)


def cmd_privacy_fine(args) -> int:
    from reflectjournal.errors import UsageError

    if args.action != "list" and not args.name:
        raise UsageError(f"Give the name to {args.action}.")
    with _workspace(args) as ws:
        if args.action == "add":
            names = ws.privacy.add_fine_name(args.name)
        elif args.action == "remove":
            names = ws.privacy.remove_fine_name(args.name)
        else:
            names = ws.privacy.fine_names()
    return output.reply(args, names, "\n".join(names), empty="No names are marked fine.")


def cmd_privacy_choose(args) -> int:
    from reflectjournal.errors import UsageError

    with _workspace(args) as ws:
        if args.decision == "forget":
            if not ws.privacy.forget(args.entry_id, args.kind, args.text):
                raise UsageError("No decision was remembered for that finding; nothing changed.")
            output.say("Forgotten; the check will ask about it again.")
            return 0
        ws.privacy.choose(args.entry_id, args.kind, args.text, args.decision, args.note)
    what = "redacted wherever it goes" if args.decision == "redact" else "not reported again"
    output.say(f"Remembered on entry {args.entry_id}: it will be {what}.")
    return 0


def cmd_privacy_choices(args) -> int:
    with _workspace(args) as ws:
        choices = ws.privacy.choices(args.entry_id)
    rows = [shapes.privacy_choice_json(c) for c in choices]
    lines = "\n".join(
        f"{r['decision']:6s}  {r['kind']}: {r['text']}" + (f" ({r['note']})" if r["note"] else "")
        for r in rows
    )
    return output.reply(args, rows, lines, empty="No decisions remembered on this entry.")
