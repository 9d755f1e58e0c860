"""Patterns over time, tag suggestions and the weekly review: patterns, suggest, review."""

from __future__ import annotations

from collections.abc import Sequence  # already loaded by cli.main: costs no start-up

from reflectjournal.cli import output, shapes
from reflectjournal.cli.journal_cmds import whole_number, workspace
from reflectjournal.services.display import plural

_positive = whole_number(1)


# Series left out of `patterns --json` unless --full is given.
FULL_ONLY = ("timeline_weeks", "mood_weeks", "energy_weeks", "calendar")


def register(sub) -> None:
    p = sub.add_parser("patterns", help="patterns over time")
    p.add_argument("--since", metavar="DATE", help="only entries on or after DATE")
    p.add_argument("--until", metavar="DATE", help="only entries on or before DATE")
    p.add_argument("--framework", metavar="SLUG", help="only this framework's items")
    p.add_argument(
        "--window", type=_positive, default=28, metavar="DAYS", help="trend window (default 28)"
    )
    p.add_argument(
        "--min-count",
        type=_positive,
        default=3,
        metavar="N",
        help="fewest entries before a change is called a trend (default 3)",
    )
    p.add_argument(
        "--neglect-weeks",
        type=_positive,
        default=6,
        metavar="N",
        help="a capability is neglected after N weeks without an entry (default 6)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--full",
        action="store_true",
        help="with --json: also the per-week series and the per-day calendar",
    )
    p.set_defaults(handler=cmd_patterns)

    p = sub.add_parser("suggest", help="tags that fit a piece of text")
    p.add_argument("text", metavar="TEXT|-", help="the text; - reads standard input")
    p.add_argument("--top", type=_positive, default=5, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_suggest)

    p = sub.add_parser("review", help="a summary of the last seven days")
    p.add_argument("--date", metavar="DATE", help="the last day of the week (default today)")
    p.add_argument("--save", action="store_true", help="save the review as a new reflection")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_review)


def cmd_patterns(args) -> int:
    from reflectjournal.services.patterns import PatternOptions, rules
    from reflectjournal.services.timeutil import range_end, range_start

    options = PatternOptions(
        since=range_start(args.since),
        until=range_end(args.until),
        framework=args.framework,
        window_days=args.window,
        min_count=args.min_count,
        neglect_weeks=args.neglect_weeks,
        # --full: every month, week and day of the range, not only the last ten years.
        series_years=None if args.json and args.full else rules.SERIES_YEARS,
    )
    # Compact by default: the summary and the monthly series. Ten years of weekly and daily
    # rows (mostly zeros) made 13.6 MB at 100k entries; --full keeps them. Left out, the
    # weekly series is never counted (result.PeriodCounts counts when read); the text summary
    # shows none of them.
    leave_out = () if args.json and args.full else FULL_ONLY
    with workspace(args) as ws:
        data = patterns_json(ws.patterns.compute(options), leave_out)
    return output.reply(args, data, _print_patterns)


def patterns_json(found, leave_out: tuple[str, ...] = ()) -> dict:
    """The JSON of docs/CLI.md from the typed result: its field names are the keys (but those
    in ``leave_out``)."""
    import dataclasses

    return {
        f.name: _plain(getattr(found, f.name))
        for f in dataclasses.fields(found)
        if f.name not in leave_out
    }


def _plain(value):
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    # Tuples, and the per-period series (a sequence counted when read).
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def _print_patterns(d: dict) -> None:
    say = output.say
    if not d["total_entries"]:
        say("No entries in this range yet, so there are no patterns to show.")
        return
    say(f"{plural(d['total_entries'], 'entry')} from {d['first']} to {d['last']}.")
    s = d["streaks"]
    say(f"{plural(s['days_this_month'], 'day')} written this month; "
        f"{plural(s['days_written'], 'day')} in all.")  # fmt: skip
    if d["tags"]:
        say()
        say("Themes (last window vs the one before):")
        for t in d["tags"][:12]:
            arrow = {"rising": "↑", "falling": "↓"}.get(t["trend"], " ")
            say(f"  {arrow} {t['slug']:<28} {t['count']:>5}   {t['recent']} vs {t['previous']}")
    for gap in d["gaps"][:5]:
        say(f"  · {gap['message']}")
    for measure in ("mood", "energy"):
        for assoc in [a for a in d[f"{measure}_by_tag"] if a["clear"]][:3]:
            say(f"  · {assoc['message']}")
    if d.get("neglect_note"):
        say()
        say(d["neglect_note"])
    if d["neglected"]:
        say()
        say(f"Not reflected on for {d['settings']['neglect_weeks']} weeks or more: "
            + ", ".join(d["neglected"]))  # fmt: skip
    if d["mood"]:
        say()
        say("Mood by month: " + ", ".join(f"{m['period']} {m['mean']:.1f}" for m in d["mood"]))
    a = d["actions"]
    say()
    say(f"Actions: {a['open']} open ({a['overdue']} overdue), {a['done']} done.")
    loop = d["reflection_loop"]
    if loop["plans"]:
        say(f"Action plans written: {loop['plans']}; {loop['acted_on']} became actions, "
            f"and {loop['done']} of {loop['actions']} of those actions are done.")  # fmt: skip
    if d["untagged_terms"]:
        say("Recurring in untagged entries: "
            + ", ".join(f"{t['term']} ({t['entries']})" for t in d["untagged_terms"][:8]))  # fmt: skip


def cmd_suggest(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text) or ""
    with workspace(args) as ws:
        found = ws.tag_suggester().suggest(text, top=args.top)
    return output.reply(
        args,
        [{"slug": s, "score": score, "reason": r} for s, score, r in found],
        "\n".join(f"@{slug:<30} {score:.2f}  {reason}" for slug, score, reason in found),
        empty="No suggestions for this text.",
    )


def cmd_review(args) -> int:
    from reflectjournal.services.timeutil import parse_date

    asof = parse_date(args.date) if args.date else None
    with workspace(args) as ws:
        review = ws.review.build(asof)
        data = shapes.review_json(review)
        if args.save:
            data["saved_id"] = str(ws.journal.add(review.markdown, title=review.title))
    text = data["markdown"]
    if args.save:
        text += f"\nSaved as entry {data['saved_id']}."
    return output.reply(args, data, text)
