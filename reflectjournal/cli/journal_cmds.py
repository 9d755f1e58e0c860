"""Journal commands: init add edit delete show list search tags frameworks rate passphrase gui."""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from reflectjournal.cli import output, shapes
from reflectjournal.services.display import plural


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from 1 to 5") from None
    if not 1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"{value} is not from 1 to 5")
    return value


def whole_number(minimum: int):
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be {'zero' if minimum == 0 else minimum} or more"
            )
        return value

    return parse


_count = whole_number(0)


def add_filters(p: argparse.ArgumentParser) -> None:
    """The filters shared by list, search and every export (docs/CLI.md)."""
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="SLUG",
        help="only entries with this tag (repeat: all of them)",
    )
    p.add_argument("--since", metavar="DATE", help="on or after DATE")
    p.add_argument("--until", metavar="DATE", help="on or before DATE")
    p.add_argument("--kind", choices=("reflection", "session", "shared"))
    p.add_argument("--limit", type=_count, metavar="N")
    p.add_argument("--starred", action="store_true", default=None, help="only starred entries")
    p.add_argument("--visibility", choices=("private", "mentor", "coach"))


def entry_filter(args: argparse.Namespace):
    from reflectjournal.services.entries import EntryFilter
    from reflectjournal.services.timeutil import range_end, range_start

    return EntryFilter(
        tags=list(args.tag),
        since=range_start(args.since),
        until=range_end(args.until),
        kind=args.kind,
        limit=args.limit,
        starred=args.starred,
        visibility=args.visibility,
    )


@contextmanager
def workspace(args: argparse.Namespace):
    from reflectjournal.cli.context import open_workspace

    ws = open_workspace(args)
    try:
        yield ws
    finally:
        ws.close()


