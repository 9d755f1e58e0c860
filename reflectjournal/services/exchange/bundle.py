"""The file route's container: the exchange's own sealed messages, several to a file.

A ``.rjshare`` or ``.rjfeedback`` file carries exactly what a shared place would hold: each
message is the signed, encrypted, self-checking packet ``messages.seal`` makes, so a file
obeys the same rules as a place (newest version wins, comments form a set, receipts say what
arrived, a message applied twice changes nothing). The container adds only framing::

    MAGIC (8 bytes "RJBUNDLE") | version (1 byte) | count (4 bytes, big-endian)
    | count x ( length (4 bytes, big-endian) | sealed message )

Nothing in the framing is secret or trusted: every message authenticates itself, and a file
whose framing does not add up to exactly its length was cut short or altered.
"""

from __future__ import annotations

import struct

from reflectjournal.services.sharing.crypto import reject
from reflectjournal.services.sharing.packets import MAGIC as PACKET_MAGIC
from reflectjournal.services.sharing.packets import MAX_PACKET_BYTES

MAGIC = b"RJBUNDLE"
VERSION = 1
MAX_MESSAGES = 200_000
_COUNT = struct.Struct(">BI")  # version, number of messages
_LENGTH = struct.Struct(">I")
_HEAD = len(MAGIC) + _COUNT.size

TRUNCATED = (
    "This file is incomplete because it was cut short (perhaps still copying); ask the "
    "sender to send it again."
)
DAMAGED = "This file was altered or damaged after it was written, so nothing in it was used."
UNSUPPORTED = (
    "This file was made by a newer or unknown version of ReflectJournal (format version "
    "{version}); update ReflectJournal and try again."
)
NOT_OURS = "This file is not a ReflectJournal share, feedback or contact file."


def is_bundle(data: bytes) -> bool:
    """A bundle, or the first bytes of one (a file cut short: ``unpack`` says so)."""
    return data.startswith(MAGIC) or (bool(data) and MAGIC.startswith(data))


def is_old_packet(data: bytes) -> bool:
    """A packet from before the exchange (one share or feedback packet to a file)."""
    return data.startswith(PACKET_MAGIC)


def pack(sealed: list[bytes]) -> bytes:
    if not sealed:
        raise ValueError("a bundle holds at least one message")
    parts = [MAGIC, _COUNT.pack(VERSION, len(sealed))]
    for message in sealed:
        parts += [_LENGTH.pack(len(message)), message]
    data = b"".join(parts)
    if len(data) > MAX_PACKET_BYTES:
        from reflectjournal.errors import UsageError

        raise UsageError(
            f"The file would be larger than the {MAX_PACKET_BYTES // (1024 * 1024)} MiB limit; "
            "sync through a shared place, or share fewer entries at a time."
        )
    return data


def unpack(data: bytes) -> list[bytes]:
    """The sealed messages in a bundle; ``PacketRejected`` (one sentence) for bad framing."""
    if not data.startswith(MAGIC):
        if data and MAGIC.startswith(data):
            raise reject("truncated", TRUNCATED)
        raise reject("not_a_packet", NOT_OURS)
    if len(data) < _HEAD:
        raise reject("truncated", TRUNCATED)
    version, count = _COUNT.unpack_from(data, len(MAGIC))
    if version != VERSION:
        raise reject("unsupported_version", UNSUPPORTED.format(version=version))
    if not 1 <= count <= MAX_MESSAGES:
        raise reject("tampered", DAMAGED)
    found, at = [], _HEAD
    for _ in range(count):
        if at + _LENGTH.size > len(data):
            raise reject("truncated", TRUNCATED)
        (length,) = _LENGTH.unpack_from(data, at)
        at += _LENGTH.size
        if length == 0 or length > MAX_PACKET_BYTES:
            raise reject("tampered", DAMAGED)
        if at + length > len(data):
            raise reject("truncated", TRUNCATED)
        found.append(data[at : at + length])
        at += length
    if at != len(data):
        raise reject("tampered", DAMAGED)
    return found
