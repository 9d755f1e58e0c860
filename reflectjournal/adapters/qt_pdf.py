"""HTML to PDF through Qt's PDF writer; works without a screen (offscreen platform).

An adapter (see ``reflectjournal/adapters``): the front ends inject it as the workspace's
``pdf_writer``; Qt is imported only when a PDF is actually written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class _TakesPdfWriter(Protocol):
    pdf_writer: Callable[[str, Path, str], None] | None


def install(workspace: _TakesPdfWriter) -> None:
    """Give ``workspace`` this writer unless it already has one (the front ends call this)."""
    if workspace.pdf_writer is None:
        workspace.pdf_writer = html_to_pdf


def _ensure_gui_app():
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["reflectjournal"])
    return app


def html_to_pdf(html: str, path: Path, title: str = "ReflectJournal") -> None:
    """Write ``html`` (already sanitised) as an A4 PDF at ``path``."""
    _ensure_gui_app()
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("ReflectJournal")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setHtml(html)
    # No setPageSize here: print_() then lays the text out at the printer's real scale (a page
    # size in printer pixels would make it print at a few points high).
    document.print_(writer)
