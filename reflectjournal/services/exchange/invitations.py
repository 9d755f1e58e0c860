"""Pairing in two steps: an invitation carries a contact card and the place to meet.

The invitation is a small text block (or ``.rjinvite`` file) that can go by e-mail or chat::

    -----BEGIN REFLECTJOURNAL INVITATION-----
    <base64 of canonical JSON: format, version, card, place, signature>
    -----END REFLECTJOURNAL INVITATION-----

``place`` names the kind, address, bucket and the place id from its marker — never a user
name, password or key: the invitee uses their own credentials. The whole invitation is
signed with the card's key, so nobody can swap the place in transit without breaking it.
Accepting adds the contact, sets the place for them and prints the fingerprint to compare
by phone; that comparison is what makes the contact trusted.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from reflectjournal.errors import PacketRejected
from reflectjournal.services.sharing.crypto import (
    Identity,
    StrictJSONError,
    canonical_json,
    read_contact_card,
    sign,
    strict_json_loads,
    verify,
)

from .places import KINDS, Place, PlaceSpec

FORMAT = "reflectjournal-invitation"
VERSION = 1
BEGIN = "-----BEGIN REFLECTJOURNAL INVITATION-----"
END = "-----END REFLECTJOURNAL INVITATION-----"
MAX_BYTES = 32 * 1024
_SIG_DOMAIN = b"reflectjournal-invitation-sig-v1\x00"
_BAD = "This is not a ReflectJournal invitation, or it was damaged on the way; ask for it again."
_PLACE_ID = re.compile(r"\A[0-9a-f]{32}\Z")


@dataclass(frozen=True)
class Invitation:
    card: bytes
    name: str
    fingerprint: str
    spec: PlaceSpec | None  # without credentials
    place_id: str | None


def make(card: bytes, identity: Identity, place: Place | None) -> str:
    where = None
    if place is not None:
        where = {
            "kind": place.spec.kind,
            "location": place.spec.location,
            "bucket": place.spec.bucket,
            "place_id": place.place_id,
        }
    body = {"format": FORMAT, "version": VERSION, "card": card.decode("utf-8"), "place": where}
    body["signature"] = base64.b64encode(
        sign(identity, _SIG_DOMAIN + canonical_json(body))
    ).decode()
    encoded = base64.b64encode(canonical_json(body)).decode("ascii")
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def read(text: str) -> Invitation:
    if len(text) > MAX_BYTES or BEGIN not in text or END not in text:
        raise PacketRejected(_BAD)
    inner = text.split(BEGIN, 1)[1].split(END, 1)[0]
    try:
        raw = base64.b64decode("".join(inner.split()), validate=True)
        body = strict_json_loads(raw, canonical=True)
    except (binascii.Error, ValueError, StrictJSONError):
        raise PacketRejected(_BAD) from None
    if (
        not isinstance(body, dict)
        or set(body) != {"format", "version", "card", "place", "signature"}
        or body["format"] != FORMAT
        or body["version"] != VERSION
        or not isinstance(body["card"], str)
        or not isinstance(body["signature"], str)
    ):
        raise PacketRejected(_BAD)
    card = read_contact_card(body["card"].encode("utf-8"))
    signature = body.pop("signature")
    try:
        signature_bytes = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise PacketRejected(_BAD) from None
    if not verify(card.sign_public, signature_bytes, _SIG_DOMAIN + canonical_json(body)):
        raise PacketRejected(_BAD)
    spec, place_id = None, None
    where = body["place"]
    if where is not None:
        if (
            not isinstance(where, dict)
            or set(where) != {"kind", "location", "bucket", "place_id"}
            or where["kind"] not in KINDS
            or not isinstance(where["location"], str)
            or not (where["bucket"] is None or isinstance(where["bucket"], str))
            or not isinstance(where["place_id"], str)
            or not _PLACE_ID.match(where["place_id"])
        ):
            raise PacketRejected(_BAD)
        spec = PlaceSpec(where["kind"], where["location"], where["bucket"])
        place_id = where["place_id"]
    return Invitation(body["card"].encode("utf-8"), card.name, card.fingerprint, spec, place_id)
