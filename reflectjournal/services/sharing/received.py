"""What receiving a file did: one result for every kind of file a contact sends.

A file of exchange messages (``FileRoute.read``) and the single packets written before the
exchange (``ShareService.receive``, ``FeedbackService.receive``) all answer with ``Received``;
``carrier`` says which it was, since each reports a little more than the others (the packet's
id, its sequence number). The CLI's JSON for it is built in ``cli/shapes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntryOutcome(StrEnum):
    """What receiving did to one shared entry (by the sender's opaque id for it)."""

    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # held already, at this version or a newer one
    WITHDRAWN = "withdrawn"  # the sender took it back: it is gone from this journal


class Carrier(StrEnum):
    """What kind of file it was."""

    MESSAGES = "messages"  # a file of exchange messages (what every file is written as now)
    SHARE_PACKET = "share packet"  # one share packet, from before the exchange
    FEEDBACK_PACKET = "feedback packet"  # one feedback packet, from before the exchange


@dataclass(frozen=True)
class Received:
    """What a received file carried from ``sender`` and what it changed here."""

    sender: str  # the contact's name
    fingerprint: str
    carrier: Carrier
    #: Each shared entry the file carried (the sender's opaque id) and what became of it,
    #: in the order first met.
    outcomes: tuple[tuple[str, EntryOutcome], ...] = ()
    messages: int = 0  # exchange messages in the file (0 for an old packet)
    comments: int = 0  # comments the file carried, on entries of ours
    attached: int = 0  # of those, new here
    unmatched: int = 0  # about entries no longer in this journal
    receipts: int = 0  # word that what we sent reached them
    other: int = 0  # coaching items (programme copies, summaries, bring items, confirmations)
    already_imported: bool = False  # nothing in it was new
    packet: str | None = None  # an old share packet's id
    seq: int | None = None  # an old feedback packet's number

    def count(self, outcome: EntryOutcome) -> int:
        return sum(1 for _, o in self.outcomes if o is outcome)

    @property
    def entries(self) -> int:
        """How many shared entries the file carried."""
        return len(self.outcomes)

    @property
    def added(self) -> int:
        return self.count(EntryOutcome.ADDED)

    @property
    def updated(self) -> int:
        return self.count(EntryOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(EntryOutcome.UNCHANGED)

    @property
    def withdrawn(self) -> int:
        return self.count(EntryOutcome.WITHDRAWN)

    @property
    def changed(self) -> bool:
        """Whether anything here changed: entries, comments on ours, coaching items."""
        return bool(self.added or self.updated or self.withdrawn or self.attached or self.other)
