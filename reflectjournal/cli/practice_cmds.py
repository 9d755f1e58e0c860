"""A practitioner's commands: sponsor summary, 360 import, caseload, retention, person export.

JSON for these commands is built here; the services return frozen dataclasses.
"""

from __future__ import annotations

from pathlib import Path

from reflectjournal.cli import output
from reflectjournal.cli.journal_cmds import workspace
from reflectjournal.services.display import plural
from reflectjournal.services.workspace import Workspace


def register(sub) -> None:
    p = sub.add_parser(
        "sponsor", help="a consented summary for the sponsor: goals, progress, attendance"
    )
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("summary", help="write (or print) the sponsor summary for PERSON")
    p.add_argument("person", metavar="PERSON")
    p.add_argument("--out", metavar="FILE.md|FILE.pdf")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="write it even if the privacy check finds likely identifiers",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sponsor_summary)

    p = sub.add_parser("360", help="360 / multi-source feedback against the leadership model")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("import", help="import a 360 result (CSV, see docs/360-import.md)")
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--for", dest="person", metavar="PERSON", help="whose 360 (default: mine)")
    p.add_argument("--date", metavar="DATE", help="the date of the report")
    p.add_argument("--title", default="", metavar="T")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_360_import)
    p = verbs.add_parser("show", help="self against others per dimension (the latest report)")
    p.add_argument("--for", dest="person", metavar="PERSON", help="whose 360 (default: mine)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_360_show)

    p = sub.add_parser(
        "caseload", help="across coachees and mentees: rising themes, overdue, unseen"
    )
    p.add_argument("--quiet-days", type=int, default=42, metavar="N", help="unseen after N days")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_caseload)

    p = sub.add_parser("retention", help="how long coaching notes are kept after a relationship")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    q = verbs.add_parser("set", help="the retention period in months, or 'off'")
    q.add_argument("months", metavar="MONTHS|off")
    q.set_defaults(handler=cmd_retention_set)
    q = verbs.add_parser("due", help="notes kept past the retention period (nothing is deleted)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_retention_due)


def _privacy(workspace: Workspace, text: str, allow: bool, what: str, entry_ids=()) -> str:
    """The text as it may leave (choices on the entries applied), through the privacy check;
    refused with one sentence (and the findings listed) unless ``allow``."""
    return workspace.privacy.guard_text(text, entry_ids, allow, what).text


def _out_path(raw: str | None, suffixes: tuple[str, ...], what: str) -> Path | None:
    from reflectjournal.errors import UsageError

    if not raw:
        return None
    out = Path(raw).expanduser()
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"The {what} can be written as {' or '.join(suffixes)}; name the file so.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist; nothing was written.")
    return out


# ---- sponsor summary -------------------------------------------------------------------------


def cmd_sponsor_summary(args) -> int:
    from reflectjournal.services import sponsor

    out = _out_path(args.out, (".md", ".pdf"), "sponsor summary")
    from reflectjournal.cli.privacy_report import refusal_reported

    with refusal_reported(args), workspace(args) as ws:
        summary = sponsor.build_summary(ws, args.person)
        markdown = _privacy(
            ws, sponsor.to_markdown(summary), args.allow_identifiers, "sponsor summary"
        )
        if out is not None:
            ws.exports.save_document(
                out,
                markdown=markdown,
                html=sponsor.to_html(markdown, summary),
                title=sponsor.title(summary),
            )
    data = {
        "person": summary.person,
        "sponsor": summary.sponsor,
        "sessions_agreed": summary.agreement.sessions,
        "sessions_held": len(summary.held),
        "held": list(summary.held),
        "next_session": summary.next_session,
        "goals": [
            {
                "text": g.text,
                "status": g.status,
                "ratings": [{"value": r.value, "date": r.date} for r in g.ratings],
            }
            for g in summary.goals
        ],
        "markdown": markdown,
        "out": str(out) if out else None,
    }
    text = f"Wrote the sponsor summary for {summary.person} to {out}." if out else markdown
    return output.reply(args, data, text)


# ---- 360 -------------------------------------------------------------------------------------


def report_json(report) -> dict:
    return {
        "report": report.report,
        "for": report.person,
        "taken": report.taken,
        "title": report.title,
        "dimensions": [
            {
                "slug": d.slug,
                "name": d.name,
                "self": d.self_score,
                "others": d.others,
                "gap": d.gap,
                "reading": d.reading,
                "groups": dict(d.groups),
                "journal_rating": d.journal_rating,
            }
            for d in report.dimensions
        ],
    }


