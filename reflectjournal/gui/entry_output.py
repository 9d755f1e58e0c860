"""Journal → Print entry… and Export this entry…: one entry on paper or in a file.

Printing lays the entry out as the HTML export does (sanitised Markdown, the meta line,
comments as plain text) in a QTextDocument that loads nothing from outside. Export goes
through the File menu's export (services/exporters), so a web page or PDF meant for other
readers passes the same privacy check.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from reflectjournal.gui.folders import dated_name, remember, start_in
from reflectjournal.services.tags import slugify
from reflectjournal.services.workspace import Workspace

EXPORT_FILTERS = {
    "Markdown (*.md)": ("markdown", ".md"),
    "Web page (*.html)": ("html", ".html"),
    "PDF (*.pdf)": ("pdf", ".pdf"),
}


class _OfflineDocument(QTextDocument):
    def loadResource(self, kind, url):
        return None  # no image or style sheet is ever fetched, local or remote


def print_entry(
    workspace: Workspace, entry_id: int, parent: QWidget, printer: QPrinter | None = None
) -> bool:
    """Print one entry; with ``printer`` given (tests, "print to PDF") no dialog is shown."""
    title, html = workspace.exports.entry_document(entry_id)
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"Print “{title}”")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
    document = _OfflineDocument()
    document.setHtml(html)
    document.print_(printer)
    return True


def export_entry(window, entry_id: int, chosen: tuple[str, str] | None = None):
    """Ask where (Markdown, web page or PDF), then export just this entry in the background."""
    title = window.workspace.journal.entry(entry_id).title
    if chosen is None:
        start = start_in("export") / dated_name(slugify(title)[:40] or "entry", ".md")
        name, picked = QFileDialog.getSaveFileName(
            window, f"Export “{title}”", str(start), ";;".join(EXPORT_FILTERS)
        )
        if not name:
            return None
        chosen = (name, picked)
    name, picked = chosen
    kind, suffix = EXPORT_FILTERS.get(picked, ("markdown", ".md"))
    out = Path(name)
    by_suffix = {s: k for k, s in EXPORT_FILTERS.values()}
    if out.suffix.lower() in by_suffix:
        kind = by_suffix[out.suffix.lower()]
    else:
        out = out.with_name(out.name + suffix)
    remember("export", out)
    return window.file_actions.start_export(kind, out, overwrite=True, only=[entry_id])
