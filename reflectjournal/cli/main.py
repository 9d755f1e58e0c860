"""The command-line front end (docs/CLI.md). Nothing here imports Qt."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from reflectjournal import __version__
from reflectjournal.cli.terminal import SafeStream
from reflectjournal.deferred import import_deferring
from reflectjournal.errors import ReflectJournalError, log_form
from reflectjournal.logs import get_logger, when_used

log = get_logger("reflectjournal.cli")

# dataclasses imports inspect (with ast, dis and tokenize: ~6 ms of a command's start-up) only
# to write a signature into the docstring of a dataclass that has none; ours have one.
import_deferring("dataclasses", ("inspect",))

# Each module has ``register(subparsers)``; handlers import services lazily so that a command
# pays only for what it uses.
COMMAND_MODULES = (
    "journal_cmds",
    "trash_cmds",
    "coaching_cmds",
    "programme_cmds",
    "coaching_exchange_cmds",
    "revalidation_cmds",
    "practice_cmds",
    "sharing_cmds",
    "patterns_cmds",
    "io_cmds",
    "vault_cmds",
    "devices_cmds",
)


# Which module registers each command, so a command line builds only its own command's parser
# (building all of them imported every command module: ~40% of a `list`'s start-up).
# tests/unit/test_cli_startup.py checks this against what the modules register.
COMMANDS = {
    **dict.fromkeys(
        ("init", "add", "edit", "delete", "show", "list", "search", "tags", "frameworks",
         "rate", "passphrase", "gui"),
        "journal_cmds",
    ),
    "trash": "trash_cmds",
    **dict.fromkeys(("person", "session", "action", "reminders"), "coaching_cmds"),
    **dict.fromkeys(("agreement", "goal"), "programme_cmds"),
    "bring": "coaching_exchange_cmds",
    "revalidation": "revalidation_cmds",
    **dict.fromkeys(("sponsor", "360", "caseload", "retention"), "practice_cmds"),
    **dict.fromkeys(
        ("identity", "contact", "share", "comment", "feedback", "unshare", "sync", "exchange",
         "privacy"),
        "sharing_cmds",
    ),
    **dict.fromkeys(("patterns", "suggest", "review"), "patterns_cmds"),
    **dict.fromkeys(("import", "export", "backup", "restore"), "io_cmds"),
    **dict.fromkeys(("attach", "attachments", "detach", "links"), "vault_cmds"),
    **dict.fromkeys(("devices", "conflicts"), "devices_cmds"),
}  # fmt: skip
# Options before the command that take a value (the value is not the command).
_VALUED_OPTIONS = ("--journal", "--passphrase-file")


def command_of(argv: Sequence[str]) -> str | None:
    """The command an argument list names, or None (none, or help/version asked first)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED_OPTIONS:
            skip = True
        elif arg in ("-h", "--help", "--version"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it ($COLUMNS, the terminal,
    else 80), without importing shutil (with zlib, bz2 and lzma: ~3 ms of a command line)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter; argparse makes one for every argument added, and its own
    imports shutil to find the width."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # one line, exit 2, as docs/CLI.md asks
        self.exit(2, f"{self.prog}: {message}\n")


class _Unbuilt:
    """What a module's ``register`` gets for a command the command line does not name: it
    takes every call (``add_argument``, ``set_defaults``, groups, sub-commands) and builds
    nothing."""

    def __getattr__(self, name: str) -> Any:
        return self._take

    def _take(self, *args: object, **kwargs: object) -> _Unbuilt:
        return self


class _OneCommand:
    """Subparsers that build only the named command's parser. The others in its module were
    ~5 ms of a `list`'s start-up (argparse makes a help formatter for every argument added);
    the named command's parser, its help and its errors are the same as in the full list."""

    def __init__(self, sub: Any, command: str) -> None:
        self._sub = sub
        self._command = command

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return self._sub.add_parser(name, **kwargs) if name == self._command else _Unbuilt()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; for ``argv`` naming a known command, with only that command's parser
    built (its help and errors are the same; the full list is built otherwise)."""
    parser = _Parser(
        prog="reflectjournal",
        description="A private, encrypted journal for healthcare leaders, mentors and coaches.",
    )
    parser.add_argument(
        "--journal",
        metavar="PATH",
        help="journal file (default: $REFLECTJOURNAL_JOURNAL or the user data folder)",
    )
    parser.add_argument("--passphrase-file", metavar="FILE", help="read the passphrase from FILE")
    parser.add_argument(
        "--unencrypted",
        dest="allow_unencrypted",
        action="store_true",
        help="open a journal that is not encrypted (refused without this, in case of a swap)",
    )
    parser.add_argument("--version", action="version", version=f"reflectjournal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    command = command_of(argv) if argv is not None else None
    if command is not None and command in COMMANDS:
        module = importlib.import_module(f"reflectjournal.cli.{COMMANDS[command]}")
        module.register(_OneCommand(sub, command))
        return parser
    for name in COMMAND_MODULES:
        importlib.import_module(f"reflectjournal.cli.{name}").register(sub)
    return parser


# Commands whose path loads no module that logs through ``logging`` directly (only through
# logs.get_logger; tests/unit/test_cli_imports.py checks it): their log file is set up when
# a record is first written, so a command that logs nothing never loads ``logging`` (~7 ms).
LOG_ON_FIRST_RECORD = frozenset({"list", "search", "tags"})


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; every failure becomes one line on stderr."""
    from reflectjournal.config import setup_logging

    if args.command in LOG_ON_FIRST_RECORD and "logging" not in sys.modules:
        set_up: list[Path | None] = []
        when_used(lambda: set_up.append(setup_logging()))

        def log_path() -> Path | None:
            return set_up[0] if set_up else None

    else:
        path = setup_logging()

        def log_path() -> Path | None:
            return path

    # Everything printed, ours or quoted from others, goes through the control-character
    # escape (cli/terminal.py); the progress line on stderr may still return the carriage.
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(real_out), SafeStream(real_err, keep_cr=True)
    try:
        return _run(args, log_path)
    finally:
        sys.stdout, sys.stderr = real_out, real_err


def _run(args: argparse.Namespace, log_path: Callable[[], Path | None]) -> int:
    try:
        return int(args.handler(args) or 0)
    except ReflectJournalError as exc:
        log.info("command %s failed: %s", args.command, log_form(exc))
        sys.stderr.write(f"reflectjournal: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("reflectjournal: interrupted; nothing more was written.\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the user gets one line; the traceback goes to the log
        log.exception("unexpected error")
        where = f"; details are in {log_path()}" if log_path() else ""
        sys.stderr.write(f"reflectjournal: unexpected error ({type(exc).__name__}){where}.\n")
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
