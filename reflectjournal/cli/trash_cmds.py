"""The Trash from the command line: ``trash list|restore ID|empty``; ``delete`` moves there."""

from __future__ import annotations

import argparse
import sys

from reflectjournal.cli import output
from reflectjournal.services.display import date_text, datetime_text, plural


def register(sub) -> None:
    p = sub.add_parser("trash", help="deleted entries, kept 30 days")
    actions = p.add_subparsers(dest="trash_action", required=True, metavar="list|restore|empty")
    q = actions.add_parser("list", help="what is in the Trash")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_trash_list)
    q = actions.add_parser("restore", help="bring a deleted entry back")
    q.add_argument("id", metavar="ID", help="the Trash id ('trash list' shows them)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_trash_restore)
    q = actions.add_parser("empty", help="delete everything in the Trash for good")
    q.add_argument("--yes", action="store_true", help="do not ask first")
    q.set_defaults(handler=cmd_trash_empty)


def _workspace(args):
    from reflectjournal.cli.journal_cmds import workspace

    return workspace(args)


def cmd_trash_list(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        items = ws.trash.list()
    data = [
        {"id": t.id, "title": t.title, "kind": t.kind, "deleted": t.deleted, "expires": t.expires}
        for t in items
    ]

    def show(rows) -> None:
        for t in rows:
            output.say(
                f"{t['id']:>4}  {datetime_text(t['deleted'])}  {t['title']}  "
                f"(goes for good {date_text(t['expires'])})"
            )

    return output.reply(args, data, show, empty="The Trash is empty.")


def cmd_trash_restore(args: argparse.Namespace) -> int:
    with _workspace(args) as ws:
        entry_id = ws.trash.restore(args.id)
    return output.reply(args, {"id": entry_id}, f"Restored as entry {entry_id}.")


def confirm(question: str) -> bool:
    """Ask on a terminal; anything but y/yes is no. Without a terminal: no."""
    from reflectjournal.cli.context import _tty

    if not _tty():
        return False
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_trash_empty(args: argparse.Namespace) -> int:
    from reflectjournal.cli.context import _tty
    from reflectjournal.errors import UsageError

    with _workspace(args) as ws:
        count = len(ws.trash.list())
        if count and not args.yes:
            if not _tty():
                raise UsageError("Emptying the Trash deletes for good; add --yes to do it.")
            if not confirm(f"Delete {plural(count, 'entry')} in the Trash for good?"):
                output.say("Nothing was deleted.")
                return 1
        gone = ws.trash.empty()
    output.say(f"Deleted {plural(gone, 'entry')} for good." if gone else "The Trash is empty.")
    return 0
