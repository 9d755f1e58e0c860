"""Defences every importer goes through: size caps, strict UTF-8, safe zips, safe walks.

Nothing here writes to disk: zip members are read into memory (capped), and folders are
walked without following symbolic links.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from reflectjournal.errors import ImportFailed

from .records import Skipped

MiB = 1024 * 1024

#: Largest single file an importer reads (a jrnl journal, a Day One JSON, our export).
MAX_FILE_BYTES = 256 * MiB
#: Largest single Markdown note; bigger notes are skipped, not fatal.
MAX_NOTE_BYTES = 16 * MiB
#: Most files a folder import looks at: a 100k-note vault with a picture or so per note. The
#: walk keeps each one's path (~100 bytes), so this also bounds its memory (~25 MB).
MAX_WALK_FILES = 250_000

_BOM = b"\xef\xbb\xbf"
_CHUNK = 64 * 1024


def shown(text: str, limit: int = 40) -> str:
    """Someone else's text quoted in a one-sentence message: cut to ``limit`` characters, with
    line breaks, control characters and lone surrogates written as escapes, so that the
    message stays one printable line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[:limit])


def decode_strict(data: bytes, name: str) -> str:
    """Decode UTF-8 strictly (a leading BOM is dropped); ImportFailed names the bad byte."""
    skip = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name} is not UTF-8 text (unreadable byte at offset {exc.start + skip}); "
            "save it as UTF-8 and import it again."
        ) from None


