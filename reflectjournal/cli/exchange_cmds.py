"""Exchange commands: exchange set/status, share ENTRY --with, unshare, sync (CLI.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reflectjournal.cli import output
from reflectjournal.cli.places import add_place_options, place_spec, secret_from_file


class _VerbsOrEntryIds(dict):
    """The verbs, plus any entry id (argparse checks choices before the action runs)."""

    def __contains__(self, key) -> bool:
        return super().__contains__(key) or (isinstance(key, str) and key.strip().isdigit())


class EntryOrVerb(argparse._SubParsersAction):
    """``share 12 --with Tom`` beside ``share export|import|preview``: a number is an entry."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_parser_map = _VerbsOrEntryIds()
        self.choices = self._name_parser_map

    def __call__(self, parser, namespace, values, option_string=None):
        if values and not dict.__contains__(self._name_parser_map, values[0]):
            values = ["entry", *values]
        super().__call__(parser, namespace, values, option_string)


def register_share_entry(verbs) -> None:
    """``share ENTRY_ID --with PERSON`` (repeatable), as a verb of ``share``."""
    p = verbs.add_parser("entry", help="share ENTRY_ID --with PERSON: share one entry with people")
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("--with", dest="people", action="append", required=True, metavar="PERSON")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="send even if the privacy check finds likely patient identifiers",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_share_entry)


def register(sub) -> None:
    p = sub.add_parser("unshare", help="stop sharing an entry with a person")
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("--with", dest="people", action="append", required=True, metavar="PERSON")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_unshare)

    p = sub.add_parser("sync", help="send and receive everything through the places set up")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync)

    exchange = sub.add_parser("exchange", help="where to meet your contacts")
    verbs = exchange.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("set", help="meet PERSON (or everyone) in a folder, WebDAV or S3")
    p.add_argument("person", nargs="?", metavar="PERSON")
    add_place_options(p, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_exchange_set)
    p = verbs.add_parser("invite", help="an invitation: your contact card and where to meet")
    p.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    p.add_argument("--role", choices=("leader", "mentor", "coach", "coachee"), help="your role")
    p.set_defaults(handler=cmd_exchange_invite)
    p = verbs.add_parser("accept", help="accept an invitation (FILE, or - for pasted text)")
    p.add_argument("file", metavar="FILE|-")
    p.add_argument("--role", choices=("mentor", "coach", "coachee"), help="their role")
    p.add_argument("--folder", metavar="DIR", help="where the shared folder is on this computer")
    p.add_argument("--user", metavar="U")
    p.add_argument("--password-file", metavar="F")
    p.add_argument("--access-key", metavar="K")
    p.add_argument("--secret-file", metavar="F")
    p.add_argument(
        "--fingerprint",
        metavar="FP",
        help="the fingerprint they read to you; when it matches, they are recorded as verified",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_exchange_accept)
    p = verbs.add_parser("status", help="the places set up and how the last sync went")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_exchange_status)


def _workspace(args):
    from reflectjournal.cli.journal_cmds import workspace

    return workspace(args)


def _recipient_json(r) -> dict:
    return {
        "person": r.name,
        "shared": r.active,
        "queued": r.queued,
        "sent": r.sent,
        "received": r.received,
        "held": r.held,
    }


def _recipient_line(r) -> str:
    if r.held:
        return f"  {r.name}: held back. {r.held}"
    state = "shared" if r.active else "withdrawn"
    if r.received:
        when = f"received {r.received[:10]}"
    elif r.sent:
        when = f"in the shared place since {r.sent[:16].replace('T', ' ')}"
    else:
        when = "waiting for the next sync"
    return f"  {r.name}: {state}, {when}"


def cmd_share_entry(args) -> int:
    with _workspace(args) as ws:
        recipients = ws.sharing.exchange.share(
            args.entry_id, args.people, allow_identifiers=args.allow_identifiers
        )
    return output.reply(
        args,
        {"entry": str(args.entry_id), "recipients": [_recipient_json(r) for r in recipients]},
        f"Entry {args.entry_id} is shared with:\n"
        + "\n".join(_recipient_line(r) for r in recipients)
        + "\nIt travels at the next sync.",
    )


def cmd_unshare(args) -> int:
    with _workspace(args) as ws:
        for person in args.people:
            recipients = ws.sharing.exchange.unshare(args.entry_id, person)
    return output.reply(
        args,
        {"entry": str(args.entry_id), "recipients": [_recipient_json(r) for r in recipients]},
        f"Entry {args.entry_id} will be withdrawn at the next sync. What was already read "
        "cannot be unread.",
    )


