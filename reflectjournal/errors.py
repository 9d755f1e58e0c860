"""Exceptions whose message is one sentence a user can act on.

Services raise these and never print; the CLI and GUI show ``str(exc)`` and log the
traceback of anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ReflectJournalError(Exception):
    """Base class: ``str(exc)`` is a complete, user-facing sentence.

    That sentence often quotes the user's own values (a person's name, a tag, a file inside a
    zip), so it is never logged: the log gets ``log_form(exc)``, the class name only.
    """

    exit_code = 1


def log_form(exc: BaseException) -> str:
    """A log-safe description of ``exc``: its type (and errno for OS errors), no message."""
    name = type(exc).__name__
    errno = getattr(exc, "errno", None)
    return f"{name} (errno {errno})" if isinstance(errno, int) else name


class UsageError(ReflectJournalError):
    """The request itself is malformed (bad date, mood out of range, unknown option value)."""

    exit_code = 2


class Interrupted(ReflectJournalError):
    """A read was stopped on purpose (a newer search replaced it); nothing is wrong."""


class JournalLocked(ReflectJournalError):
    """No key could be found to unlock the journal."""


class WrongPassphrase(ReflectJournalError):
    """The key did not open the journal (or the file is not a journal)."""


class JournalNotFound(ReflectJournalError):
    pass


class JournalExists(ReflectJournalError):
    pass


class NotAJournal(ReflectJournalError):
    """The file opened but it is not a ReflectJournal journal, or it is damaged."""


class JournalBusy(ReflectJournalError):
    """Another program holds the journal's write lock."""


class ReadOnlyJournal(ReflectJournalError):
    pass


class NotFound(ReflectJournalError):
    """An id, slug or name the user gave does not exist."""


class StorageFull(ReflectJournalError):
    pass


class ImportFailed(ReflectJournalError):
    """An import was refused; nothing was written."""


class PacketRejected(ReflectJournalError):
    """A share, feedback or contact file was refused; nothing was written."""


class PrivacyCheckFailed(ReflectJournalError):
    """Likely patient identifiers were found in content about to leave the machine.

    ``findings`` are the privacy check's typed records: ``EntryFinding``s for documents and
    exports (a window lets the user decide each one), ``ShareFinding``s for a share file. The
    CLI's JSON for them is built in ``cli/shapes.py``.
    """

    def __init__(self, message: str, findings: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


class UnencryptedJournal(ReflectJournalError):
    """The file is a plain (unencrypted) journal and the user did not ask to open one."""