def _entry_options(p: argparse.ArgumentParser, *, editing: bool) -> None:
    p.add_argument(
        "text", nargs="?", metavar="TEXT|-", help="the entry text; - reads standard input"
    )
    p.add_argument("--title", metavar="T")
    p.add_argument(
        "--tag",
        action="append",
        default=None,
        metavar="SLUG",
        help="tag (repeatable)" + ("; replaces all tags" if editing else ""),
    )
    p.add_argument("--date", metavar="ISO", help="when it happened (default: now)")
    p.add_argument("--mood", type=_scale, metavar="1-5")
    p.add_argument("--energy", type=_scale, metavar="1-5")
    p.add_argument(
        "--model",
        metavar="SLUG",
        help="reflection model: gibbs, what-so-what-now-what, kolb, cpd, free",
    )
    p.add_argument("--visibility", choices=("private", "mentor", "coach"))
    p.add_argument("--starred", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--json", action="store_true", help="print the entry as JSON")


def register(sub) -> None:
    p = sub.add_parser("init", help="create a new journal")
    p.add_argument("--name", default="", help="the owner's name (shown to mentors and coaches)")
    p.add_argument(
        "--no-keyring", action="store_true", help="do not remember the key in the system keyring"
    )
    p.add_argument("--unencrypted", action="store_true", help="create a journal without encryption")
    p.add_argument(
        "--join",
        action="store_true",
        help="a new device of a synced journal: give its place and its passphrase",
    )
    if isinstance(p, argparse.ArgumentParser):  # only when init's parser is built (cli/main.py)
        from reflectjournal.cli.devices_cmds import _place_options

        _place_options(p, required=False)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("add", help="write a new reflection")
    _entry_options(p, editing=False)
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("edit", help="change an entry")
    p.add_argument("id", metavar="ID")
    _entry_options(p, editing=True)
    p.add_argument("--add-tag", action="append", default=[], metavar="SLUG")
    p.add_argument("--remove-tag", action="append", default=[], metavar="SLUG")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("delete", help="move an entry to the Trash (kept 30 days)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask first on a terminal")
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser("show", help="show one entry")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", action="store_true", help="print the sanitised, rendered HTML")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("list", help="entries, newest first")
    add_filters(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("search", help="full-text search, best match first")
    p.add_argument("query", metavar="QUERY")
    add_filters(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("tags", help="every framework item and free tag with its use count")
    p.add_argument("--json", action="store_true")
    p.add_argument("--used", action="store_true", help="only tags used at least once")
    p.set_defaults(handler=cmd_tags)

    p = sub.add_parser("frameworks", help="installed frameworks; 'frameworks add FILE.toml|PACK'")
    p.add_argument("action", nargs="?", choices=("add",))
    p.add_argument("file", nargs="?", metavar="FILE.toml")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_frameworks)

    p = sub.add_parser("rate", help="a dated self-rating of a capability")
    p.add_argument("slug", metavar="SLUG")
    p.add_argument("value", type=_count, metavar="1-5")
    p.add_argument("--date", metavar="ISO")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rate)

    p = sub.add_parser("passphrase", help="change the passphrase")
    p.add_argument("action", choices=("change",))
    p.add_argument(
        "--new-passphrase-file", metavar="FILE", help="read the new passphrase from FILE"
    )
    p.add_argument(
        "--old-backups",
        choices=("ask", "keep", "reencrypt", "delete"),
        default="ask",
        help="backups that still open with the old passphrase: re-encrypt them under the new "
        "one, delete them, or keep them (default: ask on a terminal, else keep and say so)",
    )
    p.set_defaults(handler=cmd_passphrase)

    p = sub.add_parser("gui", help="open the desktop app")
    p.add_argument(
        "--demo", action="store_true", help="open a generated demo journal in a temporary place"
    )
    p.add_argument(
        "--open", metavar="FILE", help="receive a share, feedback or contact file in the app"
    )
    p.set_defaults(handler=cmd_gui)


def cmd_init(args) -> int:
    from reflectjournal.cli.context import init_passphrase, journal_path, keyring_store
    from reflectjournal.errors import JournalExists, UsageError
    from reflectjournal.services.workspace import Workspace

    path = journal_path(args)
    if path.exists():
        raise JournalExists(f"{path} already exists; nothing was changed.")
    place = args.folder or args.webdav or args.s3
    if args.join != bool(place):
        raise UsageError(
            "To join a synced journal give --join and its place (--folder, --webdav or --s3)."
        )
    if args.join and args.unencrypted:
        raise UsageError("A synced journal is always encrypted; remove --unencrypted.")
    spec = None
    if args.join:
        from reflectjournal.cli.places import place_spec

        spec = place_spec(args)
    passphrase = None if args.unencrypted else init_passphrase(args)
    ws = Workspace.create(path, passphrase, owner=args.name, keyring=keyring_store(args))
    if spec is not None and passphrase is not None:
        try:
            result = ws.devices.join(spec, passphrase, name=args.device_name)
        except Exception:
            ws.close()
            path.unlink(missing_ok=True)
            for extra in ("-wal", "-shm"):
                Path(str(path) + extra).unlink(missing_ok=True)
            raise
        ws.close()
        output.say(
            f"Joined the journal in {spec.describe()} as a new device: "
            f"{result.changed} records arrived."
        )
        for error in result.errors:
            output.say(error)
        return 1 if result.errors else 0
    ws.close()
    kind = "unencrypted journal" if args.unencrypted else "encrypted journal"
    output.say(f"Created {kind} {path}")
    return 0


def _when(args):
    from reflectjournal.services.timeutil import parse_datetime

    return parse_datetime(args.date) if args.date else None


def cmd_add(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text)
    with workspace(args) as ws:
        entry_id = ws.journal.add(
            text,
            title=args.title,
            tags=args.tag or [],
            when=_when(args),
            mood=args.mood,
            energy=args.energy,
            model=args.model,
            visibility=args.visibility or "private",
            starred=bool(args.starred),
        )
        entry = shapes.entry_json(ws.journal.entry(entry_id), detail=True)
    return output.reply(args, entry, str(entry_id))


def cmd_edit(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    changes = {}
    text = read_text_argument(args.text, required=False)
    if text is not None:
        changes["body"] = text
    if args.title is not None:
        changes["title"] = args.title
    if args.mood is not None:
        changes["mood"] = args.mood
    if args.energy is not None:
        changes["energy"] = args.energy
    if args.model is not None:
        changes["model"] = args.model
    when = _when(args)
    with workspace(args) as ws:
        ws.journal.edit(
            args.id,
            tags=args.tag,
            add_tags=args.add_tag,
            remove_tags=args.remove_tag,
            when=when,
            visibility=args.visibility,
            starred=args.starred,
            **changes,
        )
        entry = shapes.entry_json(ws.journal.entry(args.id), detail=True)
    return output.reply(args, entry, f"Entry {args.id} changed.")


def cmd_delete(args) -> int:
    from reflectjournal.cli.context import _tty
    from reflectjournal.cli.trash_cmds import confirm

    with workspace(args) as ws:
        entry = ws.journal.entry(args.id)  # a bad id is refused before anything is asked
        if not args.yes and _tty():
            if not confirm(f"Move entry {args.id} “{entry.title}” to the Trash?"):
                output.say("Nothing was deleted.")
                return 1
        trash_id = ws.trash.move(int(entry.id))
    output.say(
        f"Entry {args.id} moved to the Trash (kept 30 days; "
        f"'reflectjournal trash restore {trash_id}' brings it back)."
    )
    return 0


def cmd_show(args) -> int:
    with workspace(args) as ws:
        entry = ws.journal.entry(args.id)
        links = ws.links.context(entry.id, entry.body) if args.html else None
    if args.html:
        from reflectjournal.services.rendering import render_markdown

        output.say(render_markdown(entry.body, links))
        return 0
    return output.reply(
        args, shapes.entry_json(entry, detail=True), lambda _: output.entry_detail(entry)
    )


def _body_chars(args: argparse.Namespace) -> int | None:
    """The lines of ``list`` and ``search`` show no body and no comments: without --json
    neither is read (at 100k entries, reading 200 bodies was most of the query)."""
    return None if args.json else 0


def cmd_list(args) -> int:
    with workspace(args) as ws:
        entries = ws.journal.entries(
            entry_filter(args), _body_chars(args), comments=bool(args.json)
        )
    return _entries_reply(args, entries)


def cmd_search(args) -> int:
    with workspace(args) as ws:
        entries = ws.journal.found(
            args.query, entry_filter(args), _body_chars(args), comments=bool(args.json)
        )
    return _entries_reply(args, entries)


def _entries_reply(args: argparse.Namespace, entries) -> int:
    """The JSON documents are only built for --json (the lines need none of them)."""
    if args.json:
        return output.reply(args, shapes.entries_json(entries), "")
    output.entry_lines(entries)
    return 0


def cmd_tags(args) -> int:
    with workspace(args) as ws:
        tags = [shapes.tag_json(t) for t in ws.journal.tag_counts()]
    if args.used:
        tags = [t for t in tags if t["count"]]
    return output.reply(args, tags, _tag_lines)


def _tag_lines(tags: list[dict]) -> None:
    current = object()
    for t in tags:
        group = (t["framework"], t["category"])
        if group != current:
            current = group
            output.say(f"\n{t['framework'] or 'free tags'} · {t['category']}")
        output.say(f"  {t['count']:>5}  {t['slug']}")


def cmd_frameworks(args) -> int:
    from reflectjournal.services.frameworks import builtin_frameworks

    with workspace(args) as ws:
        if args.action == "add":
            if not args.file:
                from reflectjournal.errors import UsageError

                raise UsageError("Name the framework file: reflectjournal frameworks add FILE.toml")
            path = Path(args.file)
            packs = {s.slug for s in builtin_frameworks() if s.optional}
            if args.file in packs and not path.exists():
                spec = ws.frameworks.add_pack(args.file)
            else:
                spec = ws.frameworks.add_file(path)
            output.say(f"Added framework '{spec.name}' with {plural(len(spec.items), 'item')}.")
            return 0
        frameworks = [shapes.framework_json(f) for f in ws.frameworks.list()]
    return output.reply(args, frameworks, _framework_lines)


def _framework_lines(frameworks: list[dict]) -> None:
    for fw in frameworks:
        marker = " (default)" if fw["default"] else ""
        output.say(f"{fw['slug']}{marker}: {fw['name']}, {plural(len(fw['items']), 'item')}")


def cmd_rate(args) -> int:
    with workspace(args) as ws:
        rating_id = ws.journal.rate(args.slug, args.value, args.date, args.note)
        rating = next(r for r in ws.journal.ratings(args.slug) if r.id == rating_id)
    return output.reply(args, shapes.rating_json(rating), f"Rated {args.slug} {args.value}.")


def cmd_passphrase(args) -> int:
    from reflectjournal.cli.context import _tty, keyring_store, new_passphrase

    with workspace(args) as ws:
        passphrase = new_passphrase(
            args,
            file_option=args.new_passphrase_file,
            env_name="REFLECTJOURNAL_NEW_PASSPHRASE",
        )
        choice = args.old_backups
        if choice == "ask":
            choice = _ask_old_backups(ws) if _tty() else "keep"
        result = ws.change_passphrase(passphrase, keyring=keyring_store(args), old_backups=choice)
    output.say("Passphrase changed; the journal was re-encrypted and verified.")
    if result.backups:
        count = len(result.backups)
        listed = ", ".join(str(p) for p in result.backups)
        said = {
            "reencrypt": f"Re-encrypted {plural(count, 'older backup')} under the new passphrase: "
            f"{listed}.",
            "delete": f"Deleted {plural(count, 'older backup')} that opened with the old "
            f"passphrase: {listed}.",
            "keep": f"{plural(count, 'older backup')} still open with the OLD passphrase: "
            f"{listed}. Anyone who knows it can read them; delete them, or re-encrypt them "
            "next time with --old-backups reencrypt.",
        }
        output.say(said[result.choice])
    return 0


def _ask_old_backups(ws) -> str:
    found = ws.backups_under_this_key()
    if not found:
        return "keep"
    sys.stderr.write(
        f"{plural(len(found), 'backup')} of this journal open with the current passphrase and "
        "will "
        "keep doing so after the change.\n"
    )
    while True:
        sys.stderr.write(
            "Re-encrypt them under the new passphrase, delete them, or keep them? [r/d/k]: "
        )
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()[:1]
        if answer in ("r", "d", "k", ""):
            return {"r": "reencrypt", "d": "delete"}.get(answer, "keep")


def cmd_gui(args) -> int:
    from reflectjournal.errors import UsageError

    raise UsageError("Start the desktop app with the 'reflectjournal' command.")
