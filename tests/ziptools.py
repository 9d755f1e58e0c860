"""Hostile zip archives for the importer tests (shared by tests/unit and tests/reliability)."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path


def make_zip(path: Path, members: dict[str, bytes], *, link: str | None = None) -> Path:
    """A zip of ``members``; the member named ``link`` is stored as a symbolic link."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == link:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, data)
    return path


def declare_size(path: Path, declared: int) -> None:
    """Rewrite each member's uncompressed size in both zip headers (an archive that lies)."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := raw.find(signature, start)) != -1:
            struct.pack_into("<I", raw, at + offset, declared)
            start = at + 4
    path.write_bytes(bytes(raw))
