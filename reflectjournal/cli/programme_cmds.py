"""Programme commands: agreement and goal (docs/CLI.md, "programmes"). JSON is built here only."""

from __future__ import annotations

from reflectjournal.cli import output
from reflectjournal.cli.journal_cmds import workspace
from reflectjournal.services.display import plural


def register(sub) -> None:
    agreement = sub.add_parser("agreement", help="the coaching or mentoring agreement with someone")
    verbs = agreement.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("set", help="create or change the agreement (what is not given stays)")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--kind", choices=("coaching", "mentoring"))
    p.add_argument("--sessions", type=_count, metavar="N", help="sessions agreed")
    p.add_argument("--frequency", metavar="TEXT", help="for example 'every three weeks'")
    p.add_argument("--start", metavar="DATE")
    p.add_argument("--review", metavar="DATE", help="when the agreement is reviewed")
    p.add_argument("--until", metavar="DATE", help="when the programme is planned to end")
    p.add_argument("--sponsor", metavar="NAME", help="the sponsor or line manager")
    p.add_argument(
        "--sponsor-consent",
        choices=("yes", "no"),
        help="whether the coachee agreed to a summary for the sponsor",
    )
    p.add_argument("--confidentiality", metavar="TEXT")
    p.add_argument("--limits", metavar="TEXT", help="the limits of confidentiality")
    p.add_argument("--no-fault", dest="no_fault", metavar="TEXT", help="the no-fault ending")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement_set)
    p = verbs.add_parser("show", help="the agreement with PERSON")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement_show)
    p = verbs.add_parser("list", help="every agreement, current ones first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement_list)
    p = verbs.add_parser("end", help="end the relationship, with an end-of-relationship review")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("--date", metavar="DATE", help="the day it ended (default today)")
    p.add_argument("--review", default="", metavar="TEXT|-", help="the review; - reads stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement_end)
    from reflectjournal.cli.coaching_exchange_cmds import register_agreement_verbs

    register_agreement_verbs(verbs)

    goal = sub.add_parser("goal", help="programme goals and their progress ratings")
    verbs = goal.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help="a goal of the relationship with PERSON")
    p.add_argument("--with", dest="person", required=True, metavar="PERSON")
    p.add_argument("text", metavar="TEXT")
    p.add_argument(
        "--private",
        action="store_true",
        help="never in a sponsor summary, never sent to the other party",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_goal_add)
    p = verbs.add_parser("rate", help="where the goal stands now, 0 (not started) to 10 (achieved)")
    p.add_argument("id", metavar="GOAL_ID")
    p.add_argument("value", metavar="N")
    p.add_argument("--date", metavar="DATE")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_goal_rate)
    p = verbs.add_parser("list", help="goals with their latest rating")
    p.add_argument("--with", dest="person", metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_goal_list)
    for verb, status, text in (
        ("achieved", "achieved", "mark a goal achieved"),
        ("drop", "dropped", "drop a goal"),
        ("reopen", "active", "make a goal active again"),
    ):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("id", metavar="GOAL_ID")
        p.set_defaults(handler=cmd_goal_status, status=status)


def _count(text: str) -> int:
    import argparse

    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


# ---- JSON shapes (CLI only) ------------------------------------------------------------------


def agreement_json(a) -> dict:
    return {
        "id": str(a.id),
        "uid": a.uid,
        "with": a.person,
        "kind": a.kind,
        "sessions": a.sessions,
        "frequency": a.frequency,
        "confidentiality": a.confidentiality,
        "limits": a.limits,
        "sponsor": a.sponsor,
        "sponsor_consent": a.sponsor_consent,
        "start": a.start,
        "review": a.review,
        "until": a.until,
        "no_fault": a.no_fault,
        "ended": a.ended,
        "end_review": a.end_review,
        "origin": a.origin,
        "updated": a.updated,
    }


def goal_json(g) -> dict:
    return {
        "id": str(g.id),
        "uid": g.uid,
        "with": g.person,
        "text": g.text,
        "status": g.status,
        "shared": g.shared,
        "created": g.created,
        "closed": g.closed,
        "latest": g.latest.value if g.latest else None,
        "ratings": [{"value": r.value, "date": r.date, "note": r.note} for r in g.ratings],
    }


# ---- agreements ------------------------------------------------------------------------------


