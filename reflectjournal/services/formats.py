"""Every import and export format in one registry, read by the CLI and the File menu alike.

The command line takes the format names (``import jrnl PATH``, ``export pdf OUT``); the
desktop app shows the labels, and picks a folder or a file by ``folder``. Adding a format here
(with its parser or writer in ``importers``/``exporters``) makes it appear in both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportChoice:
    format: str
    label: str
    folder: bool  # the source is a folder rather than a file


@dataclass(frozen=True)
class ExportChoice:
    format: str
    label: str
    suffix: str  # the file ending the save dialog suggests; "" for a folder


IMPORT_CHOICES: tuple[ImportChoice, ...] = (
    ImportChoice("jrnl", "jrnl journal (plain or encrypted file, JSON or Markdown export)", False),
    ImportChoice("jrnl", "jrnl folder journal (YYYY/MM/DD.txt)", True),
    ImportChoice("dayone", "Day One export (.json or .zip)", False),
    ImportChoice("dayone", "Day One Classic journal (.dayone folder)", True),
    ImportChoice("markdown", "Folder of Markdown notes", True),
    ImportChoice("json", "ReflectJournal JSON export", False),
)
EXPORT_CHOICES: tuple[ExportChoice, ...] = (
    ExportChoice("markdown", "Markdown notes (a folder; name it .md for one file)", ""),
    ExportChoice("json", "ReflectJournal JSON (complete, re-importable)", ".json"),
    ExportChoice("html", "HTML page (printable)", ".html"),
    ExportChoice("pdf", "PDF", ".pdf"),
    ExportChoice("cpd", "CPD / revalidation accounts (.md, .html or .pdf)", ".pdf"),
)

IMPORT_FORMATS: tuple[str, ...] = tuple(dict.fromkeys(c.format for c in IMPORT_CHOICES))
EXPORT_FORMATS: tuple[str, ...] = tuple(c.format for c in EXPORT_CHOICES)

__all__ = [
    "EXPORT_CHOICES",
    "EXPORT_FORMATS",
    "IMPORT_CHOICES",
    "IMPORT_FORMATS",
    "ExportChoice",
    "ImportChoice",
]
