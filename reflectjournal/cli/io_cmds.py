"""import, export, backup, restore (docs/CLI.md, "Import, export, backup")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reflectjournal.cli import output, shapes
from reflectjournal.cli.journal_cmds import add_filters, entry_filter, workspace
from reflectjournal.errors import UsageError
from reflectjournal.services import formats
from reflectjournal.services.display import plural

IMPORT_FORMATS = formats.IMPORT_FORMATS
EXPORT_FORMATS = formats.EXPORT_FORMATS


def register(sub) -> None:
    p = sub.add_parser(
        "import",
        help="bring entries in from jrnl, Day One, a Markdown folder or our JSON export",
    )
    p.add_argument("format", choices=IMPORT_FORMATS)
    p.add_argument("path", metavar="PATH")
    p.add_argument(
        "--password-file",
        metavar="FILE",
        help="the password of an encrypted jrnl journal, read from FILE (else asked on a terminal)",
    )
    p.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how a jrnl journal writes its dates, as jrnl's timeformat (e.g. '%%d.%%m.%%Y %%H:%%M')",
    )
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "export",
        help="write entries as Markdown, JSON, HTML, PDF or CPD accounts",
        description="OUT ending in .md makes one Markdown file; any other name, a folder of "
        "notes. cpd picks Markdown, HTML or PDF from OUT's ending.",
    )
    p.add_argument("format", choices=EXPORT_FORMATS)
    p.add_argument("out", metavar="OUT")
    add_filters(p)
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="write cpd, pdf or html even if the privacy check finds likely patient identifiers",
    )
    p.add_argument(
        "--regulator",
        choices=("nmc", "gmc", "hcpc"),
        help="cpd only: lay the accounts out as this regulator's form, with the cycle's record",
    )
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("backup", help="write a verified, encrypted copy of the journal")
    p.add_argument("out", metavar="OUT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser(
        "restore", help="restore a backup into a new journal file (named by --journal)"
    )
    p.add_argument("source", metavar="IN")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--unencrypted",
        dest="allow_unencrypted",
        action="store_true",
        default=argparse.SUPPRESS,
        help="accept a backup that is not encrypted (only if you made it so)",
    )
    p.set_defaults(handler=cmd_restore)


def _progress(verb: str):
    """A one-line counter on stderr, only when a person is watching a terminal."""
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{verb} {done}/{total}{end}")
        sys.stderr.flush()

    return report


def _read_password_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"The password file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"The password file {path} could not be read ({exc}).") from None
    password = text.rstrip("\r\n")
    if not password:
        raise UsageError(f"The password file {path} is empty.")
    return password


def cmd_import(args) -> int:
    from reflectjournal.cli.context import _tty, terminal_prompt
    from reflectjournal.services.importers import JrnlPasswordNeeded, WrongJrnlPassword

    password = None
    if args.password_file:
        password = _read_password_file(Path(args.password_file).expanduser())
    path = Path(args.path).expanduser()
    with workspace(args) as ws:
        tries = 0
        while True:
            try:
                report = ws.imports.run(
                    args.format,
                    path,
                    password=password,
                    date_format=args.date_format,
                    progress=_progress("Importing"),
                )
                break
            except (JrnlPasswordNeeded, WrongJrnlPassword) as exc:
                # Asked on a terminal only, like jrnl (three tries); never from a file twice.
                tries += 1
                if args.password_file or not _tty() or tries > 3:
                    raise
                if isinstance(exc, WrongJrnlPassword):
                    output.say(str(exc))
                password = terminal_prompt(f"jrnl password for {path.name}: ")
                if password is None:
                    raise
    return output.reply(args, shapes.import_report_json(report), lambda _: _print_import(report))


def _print_import(report) -> None:
    output.say(report.summary())
    if report.tags:
        output.say(
            f"Tags: {report.tags} ({report.tags_mapped} framework items, "
            f"{report.tags_new} new free tags)."
        )
    for item in report.skipped:
        output.say(f"  skipped {item.where}: {item.reason}")
    for item in report.notes:
        output.say(f"  note {item.where}: {item.reason}")


def cmd_export(args) -> int:
    from reflectjournal.cli.privacy_report import findings_note, refusal_reported

    if args.regulator and args.format != "cpd":
        raise UsageError("--regulator goes with 'export cpd' only.")
    f = entry_filter(args)
    with refusal_reported(args), workspace(args) as ws:
        exports = ws.exports
        report = exports.run(
            args.format,
            Path(args.out),
            f,
            overwrite=args.force,
            progress=_progress("Exporting"),
            allow_identifiers=args.allow_identifiers,
            regulator=args.regulator,
        )
    n = report.entries
    text = f"Exported {n} entr{'y' if n == 1 else 'ies'} to {report.path}."
    text += findings_note(report.findings, report.redacted)
    return output.reply(args, shapes.export_report_json(report), text)


def cmd_backup(args) -> int:
    with workspace(args) as ws:
        report = ws.backups.backup(Path(args.out))
    lock = "encrypted, " if report.encrypted else "NOT encrypted (the journal is not), "
    return output.reply(
        args,
        shapes.backup_json(report),
        f"Backed up {plural(report.entries, 'entry')} to {report.path} ({lock}verified); "
        "it opens with the journal's passphrase.",
    )


def cmd_restore(args) -> int:
    from reflectjournal.cli.context import _tty, journal_path, keyring_store, terminal_prompt
    from reflectjournal.services.backup import restore
    from reflectjournal.services.unlocking import KeySources

    sources = KeySources(
        passphrase_file=Path(args.passphrase_file) if args.passphrase_file else None,
        keyring=keyring_store(args),
        prompt=terminal_prompt if _tty() else None,
        allow_unencrypted=bool(getattr(args, "allow_unencrypted", False)),
    )
    report = restore(Path(args.source), journal_path(args), sources)
    return output.reply(
        args,
        shapes.restore_json(report),
        f"Restored {plural(report.entries, 'entry')} from {report.source} into {report.path}; "
        "it opens with the backup's passphrase.",
    )
