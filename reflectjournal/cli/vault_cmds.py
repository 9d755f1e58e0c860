"""Attachments and links between entries: attach attachments detach links."""

from __future__ import annotations

from pathlib import Path

from reflectjournal.cli import output, shapes
from reflectjournal.cli.journal_cmds import workspace


def register(sub) -> None:
    p = sub.add_parser("attach", help="attach images or PDFs to an entry (kept inside the journal)")
    p.add_argument("id", metavar="ENTRY_ID")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_attach)

    p = sub.add_parser("attachments", help="an entry's attachments; --save DIR writes copies")
    p.add_argument("id", metavar="ENTRY_ID")
    p.add_argument("--save", metavar="DIR", help="write a copy of each into DIR (which must exist)")
    p.add_argument("--force", action="store_true", help="overwrite files already in DIR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_attachments)

    p = sub.add_parser("detach", help="delete an attachment from the journal")
    p.add_argument("attachment", metavar="ATTACHMENT_ID")
    p.set_defaults(handler=cmd_detach)

    p = sub.add_parser("links", help="the entries an entry links to, and those linking to it")
    p.add_argument("id", metavar="ENTRY_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_links)


def _line(info) -> str:
    from reflectjournal.services.attachments import size_text

    shape = f", {info.width} × {info.height}" if info.width else ""
    return f"{info.id:>5}  {info.name}  ({info.mime}, {size_text(info.size)}{shape})"


def cmd_attach(args) -> int:
    added = []
    with workspace(args) as ws:
        entry_id = ws.journal.entry(args.id).id  # one sentence for an unknown entry
        for name in args.files:
            added.append(ws.attachments.add_file(entry_id, Path(name)))
    return output.reply(
        args,
        [shapes.attachment_json(a) for a in added],
        "\n".join(f"Attached {a.name} as attachment {a.id}; write ![[{a.name}]] to show it."
                  for a in added),
    )  # fmt: skip


def cmd_attachments(args) -> int:
    with workspace(args) as ws:
        found = ws.attachments.for_entry(ws.journal.entry(args.id).id)
        saved = []
        if args.save:
            folder = Path(args.save)
            if not folder.is_dir():
                from reflectjournal.errors import UsageError

                raise UsageError(f"{folder} is not a folder; create it first.")
            for info in found:
                saved.append(
                    str(ws.attachments.save_copy(info.id, folder / info.name, overwrite=args.force))
                )
    data = [shapes.attachment_json(a) for a in found]
    if args.json:
        return output.reply(args, data, "")
    for info in found:
        output.say(_line(info))
    if not found:
        output.say(f"Entry {args.id} has no attachments.")
    for path in saved:
        output.say(f"Saved {path}")
    return 0


def cmd_detach(args) -> int:
    with workspace(args) as ws:
        info = ws.attachments.remove(args.attachment)
    output.say(f"Attachment {info.id} ({info.name}) deleted from entry {info.entry_id}.")
    return 0


def cmd_links(args) -> int:
    with workspace(args) as ws:
        entry_id = ws.journal.entry(args.id).id
        to = ws.links.links_to(entry_id)
        back = ws.links.linked_from(entry_id)
    data = {
        "id": entry_id,
        "links_to": [{"id": e.id, "title": e.title, "created": e.created} for e in to],
        "linked_from": [{"id": e.id, "title": e.title, "created": e.created} for e in back],
    }
    if args.json:
        return output.reply(args, data, "")
    output.say("Links to: " + (", ".join(f"{e.title} ({e.id})" for e in to) or "none"))
    output.say("Linked from: " + (", ".join(f"{e.title} ({e.id})" for e in back) or "none"))
    return 0
