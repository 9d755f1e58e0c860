"""The log file's handler and formatter (``config.setup_logging`` installs them).

Apart from ``config.py`` so that finding the journal's path does not load ``logging``.
"""

from __future__ import annotations

import logging
import os
import traceback

from reflectjournal.errors import log_form


class PrivateRotatingFileHandler(logging.FileHandler):
    """A log file that rotates at ``maxBytes`` into ``.1`` … ``.<backupCount>``, as the
    standard library's ``logging.handlers.RotatingFileHandler`` does (same attributes, same
    rollover), and every log file, the current one and each one rotation starts, is created 0600.

    It is written here on ``logging.FileHandler`` because ``logging.handlers`` imports socket,
    pickle, queue and selectors for its other handlers: ~7 ms of every command's start-up.
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        maxBytes: int = 0,
        backupCount: int = 0,
        encoding: str | None = None,
    ) -> None:
        super().__init__(filename, mode="a", encoding=encoding)
        self.maxBytes = maxBytes
        self.backupCount = backupCount

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)  # a file left 0644 by an older version is tightened
        except OSError:
            pass
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.shouldRollover(record):
                self.doRollover()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False
        if self.stream is None:
            self.stream = self._open()
        if self.maxBytes > 0:
            message = f"{self.format(record)}\n"
            self.stream.seek(0, 2)
            return bool(self.stream.tell() + len(message) >= self.maxBytes)
        return False

    def doRollover(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        if self.backupCount > 0:
            base = self.baseFilename
            for i in range(self.backupCount - 1, 0, -1):
                source, target = f"{base}.{i}", f"{base}.{i + 1}"
                if os.path.exists(source):
                    if os.path.exists(target):
                        os.remove(target)
                    os.rename(source, target)
            target = f"{base}.1"
            if os.path.exists(target):
                os.remove(target)
            if os.path.exists(base):
                os.rename(base, target)
        self.stream = self._open()


class LogSafeFormatter(logging.Formatter):
    """Tracebacks keep their frames (our code) but not exception messages (user values).

    An exception's text can quote anything: a person's name, a title, a zip member's name,
    a row of SQL parameters. The log keeps only each exception's type (and errno).
    """

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback text on the record already.
        cached = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei) -> str:
        exc_type, exc, tb = ei
        if exc is None:
            return super().formatException(ei)
        te = traceback.TracebackException(exc_type, exc, tb)
        _withhold(te, exc, set())
        return "".join(te.format()).rstrip("\n")


def _withhold(te: traceback.TracebackException, exc: BaseException | None, seen: set) -> None:
    if id(te) in seen:
        return
    seen.add(id(te))
    # TracebackException keeps the message in _str (3.11-3.13); replace it, keep the frames.
    fields = vars(te)
    fields["_str"] = f"(message withheld from the log: {log_form(exc) if exc else 'exception'})"
    if fields.get("text") is not None:  # a SyntaxError quotes the parsed text
        fields["text"] = None
    if hasattr(te, "__notes__"):
        te.__notes__ = None
    for linked, original in (
        (te.__cause__, getattr(exc, "__cause__", None)),
        (te.__context__, getattr(exc, "__context__", None)),
    ):
        if linked is not None:
            _withhold(linked, original, seen)
    for sub, original in zip(
        getattr(te, "exceptions", None) or [], getattr(exc, "exceptions", None) or [], strict=False
    ):
        _withhold(sub, original, seen)
