"""Opening a journal without a frozen, blank screen.

Opening is usually a few milliseconds. It is long when this version of the app has to upgrade
the journal's format first: a verified backup copy, then the migration (about 20 s for a
100,000-entry journal, once). The open therefore runs on a worker thread; if it has not
finished after a moment, a small window says what is happening while the event loop keeps
the screen painted. Errors (a wrong passphrase, a locked or damaged file) are raised again in
the caller's thread, exactly as a direct call would raise them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
NOTICE = (
    "Opening your journal…\n\nIf this version of ReflectJournal has to update the journal's "
    "format or its encryption, it makes a verified copy first; a large journal takes a little "
    "while, once."
)
# Quick opens finish within this and show nothing at all. A passphrase unlock spends ~0.5 s
# deriving the key (slow on purpose, issue 14), so the notice waits a little longer than that.
NOTICE_AFTER_S = 1.2
_POLL_MS = 50


def run_with_notice(work: Callable[[], T], parent: QWidget | None = None) -> T:
    outcome: dict = {}
    finished = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
            outcome["error"] = exc
        finally:
            finished.set()

    worker = threading.Thread(target=run, name="open-journal", daemon=True)
    worker.start()
    if not finished.wait(NOTICE_AFTER_S):
        notice = QProgressDialog(NOTICE, "", 0, 0, parent)
        notice.setCancelButton(None)  # an upgrade is never left half done
        notice.setWindowTitle("ReflectJournal")
        notice.setWindowModality(Qt.WindowModality.ApplicationModal)
        notice.setMinimumDuration(0)
        notice.show()
        loop = QEventLoop()
        # The worker cannot touch Qt objects, so the loop looks for its result instead.
        poll = QTimer()
        poll.timeout.connect(lambda: finished.is_set() and loop.quit())
        poll.start(_POLL_MS)
        loop.exec()
        poll.stop()
        notice.close()
        notice.deleteLater()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
