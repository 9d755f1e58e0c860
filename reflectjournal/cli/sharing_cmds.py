"""Sharing commands: identity, contact, share, comment, feedback, privacy (docs/CLI.md, Sharing)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from reflectjournal.cli import output, shapes
from reflectjournal.services.display import plural

if TYPE_CHECKING:
    from reflectjournal.services.sharing.identity import Contact
    from reflectjournal.services.workspace import Workspace


def register(sub) -> None:
    p = sub.add_parser("identity", help="this journal's owner name and public fingerprint")
    p.add_argument("--set-name", metavar="NAME", help="the name your contacts will see")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_identity)

    contact = sub.add_parser("contact", help="exchange contact cards")
    verbs = contact.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("export", help="write your contact card to FILE")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--role", choices=("leader", "mentor", "coach", "coachee"), help="your role")
    p.set_defaults(handler=cmd_contact_export)
    p = verbs.add_parser("import", help="add the person on a contact card")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--role", choices=("mentor", "coach", "coachee"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_contact_import)
    p = verbs.add_parser("list", help="contacts with keys")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_contact_list)

    p = verbs.add_parser(
        "verify", help="record that PERSON read you the same fingerprint their card has"
    )
    p.add_argument("person", metavar="PERSON")
    p.add_argument("fingerprint", metavar="FINGERPRINT", help="as they read it to you")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_contact_verify)

    from reflectjournal.cli import exchange_cmds

    share = sub.add_parser(
        "share", help="share ENTRY_ID --with PERSON, or send/receive share packet files"
    )
    verbs = share.add_subparsers(
        dest="verb", metavar="ENTRY_ID|VERB", required=True, action=exchange_cmds.EntryOrVerb
    )
    exchange_cmds.register_share_entry(verbs)
    p = verbs.add_parser("export", help="write a file of shared entries for PERSON")
    _share_options(p)
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="write even if the privacy check finds likely patient identifiers",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=cmd_share_export)
    p = verbs.add_parser("preview", help="print exactly what a share would send")
    _share_options(p)
    p.set_defaults(handler=cmd_share_preview)
    p = verbs.add_parser("import", help="receive a file of shared entries (or feedback)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_share_import)

    p = sub.add_parser("comment", help="comment on an entry shared with you")
    p.add_argument("entry_id", metavar="ENTRY_ID")
    p.add_argument("text", metavar="TEXT|-")
    p.set_defaults(handler=cmd_comment)

    feedback = sub.add_parser("feedback", help="send comments back, or receive them")
    verbs = feedback.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("export", help="write your unsent comments for PERSON")
    p.add_argument("--to", required=True, metavar="PERSON")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--all", action="store_true", help="every comment again, not only unsent")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_feedback_export)
    p = verbs.add_parser("import", help="receive comments on your entries")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_feedback_import)

    exchange_cmds.register(sub)

    privacy = sub.add_parser("privacy", help="the patient-data check")
    verbs = privacy.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("names", help="names the check always flags")
    p.add_argument("action", choices=("list", "add", "remove"))
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_privacy_names)
    p = verbs.add_parser("scan", help="check TEXT (or - for standard input)")
    p.add_argument("text", metavar="TEXT|-")
    p.add_argument("--entry", metavar="ID", help="apply that entry's remembered choices")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_privacy_scan)
    from reflectjournal.cli.privacy_cmds import register as register_privacy

    register_privacy(verbs)


def _share_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="PERSON", help="a contact's name")
    p.add_argument("--tag", action="append", default=[], metavar="SLUG")
    p.add_argument("--since", metavar="DATE")
    p.add_argument("--include-mood", action="store_true", help="also send mood and energy")
    p.add_argument("--redact", action="store_true", help="replace every privacy finding")
    p.add_argument("--json", action="store_true")


def _workspace(args):
    from reflectjournal.cli.journal_cmds import workspace

    return workspace(args)


def _request(args):
    from reflectjournal.services.sharing.share import ShareRequest
    from reflectjournal.services.timeutil import range_start

    return ShareRequest(
        to=args.to,
        tags=list(args.tag),
        since=range_start(args.since),
        include_mood=args.include_mood,
        redact=args.redact,
    )


def cmd_identity(args) -> int:
    with _workspace(args) as ws:
        if args.set_name is not None:
            ws.sharing.identity.set_name(args.set_name)
        info = ws.sharing.identity.summary()
    return output.reply(
        args,
        shapes.identity_json(info),
        f"Name:        {info.name or '(not set: use --set-name NAME)'}\n"
        f"Fingerprint: {info.fingerprint}",
    )


def cmd_contact_export(args) -> int:
    from reflectjournal.services.sharing.files import write_atomically

    with _workspace(args) as ws:
        card = ws.sharing.identity.contact_card(args.role)
        fingerprint = ws.sharing.identity.get().fingerprint
        write_atomically(args.file, card)
    output.say(f"Wrote your contact card to {args.file}.")
    output.say(f"Your fingerprint: {fingerprint}")
    return 0


def cmd_contact_import(args) -> int:
    from reflectjournal.services.sharing.crypto import MAX_CONTACT_CARD_BYTES
    from reflectjournal.services.sharing.files import read_packet_file

    data = read_packet_file(args.file, limit=MAX_CONTACT_CARD_BYTES)
    from reflectjournal.services.sharing.identity import CARD_VERBS
    from reflectjournal.services.sharing.verification import name_warnings

    with _workspace(args) as ws:
        imported = ws.sharing.contacts.import_card(data, args.role)
        contact = imported.contact
        verified = ws.sharing.verified_on(contact.fingerprint)
    warnings = name_warnings(contact.name)
    lines = [f"{CARD_VERBS[imported.status]} {contact.name} ({contact.role})."]
    lines += [f"Warning: {w}" for w in warnings]
    lines.append(f"Fingerprint: {contact.fingerprint}")
    if not verified:
        lines.append(
            "Ask them to read their fingerprint to you by phone or in person; if it matches, "
            f"run: reflectjournal contact verify '{contact.name}' '{contact.fingerprint}'"
        )
    return output.reply(
        args, shapes.imported_contact_json(imported, verified, warnings), "\n".join(lines)
    )


def cmd_contact_verify(args) -> int:
    from reflectjournal.errors import PacketRejected
    from reflectjournal.services.sharing.crypto import normalize_fingerprint

    with _workspace(args) as ws:
        person = ws.sharing.contacts.get(args.person)
        if normalize_fingerprint(args.fingerprint) != person.fingerprint:
            raise PacketRejected(
                f"The fingerprint you typed does not match {person.name}'s card "
                f"({person.fingerprint}); share nothing with this contact until you know why."
            )
        when = ws.sharing.mark_verified(person.fingerprint)
    return output.reply(
        args,
        shapes.verified_contact_json(person, when),
        f"{person.name} is verified (fingerprint matched, {when}).",
    )


def confirm_recipient(ws: Workspace, person: Contact) -> None:
    """The first share to a contact whose fingerprint was never confirmed asks explicitly:
    on a terminal, for the fingerprint they read out; elsewhere it refuses in one sentence."""
    from reflectjournal.cli.context import _tty, terminal_prompt
    from reflectjournal.errors import UsageError
    from reflectjournal.services.sharing.crypto import normalize_fingerprint
    from reflectjournal.services.sharing.verification import unverified_sentence

    if not ws.sharing.needs_confirmation(person.fingerprint):
        return
    refusal = (
        f"Nothing was shared: you have not confirmed {person.name}'s fingerprint "
        f"({person.fingerprint}), so it could be someone else's key; compare it with them "
        f"by phone and run 'reflectjournal contact verify \"{person.name}\" FINGERPRINT'."
    )
    if not _tty():
        raise UsageError(refusal)
    sys.stderr.write(unverified_sentence(person.name, person.fingerprint) + "\n")
    typed = terminal_prompt("Type the fingerprint they read to you (Enter to stop): ")
    if not typed or normalize_fingerprint(typed) != person.fingerprint:
        raise UsageError("Nothing was shared: the fingerprint was not confirmed.")
    ws.sharing.mark_verified(person.fingerprint)


def cmd_contact_list(args) -> int:
    with _workspace(args) as ws:
        rows = [
            shapes.contact_json(c, ws.sharing.verified_on(c.fingerprint))
            for c in ws.sharing.contacts.list()
        ]
    return output.reply(
        args,
        rows,
        "\n".join(
            f"{r['name']} ({r['role']}, "
            f"{'verified ' + r['verified'] if r['verified'] else 'NOT verified'})  "
            f"{r['fingerprint']}"
            for r in rows
        ),
        empty="No contacts yet; import a contact card with 'contact import FILE'.",
    )


def _print_findings(findings: list[dict], stream=None) -> None:
    write = (stream or sys.stdout).write
    for f in findings:
        write(
            f"  {f['date']} \u201c{f['entry']}\u201d, {f['field']}: {f['label']}: {f['context']}\n"
        )


def _findings(plan) -> list[dict]:
    return [shapes.share_finding_json(f) for f in plan.findings]


def cmd_share_preview(args) -> int:
    with _workspace(args) as ws:
        plan = ws.sharing.plan(_request(args))
    return output.reply(
        args,
        shapes.share_preview_json(plan),
        lambda _: _print_plan(plan),
    )


def _print_plan(plan) -> None:
    output.say(f"To {plan.person.name} ({plan.person.fingerprint}): {plural(plan.count, 'entry')}.")
    for item in plan.payload["entries"]:
        output.say()
        output.say(f"## {item['title']}  ({item['date']})")
        if item["tags"]:
            output.say(" ".join("@" + t for t in item["tags"]))
        if "mood" in item:
            output.say(f"mood {item['mood']} · energy {item['energy']}")
        output.say(item["body"])
    output.say()
    if plan.findings:
        output.say(f"Privacy check: {plural(len(plan.findings), 'likely patient identifier')}:")
        _print_findings(_findings(plan))
    else:
        output.say("Privacy check: nothing found.")


def cmd_share_export(args) -> int:
    from pathlib import Path

    from reflectjournal.errors import PrivacyCheckFailed, UsageError

    if Path(args.out).exists() and not args.force:
        raise UsageError(f"{args.out} already exists; choose another name or add --force.")
    with _workspace(args) as ws:
        confirm_recipient(ws, ws.sharing.contacts.get(args.to))
        try:
            plan = ws.sharing.export_share(_request(args), args.out, args.allow_identifiers)
        except PrivacyCheckFailed as exc:
            findings = shapes.privacy_findings_json(exc.findings)
            if args.json:
                output.emit_json({"written": False, "entries": 0, "findings": findings})
            else:
                sys.stderr.write("Likely patient identifiers:\n")
                _print_findings(findings, sys.stderr)
            raise
    summary = shapes.share_export_json(plan, str(args.out))
    text = (
        f"Wrote {plural(plan.count, 'entry')} for {plan.person.name} to {args.out} "
        f"({plural(plan.messages, 'message')}: what changed, and "
        "anything they have not confirmed yet)."
    )
    if plan.findings:
        text += f"\nSent anyway with {plural(len(plan.findings), 'privacy finding')}."
    return output.reply(args, summary, text)


def cmd_share_import(args) -> int:
    with _workspace(args) as ws:
        summary = ws.sharing.import_share(args.file)
    if summary.already_imported:
        text = f"This file from {summary.sender} was already imported; nothing changed."
    else:
        text = (
            f"From {summary.sender} ({summary.fingerprint}): {summary.added} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged"
        )
        if summary.withdrawn:
            text += f", {summary.withdrawn} withdrawn"
        if summary.attached:
            text += f"; {plural(summary.attached, 'comment')} on your entries"
        text += "."
    return output.reply(args, shapes.received_json(summary), text)


def cmd_comment(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text)
    with _workspace(args) as ws:
        comment_id = ws.sharing.comment(args.entry_id, text)
    output.say(
        f"Comment {comment_id} saved; it travels at the next 'sync' (or send it as a file "
        "with 'feedback export')."
    )
    return 0


def cmd_feedback_export(args) -> int:
    from pathlib import Path

    from reflectjournal.errors import UsageError

    if Path(args.out).exists() and not args.force:
        raise UsageError(f"{args.out} already exists; choose another name or add --force.")
    with _workspace(args) as ws:
        summary = ws.sharing.export_feedback(args.to, args.out, args.all)
    text = f"Wrote {plural(summary.comments, 'comment')} for {summary.person.name} to {args.out}"
    if summary.receipts:
        text += f", confirming {plural(summary.receipts, 'thing')} of theirs that arrived"
    return output.reply(args, shapes.feedback_export_json(summary), text + ".")


def cmd_feedback_import(args) -> int:
    with _workspace(args) as ws:
        summary = ws.sharing.import_feedback(args.file)
    text = f"From {summary.sender}: {plural(summary.attached, 'comment')} attached."
    if summary.added or summary.updated:
        text += f" {summary.added} new and {summary.updated} updated shared entries."
    if summary.already_imported:
        text = f"This feedback from {summary.sender} was already imported; nothing changed."
    if summary.unmatched:
        text += f"\n{summary.unmatched} were about entries no longer in this journal."
    return output.reply(args, shapes.received_json(summary), text)


def cmd_privacy_names(args) -> int:
    from reflectjournal.errors import UsageError

    if args.action != "list" and not args.name:
        raise UsageError(f"Give the name to {args.action}.")
    with _workspace(args) as ws:
        if args.action == "add":
            names = ws.sharing.add_sensitive_name(args.name)
        elif args.action == "remove":
            names = ws.sharing.remove_sensitive_name(args.name)
        else:
            names = ws.sharing.sensitive_names()
    return output.reply(args, names, "\n".join(names), empty="No sensitive names.")


def cmd_privacy_scan(args) -> int:
    from reflectjournal.cli.context import read_text_argument

    text = read_text_argument(args.text)
    with _workspace(args) as ws:
        findings = ws.privacy.scan(text, args.entry)
    rows = [shapes.scan_finding_json(f) for f in findings]
    return output.reply(
        args,
        rows,
        "\n".join(f"{r['label']}: {r['context']}" for r in rows),
        empty="Nothing found.",
    )
