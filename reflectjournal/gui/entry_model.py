"""The entry list: a paged Qt model over JournalService, and the delegate that draws a row.

The model never holds more rows than the user has scrolled through: it loads a page at a
time through canFetchMore/fetchMore (EntryFilter.limit/offset), so 100k entries cost what
a few hundred do. An edit updates one row in place instead of resetting the model.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reflectjournal.gui.theme import MOOD_COLOURS, VISIBILITY_COLOURS
from reflectjournal.services.display import date_text, datetime_text
from reflectjournal.services.entries import Entry, EntryFilter

PAGE_SIZE = 200
SNIPPET_CHARS = 160

EntryIdRole = Qt.ItemDataRole.UserRole + 1
EntryRole = Qt.ItemDataRole.UserRole + 2  # the row's summary dict
# While searching: (excerpt, [(start, length)…]) around the searched words, read when the row
# is first drawn (only the rows on screen pay for it).
MatchRole = Qt.ItemDataRole.UserRole + 3


def _summary(entry: Entry) -> dict:
    """What a row needs; the body is cut to a snippet so a page of huge entries stays small."""
    body = entry.body[: SNIPPET_CHARS * 3]
    # Headings (a model's section titles) say nothing the title does not; the prose does.
    snippet = " ".join(
        line.lstrip(">*- ").strip()
        for line in body.splitlines()
        if not line.lstrip().startswith("#")
    )
    return {
        "id": entry.id,
        "title": entry.title,
        "created": entry.created,
        "kind": str(entry.kind),
        "tags": list(entry.tags),
        "mood": None if entry.mood is None else int(entry.mood),
        "energy": None if entry.energy is None else int(entry.energy),
        "visibility": str(entry.visibility),
        "model": entry.model,
        "snippet": " ".join(snippet.replace("**", "").replace("__", "").split())[:SNIPPET_CHARS],
    }


# While searching, the excerpts of this many first rows (a tall window's worth) are made with
# the page, on the search worker, so the rows first on screen are painted without a read.
MATCHES_WITH_PAGE = 16


def load_entries(
    journal, query: str, entry_filter: EntryFilter, offset: int, limit: int
) -> list[Entry]:
    page = replace(entry_filter, limit=limit, offset=offset)
    # A row shows a snippet: the rest of a long body is never read into Python.
    if query.strip():
        return journal.found(query, page, body_chars=SNIPPET_CHARS * 3)
    return journal.entries(page, body_chars=SNIPPET_CHARS * 3)


def first_page(journal, query: str, entry_filter: EntryFilter, matches: int = 0) -> list[dict]:
    """The rows of the list's first page for ``query`` under ``entry_filter``, read through
    ``journal`` (any connection: the Journal page reads it on a search worker's), with the
    excerpts of the first ``matches`` rows made now rather than when they are painted."""
    rows = [_summary(e) for e in load_entries(journal, query, entry_filter, 0, PAGE_SIZE)]
    if query.strip():
        for row in rows[:matches]:
            row["match"] = journal.match_snippet(row["id"], query)
    return rows


class EntryListModel(QAbstractListModel):
    def __init__(self, journal, tag_names: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self._journal = journal
        self._rows: list[dict] = []
        self._filter = EntryFilter()
        self._query = ""
        self._exhausted = False
        self.tag_names = tag_names or {}
        self._rows = [_summary(e) for e in self._load(0, PAGE_SIZE)]
        self._exhausted = len(self._rows) < PAGE_SIZE

    # ---- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row["title"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['title']}\n{datetime_text(row['created'], as_stored_offset=True)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            mood = f", mood {row['mood']} of 5" if row["mood"] else ""
            return f"{row['title']}, {date_text(row['created'], as_stored_offset=True)}{mood}"
        if role == EntryIdRole:
            return row["id"]
        if role == EntryRole:
            return row
        if role == MatchRole:
            if not self._query.strip():
                return None
            if row.get("match") is None:
                try:
                    row["match"] = self._journal.match_snippet(row["id"], self._query)
                except Exception:  # a row deleted meanwhile: its summary snippet will do
                    row["match"] = (row["snippet"], [])
            return row["match"]
        return None

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._fetch_page()

    # ---- loading --------------------------------------------------------------------------

    def _load(self, offset: int, limit: int) -> list[Entry]:
        return load_entries(self._journal, self._query, self._filter, offset, limit)

    def _fetch_page(self) -> None:
        if self._exhausted:
            return
        entries = self._load(len(self._rows), PAGE_SIZE)
        if len(entries) < PAGE_SIZE:
            self._exhausted = True
        if not entries:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(entries) - 1)
        self._rows.extend(_summary(e) for e in entries)
        self.endInsertRows()

    def set_search(self, query: str, entry_filter: EntryFilter) -> None:
        """New query or filters: start over from the first page, read here and now.

        A refused query raises before anything changes (the list stays as it was).
        """
        self.show_page(query, entry_filter, first_page(self._journal, query, entry_filter))

    def show_page(self, query: str, entry_filter: EntryFilter, rows: list[dict]) -> None:
        """Show ``rows`` (from :func:`first_page`, perhaps read on a worker's connection) as
        the first page of ``query`` under ``entry_filter``; later pages load here as the user
        scrolls.

        The rows are swapped in inside the reset: views, and the model tester, may call
        fetchMore from their modelReset handlers and must not find an insert in flight.
        """
        self.beginResetModel()
        self._query = query
        self._filter = replace(entry_filter, limit=None, offset=0)
        self._rows = rows
        self._exhausted = len(rows) < PAGE_SIZE
        self.endResetModel()

    def reload(self) -> None:
        self.set_search(self._query, self._filter)

    @property
    def complete(self) -> bool:
        """Every matching row is loaded (no further page to fetch)."""
        return self._exhausted

    @property
    def query(self) -> str:
        return self._query

    @property
    def entry_filter(self) -> EntryFilter:
        return self._filter

    def is_filtered(self) -> bool:
        return bool(self._query.strip()) or self._filter != EntryFilter()

    # ---- single-row updates -----------------------------------------------------------------

    def row_of(self, entry_id: int) -> int:
        for number, row in enumerate(self._rows):
            if row["id"] == entry_id:
                return number
        return -1

    def entry_changed(self, entry_id: int) -> None:
        """Refresh one row after an edit (or add it at the top if it is new and fits)."""
        number = self.row_of(entry_id)
        entry = self._journal.entry(entry_id)
        if number >= 0:
            self._rows[number] = _summary(entry)
            index = self.index(number)
            self.dataChanged.emit(index, index)
        elif not self.is_filtered():
            self.beginInsertRows(QModelIndex(), 0, 0)
            self._rows.insert(0, _summary(entry))
            self.endInsertRows()

    def entry_removed(self, entry_id: int) -> None:
        number = self.row_of(entry_id)
        if number >= 0:
            self.beginRemoveRows(QModelIndex(), number, number)
            del self._rows[number]
            self.endRemoveRows()


class EntryDelegate(QStyledItemDelegate):
    """Title and date on the first line, a snippet, then tag chips and mood."""

    PAD = 10

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        height = QFontMetrics(option.font).height()
        return QSize(240, self.PAD * 2 + height * 3 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = index.data(EntryRole)
        if row is None:
            return super().paint(painter, option, index)
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = QColor(text_colour)
        muted.setAlpha(170)
        # A thin stripe on the left says who may see the entry.
        painter.fillRect(
            QRect(rect.left(), rect.top() + 4, 4, rect.height() - 8),
            QColor(VISIBILITY_COLOURS.get(row["visibility"], "#6b7280")),
        )
        inner = rect.adjusted(self.PAD + 4, self.PAD - 2, -self.PAD, -self.PAD)
        base = QFont(option.font)
        metrics = QFontMetrics(base)
        line = metrics.height()

        date_text = _short_date(row["created"])
        painter.setFont(base)
        painter.setPen(muted)
        date_width = metrics.horizontalAdvance(date_text)
        painter.drawText(
            QRect(inner.right() - date_width, inner.top(), date_width, line),
            Qt.AlignmentFlag.AlignRight,
            date_text,
        )
        bold = QFont(base)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        title_width = inner.width() - date_width - 12
        title = QFontMetrics(bold).elidedText(
            row["title"], Qt.TextElideMode.ElideRight, title_width
        )
        painter.drawText(QRect(inner.left(), inner.top(), title_width, line), 0, title)

        painter.setFont(base)
        painter.setPen(muted)
        match = index.data(MatchRole)
        snippet_rect = QRect(inner.left(), inner.top() + line + 2, inner.width(), line)
        if match and match[1]:
            self._paint_match(painter, match, snippet_rect, base, muted, text_colour, selected)
        else:
            snippet = metrics.elidedText(row["snippet"], Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(snippet_rect, 0, snippet)

        names = getattr(index.model(), "tag_names", {})
        self._paint_chips(
            painter, row, names, inner, inner.top() + 2 * line + 8, base, selected, palette
        )
        painter.restore()

    @staticmethod
    def _paint_match(painter, match, rect, base, muted, strong, selected) -> None:
        """The excerpt with the searched words in bold on a soft mark, drawn piece by piece
        as plain text (never as markup: it is the writer's, or someone else's, text)."""
        text, spans = match
        bold = QFont(base)
        bold.setBold(True)
        pieces: list[tuple[str, bool]] = []
        at = 0
        for start, length in spans:
            pieces += [(text[at:start], False), (text[start : start + length], True)]
            at = start + length
        pieces.append((text[at:], False))
        x, right = rect.left(), rect.right()
        mark = QColor("#f5d76e")
        mark.setAlpha(90 if selected else 130)
        for piece, found in pieces:
            if not piece:
                continue
            font = bold if found else base
            metrics = QFontMetrics(font)
            room = right - x
            if room <= metrics.horizontalAdvance("…"):
                break
            shown = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, room)
            width = metrics.horizontalAdvance(shown)
            if found:
                painter.fillRect(QRect(x, rect.top(), width, rect.height()), mark)
            painter.setFont(font)
            painter.setPen(strong if found else muted)
            painter.drawText(QRect(x, rect.top(), width + 1, rect.height()), 0, shown)
            x += width
            if shown != piece:
                break

    def _paint_chips(self, painter, row, names, inner, top, base, selected, palette) -> None:
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        metrics = QFontMetrics(small)
        painter.setFont(small)
        height = metrics.height() + 4
        right = inner.right()
        if row["mood"]:
            label = f"mood {row['mood']}"
            width = metrics.horizontalAdvance(label) + 20
            chip = QRect(right - width, top, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(MOOD_COLOURS[row["mood"]]))
            painter.drawEllipse(chip.left() + 4, chip.center().y() - 4, 8, 8)
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
                )
            )
            painter.drawText(chip.adjusted(16, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, label)
            right = chip.left() - 8
        x = inner.left()
        chip_bg = palette.color(QPalette.ColorRole.Button)
        chip_fg = palette.color(QPalette.ColorRole.ButtonText)
        for slug in row["tags"]:
            label = names.get(slug, slug)
            width = metrics.horizontalAdvance(label) + 14
            if x + width > right:
                more = f"+{len(row['tags']) - row['tags'].index(slug)}"
                if x + metrics.horizontalAdvance(more) < right:
                    painter.setPen(chip_fg)
                    painter.drawText(
                        QRect(x, top, right - x, height), Qt.AlignmentFlag.AlignVCenter, more
                    )
                break
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(chip_bg)
            painter.drawRoundedRect(QRect(x, top, width, height), height / 2, height / 2)
            painter.setPen(chip_fg)
            painter.drawText(QRect(x, top, width, height), Qt.AlignmentFlag.AlignCenter, label)
            x += width + 6


def _short_date(iso: str) -> str:
    return date_text(iso, as_stored_offset=True)
