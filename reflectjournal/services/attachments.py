"""Images and PDFs attached to an entry, kept inside the encrypted journal.

An attachment is a row of ``attachment`` (migration 0012) holding the file's bytes, so it is
encrypted with everything else, travels in every backup and copy, and is never written to
disk in the clear unless the user saves a copy somewhere. Deleting an entry deletes its
attachments (``ON DELETE CASCADE``).

What is accepted, checked on the bytes, never on the name alone:

* PNG, JPEG, GIF and WebP images that Pillow identifies as the type their name says and
  decodes whole, at most :data:`MAX_SIDE` pixels a side and :data:`MAX_PIXELS` in all (a
  small file can claim enormous dimensions and exhaust memory when shown);
* PDFs that start with ``%PDF-`` and end with ``%%EOF``;
* at most :data:`MAX_BYTES` each.

Anything else is refused with one sentence and nothing is stored.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.timeutil import now_utc, to_storage
from reflectjournal.storage.database import Database

__all__ = ["MAX_BYTES", "MAX_PIXELS", "MAX_SIDE", "AttachmentInfo", "AttachmentService", "check"]

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 12_000
MAX_PIXELS = 40_000_000
# Images up to this size are decoded whole to check them (16 MB at four bytes a pixel).
FULL_DECODE_PIXELS = 4_000_000
MiB = 1024 * 1024
MAX_NAME = 120

_IMAGE_TYPES = {  # extension -> (mime, the format name Pillow reports, what we call it)
    ".png": ("image/png", "PNG", "a PNG image"),
    ".jpg": ("image/jpeg", "JPEG", "a JPEG image"),
    ".jpeg": ("image/jpeg", "JPEG", "a JPEG image"),
    ".gif": ("image/gif", "GIF", "a GIF image"),
    ".webp": ("image/webp", "WEBP", "a WebP image"),
}
PDF_MIME = "application/pdf"
KINDS = "PNG, JPEG, GIF or WebP images and PDFs"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    entry_id: int
    name: str
    mime: str
    size: int
    width: int | None
    height: int | None
    sha256: str
    created: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


@dataclass(frozen=True)
class Checked:
    name: str
    mime: str
    width: int | None
    height: int | None


def clean_name(name: str) -> str:
    """The file's own name (no folders), printable, at most :data:`MAX_NAME` characters."""
    base = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (
            (stem[: MAX_NAME - len(ext) - 1] + dot + ext)
            if dot and len(ext) < 10
            else base[:MAX_NAME]
        )
    return base


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check(name: str, data: bytes) -> Checked:
    """What ``data`` is, or UsageError with one sentence saying why it cannot be attached."""
    shown = clean_name(name)
    if not shown or shown in {".", ".."}:
        raise UsageError("An attachment needs a file name, such as photo.png.")
    if len(data) > MAX_BYTES:
        raise UsageError(
            f"{shown} is {size_text(len(data))}; attachments can be at most "
            f"{size_text(MAX_BYTES)}, so make it smaller (a photo at a lower resolution) first."
        )
    if not data:
        raise UsageError(f"{shown} is empty, so there is nothing to attach.")
    ext = Path(shown).suffix.lower()
    if ext == ".pdf":
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
            raise UsageError(
                f"{shown} is not a complete PDF, whatever its name says; it was not attached."
            )
        return Checked(shown, PDF_MIME, None, None)
    if ext not in _IMAGE_TYPES:
        raise UsageError(f"Only {KINDS} can be attached; {shown} is not one of those.")
    mime, wanted, described = _IMAGE_TYPES[ext]
    width, height = _image_size(shown, data, wanted, described)
    return Checked(shown, mime, width, height)


def _image_size(shown: str, data: bytes, wanted: str, described: str) -> tuple[int, int]:
    import warnings

    from PIL import Image, UnidentifiedImageError

    refused = UsageError(
        f"{shown} is not {described}, whatever its name says; it was not attached."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[wanted]) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise UsageError(
                        f"{shown} claims to be {width} × {height} pixels; images can be at most "
                        f"{MAX_SIDE:,} pixels a side and {MAX_PIXELS // 1_000_000} megapixels, "
                        "so it was not attached."
                    )
                _read_through(image, data, width, height, refused)
    except UsageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UsageError(
            f"{shown} claims far more pixels than a photo has; images can be at most "
            f"{MAX_SIDE:,} pixels a side and {MAX_PIXELS // 1_000_000} megapixels, so it was not "
            "attached."
        ) from None
    except UnidentifiedImageError:
        raise refused from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):  # Pillow's decode errors
        raise refused from None
    return width, height


def _read_through(image: Any, data: bytes, width: int, height: int, refused: UsageError) -> None:
    """Read the whole image, so a truncated or corrupt file fails here, not in the preview,
    without holding a large photo's pixels: a 12-megapixel photo is 36 MB decoded, and an
    import of a vault with photos would hold one at a time on top of everything else.
    Above FULL_DECODE_PIXELS a JPEG is decoded at an eighth of its size (the decoder still
    reads every byte of it) and a PNG's chunks and compressed stream are checked without
    keeping the pixels they unpack to."""
    if width * height <= FULL_DECODE_PIXELS:
        image.load()
    elif image.format == "JPEG":
        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
        image.load()
    elif image.format == "PNG":
        if not _png_intact(data):
            raise refused
    else:
        image.load()


