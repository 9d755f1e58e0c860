"""The entry editor: Markdown (or a reflection model's sections), preview, tags, autosave."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.gui import drafts, link_completer, operations
from reflectjournal.gui.accessible import label_combo
from reflectjournal.gui.attachments_bar import AttachmentsBar
from reflectjournal.gui.entry_aside import CommentsBox, PlanButton, PrivacyHint
from reflectjournal.gui.find_bar import FindBar
from reflectjournal.gui.focus_chain import OneStopDateTimeEdit, move_focus
from reflectjournal.gui.linked_from import LinkedFrom
from reflectjournal.gui.markdown_edit import MarkdownEdit
from reflectjournal.gui.plain_text import esc, rich_label
from reflectjournal.gui.preview import PreviewBrowser, render, save_attachment_copy
from reflectjournal.gui.spell_check import SpellCheck
from reflectjournal.gui.tag_picker import TagCatalogue, TagPicker
from reflectjournal.gui.tag_suggestions import TagSuggestions
from reflectjournal.gui.theme import VISIBILITY_COLOURS
from reflectjournal.services import entries as E
from reflectjournal.services.entries import Entry
from reflectjournal.services.frameworks import get_model, reflection_models
from reflectjournal.services.links import LinkContext

log = logging.getLogger(__name__)

AUTOSAVE_MS = 1500
DRAFT_MS = 300
PREVIEW_MS = 300
LIVE_PREVIEW_LIMIT = 100_000  # characters; above this the preview renders on request
SCALE = ("—", "1 · very low", "2 · low", "3 · steady", "4 · good", "5 · very good")
VISIBILITY_LABELS = {
    "private": "Private: only you",
    "mentor": "Mentor may see it",
    "coach": "Coach may see it",
}


def word_count_text(markdown: str) -> str:
    """'124 words' for the text as written (Markdown markers are not words)."""
    from reflectjournal.services.display import plural

    words = [w for w in markdown.split() if any(c.isalnum() for c in w)]
    return plural(len(words), "word") if words else ""


def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class EntryEditor(QWidget):
    saved = Signal(int)  # entry id, after every successful save
    status = Signal(str)

    def __init__(self, workspace, catalogue: TagCatalogue, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        self.journal = workspace.journal
        self.entry_id: int | None = None
        self.kind = "reflection"
        self.dirty = False
        self._loading = False
        self._loaded_when: QDateTime | None = None
        self._sections: dict[str, MarkdownEdit] = {}
        self.body: MarkdownEdit | None = None
        self._sections_model: str | None = None

        self.spelling = SpellCheck(workspace)  # British English, offline (services/spelling.py)
        self.title = QLineEdit(placeholderText="Title (optional: taken from the first sentence)")
        self.title.setAccessibleName("Title")
        self.when = OneStopDateTimeEdit(calendarPopup=True)
        self.when.setDisplayFormat("d MMM yyyy, HH:mm")
        self.when.setAccessibleName("Date and time")
        self.model_box = QComboBox()
        self.model_box.setAccessibleName("Reflection model")
        self.model_box.addItem("Free writing (Markdown)", None)
        for model in reflection_models().values():
            if model.slug != "free":
                self.model_box.addItem(model.name, model.slug)
                # The model's purpose and whom it is after, credited where it is offered.
                tip = "\n\n".join(t for t in (model.description, model.source) if t)
                self.model_box.setItemData(
                    self.model_box.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
                )
        # The longest model name ("Significant Event Analysis (SEA)", …) must not set the
        # window's minimum width: the box shows ~18 characters and the list opens wider.
        self.model_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_box.setMinimumContentsLength(14)
        self.model_box.view().setMinimumWidth(self.model_box.view().sizeHintForColumn(0) + 24)
        self.mood = QComboBox()
        self.mood.addItems(SCALE)
        self.mood.setAccessibleName("Mood")
        self.energy = QComboBox()
        self.energy.addItems(SCALE)
        self.energy.setAccessibleName("Energy")
        # Narrow enough that the list beside the editor keeps its room at 1024 px; the open
        # list shows the whole label.
        for box, length in ((self.mood, 7), (self.energy, 7)):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(length)
            box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        self.visibility = QComboBox()
        self.visibility.setAccessibleName("Who may see this entry")
        for key, label in VISIBILITY_LABELS.items():
            self.visibility.addItem(_dot(VISIBILITY_COLOURS[key]), label, key)
        self.visibility.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.visibility.setMinimumContentsLength(12)
        self.visibility.view().setMinimumWidth(self.visibility.view().sizeHintForColumn(0) + 24)
        # Who this entry goes to, as people (the exchange); visibility stays for files.
        self.share_button = QPushButton("Share with…")
        self.share_button.setAccessibleName("Share this entry with people")
        self.share_button.clicked.connect(self.share_with)
        self.tags = TagPicker(catalogue)
        self.tags.setAccessibleName("Tags")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.state_label = QLabel("")
        self.state_label.setAccessibleName("Save status")

        self.sections_host = QWidget()
        self.sections_layout = QVBoxLayout(self.sections_host)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.sections_host)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # Neither the scroll area nor the read-only preview is a place to type: Tab from the
        # tags goes straight into the text (a paragraph typed into either was lost).
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview = PreviewBrowser()
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.preview.attachment_reader = workspace.attachments.data
        self.preview.attachment_saver = lambda i: save_attachment_copy(self, workspace, i)
        self.preview.entry_link_clicked.connect(self.open_linked_entry)
        self.linked_from = LinkedFrom(workspace)
        self.linked_from.open_entry.connect(self.open_linked_entry)
        self.attachments = AttachmentsBar(workspace, self.save, self.insert_at_cursor)
        self.attachments.changed.connect(self.update_preview)
        self.attachments.status.connect(self._show_state)
        self.render_button = QPushButton("Render preview")
        self.render_button.setToolTip("This entry is long, so the preview updates only on request")
        self.render_button.hide()
        preview_box = QWidget()
        self.preview_box = preview_box
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.render_button)
        preview_layout.addWidget(self.preview, 3)
        preview_layout.addWidget(self.linked_from)
        self.comments = CommentsBox()
        preview_layout.addWidget(self.comments, 2)
        self.privacy_hint = PrivacyHint(
            workspace,
            lambda: (
                self.title.text(),
                self._markdown(),
                self.visibility.currentData(),
                self.kind,
                self.model_box.currentData(),
                self.entry_id,
            ),
        )
        self.plan_button = PlanButton(workspace, self.save)
        self.suggestions = TagSuggestions(
            workspace,
            lambda: (f"{self.title.text()}\n{self._markdown()}", self.tags.tags(), self.kind),
        )
        self.suggestions.accepted.connect(self._accept_suggestion)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(scroll)
        self.split.addWidget(preview_box)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([600, 400])
        self.split.setObjectName("editorSplit")

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.when)
        # Who may see it and whom it is shared with sit together, beside the title: the row
        # below is full at 1024 px.
        head.addWidget(self.visibility)
        head.addWidget(self.share_button)
        meta = QHBoxLayout()
        meta.addWidget(self.model_box, 2)
        for label, widget in (("Mood", self.mood), ("Energy", self.energy)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            meta.addWidget(caption)
            meta.addWidget(widget, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.banner)
        layout.addLayout(head)
        layout.addLayout(meta)
        layout.addWidget(self.tags)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.split, 1)
        layout.addWidget(self.attachments)
        self.find_bar = FindBar(self.writing_boxes, self)
        layout.addWidget(self.find_bar)
        footer = QHBoxLayout()
        footer.addWidget(self.state_label, 1)
        self.word_count = QLabel("")
        self.word_count.setAccessibleName("Word count")
        footer.addWidget(self.word_count)
        self.preview_toggle = QToolButton(text="Preview", checkable=True, checked=True)
        self.preview_toggle.setAccessibleName("Show the preview")
        self.preview_toggle.setToolTip("Show or hide the preview beside the text (Ctrl+Shift+P)")
        self.preview_toggle.toggled.connect(self.show_preview)
        footer.addWidget(self.preview_toggle)
        footer.addWidget(self.privacy_hint)
        footer.addWidget(self.plan_button)
        layout.addLayout(footer)
        for combo in (self.visibility, self.model_box):
            label_combo(combo)  # what they are for, to a screen reader on Linux

        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self.render_button.clicked.connect(self.render_in_background)

        for signal in (
            self.title.textEdited,
            self.when.dateTimeChanged,
            self.mood.currentIndexChanged,
            self.energy.currentIndexChanged,
            self.visibility.currentIndexChanged,
            self.tags.changed,
        ):
            signal.connect(self._changed)
        self.model_box.currentIndexChanged.connect(self._model_changed)
        self._add_format_actions()
        self.new_entry()
        self.restore_preview_choice()

    # ---- formatting ---------------------------------------------------------------------

    def _add_format_actions(self) -> None:
        self.format_actions = []
        for text, keys, handler in (
            ("Bold", QKeySequence.StandardKey.Bold, lambda e: e.wrap("**")),
            ("Italic", QKeySequence.StandardKey.Italic, lambda e: e.wrap("*")),
            ("Heading", QKeySequence("Ctrl+H"), lambda e: e.prefix_lines("## ")),
            ("Bulleted list", QKeySequence("Ctrl+Shift+L"), lambda e: e.prefix_lines("- ")),
        ):
            action = QAction(text, self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, h=handler: self._format(h))
            self.addAction(action)
            self.format_actions.append(action)

    def _format(self, handler) -> None:
        editor = self.focusWidget()
        if not isinstance(editor, MarkdownEdit):
            editor = self.body or next(iter(self._sections.values()), None)
        if editor is not None and not editor.isReadOnly():
            handler(editor)

    # ---- layout of the writing area ---------------------------------------------------------

    def current_model(self):
        return get_model(self.model_box.currentData())

    def _clear_writing_area(self) -> None:
        while self.sections_layout.count():
            widget = self.sections_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # deleteLater waits for the event loop; hide it now
                widget.deleteLater()
        self._sections = {}
        self.body = None

    def _lay_out(self, body: str, sections: dict[str, str] | None) -> None:
        """One Markdown box, or one box per section of the chosen model with our prompts."""
        self._clear_writing_area()
        model = self.current_model()
        if model is None:
            self.body = MarkdownEdit(
                "Write freely. Markdown works: **bold**, *italic*, ## headings."
            )
            self.body.setPlainText(body)
            self.spelling.attach(self.body)
            self.body.document().contentsChange.connect(self._text_edited)
            link_completer.install(self.body, self.workspace.links.titles)
            self.sections_layout.addWidget(self.body)
            self.body.show()  # now, not on the next turn of the loop: it may get the focus
            return
        sections = sections if sections is not None else E.split_sections(model, body)
        for section in model.sections:
            label = rich_label(f"<b>{esc(section.title)}</b>")
            editor = MarkdownEdit(section.prompt, f"{model.name}: {section.title}")
            editor.setMinimumHeight(90)
            editor.setPlainText(sections.get(section.key, ""))
            self.spelling.attach(editor)
            editor.document().contentsChange.connect(self._text_edited)
            link_completer.install(editor, self.workspace.links.titles)
            label.setBuddy(editor)
            self.sections_layout.addWidget(label)
            self.sections_layout.addWidget(editor)
            label.show()
            editor.show()
            self._sections[section.key] = editor

    def focus_text(self) -> None:
        """Put the cursor in the first writing box (the title for a new, empty entry)."""
        boxes = self.writing_boxes()
        if boxes:
            boxes[0].setFocus()

    def writing_boxes(self) -> list[MarkdownEdit]:
        return [self.body] if self.body is not None else list(self._sections.values())

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab follows the layout (title, date, …, tags, the text boxes in order), never an
        invisible scroll area or the read-only preview (``gui/focus_chain.py``)."""
        return move_focus(self, next) or super().focusNextPrevChild(next)

    def _model_changed(self) -> None:
        if self._loading:
            return
        # Carry the text across: sections are joined under headings, or split back out.
        previous = self._compose()
        self._lay_out(previous, None)
        self._changed()

    def _section_texts(self) -> dict[str, str]:
        return {key: edit.toPlainText() for key, edit in self._sections.items()}

    def _compose(self) -> str:
        """The text as Markdown, read with the model the boxes were laid out for."""
        if self.body is not None:
            return self.body.toPlainText()
        model = get_model(self._sections_model)
        return E.compose_body(model, self._section_texts()) if model else ""

    # ---- loading ----------------------------------------------------------------------------

    def new_entry(self, state: dict | None = None) -> None:
        self._load(None, None)
        if state:
            self.apply_state(state)

    def load_entry(self, entry_id: int) -> None:
        if self.dirty:
            self.save()
        self._load(self.journal.entry(entry_id), entry_id)

    def _load(self, entry: Entry | None, entry_id: int | None) -> None:
        """Show ``entry`` (None: a new, empty one)."""
        self._stop_timers()
        self._loading = True
        try:
            self.entry_id = entry_id
            self.kind = str(entry.kind) if entry else "reflection"
            self.title.setText(entry.title if entry else "")
            self.title.setCursorPosition(0)  # a long title shows its start, not its end
            created = entry.created if entry else None
            moment = datetime.fromisoformat(created).astimezone() if created else datetime.now()
            self.when.setDateTime(QDateTime(moment.replace(tzinfo=None)))
            self._loaded_when = self.when.dateTime()
            model = entry.model if entry else None
            self.model_box.setCurrentIndex(max(0, self.model_box.findData(model)) if model else 0)
            self._sections_model = model
            self.mood.setCurrentIndex(int(entry.mood or 0) if entry else 0)
            self.energy.setCurrentIndex(int(entry.energy or 0) if entry else 0)
            visibility = str(entry.visibility) if entry else "private"
            self.visibility.setCurrentIndex(max(0, self.visibility.findData(visibility)))
            self.tags.set_tags(list(entry.tags) if entry else [])
            sections = dict(entry.sections) if entry else {}
            self._lay_out(entry.body if entry else "", sections or None)
            read_only = self.kind == "shared"
            self._set_read_only(read_only)
            if read_only:
                sender = (entry.sender if entry else None) or "someone"
                self.banner.setText(f"Shared with you by {sender}. It is read-only here.")
            self.banner.setVisible(read_only)
        finally:
            self._loading = False
        self.dirty = False
        self._show_state("")
        self.update_preview()
        self.comments.show_comments(entry.comments if entry else ())
        self.attachments.show_entry(entry_id, read_only=self.kind == "shared")
        self.linked_from.show_for(entry_id)
        self._show_share_state()
        self._aside_changed(now=True)

    def _set_read_only(self, read_only: bool) -> None:
        for widget in (self.title, self.when, self.model_box, self.mood, self.energy):
            widget.setEnabled(not read_only)
        self.visibility.setEnabled(not read_only)
        self.share_button.setVisible(not read_only)
        self.tags.setEnabled(not read_only)
        for editor in [self.body, *self._sections.values()]:
            if editor is not None:
                editor.setReadOnly(read_only)

    def share_with(self, dialog_factory=None) -> bool:
        """Save, then choose the people this entry is shared with (the exchange)."""
        from reflectjournal.gui.exchange_gui import ShareWithDialog

        entry_id = self.save()
        if entry_id is None:
            return False
        dialog = (dialog_factory or ShareWithDialog)(self.workspace, entry_id, self)
        accepted = bool(dialog.exec())
        self._show_share_state()
        return accepted

    def _show_share_state(self) -> None:
        if self.entry_id is None or self.kind == "shared":
            self.share_button.setText("Share with…")
            return
        from reflectjournal.gui.exchange_gui import recipient_text

        recipients = self.workspace.sharing.exchange.recipients(self.entry_id)
        people = [r.name for r in recipients if r.active]
        self.share_button.setText(f"Shared with {', '.join(people)}…" if people else "Share with…")
        # Where it went and when it was received ("Tom Reid, sent 3 Dec, received 4 Dec").
        where = "\n".join(recipient_text(r) for r in recipients)
        # Names come from other people's cards: the app's tooltips are plain text (plain_text).
        self.share_button.setToolTip(where)
        self.share_button.setAccessibleDescription(where)

    # ---- state, drafts and saving ---------------------------------------------------------

    def state(self) -> dict:
        return {
            "title": self.title.text(),
            "when": self.when.dateTime().toPython().isoformat(),
            "model": self.model_box.currentData(),
            "body": self.body.toPlainText() if self.body is not None else "",
            "sections": self._section_texts(),
            "mood": self.mood.currentIndex() or None,
            "energy": self.energy.currentIndex() or None,
            "visibility": self.visibility.currentData(),
            "tags": self.tags.tags(),
        }

    def apply_state(self, state: dict) -> None:
        """Put a draft's contents into the editor (it then counts as unsaved)."""
        self._loading = True
        try:
            self.title.setText(state.get("title", ""))
            if state.get("when"):
                self.when.setDateTime(QDateTime(datetime.fromisoformat(state["when"])))
            model = state.get("model")
            self.model_box.setCurrentIndex(max(0, self.model_box.findData(model)) if model else 0)
            self._sections_model = model
            self.mood.setCurrentIndex(state.get("mood") or 0)
            self.energy.setCurrentIndex(state.get("energy") or 0)
            self.visibility.setCurrentIndex(
                max(0, self.visibility.findData(state.get("visibility")))
            )
            self.tags.set_tags(state.get("tags", []))
            self._lay_out(state.get("body", ""), state.get("sections") if model else None)
        finally:
            self._loading = False
        self._changed()

    def _text_edited(self, _position: int, removed: int, added: int) -> None:
        """Typing, pasting, a correction: not the spell checker's underlines, which change
        only how the text looks (textChanged fires for those too)."""
        if removed or added:
            self._changed()

    def _changed(self, *_args) -> None:
        if self._loading or self.kind == "shared":
            return
        self._sections_model = self.model_box.currentData()
        self.dirty = True
        self._show_state("Unsaved changes")
        self._draft_timer.start()
        self._autosave.start()
        self._preview_timer.start()
        self._aside_changed()

    def _aside_changed(self, now: bool = False) -> None:
        self.plan_button.update_for(self.model_box.currentData(), self.kind)
        self.privacy_hint.check_now() if now else self.privacy_hint.schedule()
        self.suggestions.update_now() if now else self.suggestions.schedule()

    def _accept_suggestion(self, slug: str) -> None:
        self.tags.set_tags([*self.tags.tags(), slug])
        self._changed()

    def _empty(self) -> bool:
        state = self.state()
        return not (state["title"].strip() or state["body"].strip()) and not any(
            t.strip() for t in state["sections"].values()
        )

    def write_draft(self) -> None:
        if self.dirty:
            try:
                drafts.save(self.workspace, self.entry_id, self.state())
            except ReflectJournalError as exc:
                self._show_state(str(exc))

    def save(self) -> int | None:
        """Save now if anything changed; returns the entry id (None if nothing to save)."""
        self._stop_timers()
        if not self.dirty or self.kind == "shared":
            return self.entry_id
        if self.entry_id is None and self._empty():
            return None
        self._take_body_tags()
        state = self.state()
        known = {row.slug for row in self.tags.catalogue.rows}
        names = self.tags.catalogue.names
        # A new free tag is named as it was written ("e-rostering", not "E rostering").
        written = [names.get(s, s) for s in state["tags"] if s not in known]
        options = {
            "title": state["title"],
            "tags": state["tags"],
            "mood": state["mood"],
            "energy": state["energy"],
            "visibility": state["visibility"],
            "model": state["model"],
        }
        if state["model"]:
            options["sections"] = state["sections"]
        else:
            options["body"] = state["body"]
        if self.entry_id is None or self.when.dateTime() != self._loaded_when:
            options["when"] = self.when.dateTime().toPython()
        events = operations.events_of(self)
        # A tag the journal did not know becomes a new free tag: tag lists must hear of it.
        new_tags = bool(set(state["tags"]) - {row.slug for row in self.tags.catalogue.rows})
        try:
            if written:
                self.journal.add_free_tags(written)
            if self.entry_id is None:
                body = options.pop("body", "")
                new_id = operations.perform(
                    events,
                    lambda: self.journal.add(body, **options),
                    lambda added: operations.Changes.entry_added(added, tags=new_tags),
                    initiator=self,
                )
                drafts.discard(self.workspace, None)
                self.entry_id = new_id
            else:
                entry_id = self.entry_id
                operations.perform(
                    events,
                    lambda: self.journal.edit(entry_id, **options),
                    operations.Changes.entry_edited(entry_id, tags=new_tags),
                    initiator=self,
                )
                drafts.discard(self.workspace, self.entry_id)
        except ReflectJournalError as exc:
            # Nothing is lost: the draft stays in the journal and the text stays on screen.
            self.write_draft()
            self._show_state(str(exc))
            self.status.emit(str(exc))
            return None
        self._loaded_when = self.when.dateTime()
        self.dirty = False
        self._show_state(f"Saved {datetime.now():%H:%M}")
        self.saved.emit(self.entry_id)
        return self.entry_id

    def _take_body_tags(self) -> None:
        """``#tags`` typed in the text become the entry's tags (added, never removed)."""
        from reflectjournal.services.importers.markdown_folder import inline_tags
        from reflectjournal.services.tags import name_as_written, slugify

        chosen = self.tags.tags()
        added = []
        for written in inline_tags(self._markdown()):
            slug = slugify(written)
            if slug and slug not in chosen and slug not in added:
                self.tags.catalogue.names.setdefault(slug, name_as_written(written))
                added.append(slug)
        if added:
            self.tags.set_tags([*chosen, *added])

    def discard_changes(self) -> None:
        """Forget unsaved edits (and their draft) without saving."""
        self._stop_timers()
        drafts.discard(self.workspace, self.entry_id)
        self.dirty = False

    def _stop_timers(self) -> None:
        for timer in (self._autosave, self._draft_timer):
            timer.stop()

    def _show_state(self, text: str) -> None:
        self.state_label.setText(text)

    # ---- preview ----------------------------------------------------------------------------

    def _markdown(self) -> str:
        model = self.current_model()
        if model is None or self.body is not None:
            return self.body.toPlainText() if self.body is not None else ""
        return E.compose_body(model, self._section_texts())

    def show_preview(self, shown: bool) -> None:
        """Hide the preview for more room to write; remembered with the window layout."""
        from reflectjournal.gui.main_window import gui_settings

        self.preview_box.setVisible(shown)
        if self.preview_toggle.isChecked() != shown:
            self.preview_toggle.setChecked(shown)
        self.preview_toggle.setAccessibleName("Hide the preview" if shown else "Show the preview")
        settings = gui_settings()
        if settings.value("editor/preview", "shown") != ("shown" if shown else "hidden"):
            settings.setValue("editor/preview", "shown" if shown else "hidden")
        if shown:
            self.update_preview()

    def restore_preview_choice(self) -> None:
        from reflectjournal.gui.main_window import gui_settings

        self.show_preview(gui_settings().value("editor/preview", "shown") != "hidden")

    def update_preview(self) -> None:
        text = self._markdown()
        self.word_count.setText(word_count_text(text))
        if not self.preview_box.isVisibleTo(self):
            return  # hidden: no rendering while the person writes
        too_big = len(text) > LIVE_PREVIEW_LIMIT
        self.render_button.setVisible(too_big)
        if too_big:
            if not self.preview.property("stale"):
                self.preview.setPlainText(
                    "This entry is long, so the preview is not updated while you type. "
                    "Press “Render preview” to see it."
                )
                self.preview.setProperty("stale", True)
            return
        self.preview.setProperty("stale", False)
        self.preview.setHtml(render(text, self._link_context(text)) if text.strip() else "")

    def render_in_background(self) -> None:
        from reflectjournal.gui.tasks import run_task

        text = self._markdown()
        context = self._link_context(text)
        # A live-preview tick still pending from the last keystroke would put the "long
        # entry" notice back over this render's result.
        self._preview_timer.stop()
        self.render_button.setEnabled(False)
        self.render_button.setText("Rendering…")
        self._render_task = run_task(
            lambda ctx: render(text, context),
            parent=self,
            on_finished=self._rendered,
            on_failed=self._render_failed,
        )

    def _link_context(self, text: str):
        """What the text's links lead to and the entry's attachments (read here, on the UI
        thread, so a background render never touches the database)."""
        try:
            context = self.workspace.links.context(self.entry_id, text)
        except ReflectJournalError:  # locked or closed meanwhile: links show as text
            context = LinkContext()
        self.preview.attachment_ids = frozenset(a.id for a in context.attachments.values())
        return context

    def open_linked_entry(self, entry_id: int) -> None:
        """A link to another entry was clicked: save this one, then show that one."""
        self.save()
        operations.events_of(self).open_entry(entry_id)

    def insert_at_cursor(self, text: str) -> None:
        editor = self.focusWidget()
        if not isinstance(editor, MarkdownEdit):
            editor = self.body or next(iter(self._sections.values()), None)
        if editor is not None and not editor.isReadOnly():
            editor.textCursor().insertText(text)

    def _rendered(self, html: str) -> None:
        self.preview.setHtml(html)
        self.preview.setProperty("stale", False)
        self._reset_render_button()

    def _render_failed(self, message: str) -> None:
        self.preview.setPlainText(message)
        self._reset_render_button()

    def _reset_render_button(self) -> None:
        self.render_button.setEnabled(True)
        self.render_button.setText("Render preview")
