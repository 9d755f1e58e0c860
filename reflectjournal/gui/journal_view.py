"""The Journal page: search with filter chips, the entry list, and the editor beside it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDate, QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import operations
from reflectjournal.gui.date_fields import DatePicker
from reflectjournal.gui.editor import EntryEditor
from reflectjournal.gui.entry_model import EntryDelegate, EntryIdRole, EntryListModel
from reflectjournal.gui.search_runner import Found, SearchRunner
from reflectjournal.gui.tag_picker import TagCatalogue, TagFilterDialog
from reflectjournal.services.display import date_text
from reflectjournal.services.entries import EntryFilter
from reflectjournal.services.timeutil import range_end, range_start

SEARCH_DEBOUNCE_MS = 150
# A search that took at most this long runs on the next keystroke at once (no debounce): its
# results are usually on screen before the next key (~150 ms apart for a fast typist). A
# slower one waits for a pause in typing, so keys typed in a burst do not each start a search
# only to cancel it. Either way it runs on the search worker and the window never waits for it
# (gui/search_runner.py).
QUICK_SEARCH_S = 0.100
LIST_MIN_WIDTH = 230
MOODS = {"Low (1–2)": (1, 2), "Steady (3)": (3, 3), "Good (4–5)": (4, 5)}
KINDS = {"Reflections": "reflection", "Session notes": "session", "Shared with me": "shared"}


class DateRangeDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Date range")
        today = QDate.currentDate()
        self.since = DatePicker(
            today.addMonths(-1),
        )
        self.until = DatePicker(
            today,
        )
        self.since.setAccessibleName("From")
        self.until.setAccessibleName("Until")
        form = QFormLayout(self)
        form.addRow("From", self.since)
        form.addRow("Until (included)", self.until)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class JournalView(QWidget):
    status = Signal(str)
    trashed = Signal(int, str)  # Trash id and title of an entry just deleted (for Undo)

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.catalogue = TagCatalogue(workspace.journal, workspace.frameworks)
        self.filter = EntryFilter()
        self.filter_labels: dict[str, str] = {}
        self.last_trashed: int | None = None

        self.search = QLineEdit(placeholderText="Search your journal (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.filter_button = QToolButton(text="Filter ▾")
        self.filter_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filter_button.setAccessibleName("Add a filter")
        self.filter_button.setMenu(self._filter_menu())
        self.new_button = QPushButton("New entry")
        self.new_button.setToolTip("Start a new entry (Ctrl+N)")
        self.chips = QHBoxLayout()
        self.chips.setContentsMargins(0, 0, 0, 0)

        self.model = EntryListModel(workspace.journal, self.catalogue.names, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(EntryDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setAccessibleName("Entries")
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list)
        self.list_stack.addWidget(self.empty)

        self.editor = EntryEditor(workspace, self.catalogue)
        left = QWidget()
        # The list keeps room for a title and its date at 1024 px (it shrank to ~90 px, "S…").
        left.setMinimumWidth(LIST_MIN_WIDTH)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 4)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.filter_button)
        left_layout.addLayout(bar)
        left_layout.addLayout(self.chips)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addWidget(self.new_button)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("journalSplit")
        self.split.addWidget(left)
        self.split.addWidget(self.editor)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 5)
        self.split.setSizes([400, 880])
        self.split.setCollapsible(0, False)
        self.split.setCollapsible(1, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)

        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_in_background)
        self.searcher = SearchRunner(workspace, self)
        self.searcher.found.connect(self._show_found)
        self.searcher.failed.connect(self.status)
        self._then_focus_results = False
        self.search.textChanged.connect(self._text_changed)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)
        self.list.installEventFilter(self)
        self.list.selectionModel().currentChanged.connect(self._open_current)
        self.new_button.clicked.connect(self.new_entry)
        self.editor.saved.connect(self._entry_saved)
        self.editor.status.connect(self.status)
        self._draw_chips()
        self._update_empty()
        self.events = operations.listen(self, self._journal_changed)
        self.editor.events = self.events  # the editor's saves are this page's operations

    # ---- changes made elsewhere -----------------------------------------------------------

    def _journal_changed(self, changes: operations.Changes, initiator: object) -> None:
        """Another page (or a background task) changed the journal: bring the list up to date."""
        if initiator is self or initiator is self.editor:
            return  # this page has already shown its own change
        if changes.tags or changes.everything:
            self.catalogue.reload()
        if changes.everything or changes.entries:
            self._refresh()  # same search and filters, fresh rows
        else:
            for entry_id in changes.entries_removed:
                self.model.entry_removed(entry_id)
                if self.editor.entry_id == entry_id:
                    self.editor.discard_changes()
                    self.editor.new_entry()
            for entry_id in sorted(changes.entries_added | changes.entries_edited):
                try:
                    self.model.entry_changed(entry_id)
                except ReflectJournalError:  # gone again meanwhile: nothing to show
                    continue
        shown = self.editor.entry_id
        if shown is not None and not self.editor.dirty and shown in changes.entries_edited:
            self.editor.load_entry(shown)  # show what the other page wrote
        self._update_empty()

    def open_entry(self, entry_id: int) -> None:
        """Show ``entry_id`` in the editor, selected in the list when the list holds it."""
        self.editor.save()
        if self.model.row_of(entry_id) < 0 and not self.model.is_filtered():
            try:
                self.model.entry_changed(entry_id)  # a new entry the list has not seen yet
            except ReflectJournalError as exc:
                self.status.emit(str(exc))
                return
            self._update_empty()
        try:
            self.select_entry(entry_id)
        except ReflectJournalError as exc:
            self.status.emit(str(exc))

    # ---- keyboard: Esc, Down and Enter between the search box and the results -------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()  # type: ignore[attr-defined]
        if watched is self.search:
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self._refresh()
                return True
            if key == Qt.Key.Key_Down and (self.model.rowCount() or self._search_pending()):
                self._focus_results_when_current()
                return True
        elif watched is self.list:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentIndex().isValid():
                self._open_current(self.list.currentIndex(), None)
                self.editor.focus_text()
                return True
            if key == Qt.Key.Key_Escape:
                self.focus_search()
                return True
        return False

    def _focus_results(self) -> None:
        if not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))
        self.list.setFocus()

    def _search_entered(self) -> None:
        """Enter in the search box runs the search and moves into its results."""
        self._focus_results_when_current()

    def _focus_results_when_current(self) -> None:
        """Into the results of what is typed: now, or when a search still waiting for its
        debounce, or still running, has shown them."""
        if self._debounce.isActive():
            self.search_in_background()
        if self._search_pending():
            self._then_focus_results = True
        elif self.model.rowCount():
            self._focus_results()

    # ---- search and filters -------------------------------------------------------------

    def _filter_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Tag…", self.choose_tag)
        menu.addAction("Date range…", self.choose_dates)
        kinds = menu.addMenu("Kind")
        for label, kind in KINDS.items():
            kinds.addAction(label, lambda k=kind, lab=label: self.set_filter(kind=k, label=lab))
        moods = menu.addMenu("Mood")
        for label, (low, high) in MOODS.items():
            moods.addAction(
                label,
                lambda lo=low, hi=high, lab=label: self.set_filter(
                    mood_min=lo, mood_max=hi, label=f"Mood {lab.lower()}"
                ),
            )
        menu.addSeparator()
        menu.addAction("Clear all filters", self.clear_filters)
        return menu

    def choose_tag(self, dialog: TagFilterDialog | None = None) -> None:
        dialog = dialog or TagFilterDialog(self.catalogue, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.slug():
            self.add_tag_filter(str(dialog.slug()))

    def add_tag_filter(self, slug: str) -> None:
        if slug not in self.filter.tags:
            self.filter = replace(self.filter, tags=[*self.filter.tags, slug])
        self._refilter()

    def choose_dates(self) -> None:
        dialog = DateRangeDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        since = dialog.since.date().toString("yyyy-MM-dd")
        until = dialog.until.date().toString("yyyy-MM-dd")
        self.set_filter(
            since=range_start(since),
            until=range_end(until),
            label=f"{date_text(since)} – {date_text(until)}",
        )

    def show_day(self, day) -> None:
        """The list narrowed to one day (from the calendar), its first entry open."""
        iso = day.isoformat()
        self.set_filter(since=range_start(iso), until=range_end(iso), label=date_text(day))
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))

    def set_filter(self, *, label: str, **changes) -> None:
        self.filter = replace(self.filter, **changes)
        key = next(iter(changes))
        self.filter_labels[key] = label
        self._refilter()

    def clear_filters(self) -> None:
        """Every filter and the search words go: the whole journal shows again."""
        self.filter = EntryFilter()
        self.filter_labels.clear()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._refilter()

    def _remove_chip(self, key: str, value: str | None = None) -> None:
        if key == "tags":
            self.filter = replace(self.filter, tags=[t for t in self.filter.tags if t != value])
        else:
            reset = {
                "kind": {"kind": None},
                "mood_min": {"mood_min": None, "mood_max": None},
                "since": {"since": None, "until": None},
            }[key]
            self.filter = replace(self.filter, **reset)
            self.filter_labels.pop(key, None)
        self._refilter()

    def _refilter(self) -> None:
        self._draw_chips()
        self._refresh()

    def _draw_chips(self) -> None:
        while self.chips.count():
            widget = self.chips.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        chips: list[tuple[str, str | None, str]] = [
            ("tags", slug, f"Tag: {self.catalogue.name(slug)}") for slug in self.filter.tags
        ]
        for key in ("kind", "mood_min", "since"):
            if getattr(self.filter, key) is not None:
                chips.append((key, None, self.filter_labels.get(key, key)))
        for key, value, text in chips:
            chip = QPushButton(f"{text}  ✕")
            chip.setObjectName("chip")
            chip.setFlat(True)
            chip.setAccessibleName(f"Remove filter {text}")
            chip.clicked.connect(lambda _=False, k=key, v=value: self._remove_chip(k, v))
            self.chips.addWidget(chip)
        self.chips.addStretch(1)

    def _text_changed(self, _text: str) -> None:
        # The search running for the previous text is stale already: it stops now, not when
        # the debounce ends. Interval 0 still runs on the next turn of the event loop, so a
        # paste or a burst of queued keys becomes one search.
        self.searcher.cancel()
        quick = self.searcher.last_seconds <= QUICK_SEARCH_S
        self._debounce.setInterval(0 if quick else SEARCH_DEBOUNCE_MS)
        self._debounce.start()

    def _search_pending(self) -> bool:
        return self._debounce.isActive() or self.searcher.busy

    def _refresh(self) -> None:
        """The list for what is typed and chosen: words are searched on the worker; the
        plain list (filters alone walk an index, a few ms at 100k entries) is read now."""
        if self.search.text().strip():
            self.search_in_background()
        else:
            self.apply_search()

    def search_in_background(self) -> None:
        """Search for what is typed, under the filters, on the search worker."""
        self._debounce.stop()
        self.searcher.submit(self.search.text(), self.filter)

    def _show_found(self, found: Found) -> None:
        self.model.show_page(found.query, found.entry_filter, found.rows)
        self._after_search()
        if self._then_focus_results:
            self._then_focus_results = False
            if self.model.rowCount():
                self._focus_results()

    def apply_search(self) -> None:
        """Show what is typed and chosen, read here on the UI thread (a search waiting or
        running on the worker is dropped)."""
        self._debounce.stop()
        self.searcher.cancel()
        self._then_focus_results = False
        try:
            self.model.set_search(self.search.text(), self.filter)
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
        self._after_search()

    def _after_search(self) -> None:
        self._update_empty()
        self._keep_editor_in_results()

    def _keep_editor_in_results(self) -> None:
        """The editor never shows an entry the search or filters left out (unsaved text is
        saved first): it moves to the first result, or to a blank page when nothing matches."""
        shown = self.editor.entry_id
        if shown is None or not self.model.is_filtered() or self.model.row_of(shown) >= 0:
            return
        if not self.model.complete:
            return  # it may be on a page not read yet
        if self.editor.dirty:
            self.editor.save()
        if self.model.rowCount():
            self.list.selectionModel().setCurrentIndex(
                self.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        else:
            self.editor.new_entry()

    def _update_empty(self) -> None:
        if self.model.rowCount():
            self.list_stack.setCurrentWidget(self.list)
            return
        if self.model.is_filtered():
            text = (
                "No entries match this search or these filters. Try fewer words, or clear a filter."
            )
        else:
            text = (
                "Your journal is empty.\n\nPress New entry (Ctrl+N) to write your first "
                "reflection; pick a reflection model such as Gibbs if you want prompts."
            )
        self.empty.setText(text)
        self.list_stack.setCurrentWidget(self.empty)

    # ---- entries ------------------------------------------------------------------------

    def _open_current(self, current, _previous) -> None:
        if not current.isValid():
            return
        entry_id = current.data(EntryIdRole)
        if entry_id != self.editor.entry_id:
            try:
                self.editor.load_entry(entry_id)
            except ReflectJournalError as exc:
                self.status.emit(str(exc))

    def select_entry(self, entry_id: int) -> None:
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.list.scrollTo(self.model.index(row))
        else:
            self.editor.load_entry(entry_id)

    def new_entry(self, state: dict | None = None) -> None:
        self.editor.save()
        self.list.selectionModel().clearSelection()
        self.list.selectionModel().setCurrentIndex(
            self.model.index(-1), QItemSelectionModel.SelectionFlag.Clear
        )
        self.editor.new_entry(state)
        self.editor.title.setFocus()

    def _entry_saved(self, entry_id: int) -> None:
        self.model.entry_changed(entry_id)
        self._update_empty()
        row = self.model.row_of(entry_id)
        if row >= 0 and self.list.currentIndex().row() != row:
            self.list.selectionModel().blockSignals(True)
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.list.selectionModel().blockSignals(False)
            self.list.viewport().update()
        self.status.emit("Saved.")

    def delete_current(self) -> int | None:
        """Move the open entry to the Trash (kept 30 days); Undo brings it straight back."""
        entry_id = self.editor.entry_id
        if entry_id is None:
            self.editor.discard_changes()
            self.editor.new_entry()
            return None
        title = self.editor.title.text().strip() or "the entry"
        self.editor.discard_changes()
        try:
            trash_id = operations.perform(
                self.events,
                lambda: self.workspace.trash.move(entry_id),
                operations.Changes.entry_removed(entry_id, sessions=True, actions=True),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return None
        self.model.entry_removed(entry_id)
        self.editor.new_entry()
        self._update_empty()
        self.last_trashed = trash_id
        self.trashed.emit(trash_id, title)
        self.status.emit(f"Moved “{title}” to the Trash; it is kept for 30 days.")
        return trash_id

    def undo_delete(self, trash_id: int | None = None) -> int | None:
        """Bring the entry deleted last (or ``trash_id``) back and open it."""
        trash_id = trash_id if trash_id is not None else self.last_trashed
        if trash_id is None:
            return None
        try:
            entry_id = operations.perform(
                self.events,
                lambda: self.workspace.trash.restore(trash_id),
                lambda restored: operations.Changes.entry_added(
                    restored, tags=True, sessions=True, actions=True
                ),
                initiator=self,
            )
        except ReflectJournalError as exc:
            self.status.emit(str(exc))
            return None
        self.last_trashed = None
        self.model.reload()
        self.open_entry(entry_id)
        self.status.emit("Restored from the Trash.")
        return entry_id

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def save_now(self) -> None:
        self.editor.save()

    def finish(self) -> None:
        """Before the journal closes: the open entry saved, the search worker's connection
        closed."""
        self.save_now()
        self.searcher.close()

    def restore_draft(self, entry_id: int | None, state: dict) -> None:
        if entry_id is None:
            self.new_entry(state)
        else:
            self.select_entry(entry_id)
            self.editor.apply_state(state)