def cmd_agreement_set(args) -> int:
    fields: dict = {}
    for name in ("kind", "frequency", "sponsor", "confidentiality", "limits", "no_fault"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    for name in ("sessions", "start", "review", "until"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    if args.sponsor_consent is not None:
        fields["sponsor_consent"] = args.sponsor_consent == "yes"
    with workspace(args) as ws:
        agreement = ws.programmes.set_agreement(args.person, **fields)
    return output.reply(args, agreement_json(agreement), lambda _: _agreement_text(agreement))


def cmd_agreement_show(args) -> int:
    from reflectjournal.errors import NotFound

    with workspace(args) as ws:
        agreement = ws.programmes.agreement(args.person)
        if agreement is None:
            name = ws.people.get(args.person).name
            raise NotFound(
                f"There is no agreement with {name} yet; "
                f"'reflectjournal agreement set --with \"{name}\"' makes one."
            )
    return output.reply(args, agreement_json(agreement), lambda _: _agreement_text(agreement))


def cmd_agreement_list(args) -> int:
    with workspace(args) as ws:
        agreements = ws.programmes.agreements()
    return output.reply(
        args,
        [agreement_json(a) for a in agreements],
        lambda _: output.say("\n".join(_agreement_line(a) for a in agreements)),
        empty="No agreements yet; 'reflectjournal agreement set --with PERSON' makes one.",
    )


def cmd_agreement_end(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    review = read_text_argument(args.review, required=False) if args.review else ""
    with workspace(args) as ws:
        agreement = ws.programmes.end_relationship(args.person, ended=args.date, review=review)
    return output.reply(
        args,
        agreement_json(agreement),
        f"The {agreement.kind} relationship with {agreement.person} ended on {agreement.ended}; "
        "its notes are kept.",
    )


def _agreement_line(a) -> str:
    sessions = plural(a.sessions, "session") if a.sessions else "sessions open"
    state = f"ended {a.ended}" if a.ended else f"from {a.start or '?'}"
    return f"{a.person}  ({a.kind}, {sessions}, {state})"


def _agreement_text(a) -> None:
    output.say(f"{a.kind.capitalize()} agreement with {a.person}")
    if a.origin == "received":
        output.say(f"  (a copy {a.person} sent you through the exchange)")
    rows = [
        ("Sessions agreed", str(a.sessions) if a.sessions else "not fixed"),
        ("Frequency", a.frequency),
        ("Start", a.start),
        ("Review", a.review),
        ("Planned end", a.until),
        ("Sponsor", a.sponsor + (" (consented to a summary)" if a.sponsor_consent else "")),
        ("Confidentiality", a.confidentiality),
        ("Its limits", a.limits),
        ("No-fault ending", a.no_fault),
        ("Ended", a.ended),
        ("End review", a.end_review),
    ]
    for label, value in rows:
        if value:
            output.say(f"  {label}: {value}")


# ---- goals -----------------------------------------------------------------------------------


def cmd_goal_add(args) -> int:
    with workspace(args) as ws:
        goal = ws.programmes.add_goal(args.person, args.text, shared=not args.private)
    return output.reply(args, goal_json(goal), str(goal.id))


def cmd_goal_rate(args) -> int:
    from reflectjournal.errors import UsageError

    try:
        value = int(args.value)
    except ValueError:
        raise UsageError(
            f"'{args.value}' is not a rating; rate a goal from 0 (not started) to 10 (achieved)."
        ) from None
    with workspace(args) as ws:
        goal = ws.programmes.rate_goal(args.id, value, day=args.date, note=args.note)
    return output.reply(args, goal_json(goal), f"Goal {goal.id} rated {value}/10: {goal.text}")


def cmd_goal_list(args) -> int:
    with workspace(args) as ws:
        goals = ws.programmes.goals(args.person)
    return output.reply(
        args,
        [goal_json(g) for g in goals],
        lambda _: _goal_lines(goals),
        empty="No goals yet; 'reflectjournal goal add --with PERSON TEXT' adds one.",
    )


def _goal_lines(goals) -> None:
    width = max(len(str(g.id)) for g in goals)
    for g in goals:
        trail = " → ".join(str(r.value) for r in g.ratings[-5:]) or "not rated"
        state = "" if g.status == "active" else f" [{g.status}]"
        state += " (their copy)" if g.origin == "received" else ""
        output.say(f"{g.id:>{width}}  {g.person}: {g.text}{state}  ({trail})")


def cmd_goal_status(args) -> int:
    with workspace(args) as ws:
        goal = ws.programmes.set_goal_status(args.id, args.status)
    words = {"achieved": "achieved", "dropped": "dropped", "active": "active again"}
    output.say(f"Goal {goal.id} is {words[goal.status]}: {goal.text}")
    return 0
