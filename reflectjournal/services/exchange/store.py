"""The place two journals meet: list, get, put-if-absent, delete — and nothing more.

A place is a shared folder, a WebDAV collection or an S3 bucket. It only ever holds
ciphertext under opaque names (``NAME_RE``); device sync (a later feature) reuses the same
four calls. Lessons from apps that sync through such places (Joplin's tracker) shape the rules
here:

- a **marker** (``reflectjournal-place``) holds a random place id; a place whose marker is
  missing or names another place is refused in one sentence, so a moved URL or an emptied
  folder is never read as "everything was deleted";
- a new place is **tested on setup** (write, list, read back, delete) and a faulty one refused;
- every upload is **atomic** (a temporary name, then a rename or a single PUT), and readers
  skip temporary names; a file that is still half-written fails its authentication tag and is
  left alone, never applied.
"""

from __future__ import annotations

import json
import re
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass

from reflectjournal.errors import ReflectJournalError

NAME_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,127}\Z")
MARKER_NAME = "reflectjournal-place"
MARKER_FORMAT = "reflectjournal-place"
MAX_OBJECT_BYTES = 64 * 1024 * 1024
TEMP_PREFIX = ".rj-tmp-"


class PlaceError(ReflectJournalError):
    """The place could not be used; ``str(exc)`` says what happened and what to do."""


class PlaceUnreachable(PlaceError):
    """The place did not answer (network down, server stopped, folder missing)."""


class PlaceRefused(PlaceError):
    """The place answered but must not be used (no marker, another journal's, faulty)."""


class MissingLibrary(PlaceError):
    """An optional client library for this kind of place is not installed."""


class Store(ABC):
    """Four calls over opaque names; each backend raises ``PlaceUnreachable`` on failure."""

    #: Words for sentences shown to the user ("the folder /x"); never holds a secret.
    label: str

    @abstractmethod
    def list(self) -> list[str]:
        """Every finished object's name (temporary uploads are left out)."""

    @abstractmethod
    def get(self, name: str) -> bytes | None:
        """The object's bytes, or None when it is not there (any more)."""

    @abstractmethod
    def put_if_absent(self, name: str, data: bytes) -> bool:
        """Store ``data`` atomically under ``name``; False when ``name`` already exists."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Remove ``name``; removing what is already gone is not an error."""

    def close(self) -> None:  # noqa: B027 - most backends hold nothing
        """Release connections."""


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ValueError(f"not an opaque object name: {name!r}")
    return name


def visible(names: list[str]) -> list[str]:
    """Names a reader may look at: opaque names only (temporary uploads and strays are not)."""
    return sorted(n for n in names if NAME_RE.match(n))


# --- the marker and the setup test ------------------------------------------------------


@dataclass(frozen=True)
class PlaceCheck:
    place_id: str
    created: bool  # True when this check wrote the marker (a new, empty place)


def _marker_bytes(place_id: str) -> bytes:
    return json.dumps(
        {"format": MARKER_FORMAT, "version": 1, "place_id": place_id}, sort_keys=True
    ).encode()


def read_marker(store: Store) -> str | None:
    """The place id in the marker, None when there is no marker; refuses a damaged one."""
    raw = store.get(MARKER_NAME)
    if raw is None:
        return None
    try:
        doc = json.loads(raw.decode("utf-8"))
        place_id = doc["place_id"]
        ok = doc.get("format") == MARKER_FORMAT and re.fullmatch(r"[0-9a-f]{32}", place_id)
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise PlaceRefused(
            f"The marker file in {store.label} is damaged, so nothing was read or written "
            "there; check the place or choose another one."
        )
    return str(place_id)


def check_marker(store: Store, expected: str) -> None:
    """Refuse a place whose marker is gone or belongs to another place (before any sync)."""
    found = read_marker(store)
    if found is None:
        raise PlaceRefused(
            f"{store.label[0].upper()}{store.label[1:]} no longer holds this exchange's marker "
            "(it may have moved, been emptied or be another place), so nothing was read or "
            "deleted; check the address, or set the place up again with `exchange set`."
        )
    if found != expected:
        raise PlaceRefused(
            f"{store.label[0].upper()}{store.label[1:]} belongs to another exchange than the "
            "one set up here, so nothing was read or deleted; check the address, or set the "
            "place up again with `exchange set`."
        )


def setup_place(store: Store, expected: str | None = None) -> PlaceCheck:
    """Test a place (write, list, read back, delete) and make sure it carries a marker.

    ``expected`` is the place id an invitation named; a place holding another id is refused.
    """
    probe = f"probe-{secrets.token_hex(8)}"
    payload = secrets.token_bytes(1024)
    faulty = (
        f"{store.label[0].upper()}{store.label[1:]} did not keep what was written to it "
        "({what}), so it was not set up; try another place or ask its administrator."
    )
    if not store.put_if_absent(probe, payload):
        raise PlaceRefused(faulty.format(what="a new test file was reported as already there"))
    try:
        if probe not in store.list():
            raise PlaceRefused(faulty.format(what="a test file was missing from its listing"))
        if store.get(probe) != payload:
            raise PlaceRefused(faulty.format(what="a test file read back different"))
        if store.put_if_absent(probe, b"other"):
            raise PlaceRefused(faulty.format(what="a test file was overwritten"))
    finally:
        store.delete(probe)
    if store.get(probe) is not None or probe in store.list():
        raise PlaceRefused(faulty.format(what="a deleted test file was still there"))
    found = read_marker(store)
    if found is not None:
        if expected is not None and found != expected:
            raise PlaceRefused(
                f"{store.label[0].upper()}{store.label[1:]} belongs to another exchange than "
                "the invitation names, so it was not set up; check the address."
            )
        return PlaceCheck(found, created=False)
    place_id = expected or secrets.token_hex(16)
    store.put_if_absent(MARKER_NAME, _marker_bytes(place_id))
    # Two people setting up the same empty place at once: whoever wrote first wins.
    return PlaceCheck(read_marker(store) or place_id, created=True)
