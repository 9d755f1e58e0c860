"""Device sync commands: devices set/list/remove, conflicts list/resolve (docs/CLI.md).

``init --join`` lives with ``init`` (journal_cmds) and ``sync`` with the exchange's sync.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from reflectjournal.cli import output
from reflectjournal.cli.places import add_place_options, place_spec


def _place_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    add_place_options(p, required=required)
    p.add_argument("--device-name", metavar="NAME", help="how other devices list this one")


def register(sub) -> None:
    devices = sub.add_parser("devices", help="this journal on your other devices")
    verbs = devices.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("set", help="start syncing this journal in a folder, WebDAV or S3")
    _place_options(p, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_devices_set)
    p = verbs.add_parser("list", help="the devices of this journal and their last sync")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_devices_list)
    p = verbs.add_parser("remove", help="remove a device; the sync key changes")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_devices_remove)

    conflicts = sub.add_parser("conflicts", help="edits made on two devices that need you")
    verbs = conflicts.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("list", help="every conflict waiting, with both versions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_conflicts_list)
    p = verbs.add_parser("resolve", help="choose which version to keep")
    p.add_argument("id", metavar="ID")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", choices=("shown", "other"))
    choice.add_argument("--text", metavar="FILE", help="keep the text in FILE (- for stdin)")
    p.set_defaults(handler=cmd_conflicts_resolve)


def journal_passphrase(args) -> str:
    """The journal's passphrase (the sync key is wrapped by it): file, environment, prompt."""
    from reflectjournal.cli.context import _tty, terminal_prompt
    from reflectjournal.errors import UsageError
    from reflectjournal.services.unlocking import ENV_PASSPHRASE, read_passphrase_file

    if args.passphrase_file:
        return read_passphrase_file(Path(args.passphrase_file))
    saved = getattr(args, "_passphrase", None) or os.environ.get(ENV_PASSPHRASE)
    if saved:
        return str(saved)
    if _tty():
        given = terminal_prompt("The journal's passphrase: ")
        if given:
            return given
    raise UsageError(
        f"The journal's passphrase is needed for this; give --passphrase-file FILE or set "
        f"{ENV_PASSPHRASE}."
    )


def _workspace(args):
    from reflectjournal.cli.journal_cmds import workspace

    return workspace(args)


def _round_json(result) -> dict:
    return {
        "sent": result.sent,
        "received": result.received,
        "changed": result.changed,
        "conflicts": result.conflicts,
        "errors": list(result.errors),
    }


def cmd_devices_set(args) -> int:
    spec = place_spec(args)
    passphrase = journal_passphrase(args)
    with _workspace(args) as ws:
        result = ws.devices.set_place(spec, passphrase, name=args.device_name)
        where = ws.devices.spec().describe()
    data = {"place": where, **_round_json(result)}
    text = (
        f"This journal now syncs through {where}; it holds only ciphertext under opaque "
        "names. On another device: reflectjournal init --join with the same place and "
        "this journal's passphrase."
    )
    for error in result.errors:
        text += f"\n{error}"
    output.reply(args, data, text)
    return 1 if result.errors else 0


def cmd_devices_list(args) -> int:
    with _workspace(args) as ws:
        found = ws.devices.devices()
    data = [
        {
            "id": d.device_id,
            "name": d.name,
            "joined": d.joined,
            "last_sync": d.last_sync,
            "this": d.this,
        }
        for d in found
    ]

    def text(rows) -> str:
        lines = []
        for d in rows:
            when = (d["last_sync"] or "never")[:16].replace("T", " ")
            mark = " (this device)" if d["this"] else ""
            lines.append(f"{d['name']}{mark}: last sync {when}")
        return "\n".join(lines)

    return output.reply(args, data, lambda rows: output.say(text(rows)))


def cmd_devices_remove(args) -> int:
    passphrase = journal_passphrase(args)
    with _workspace(args) as ws:
        gone = ws.devices.remove(args.name, passphrase)
    output.say(
        f"Removed {gone.name}; the sync key was changed, so it cannot read what is written "
        "from now on (what it already held stays on it)."
    )
    return 0


def _conflict_json(c) -> dict:
    return {
        "id": c.id,
        "kind": c.kind,
        "title": c.title,
        "fields": [
            {
                "field": f.field or "deleted",
                "values": [{"value": v.value, "device": v.device, "t": v.t} for v in f.values],
            }
            for f in c.fields
        ],
    }


def cmd_conflicts_list(args) -> int:
    with _workspace(args) as ws:
        found = [_conflict_json(c) for c in ws.devices.conflicts()]

    def text(rows) -> str:
        lines = []
        for c in rows:
            lines.append(f"{c['id']}  {c['kind']} {c['title']!r}")
            for f in c["fields"]:
                for n, v in enumerate(f["values"]):
                    label = "shown" if n == 0 else "other"
                    lines.append(f"  {f['field']} ({label}, from {v['device']}): {v['value']!r}")
        return "\n".join(lines)

    return output.reply(args, found, lambda rows: output.say(text(rows)), empty="No conflicts.")


def cmd_conflicts_resolve(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = None
    if args.text is not None:
        text = (
            read_text_argument("-")
            if args.text == "-"
            else Path(args.text).read_text(encoding="utf-8")
        )
    with _workspace(args) as ws:
        ws.devices.resolve(args.id, "text" if text is not None else args.keep, text)
    output.say("Resolved; the choice travels to your other devices at the next sync.")
    return 0
