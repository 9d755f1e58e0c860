"""Exports: Markdown, JSON, HTML, PDF and CPD accounts, through the same filters as ``list``.

Every export is written to a temporary file (or folder) beside its target and renamed into
place only when complete, so a failed or cancelled export leaves nothing half-written.
PDF needs Qt's PDF writer, an adapter (``reflectjournal/adapters/qt_pdf.py``): the front end
hands it to the workspace as ``pdf_writer``, so this package never imports Qt itself.
Other documents the app writes for the user (the prep brief) go through ``save_document``,
so every user file is written the same atomic way.

Every export runs the privacy check (``services.privacy.service``) here, in ``run``, so a
format's writer never has to: documents for other readers (HTML, PDF, CPD) receive entries with
the user's "redact" choices applied and are refused while undecided findings remain (unless
``allow_identifiers``); data exports (JSON, Markdown) are written as they are and report how
many findings they carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reflectjournal.errors import UsageError
from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.entry_records import EntryRecord
from reflectjournal.services.formats import EXPORT_FORMATS
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.journal import JournalService
    from reflectjournal.services.privacy.service import PrivacyService

    from .cpd import CpdContext

from .common import (
    CancelCheck,
    ExportCancelled,
    Progress,
    atomic_file,
    atomic_folder,
    check_target,
    entry_ids,
    iter_entries,
    reflections_only,
    write_text,
)

# Complete entries, as common.iter_entries reads them; a writer returns how many it wrote.
Entries = Iterable[EntryRecord]
Writer = Callable[[Entries, Path, str, str], int]

FORMATS = EXPORT_FORMATS
FOR_OTHER_READERS = ("html", "pdf", "cpd")  # refused while identifiers are undecided
CPD_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".pdf")

__all__ = ["FORMATS", "ExportCancelled", "ExportReport", "ExportService", "PdfWriter"]

PdfWriter = Callable[[str, Path, str], None]  # (sanitised html, path, title)
NO_PDF = "PDF output is not available here; export HTML and print it instead."


@dataclass
class ExportReport:
    format: str
    path: str
    entries: int
    findings: int = 0  # undecided likely identifiers in what was written
    redacted: int = 0  # identifiers replaced because the user chose so


def _period(f: EntryFilter) -> str:
    from .cpd import uk_date

    since = uk_date(f.since) if f.since else ""
    until = uk_date(f.until) if f.until else ""
    if since and until:
        return f"Entries from {since} to before {until}"
    if since:
        return f"Entries from {since}"
    if until:
        return f"Entries before {until}"
    return ""


class ExportService:
    def __init__(
        self,
        db: Database,
        journal: JournalService,
        owner_name: str = "",
        pdf_writer: PdfWriter | None = None,
        privacy: PrivacyService | None = None,
    ) -> None:
        self.db = db
        self.journal = journal
        self.owner_name = owner_name
        self.pdf_writer = pdf_writer  # html_to_pdf(html, path, title), from an adapter
        self._privacy = privacy

    @property
    def privacy(self) -> PrivacyService:  # the one check on every way out
        if self._privacy is None:
            from reflectjournal.services.privacy.service import PrivacyService

            self._privacy = PrivacyService(self.db)
        return self._privacy

    def run(
        self,
        kind: str,
        out: Path,
        f: EntryFilter | None = None,
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        allow_identifiers: bool = False,
        regulator: str | None = None,
        only: list[int] | None = None,
    ) -> ExportReport:
        """``only``: these entries and no others (File → Export this entry), else ``f``'s."""
        if kind not in FORMATS:
            raise UsageError(
                f"'{kind}' is not an export format; choose one of {', '.join(FORMATS)}."
            )
        out = check_target(Path(out), overwrite=overwrite, journal=self.db.path)
        f = f or EntryFilter()
        wants_pdf = kind == "pdf" or (kind == "cpd" and out.suffix.lower() == ".pdf")
        if wants_pdf and self.pdf_writer is None:
            raise UsageError(NO_PDF)
        if kind == "cpd":
            f = reflections_only(f)
            if out.suffix.lower() not in CPD_SUFFIXES:
                raise UsageError(
                    "Name the CPD file .md, .html or .pdf; the ending picks the layout."
                )
        ids = [int(i) for i in only] if only is not None else entry_ids(self.db, self.journal, f)
        self._exported = set(ids)  # links to these become links within the document
        entries = iter_entries(
            self.db, ids, progress=progress, cancelled=cancelled, attachments=kind != "cpd"
        )
        title = "ReflectJournal" + (f": {self.owner_name}" if self.owner_name else "")
        write: Writer = getattr(self, f"_{kind}")
        if kind == "cpd":
            # The regulator is checked before anything is read or written.
            context = self._cpd_context(regulator)

            def write(entries: Entries, out: Path, title: str, period: str) -> int:
                return self._cpd(entries, out, title, period, context)

        if kind in FOR_OTHER_READERS:
            from reflectjournal.services.privacy.service import refuse_unless_allowed

            checked = self.privacy.check_entries(entries)
            what = "CPD accounts" if kind == "cpd" else f"{kind.upper()} export"
            refuse_unless_allowed(checked.findings, allow_identifiers, what)
            count = write(iter(checked.entries), out, title, _period(f))
            return ExportReport(kind, str(out), count, len(checked.findings), checked.redacted)
        from reflectjournal.services.privacy.service import FindingCounter

        counter = FindingCounter()
        count = write(self.privacy.counting(entries, counter), out, title, _period(f))
        return ExportReport(kind, str(out), count, counter.findings)

    # ---- one method per format -------------------------------------------------------------

    @staticmethod
    def _json(entries: Entries, out: Path, title: str, period: str) -> int:
        from .json_export import write_json

        with atomic_file(out) as tmp:
            return write_json(entries, tmp)

    @staticmethod
    def _markdown(entries: Entries, out: Path, title: str, period: str) -> int:
        from .markdown_export import write_folder, write_single

        if out.suffix.lower() in (".md", ".markdown"):
            with atomic_file(out) as tmp:
                return write_single(entries, tmp, title)
        with atomic_folder(out) as tmp:
            return write_folder(entries, tmp)

    def _html(self, entries: Entries, out: Path, title: str, period: str) -> int:
        from .html_export import build_html

        html, count = build_html(entries, title, period, exported=self._exported)
        with atomic_file(out) as tmp:
            write_text(tmp, html)
        return count

    def _pdf(self, entries: Entries, out: Path, title: str, period: str) -> int:
        from .html_export import build_html

        html, count = build_html(entries, title, period, exported=self._exported)
        self._write_pdf(html, out, title)
        return count

    def _cpd_context(self, regulator_slug: str | None) -> CpdContext:
        from reflectjournal.services.regulators import regulator
        from reflectjournal.services.revalidation import RevalidationService

        from .cpd import CpdContext as Context  # the type is imported for checking only

        names = dict(self.db.query("SELECT slug, name FROM tag"))
        reg = regulator(regulator_slug)
        if reg is None:
            return Context(tag_names=names)
        records = RevalidationService(self.db)
        return Context(
            regulator=reg,
            details=records.account_details(),
            tag_names=names,
            tracker=records.tracker(reg.slug),
        )

    def _cpd(
        self,
        entries: Entries,
        out: Path,
        title: str,
        period: str,
        context: CpdContext | None = None,
    ) -> int:
        from .cpd import document_markdown

        context = context if context is not None else self._cpd_context(None)
        markdown, count = document_markdown(entries, self.owner_name, period, context)
        suffix = out.suffix.lower()
        if suffix in (".md", ".markdown"):
            with atomic_file(out) as tmp:
                write_text(tmp, markdown)
            return count
        from .html_export import document, render_markdown

        heading = (
            context.regulator.document_title
            if context.regulator
            else "Reflective accounts for revalidation"
        )
        html = document(heading, render_markdown(markdown))
        if suffix == ".pdf":
            self._write_pdf(html, out, heading)
        else:
            with atomic_file(out) as tmp:
                write_text(tmp, html)
        return count

    def _write_pdf(self, html: str, out: Path, title: str) -> None:
        if self.pdf_writer is None:
            raise UsageError(NO_PDF)
        with atomic_file(out) as tmp:
            self.pdf_writer(html, tmp, title)

    def entry_document(self, entry_id: int) -> tuple[str, str]:
        """(title, HTML page) of one entry, laid out as the HTML export lays it (for printing)."""
        from .html_export import document, entry_html

        entries = list(iter_entries(self.db, [int(entry_id)]))
        if not entries:
            from reflectjournal.errors import NotFound

            raise NotFound(f"There is no entry {entry_id}; it may have been deleted.")
        title = entries[0].title or "Entry"
        return title, document(title, entry_html(entries[0]))

    def save_file(self, out: Path, data: str | bytes) -> Path:
        """Any other file for the user (a person's record, a calendar): written beside ``out``
        and renamed into place, so it is whole or absent."""
        out = Path(out)
        if not out.parent.is_dir():
            raise UsageError(f"The folder {out.parent} does not exist; nothing was written.")
        try:
            with atomic_file(out) as tmp:
                if isinstance(data, bytes):
                    tmp.write_bytes(data)
                else:
                    write_text(tmp, data)
        except OSError as exc:
            raise UsageError(f"{out} could not be written ({exc.strerror or exc}).") from None
        return out

    def save_document(self, out: Path, *, markdown: str, html: str, title: str) -> Path:
        """A document for the user (the prep brief): PDF for ``.pdf``, else the Markdown, each
        written beside ``out`` and renamed into place, so it is whole or absent."""
        out = Path(out)
        if not out.parent.is_dir():
            raise UsageError(f"The folder {out.parent} does not exist; nothing was written.")
        try:
            if out.suffix.lower() == ".pdf":
                self._write_pdf(html, out, title)
            else:
                with atomic_file(out) as tmp:
                    write_text(tmp, markdown)
        except OSError as exc:
            raise UsageError(f"{out} could not be written ({exc.strerror or exc}).") from None
        return out
