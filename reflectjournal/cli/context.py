"""Turning global options into an open journal, with the unlock order of docs/CLI.md."""

from __future__ import annotations

import os
import sys
from argparse import Namespace
from pathlib import Path

from reflectjournal.config import default_journal_path
from reflectjournal.errors import UsageError
from reflectjournal.services.unlocking import (
    ENV_PASSPHRASE,
    KeyringStore,
    KeySources,
    open_journal,
    read_passphrase_file,
    take_from_environment,
)
from reflectjournal.services.workspace import Workspace


def journal_path(args: Namespace) -> Path:
    return Path(args.journal).expanduser() if args.journal else default_journal_path()


def _tty() -> bool:
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_prompt(message: str) -> str | None:
    import getpass  # only a terminal that asks loads it (and termios)

    try:
        return getpass.getpass(message, stream=sys.stderr) or None
    except (EOFError, KeyboardInterrupt):
        return None


def keyring_store(args: Namespace) -> KeyringStore | None:
    if getattr(args, "no_keyring", False) or os.environ.get("REFLECTJOURNAL_NO_KEYRING"):
        return None
    return KeyringStore()


def open_workspace(args: Namespace) -> Workspace:
    passphrase_file = Path(args.passphrase_file) if args.passphrase_file else None
    sources = KeySources(
        passphrase_file=passphrase_file,
        keyring=keyring_store(args),
        prompt=terminal_prompt if _tty() else None,
        allow_unencrypted=bool(getattr(args, "allow_unencrypted", False)),
    )
    workspace = open_journal(journal_path(args), sources)
    workspace.pdf_writer = _html_to_pdf  # Qt is imported only if a PDF is written
    return workspace


def _html_to_pdf(html: str, path: Path, title: str = "ReflectJournal") -> None:
    """The Qt adapter's PDF writer, loaded when a PDF is written (not by every command)."""
    from reflectjournal.adapters.qt_pdf import html_to_pdf

    html_to_pdf(html, path, title)


def new_passphrase(args: Namespace, *, file_option: str | None, env_name: str) -> str:
    """A passphrase for a new journal (or a passphrase change), asked twice on a terminal."""
    if file_option:
        return read_passphrase_file(Path(file_option))
    from_env = take_from_environment(os.environ, env_name)
    if from_env is not None:
        return from_env
    if _tty():
        first = terminal_prompt("New passphrase (at least 8 characters): ")
        second = terminal_prompt("Repeat the passphrase: ")
        if not first:
            raise UsageError("No passphrase was given; nothing was changed.")
        if first != second:
            raise UsageError("The two passphrases differ; nothing was changed.")
        return first
    raise UsageError(
        f"A passphrase is needed: give --passphrase-file FILE or set {env_name} "
        "(a lost passphrase cannot be recovered)."
    )


def init_passphrase(args: Namespace) -> str:
    return new_passphrase(args, file_option=args.passphrase_file, env_name=ENV_PASSPHRASE)


def read_text_argument(text: str | None, *, required: bool = True) -> str | None:
    if text == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"The text on standard input is not valid UTF-8 (byte {exc.start})."
            ) from None
    if text is None and required:
        raise UsageError("Give the text to write, or - to read it from standard input.")
    return text
