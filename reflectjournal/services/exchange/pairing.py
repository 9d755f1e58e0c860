"""Pairing in two steps: an invitation (card and place, signed), then accepting it.

Accepting adds the inviter as a contact and sets up the place to meet them; when the person
read their fingerprint out and it matched, the contact is recorded as verified in the same
transaction. A reply invitation (the accepter's own, naming the same place) is accepted
without setting anything up again: the marker id says it is a place already used here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.sharing.crypto import normalize_fingerprint
from reflectjournal.services.sharing.verification import mark_verified

from . import invitations
from .places import PlaceSpec

if TYPE_CHECKING:
    from .service import Accepted, ExchangeService


def invite(self: ExchangeService, role_hint: str | None = None) -> str:
    """An invitation text block: my contact card and the place everyone meets me in."""
    place = next((p for p in self.places.all() if p.person_id is None), None)
    card = self.sharing.identity.contact_card(role_hint)
    return invitations.make(card, self.sharing.identity.get(), place)


def accept(
    self: ExchangeService,
    text: str,
    role: str | None = None,
    override: PlaceSpec | None = None,
    fingerprint: str | None = None,
) -> Accepted:
    """Add the inviting contact and meet them in the invitation's place.

    ``fingerprint`` is the one the person read out (by phone, in person): when it matches
    the invitation's card the contact is recorded as verified; when it does not, nothing
    is added.
    """
    invitation = invitations.read(text)
    if fingerprint is not None and normalize_fingerprint(fingerprint) != invitation.fingerprint:
        raise PacketRejected(
            f"The fingerprint they read to you does not match {invitation.name}'s "
            f"invitation ({invitation.fingerprint}), so nobody was added; ask them for a "
            "new invitation by another route."
        )
    spec = _place_to_meet(self, invitation, override)
    described = None
    verified = None
    # One transaction: a place that is refused leaves no half-added contact behind.
    with self.db.transaction():
        card = self.sharing.contacts.import_card(invitation.card, role)
        contact = card.contact
        if spec is not None:
            self.set_place(spec, contact.name, expected_place_id=invitation.place_id)
            described = spec.describe()
        elif invitation.spec is not None:
            described = invitation.spec.describe()
        if fingerprint is not None:
            verified = mark_verified(self.db, contact.fingerprint)
    from .service import Accepted

    return Accepted(contact.name, contact.fingerprint, card.status, described, verified)


def _place_to_meet(
    self: ExchangeService, invitation: invitations.Invitation, override: PlaceSpec | None
) -> PlaceSpec | None:
    """The place to set up for the inviter: theirs, with this side's path or credentials.

    None when there is nothing to set up: no place named, or (a reply to our own
    invitation) a place already set up here carries the same marker id.
    """
    spec = invitation.spec
    if spec is None:
        return None
    if override is not None and override.kind != spec.kind:
        raise UsageError(
            f"This invitation meets in {spec.describe()}; give the same kind of place."
        )
    if override is None:
        same = [p for p in self.places.all() if p.place_id == invitation.place_id]
        if any(p.person_id is None for p in same):
            return None  # everyone meets there already, the inviter included
        if same:
            return same[0].spec
    if override is not None:
        return PlaceSpec(
            spec.kind,
            override.location or spec.location,
            spec.bucket,
            override.user,
            override.secret,
        )
    if spec.kind == "folder" and not Path(spec.location).is_dir():
        raise UsageError(
            "This invitation meets in a shared folder; say where that folder is on "
            "this computer with --folder DIR."
        )
    return spec