def cmd_sync(args) -> int:
    with _workspace(args) as ws:
        # This journal's other devices first, so what they wrote is shared from here too.
        devices = ws.devices.sync() if ws.devices.enabled else None
        result = ws.sharing.exchange.sync()
        if devices is not None and ws.devices.has_local_changes():
            # ...and what the exchange just did (sent, received, receipted) goes to them now,
            # so another device neither sends it again nor misses a comment.
            devices = devices.plus(ws.devices.sync())
    errors = list(result.errors) + (list(devices.errors) if devices else [])
    data = {
        "sent": result.sent,
        "received": result.received,
        "pending": result.pending,
        "errors": errors,
    }
    text = (
        f"Sent {result.sent}, received {result.received}; "
        f"{result.pending} waiting for the other side."
    )
    if devices is not None:
        # Added to the contract's shape (docs/CLI.md): present only when devices sync.
        data["devices"] = {
            "sent": devices.sent,
            "received": devices.received,
            "changed": devices.changed,
            "conflicts": devices.conflicts,
        }
        text += (
            f"\nDevices: sent {devices.sent} change set{'s' if devices.sent != 1 else ''}, "
            f"received {devices.received}; {devices.changed} records changed here"
            + (
                f"; {devices.conflicts} conflicts to resolve (conflicts list)."
                if devices.conflicts
                else "."
            )
        )
    for error in errors:
        text += f"\n{error}"
    output.reply(args, data, text)
    moved = result.sent or result.received or (devices and (devices.sent or devices.received))
    return 1 if errors and not moved else 0


def cmd_exchange_set(args) -> int:
    spec = place_spec(args)
    with _workspace(args) as ws:
        done = ws.sharing.exchange.set_place(spec, args.person)
    who = args.person or "everyone"
    data = {
        "person": args.person,
        "kind": spec.kind,
        "place": done.place.spec.describe(),
        "new": done.created,
    }
    first = "Set up" if done.created else "Joined"
    return output.reply(
        args,
        data,
        f"{first} {done.place.spec.describe()} to meet {who}; it holds only ciphertext under "
        "opaque names. Run 'sync' to send and receive.",
    )


def cmd_exchange_status(args) -> int:
    with _workspace(args) as ws:
        places = ws.sharing.exchange.places.all()
        status = ws.sharing.exchange.status()
    data = {
        "places": [
            {
                "person": p.person_name,
                "kind": p.spec.kind,
                "place": p.spec.describe(),
                "last_sync": p.last_sync,
                "unreachable_since": p.unreachable_since,
                "error": p.last_error,
            }
            for p in places
        ],
        "status": status,
    }
    lines = [f"{p.person_name or 'Everyone'}: {p.spec.describe()}" for p in places]
    return output.reply(
        args,
        data,
        "\n".join([*lines, status]),
        empty=None,
    )


def cmd_exchange_invite(args) -> int:
    with _workspace(args) as ws:
        text = ws.sharing.exchange.invite(args.role)
        fingerprint = ws.sharing.identity.get().fingerprint
    if args.out:
        from reflectjournal.services.sharing.files import write_atomically

        write_atomically(args.out, text.encode("ascii"))
        output.say(f"Wrote your invitation to {args.out}.")
    else:
        output.say(text.rstrip("\n"))
    output.say(f"Your fingerprint: {fingerprint} (they compare it with you by phone).")
    return 0


def cmd_exchange_accept(args) -> int:
    import sys

    from reflectjournal.errors import UsageError
    from reflectjournal.services.exchange.places import PlaceSpec

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8", errors="replace")[:65536]
        except OSError:
            raise UsageError(f"There is no file {args.file}; check the name.") from None
    override = None
    if args.folder or args.user or args.password_file or args.access_key or args.secret_file:
        kind = (
            "folder" if args.folder else ("s3" if args.access_key or args.secret_file else "webdav")
        )
        secret = secret_from_file(args.password_file or args.secret_file, "password or secret key")
        override = PlaceSpec(
            kind, args.folder or "", user=args.user or args.access_key, secret=secret
        )
    fingerprint = args.fingerprint or _ask_fingerprint(text, args)
    with _workspace(args) as ws:
        done = ws.sharing.exchange.accept(text, args.role, override, fingerprint)
    data = {
        "name": done.name,
        "fingerprint": done.fingerprint,
        "status": done.status,
        "place": done.place,
        "verified": done.verified,
    }
    where = f" You meet in {done.place}." if done.place else ""
    if done.verified:
        check = f"{done.name} is verified (the fingerprint they read matched)."
    else:
        check = (
            "Compare it with theirs by phone or in person before sharing anything, then run: "
            f"reflectjournal contact verify '{done.name}' FINGERPRINT"
        )
    return output.reply(
        args,
        data,
        f"Added {done.name}.{where}\nFingerprint: {done.fingerprint}\n{check}\n"
        "So they can add you too, send them your own invitation: "
        "reflectjournal exchange invite --out me.rjinvite",
    )


def _ask_fingerprint(text: str, args) -> str | None:
    """On a terminal, the fingerprint the person reads out now (Enter: compare later)."""
    import sys

    from reflectjournal.cli.context import _tty, terminal_prompt
    from reflectjournal.services.exchange import invitations

    if args.json or not _tty():
        return None
    invitation = invitations.read(text)
    sys.stderr.write(
        f"The invitation is from {invitation.name}, fingerprint:\n  {invitation.fingerprint}\n"
        "Ask them to read theirs to you (by phone or in person).\n"
    )
    typed = terminal_prompt("Type the fingerprint they read (Enter to compare later): ")
    return (typed or "").strip() or None