def open_capped(path: Path, limit_bytes: int = MAX_FILE_BYTES) -> BinaryIO:
    """The file opened for reading in binary, refusing anything that is not a regular file or
    is over the cap (for parsers that read it a piece at a time)."""
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block open() itself
            raise ImportFailed(f"{path.name} is not a regular file, so it cannot be imported.")
        handle = path.open("rb")
        info = os.fstat(handle.fileno())
    except FileNotFoundError:
        raise ImportFailed(f"{path} does not exist; check the path and try again.") from None
    except PermissionError:
        raise ImportFailed(f"{path} cannot be read: permission denied.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit_bytes:
        handle.close()
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailed(f"{path.name} is not a regular file, so it cannot be imported.")
        raise ImportFailed(
            f"{path.name} is {_size(info.st_size)}, more than the {_size(limit_bytes)} "
            "an import accepts."
        )
    return handle


def read_bytes_capped(path: Path | str, limit_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing anything that is not a regular file or is over the cap."""
    return read_capped_with_mtime(path, limit_bytes)[0]


def read_capped_with_mtime(
    path: Path | str, limit_bytes: int = MAX_FILE_BYTES
) -> tuple[bytes, float]:
    """:func:`read_bytes_capped`, and the file's modification time from the same ``stat``.

    ``path`` may be a plain string: a folder import reads 100k notes, and a Path made for each
    costs more than reading it."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ImportFailed(f"{_name(path)} is not a regular file, so it cannot be imported.")
        if info.st_size > limit_bytes:
            raise ImportFailed(
                f"{_name(path)} is {_size(info.st_size)}, more than the {_size(limit_bytes)} "
                "an import accepts."
            )
        with open(path, "rb") as handle:
            # Asked for the size the file has, not the cap: read(n) sets aside n bytes first,
            # and 16 MiB set aside per note was half the time of a 100k-note import.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # it grew since: read on, up to the cap
                data += handle.read(max(0, limit_bytes + 1 - len(data)))
    except FileNotFoundError:
        raise ImportFailed(f"{Path(path)} does not exist; check the path and try again.") from None
    except PermissionError:
        raise ImportFailed(f"{Path(path)} cannot be read: permission denied.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{Path(path)} is a folder, not a file.") from None
    except OSError as exc:
        raise ImportFailed(f"{Path(path)} cannot be read ({exc.strerror or exc}).") from None
    if len(data) > limit_bytes:  # grew while we looked
        raise ImportFailed(
            f"{_name(path)} is more than the {_size(limit_bytes)} an import accepts."
        )
    return data, info.st_mtime


# Files asked for ahead of the one being read (see ``advise_ahead``).
ADVISE_AHEAD = 64
_ADVISE_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


def advise_ahead(prefix: str, names: Sequence[str], number: int) -> None:
    """Call before reading ``prefix + names[number]``, for each file in turn.

    A folder import reads 100k small files one after another; the first time (nothing in the
    page cache) each read waited for the disk in turn, ~10 s of a 100k-note import, and the
    parser became what the import waited for. Every ADVISE_AHEAD files this asks the kernel
    to start reading the next ADVISE_AHEAD (``posix_fadvise`` WILLNEED), so the disk works on
    them together while the parser reads and parses the current ones. Nothing is read into
    the process, so memory is unchanged; threads doing the same cost more at the interpreter
    lock than they saved. Files are opened without following symbolic links and without
    blocking (a FIFO would wait for a writer), and any error is left for the reading itself
    to report."""
    if number % ADVISE_AHEAD or not hasattr(os, "posix_fadvise"):
        return
    start = number + ADVISE_AHEAD if number else 0  # the first call covers two batches
    for name in names[start : number + 2 * ADVISE_AHEAD]:
        try:
            fd = os.open(prefix + name, _ADVISE_FLAGS)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def _name(path: Path | str) -> str:
    return Path(path).name


def read_text_strict(path: Path, limit_bytes: int = MAX_FILE_BYTES) -> str:
    """A text file as str: size-capped, strict UTF-8 (BOM allowed), newlines left as found."""
    path = Path(path)
    return decode_strict(read_bytes_capped(path, limit_bytes), path.name)


def _reject_constant(value: str) -> Any:
    raise ValueError(f"{value} is not allowed")


def load_json_strict(data: bytes | str, name: str) -> Any:
    """Parse JSON strictly: UTF-8, no NaN/Infinity, bounded nesting; errors give line and column."""
    text = decode_strict(data, name) if isinstance(data, bytes) else data
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except RecursionError:
        raise ImportFailed(f"{name} is nested too deeply to be a journal export.") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        raise ImportFailed(f"{name} is not valid JSON ({exc}).") from None


# --- zip archives --------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name_reason(name: str) -> str | None:
    if "\x00" in name:
        return "has a NUL character in its name"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return "has an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "points outside the archive (../)"
    return None


@dataclass
class ZipMember:
    name: str
    data: bytes


def safe_zip_members(
    zip_path: Path,
    *,
    want: Callable[[str], bool] = lambda name: True,
    max_total: int = 512 * MiB,
    max_member: int = 256 * MiB,
    max_ratio: int = 100,
    ratio_floor: int = 1 * MiB,
    max_files: int = 100_000,
) -> list[ZipMember]:
    """Read the files of a zip that ``want`` selects into memory, after checking the archive.

    The whole archive is refused when it holds more than ``max_files`` members or when any
    member, read or not, has a name outside the archive (``../``, an absolute path, a drive
    letter), is a symbolic link or appears twice. The selected members must not be
    password-protected and must declare sizes within ``max_member`` each and ``max_total``
    together; those bigger than ``ratio_floor`` may not expand more than ``max_ratio`` times.
    While reading, decompressed bytes are counted again, so a member that lies about its size
    is stopped at the cap.
    """
    zip_path = Path(zip_path)
    label = zip_path.name
    try:
        archive = zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise ImportFailed(f"{zip_path} does not exist; check the path and try again.") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFailed(f"{label} is not a readable zip archive.") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_files:
            raise ImportFailed(
                f"{label} holds {len(infos)} files, more than the {max_files} an import accepts."
            )
        wanted = []
        seen: set[str] = set()
        for info in infos:
            member = info.filename
            reason = _unsafe_name_reason(member)
            if reason:
                raise ImportFailed(f"{label} was refused: the member '{member}' {reason}.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImportFailed(
                    f"{label} was refused: the member '{member}' is a symbolic link."
                )
            if member in seen:
                raise ImportFailed(f"{label} was refused: the member '{member}' appears twice.")
            seen.add(member)
            if not info.is_dir() and want(member):
                wanted.append(info)

        # Sizes only matter for what is unpacked: an export's photos and videos are never read.
        declared_total = 0
        for info in wanted:
            member = info.filename
            if info.flag_bits & 0x1:
                raise ImportFailed(
                    f"{label} was refused: the member '{member}' is password-protected."
                )
            if info.file_size > max_member:
                raise ImportFailed(
                    f"{label} was refused: the member '{member}' declares {_size(info.file_size)}, "
                    f"more than the {_size(max_member)} allowed for one file."
                )
            declared_total += info.file_size
            if declared_total > max_total:
                raise ImportFailed(
                    f"{label} was refused: its files add up to more than {_size(max_total)} "
                    "when unpacked."
                )
            if info.file_size > ratio_floor and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise ImportFailed(
                    f"{label} was refused: the member '{member}' expands more than {max_ratio} "
                    "times, which is what a zip bomb does."
                )

        members: list[ZipMember] = []
        read_total = 0
        for info in wanted:
            chunks: list[bytes] = []
            size = 0
            try:
                with archive.open(info) as handle:
                    while chunk := handle.read(_CHUNK):
                        size += len(chunk)
                        read_total += len(chunk)
                        if size > max_member or size > max(info.file_size, 0):
                            raise ImportFailed(
                                f"{label} was refused: the member '{info.filename}' unpacks to "
                                "more than it declares, which is what a zip bomb does."
                            )
                        if read_total > max_total:
                            raise ImportFailed(
                                f"{label} was refused: its files add up to more than "
                                f"{_size(max_total)} when unpacked."
                            )
                        chunks.append(chunk)
            except ImportFailed:
                raise
            except Exception as exc:  # BadZipFile (bad CRC), zlib.error, EOFError, OSError...
                raise ImportFailed(
                    f"{label} is damaged: the member '{info.filename}' cannot be unpacked."
                ) from exc
            members.append(ZipMember(info.filename, b"".join(chunks)))
        return members


# --- folders -------------------------------------------------------------------------------


@dataclass
class Walk:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class NameWalk:
    """What :func:`walk_names` found: ``files`` are paths relative to ``root`` written with
    ``/`` (plain strings: for 100k notes a fraction of the memory and time of Path objects),
    in the order ``sorted()`` gives their Paths."""

    root: Path
    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def path(self, rel: str) -> str:
        """The file system path of ``rel`` (what ``str(root / rel)`` is, without a Path)."""
        return self.prefix + rel

    @property
    def prefix(self) -> str:
        base = str(self.root)
        return "" if base == "." else base if base.endswith("/") else base + "/"


def safe_walk(
    folder: Path,
    *,
    include: Callable[[Path], bool] = lambda path: True,
    max_files: int | None = None,  # MAX_WALK_FILES
) -> Walk:
    """Regular files under ``folder`` (sorted), never following symbolic links.

    Symbolic links (to files or folders, inside or outside) are reported as skipped rather
    than followed, so a link cannot lead the import out of the folder or round in a loop.
    Hidden files and folders (``.obsidian``, ``.trash``, ``.git``) are not visited.
    ``include`` picks which regular files are returned (for example ``*.md``).
    """
    root = Path(folder)
    found = walk_names(root, include=lambda rel, name: include(root / rel), max_files=max_files)
    return Walk([root / rel for rel in found.files], found.skipped)


def walk_names(
    folder: Path,
    *,
    include: Callable[[str, str], bool] = lambda rel, name: True,
    max_files: int | None = None,  # MAX_WALK_FILES
) -> NameWalk:
    """:func:`safe_walk` as relative path strings; ``include(rel, name)`` picks the files.

    Each folder is listed once with ``os.scandir``, whose entries say whether they are links,
    folders or regular files without another system call per file. Skipped things come in the
    order ``os.walk`` meets them (top down, names sorted), files in sorted path order.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ImportFailed(f"{root} is not a folder; choose the folder that holds the notes.")
    limit = MAX_WALK_FILES if max_files is None else max_files
    walk = NameWalk(root)
    count = 0

    def visit(top: str, prefix: str) -> None:
        nonlocal count
        try:
            with os.scandir(top) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            walk.skipped.append(Skipped(str(exc.filename or root), "folder cannot be read"))
            return
        folders: list[os.DirEntry[str]] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # as os.walk: a link to a folder is listed as one
            except OSError:
                is_dir = False
            (folders if is_dir else files).append(entry)
        kept: list[os.DirEntry[str]] = []
        for entry in folders:
            if entry.name.startswith("."):
                continue
            if _is_link(entry):
                walk.skipped.append(Skipped(prefix + entry.name, "symbolic link not followed"))
                continue
            kept.append(entry)
        names: list[str] = []
        for entry in files:
            name = entry.name
            if name.startswith("."):
                continue
            rel = prefix + name
            if _is_link(entry):
                if include(rel, name):
                    walk.skipped.append(Skipped(rel, "symbolic link not followed"))
                continue
            if not include(rel, name):
                continue
            try:
                regular = entry.is_file(follow_symlinks=False)
            except OSError:
                regular = False
            if not regular:
                walk.skipped.append(Skipped(rel, "not a regular file"))
                continue
            count += 1
            if count > limit:
                raise ImportFailed(
                    f"{root.name} holds more than {limit:,} files; import a smaller folder."
                )
            names.append(name)
        # Files and folders merged by name: the order sorted() gives the files' Paths, which
        # compare part by part ("a/z.md" before "a.md", as "a" < "a.md").
        i = 0
        for entry in kept:
            while i < len(names) and names[i] < entry.name:
                walk.files.append(prefix + names[i])
                i += 1
            visit(os.path.join(top, entry.name), prefix + entry.name + "/")
        walk.files.extend(prefix + name for name in names[i:])

    visit(os.fspath(root), "")
    return walk


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.0f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} bytes"
