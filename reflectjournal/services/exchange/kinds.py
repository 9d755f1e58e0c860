"""Message kinds beyond entries and comments: what they carry and what is refused.

Every kind here has the same envelope body, so one rule orders them all::

    {"type": K, "ref": R, "item_version": N, "item": {...}}

``ref`` is the item's uid at its author (32 hex digits); ``item_version`` counts its changes at
the author, so the newest version wins without trusting clocks, and a late or duplicated copy
changes nothing. The kinds, and who writes them:

- ``programme`` (coach or mentor -> coachee): the agreement and the shared goals with ratings
  (``programme_exchange``); ``ref`` is the relationship (the person's uid at the author).
- ``session`` (coach -> coachee): a session summary and the actions the coachee owns, with due
  dates. The newest version says which actions exist; the coachee's own ticks stay theirs.
- ``bring`` (coachee -> coach): "what I want to bring" to the next session; ``text`` null
  withdraws it.
- ``discussion`` (registrant -> colleague): a reflective discussion record to confirm
  (``revalidation.discussion_payload`` without its uid).
- ``confirmation`` (colleague -> registrant): the colleague's Ed25519 signature over the
  digest of the record they saw; the registrant records it only if it matches what they hold.

Validation is exact (no extra keys, bounded sizes, no NUL) and changes nothing in a valid item,
so a digest taken by one side is the digest the other side computes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from reflectjournal.errors import PacketRejected
from reflectjournal.services.sharing.crypto import is_timestamp

ITEM_TYPES = ("programme", "session", "bring", "discussion", "confirmation")
MAX_VERSION = 2**53 - 1
MAX_SUMMARY = 20000
MAX_ACTIONS = 100
MAX_ACTION = 500
MAX_BRING = 5000
MAX_NAME = 200
MAX_ACCOUNTS = 50
_HEX32 = re.compile(r"\A[0-9a-f]{32}\Z")
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_HEX128 = re.compile(r"\A[0-9a-f]{128}\Z")
_MALFORMED = "This message's contents are not in the expected layout, so it was refused."
CONFIRMATION_DOMAIN = b"reflectjournal-discussion-confirmation-v1\x00"


def _bad() -> PacketRejected:
    return PacketRejected(_MALFORMED)


def _keys(value: Any, keys: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise _bad()
    return value


def _text(value: Any, limit: int, *, empty: bool = True) -> str:
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise _bad()
    if not empty and not value.strip():
        raise _bad()
    return value


def _day(value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise _bad()
    try:
        if date.fromisoformat(value).isoformat() != value:
            raise _bad()
    except ValueError:
        raise _bad() from None
    return value


def _uid(value: Any) -> str:
    if not isinstance(value, str) or not _HEX32.match(value):
        raise _bad()
    return value


def check_payload(payload: dict[str, Any]) -> None:
    """The whole message body (format, version, type, ref, item_version, item)."""
    _keys(payload, {"format", "version", "type", "ref", "item_version", "item"})
    _uid(payload["ref"])
    version = payload["item_version"]
    if type(version) is not int or not 1 <= version <= MAX_VERSION:
        raise _bad()
    check_item(payload["type"], payload["item"])


def check_item(kind: str, item: Any) -> None:
    _ITEM_CHECKS[kind](item)


def _programme(item: Any) -> None:
    from reflectjournal.services.programme_exchange import TYPE, validate

    _keys(item, {"agreement", "goals"})
    clean = validate({"type": TYPE, **item})
    if {"type": TYPE, **item} != clean:  # exact: nothing normalised, nothing extra
        raise _bad()


def _session(item: Any) -> None:
    _keys(item, {"date", "summary", "actions"})
    _day(item["date"])
    _text(item["summary"], MAX_SUMMARY)
    actions = item["actions"]
    if not isinstance(actions, list) or len(actions) > MAX_ACTIONS:
        raise _bad()
    seen = set()
    for action in actions:
        _keys(action, {"uid", "text", "due"})
        seen.add(_uid(action["uid"]))
        _text(action["text"], MAX_ACTION, empty=False)
        _day(action["due"], optional=True)
    if len(seen) != len(actions):
        raise _bad()


def _bring(item: Any) -> None:
    _keys(item, {"text", "written"})
    if item["text"] is None:
        if item["written"] is not None:
            raise _bad()
        return
    _text(item["text"], MAX_BRING, empty=False)
    if not is_timestamp(item["written"]):
        raise _bad()


def _discussion(item: Any) -> None:
    _keys(item, {"date", "registrant", "colleague", "accounts"})
    _day(item["date"])
    _text(item["registrant"], MAX_NAME)
    colleague = _keys(item["colleague"], {"name", "pin"})
    _text(colleague["name"], MAX_NAME, empty=False)
    _text(colleague["pin"], 40)
    accounts = item["accounts"]
    if not isinstance(accounts, list) or len(accounts) > MAX_ACCOUNTS:
        raise _bad()
    for title in accounts:
        _text(title, 300)


def _confirmation(item: Any) -> None:
    _keys(item, {"confirmed_at", "digest", "signature"})
    if not is_timestamp(item["confirmed_at"]):
        raise _bad()
    if not isinstance(item["digest"], str) or not _HEX64.match(item["digest"]):
        raise _bad()
    if not isinstance(item["signature"], str) or not _HEX128.match(item["signature"]):
        raise _bad()


_ITEM_CHECKS = {
    "programme": _programme,
    "session": _session,
    "bring": _bring,
    "discussion": _discussion,
    "confirmation": _confirmation,
}


def confirmation_bytes(ref: str, digest: str) -> bytes:
    """What a colleague signs to confirm the discussion record ``ref`` they saw."""
    return CONFIRMATION_DOMAIN + f"{ref}\x00{digest}".encode()