def _png_intact(data: bytes) -> bool:
    """Every chunk whole with its checksum, ending at IEND, and the pixel data one complete
    compressed stream; read through a megabyte at a time."""
    view = memoryview(data)
    if bytes(view[:8]) != b"\x89PNG\r\n\x1a\n":
        return False
    inflate = zlib.decompressobj()
    unpacked = 0
    at = 8
    while at + 12 <= len(view):
        length, kind = struct.unpack(">I4s", view[at : at + 8])
        end = at + 12 + length
        if end > len(view):
            return False
        body = view[at + 8 : end - 4]
        if zlib.crc32(body, zlib.crc32(kind)) != struct.unpack(">I", view[end - 4 : end])[0]:
            return False
        if kind == b"IDAT":
            pending: bytes | memoryview = body
            while pending and not inflate.eof:
                unpacked += len(inflate.decompress(pending, MiB))
                pending = inflate.unconsumed_tail
        elif kind == b"IEND":
            return inflate.eof and unpacked > 0
        at = end
    return False


_COLUMNS = "id, entry_id, name, mime, size, width, height, sha256, created"


def _info(row: Any) -> AttachmentInfo:
    return AttachmentInfo(
        int(row[0]), int(row[1]), row[2], row[3], int(row[4]), row[5], row[6], row[7], row[8]
    )


class AttachmentService:
    def __init__(self, db: Database):
        self.db = db

    def add(self, entry_id: int, name: str, data: bytes) -> AttachmentInfo:
        """Attach ``data`` as ``name``. The same file twice is stored once; another file with
        a name already used on this entry is stored as ``name (2).ext``."""
        kind = self.db.scalar("SELECT kind FROM entry WHERE id = ?", (entry_id,))
        if kind is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        if kind == "shared":
            raise UsageError(
                "Entries shared with you are read-only; attach files to your own entries."
            )
        checked = check(name, data)
        digest = hashlib.sha256(data).hexdigest()
        with self.db.transaction():
            same = self.db.query_one(
                f"SELECT {_COLUMNS} FROM attachment WHERE entry_id = ? AND sha256 = ?",
                (entry_id, digest),
            )
            if same is not None:
                return _info(same)
            stored_name = self._free_name(entry_id, checked.name)
            new_id = self.db.execute(
                "INSERT INTO attachment(entry_id, name, mime, size, width, height, sha256, data, "
                "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, stored_name, checked.mime, len(data), checked.width, checked.height,
                 digest, data, to_storage(now_utc())[0]),
            ).lastrowid  # fmt: skip
        return self.get(int(new_id))

    def add_file(self, entry_id: int, path: Path) -> AttachmentInfo:
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise UsageError(
                    f"{clean_name(path.name)} is {size_text(size)}; attachments can be at most "
                    f"{size_text(MAX_BYTES)}, so make it smaller (a photo at a lower resolution) "
                    "first."
                )
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except IsADirectoryError:
            raise UsageError(f"{path.name} is a folder; choose a file to attach.") from None
        except FileNotFoundError:
            raise UsageError(f"{path} does not exist; check the file name.") from None
        except PermissionError:
            raise UsageError(f"{path.name} cannot be read (permission denied).") from None
        return self.add(entry_id, path.name, data)

    def _free_name(self, entry_id: int, name: str) -> str:
        taken = {
            r[0].casefold()
            for r in self.db.query("SELECT name FROM attachment WHERE entry_id = ?", (entry_id,))
        }
        if name.casefold() not in taken:
            return name
        stem, ext = Path(name).stem, Path(name).suffix
        number = 2
        while f"{stem} ({number}){ext}".casefold() in taken:
            number += 1
        return f"{stem} ({number}){ext}"

    def for_entry(self, entry_id: int) -> list[AttachmentInfo]:
        if self.db.scalar("SELECT 1 FROM entry WHERE id = ?", (entry_id,)) is None:
            raise NotFound(f"There is no entry {entry_id}; 'reflectjournal list' shows the ids.")
        return [
            _info(r)
            for r in self.db.query(
                f"SELECT {_COLUMNS} FROM attachment WHERE entry_id = ? ORDER BY id", (entry_id,)
            )
        ]

    def for_entries(self, ids: list[int]) -> dict[int, list[AttachmentInfo]]:
        found: dict[int, list[AttachmentInfo]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(
                f"SELECT {_COLUMNS} FROM attachment WHERE entry_id IN ({marks}) ORDER BY id", chunk
            ):
                found.setdefault(int(row[1]), []).append(_info(row))
        return found

    def get(self, attachment_id: int | str) -> AttachmentInfo:
        row = self.db.query_one(
            f"SELECT {_COLUMNS} FROM attachment WHERE id = ?", (_number(attachment_id),)
        )
        if row is None:
            raise NotFound(
                f"There is no attachment {attachment_id}; 'reflectjournal attachments ENTRY_ID' "
                "shows them."
            )
        return _info(row)

    def data(self, attachment_id: int | str) -> bytes:
        found = self.db.scalar(
            "SELECT data FROM attachment WHERE id = ?", (_number(attachment_id),)
        )
        if found is None:
            raise NotFound(f"There is no attachment {attachment_id}.")
        return bytes(found)

    def remove(self, attachment_id: int | str) -> AttachmentInfo:
        info = self.get(attachment_id)
        with self.db.transaction():
            self.db.execute("DELETE FROM attachment WHERE id = ?", (info.id,))
        return info

    def save_copy(self, attachment_id: int | str, out: Path, *, overwrite: bool = False) -> Path:
        """Write a copy where the user chose (the only way an attachment leaves the journal)."""
        data = self.data(attachment_id)
        out = Path(out)
        if out.is_dir():
            out = out / self.get(attachment_id).name
        if out.exists() and not overwrite:
            raise UsageError(f"{out} already exists; choose another name or pass --force.")
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise UsageError(f"{out} could not be written ({exc.strerror or 'error'}).") from None
        return out


def _number(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"'{value}' is not an attachment id; ids are numbers.") from None
