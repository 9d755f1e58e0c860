"""The revalidation tracker: revalidation cycle|account|cpd|feedback|discussion|status.

JSON is built here from the service's frozen dataclasses.
"""

from __future__ import annotations

from reflectjournal.cli import output
from reflectjournal.cli.journal_cmds import workspace

REGULATORS = ("nmc", "gmc", "hcpc")


def register(sub) -> None:
    top = sub.add_parser(
        "revalidation", help="evidence for revalidation: accounts, CPD hours, feedback, discussion"
    )
    verbs = top.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("cycle", help="your regulator and the date your revalidation is due")
    p.add_argument("--regulator", choices=REGULATORS, required=True)
    p.add_argument("--renewal", metavar="DATE", required=True, help="the day the cycle ends")
    p.set_defaults(handler=cmd_cycle)

    p = verbs.add_parser("account", help="mark an entry as a reflective account")
    p.add_argument("entry", metavar="ENTRY_ID")
    p.add_argument("--type", dest="account_type", choices=("cpd", "feedback", "event"),
                   required=True, help="CPD activity, practice-related feedback, or an event")  # fmt: skip
    p.add_argument("--theme", action="append", default=[], metavar="THEME",
                   help="a theme of your regulator's code (repeatable), e.g. preserve-safety")  # fmt: skip
    p.add_argument(
        "--benefit", default="", metavar="TEXT", help="HCPC: how service users benefited"
    )
    p.add_argument("--regulator", choices=REGULATORS)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_account)

    p = verbs.add_parser("cpd", help="log a CPD activity and its hours")
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--date", required=True, metavar="DATE")
    p.add_argument("--hours", type=float, required=True, metavar="H")
    p.add_argument("--participatory", action="store_true", help="learning with other people")
    p.add_argument("--method", default="", metavar="TEXT", help="course, e-learning, reading…")
    p.add_argument("--entry", metavar="ENTRY_ID", help="the reflection it belongs to")
    p.set_defaults(handler=cmd_cpd)

    p = verbs.add_parser("feedback", help="log a piece of practice-related feedback")
    p.add_argument("summary", metavar="TEXT")
    p.add_argument("--date", required=True, metavar="DATE")
    p.add_argument("--from", dest="source", default="", metavar="WHO",
                   help="patient, colleague, audit, student…")  # fmt: skip
    p.add_argument("--entry", metavar="ENTRY_ID")
    p.set_defaults(handler=cmd_feedback)

    p = verbs.add_parser("discussion", help="record the reflective discussion with a registrant")
    p.add_argument("--with", dest="colleague", required=True, metavar="NAME")
    p.add_argument("--pin", default="", metavar="PIN", help="their registration number")
    p.add_argument("--email", default="", metavar="EMAIL")
    p.add_argument("--date", required=True, metavar="DATE")
    p.add_argument("--entry", action="append", default=[], metavar="ENTRY_ID",
                   help="an account you discussed (repeatable)")  # fmt: skip
    p.set_defaults(handler=cmd_discussion)

    p = verbs.add_parser("ask", help="ask the colleague to confirm a discussion record")
    p.add_argument("uid", metavar="RECORD", help="the record's id (its first 6+ characters do)")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_ask)

    p = verbs.add_parser("requests", help="discussion records others asked you to confirm")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_requests)

    p = verbs.add_parser("confirm", help="confirm a discussion record someone sent you")
    p.add_argument("uid", metavar="RECORD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_confirm)

    p = verbs.add_parser("status", help="this cycle's evidence against what is asked for")
    p.add_argument("--regulator", choices=REGULATORS)
    p.add_argument("--renewal", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)


def _service(ws):
    return ws.revalidation


def cmd_cycle(args) -> int:
    with workspace(args) as ws:
        _service(ws).set_cycle(args.regulator, args.renewal)
    output.say(f"Revalidation with the {args.regulator.upper()} due on {args.renewal}.")
    return 0


def cmd_account(args) -> int:
    with workspace(args) as ws:
        d = _service(ws).set_account(
            args.entry, args.account_type, args.theme, args.benefit, args.regulator
        )
    data = {"entry": str(d.entry_id), "type": d.account_type, "themes": list(d.themes),
            "benefit": d.benefit}  # fmt: skip
    return output.reply(
        args, data, f"Entry {d.entry_id} is a reflective account ({d.account_type})."
    )


def cmd_cpd(args) -> int:
    with workspace(args) as ws:
        _service(ws).add_cpd(
            args.title, args.date, args.hours, args.participatory, args.method, args.entry
        )
    output.say(f"Logged {args.hours:g} hours of CPD.")
    return 0


def cmd_feedback(args) -> int:
    with workspace(args) as ws:
        _service(ws).add_feedback(args.summary, args.date, args.source, args.entry)
    output.say("Logged the feedback.")
    return 0


def cmd_discussion(args) -> int:
    with workspace(args) as ws:
        uid = _service(ws).add_discussion(
            args.colleague, args.date, args.pin, args.email, args.entry
        )
    output.say(f"Recorded the reflective discussion with {args.colleague} ({uid}).")
    return 0


def _exchange(ws):
    return ws.revalidation_exchange


def asked_json(a) -> dict:
    return {
        "uid": a.uid,
        "with": a.person,
        "queued": a.queued,
        "received": a.received,
        "confirmed_at": a.confirmed_at,
    }


def request_json(r) -> dict:
    return {
        "uid": r.uid,
        "from": r.person,
        "date": r.date,
        "registrant": r.registrant,
        "colleague": {"name": r.colleague_name, "pin": r.colleague_pin},
        "accounts": list(r.accounts),
        "arrived": r.arrived,
        "confirmed_at": r.confirmed_at,
    }


def cmd_ask(args) -> int:
    with workspace(args) as ws:
        asked = _exchange(ws).ask_to_confirm(args.uid, args.person)
    return output.reply(
        args,
        asked_json(asked),
        f"The record goes to {asked.person} at the next sync; their confirmation comes back "
        "the same way.",
    )


def cmd_requests(args) -> int:
    with workspace(args) as ws:
        found = _exchange(ws).requests()

    def show(_data) -> None:
        for r in found:
            state = f"confirmed {r.confirmed_at[:10]}" if r.confirmed_at else "to confirm"
            pin = f", PIN {r.colleague_pin}" if r.colleague_pin else ""
            output.say(f"{r.uid[:8]}  {r.registrant}, discussion on {r.date} ({state})")
            output.say(f"          with {r.colleague_name}{pin}")
            for title in r.accounts:
                output.say(f"          - {title}")

    return output.reply(
        args, [request_json(r) for r in found], show, empty="Nobody has asked you to confirm."
    )


def cmd_confirm(args) -> int:
    with workspace(args) as ws:
        done = _exchange(ws).confirm(args.uid)
    return output.reply(
        args,
        request_json(done),
        f"Confirmed {done.registrant}'s reflective discussion of {done.date}; the confirmation "
        "goes back at the next sync.",
    )


def tracker_json(t) -> dict:
    c = t.regulator.cycle
    return {
        "regulator": t.regulator.slug,
        "cycle": {"start": t.cycle_start.isoformat(), "end": t.cycle_end.isoformat()},
        "accounts": {
            "count": len(t.accounts),
            "needed": c.accounts,
            "items": [
                {
                    "entry": str(a.entry_id),
                    "date": a.date,
                    "title": a.title,
                    "type": a.account_type or None,
                }
                for a in t.accounts
            ],
        },  # fmt: skip
        "cpd": {
            "hours": t.cpd_hours,
            "participatory_hours": t.participatory_hours,
            "needed_hours": c.cpd_hours,
            "needed_participatory_hours": c.participatory_hours,
            "items": [
                {
                    "date": a.date,
                    "title": a.title,
                    "hours": a.hours,
                    "participatory": a.participatory,
                    "method": a.method,
                }
                for a in t.cpd
            ],
        },  # fmt: skip
        "feedback": {
            "count": len(t.feedback),
            "needed": c.feedback,
            "items": [{"date": f.date, "from": f.source, "summary": f.summary} for f in t.feedback],
        },  # fmt: skip
        "discussions": [
            {
                "uid": d.uid,
                "date": d.date,
                "with": d.colleague_name,
                "pin": d.colleague_pin,
                "confirmed": d.confirmed,
                "confirmed_at": d.confirmed_at,
            }
            for d in t.discussions
        ],  # fmt: skip
        "still_needed": list(t.still_needed()),
    }


def cmd_status(args) -> int:
    with workspace(args) as ws:
        t = _service(ws).tracker(args.regulator, args.renewal)
    data = tracker_json(t)

    def show(d: dict) -> None:
        say = output.say
        say(f"{d['regulator'].upper()} cycle {d['cycle']['start']} to {d['cycle']['end']}:")
        need = d["accounts"]["needed"]
        say(f"  reflective accounts: {d['accounts']['count']}" + (f" of {need}" if need else ""))
        say(
            f"  CPD: {d['cpd']['hours']:g} hours ({d['cpd']['participatory_hours']:g} participatory)"
        )
        say(f"  feedback: {d['feedback']['count']}")
        for x in d["discussions"]:
            state = f"confirmed {x['confirmed_at'][:10]}" if x["confirmed"] else "not confirmed"
            say(f"  reflective discussion {x['date']} with {x['with']} ({state}; {x['uid'][:8]})")
        if d["still_needed"]:
            say("  still needed: " + "; ".join(d["still_needed"]))

    return output.reply(args, data, show)
