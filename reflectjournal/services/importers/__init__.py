"""Importers: pure parsers that turn foreign journal files into neutral records.

They never touch the database; the journal service writes the records in one transaction
and uses :func:`fingerprint` (or ``source_id``) to leave out entries it already has.
Every refusal is an :class:`~reflectjournal.errors.ImportFailed` whose message is one
sentence; entries that cannot be read are listed in ``ParseResult.skipped``.
"""

from .dayone import open_dayone, parse_dayone, parse_dayone_json
from .jrnl import open_jrnl, parse_jrnl, parse_jrnl_json, parse_jrnl_text
from .jrnl_crypto import JrnlPasswordNeeded, WrongJrnlPassword
from .markdown_folder import open_markdown_folder, parse_markdown_folder
from .ours import parse_reflectjournal_file, parse_reflectjournal_json
from .records import ImportedEntry, ParseResult, Skipped, Source, fingerprint, local_timezone

__all__ = [
    "ImportedEntry",
    "JrnlPasswordNeeded",
    "Source",
    "WrongJrnlPassword",
    "open_dayone",
    "open_jrnl",
    "open_markdown_folder",
    "ParseResult",
    "Skipped",
    "fingerprint",
    "local_timezone",
    "parse_dayone",
    "parse_dayone_json",
    "parse_jrnl",
    "parse_jrnl_json",
    "parse_jrnl_text",
    "parse_markdown_folder",
    "parse_reflectjournal_file",
    "parse_reflectjournal_json",
]
