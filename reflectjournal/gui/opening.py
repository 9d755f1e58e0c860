"""Opening a journal without a frozen, blank screen.

Opening is usually a few milliseconds. It is long when this version of the app has to upgrade
the journal's format first: a verified backup copy, then the migration (about 20 s for a
100,000-entry journal, once). The open therefore runs as a task (``tasks.wait_for``, the one
threading idiom of the GUI); if it has not finished after a moment, a small window says what
is happening while the event loop keeps the screen painted. Errors (a wrong passphrase, a
locked or damaged file) are raised again in the caller's thread, exactly as a direct call
would raise them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from reflectjournal.gui.tasks import wait_for

T = TypeVar("T")
NOTICE = (
    "Opening your journal…\n\nIf this version of ReflectJournal has to update the journal's "
    "format or its encryption, it makes a verified copy first; a large journal takes a little "
    "while, once."
)
# Quick opens finish within this and show nothing at all. A passphrase unlock spends ~0.5 s
# deriving the key (slow on purpose, issue 14), so the notice waits a little longer than that.
NOTICE_AFTER_S = 1.2


def run_with_notice(work: Callable[[], T], parent: QWidget | None = None) -> T:
    return wait_for(work, parent, notice=NOTICE, notice_after_s=NOTICE_AFTER_S)
