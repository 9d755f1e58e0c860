"""Reading and writing the files people exchange: bounded reads, all-or-nothing writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.sharing.packets import MAX_PACKET_BYTES


def read_packet_file(path: str | Path, limit: int = MAX_PACKET_BYTES) -> bytes:
    path = Path(path)
    try:
        if path.is_dir():
            raise UsageError(f"{path} is a folder; give the packet file itself.")
        with path.open("rb") as handle:
            # One byte over the limit is enough to know it is too big, without reading it all.
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UsageError(f"There is no file {path}; check the name and try again.") from None
    except OSError as exc:
        raise UsageError(f"{path} could not be read ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise PacketRejected(
            f"{path.name} is larger than the {limit // (1024 * 1024)} MiB a packet may be, "
            "so it was not opened."
        )
    return data


def write_atomically(path: str | Path, data: bytes, overwrite: bool = True) -> None:
    """Write to a temporary file beside ``path`` and rename it: never a half-written file."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name to write.")
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name.")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"Cannot write in {folder} ({exc.strerror or exc}).") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path} could not be written ({exc.strerror or exc}).") from None