def _report_lines(report) -> None:
    whose = report.person or "you"
    output.say(f"{report.title} for {whose}, {report.taken}")
    width = max(len(d.name) for d in report.dimensions)

    def num(value) -> str:
        return "  -" if value is None else f"{value:3.1f}"

    output.say(f"{'Dimension':<{width}}  self  others  gap")
    for d in report.dimensions:
        gap = "" if d.gap is None else f"{d.gap:+.1f}"
        output.say(
            f"{d.name:<{width}}  {num(d.self_score)}   {num(d.others)}  {gap:>4}  {d.reading}"
        )


def cmd_360_import(args) -> int:
    with workspace(args) as ws:
        report = ws.feedback360.import_file(
            Path(args.file).expanduser(), person=args.person, taken=args.date, title=args.title
        )
    return output.reply(args, report_json(report), lambda _: _report_lines(report))


def cmd_360_show(args) -> int:
    from reflectjournal.errors import NotFound

    with workspace(args) as ws:
        report = ws.feedback360.latest(args.person)
    if report is None:
        raise NotFound("No 360 report is held yet; add one with 'reflectjournal 360 import FILE'.")
    return output.reply(args, report_json(report), lambda _: _report_lines(report))


# ---- caseload --------------------------------------------------------------------------------


def caseload_json(c) -> dict:
    from reflectjournal.cli.shapes import actions_json

    return {
        "as_of": c.as_of,
        "quiet_days": c.quiet_days,
        "people": [
            {
                "name": p.name,
                "role": p.role,
                "last_seen": p.last_seen,
                "next_session": p.next_session,
                "days_since": p.days_since,
                "open_actions": p.open_actions,
                "overdue_actions": p.overdue_actions,
                "shared_recently": p.shared_recently,
                "low_mood_or_energy": p.low_mood_or_energy,
            }
            for p in c.people
        ],
        "rising": [
            {
                "slug": t.slug,
                "name": t.name,
                "recent": t.recent,
                "previous": t.previous,
                "people": list(t.people),
            }
            for t in c.rising
        ],
        "overdue": actions_json(c.overdue),
        "not_seen": [p.name for p in c.not_seen],
    }


def _caseload_lines(c) -> None:
    if not c.people:
        output.say("No coachees or mentees yet; add one with 'person add NAME --role coachee'.")
        return
    output.say(f"{len(c.people)} people in your caseload.")
    output.say()
    output.say("Rising across the caseload (last 4 weeks against the 4 before):")
    for t in c.rising:
        output.say(f"  {t.name}: {t.recent} (was {t.previous}) — {', '.join(t.people)}")
    if not c.rising:
        output.say("  nothing rising")
    output.say()
    output.say("Overdue actions:")
    for a in c.overdue:
        output.say(f"  {a.due}  {a.text}  ({a.owner or a.session_with or 'me'})")
    if not c.overdue:
        output.say("  none")
    output.say()
    output.say(f"Not seen for over {plural(c.quiet_days, 'day')}, nothing planned:")
    for p in c.not_seen:
        output.say(f"  {p.name}  (last seen {p.last_seen or 'never'})")
    if not c.not_seen:
        output.say("  everyone has been seen or has a session planned")


def cmd_caseload(args) -> int:
    from reflectjournal.errors import UsageError
    from reflectjournal.services.caseload import build_caseload

    if not 1 <= args.quiet_days <= 3650:
        raise UsageError("--quiet-days is a number of days from 1 to 3650.")
    with workspace(args) as ws:
        caseload = build_caseload(ws, quiet_days=args.quiet_days)
    return output.reply(args, caseload_json(caseload), lambda _: _caseload_lines(caseload))


# ---- retention -------------------------------------------------------------------------------


def cmd_retention_set(args) -> int:
    from reflectjournal.errors import UsageError

    raw = args.months.strip().lower()
    if raw == "off":
        months = None
    elif raw.isdigit():
        months = int(raw)
    else:
        raise UsageError("Give the retention period as a number of months, or 'off'.")
    with workspace(args) as ws:
        ws.retention.set_months(months)
    output.say(
        f"Coaching notes are kept {months} months after a relationship ends; you will be "
        "reminded then, and nothing is deleted without you."
        if months
        else "No retention period is set; notes are kept until you delete them."
    )
    return 0


def cmd_retention_due(args) -> int:
    from reflectjournal.services import retention

    with workspace(args) as ws:
        months = ws.retention.months()
        items = ws.retention.due()
    data = {
        "months": months,
        "due": [
            {
                "name": i.name,
                "role": i.role,
                "since": i.since,
                "reason": i.reason,
                "sessions": i.sessions,
                "goals": i.goals,
            }
            for i in items
        ],
    }
    if months is None:
        text = "No retention period is set; 'reflectjournal retention set MONTHS' sets one."
    elif not items:
        text = f"Nothing is past your {months}-month retention period."
    else:
        text = "\n".join(retention.sentence(i, months) for i in items)
    return output.reply(args, data, text)
