"""The journal's tables, declared once in SQLModel.

These classes are the schema's source of truth: Alembic migrations are written from them and a
test checks that a migrated journal matches them column for column. Hot read paths query the
same tables with SQL through the storage layer, because importing SQLModel (and pydantic)
costs more start-up time than a whole `list` command is allowed (see README, "Performance").

Times are stored as ISO-8601 text in UTC (`...+00:00`), which sorts correctly as text; the
writer's UTC offset in minutes is kept beside it so local days and weeks can be rebuilt.
"""

from __future__ import annotations

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Entry(SQLModel, table=True):
    __tablename__ = "entry"
    __table_args__ = (
        Index("ix_entry_kind_created", "kind", "created"),
        # Covers the patterns scan, which must not read the bodies (migration 0002).
        Index("ix_entry_patterns", "created", "created_offset", "kind", "mood", "energy", "model"),
        # Lets filtered search check a match's columns without reading its body (migration 0008).
        Index(
            "ix_entry_facets", "id", "created", "kind", "visibility", "mood", "starred", "sender_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True)
    kind: str = Field(default="reflection", index=True)  # reflection | session | shared
    title: str = ""
    body: str = ""
    created: str = Field(index=True)
    created_offset: int = 0
    updated: str
    mood: int | None = None
    energy: int | None = None
    visibility: str = "private"  # private | mentor | coach
    model: str | None = None
    starred: bool = False
    sender_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    origin_hash: str | None = None  # content hash as received, for shared entries
    import_key: str | None = Field(default=None, index=True)  # dedupe key of an imported record


class EntrySection(SQLModel, table=True):
    __tablename__ = "entry_section"
    # Sections with text, for the patterns' reflection loop (migration 0002).
    __table_args__ = (
        Index("ix_entry_section_filled", "key", "entry_id", sqlite_where=text("trim(body) != ''")),
    )

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    position: int = 0
    body: str = ""


class Framework(SQLModel, table=True):
    __tablename__ = "framework"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    version: int = 1
    description: str = ""
    builtin: bool = True
    is_default: bool = False
    rating_scale: str = "[]"  # JSON list of labels
    source: str = ""  # the TOML text it was loaded from, so a user framework survives its file


class Tag(SQLModel, table=True):
    """A framework item or a free tag; slugs are unique across the whole journal."""

    __tablename__ = "tag"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    category: str = Field(default="free", index=True)
    framework_id: int | None = Field(default=None, foreign_key="framework.id", ondelete="CASCADE")
    description: str = ""
    keywords: str = "[]"  # JSON list
    questions: str = "[]"  # JSON list of coaching questions
    calls_for: str = "[]"  # JSON list of free-text capabilities (context items)
    position: int = 0
    private: bool = False  # never leaves the machine in a share packet


class TagRelation(SQLModel, table=True):
    __tablename__ = "tag_relation"

    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    related_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    kind: str = "calls-for"


class EntryTag(SQLModel, table=True):
    __tablename__ = "entry_tag"
    # Covering index: "entries with tag X" never touches the table itself.
    __table_args__ = (Index("ix_entry_tag_tag_entry", "tag_id", "entry_id"),)

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
    source: str = "user"  # user | suggested | import | shared


class Rating(SQLModel, table=True):
    __tablename__ = "rating"

    id: int | None = Field(default=None, primary_key=True)
    tag_id: int = Field(foreign_key="tag.id", index=True, ondelete="CASCADE")
    value: int
    date: str  # ISO date
    note: str = ""


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    name: str = Field(index=True)
    role: str  # coachee | mentor | coach
    email: str = ""
    sign_public: bytes | None = None
    enc_public: bytes | None = None
    fingerprint: str | None = Field(default=None, index=True)
    created: str
    notes: str = ""


class Identity(SQLModel, table=True):
    """The journal owner's keys; at most one row. Private halves never leave the file."""

    __tablename__ = "identity"

    id: int | None = Field(default=None, primary_key=True)
    name: str = ""
    sign_private: bytes | None = None
    enc_private: bytes | None = None
    sign_public: bytes | None = None
    enc_public: bytes | None = None
    created: str = ""


class CoachingSession(SQLModel, table=True):
    """A coaching conversation; its notes, tags and search live in an `entry` of kind session."""

    __tablename__ = "coaching_session"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", unique=True, ondelete="CASCADE")
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    date: str = Field(index=True)  # ISO date-time of the conversation
    agenda: str = ""


class SessionEntryLink(SQLModel, table=True):
    """Shared entries discussed in a session."""

    __tablename__ = "session_entry_link"

    session_id: int = Field(foreign_key="coaching_session.id", primary_key=True, ondelete="CASCADE")
    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")


class Action(SQLModel, table=True):
    __tablename__ = "action"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    text: str
    owner_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    due: str | None = Field(default=None, index=True)  # ISO date
    status: str = Field(default="open", index=True)  # open | done | dropped
    created: str
    closed: str | None = None
    entry_id: int | None = Field(default=None, foreign_key="entry.id", ondelete="SET NULL")
    session_id: int | None = Field(
        default=None, foreign_key="coaching_session.id", ondelete="SET NULL"
    )
    section_key: str | None = None  # the reflection section it was born from
    # A copy received from one's coach (migration 0010): who set it, in which session summary.
    from_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    note_uid: str | None = None


class Comment(SQLModel, table=True):
    __tablename__ = "comment"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    entry_id: int = Field(foreign_key="entry.id", index=True, ondelete="CASCADE")
    author: str
    author_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    text: str
    created: str
    entry_hash: str = ""  # content hash of the entry version commented on
    outgoing: bool = False  # written here, waiting to travel back in a feedback packet
    sent: bool = False


class PacketLog(SQLModel, table=True):
    """Packets seen or sent: makes imports idempotent and refuses replays."""

    __tablename__ = "packet_log"

    id: int | None = Field(default=None, primary_key=True)
    packet_id: str = Field(index=True)
    direction: str  # in | out
    kind: str  # share | feedback
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    seq: int | None = None
    created: str


class Setting(SQLModel, table=True):
    """Journal-level preferences that must travel with the file (kept encrypted)."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str = ""


class Agreement(SQLModel, table=True):
    """The contract of one coaching or mentoring relationship (at most one per person).

    ``uid`` and ``updated`` let a copy travel to the other party and be applied newest-wins;
    ``origin`` says whether this journal wrote it (``mine``) or received it (``received``).
    """

    __tablename__ = "agreement"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", unique=True, ondelete="CASCADE")
    kind: str = "coaching"  # coaching | mentoring
    sessions: int | None = None  # sessions agreed
    frequency: str = ""
    confidentiality: str = ""
    limits: str = ""  # the limits of confidentiality (risk of harm, fitness to practise…)
    sponsor: str = ""
    sponsor_consent: bool = False  # the coachee agreed to a summary for the sponsor
    start: str | None = None  # ISO date
    review: str | None = None  # ISO date
    until: str | None = None  # ISO date the programme is planned to end
    no_fault: str = ""  # the no-fault ending clause
    ended: str | None = None  # ISO date the relationship actually ended
    end_review: str = ""  # the end-of-relationship review
    origin: str = "mine"  # mine | received
    created: str
    updated: str


class Goal(SQLModel, table=True):
    """A programme goal of one relationship; progress is rated over time in `goal_rating`."""

    __tablename__ = "goal"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    text: str
    status: str = "active"  # active | achieved | dropped
    shared: bool = True  # may appear in a sponsor summary or travel to the other party
    origin: str = "mine"  # mine | received
    created: str
    updated: str
    closed: str | None = None


class GoalRating(SQLModel, table=True):
    __tablename__ = "goal_rating"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    value: int  # 0-10, the scaling question "where are you now?"
    date: str  # ISO date
    note: str = ""


class FeedbackScore(SQLModel, table=True):
    """One score of a 360 / multi-source feedback report: a dimension, a rater group."""

    __tablename__ = "feedback_score"
    __table_args__ = (Index("ix_feedback_score_report", "report", "dimension"),)

    id: int | None = Field(default=None, primary_key=True)
    report: str  # uid shared by every score of one imported report
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="CASCADE"
    )  # whose 360; NULL = the journal's owner
    taken: str  # ISO date of the report
    title: str = ""
    dimension: str  # tag slug of the framework dimension
    rater_group: str  # self | others | line-manager | peer | direct-report | other
    score: float
    raters: int | None = None
    imported: str


class RevalidationRecord(SQLModel, table=True):
    """One piece of revalidation evidence: the regulator's details of a reflective account,
    a CPD activity with its hours, a piece of practice-related feedback, or the reflective
    discussion with another registrant.

    ``uid``, ``updated`` and the plain-text fields let a discussion record travel to the
    colleague who took part; ``confirmed_by``/``confirmed_at``/``confirmation`` hold their
    signed confirmation when it comes back (``confirmation`` is the signature, as text).
    """

    __tablename__ = "revalidation_record"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    kind: str = Field(index=True)  # account | cpd | feedback | discussion
    date: str  # ISO date of the activity, feedback or discussion
    title: str = ""
    entry_id: int | None = Field(
        default=None, foreign_key="entry.id", index=True, ondelete="SET NULL"
    )  # the reflective account it belongs to
    account_type: str = ""  # account: cpd | feedback | event
    themes: str = "[]"  # account: JSON list of the regulator's themes or domains
    benefit: str = ""  # account (HCPC): how the learning benefited service users
    hours: float | None = None  # cpd
    participatory: bool = False  # cpd: learning with others
    method: str = ""  # cpd: course, e-learning, reading…; feedback: who it came from
    notes: str = ""
    colleague_name: str = ""  # discussion
    colleague_pin: str = ""  # discussion: their registration number
    colleague_email: str = ""  # discussion
    confirmed_by: str = ""  # discussion: fingerprint of the colleague who confirmed
    confirmed_at: str | None = None
    confirmation: str = ""
    origin: str = "mine"  # mine | received
    created: str
    updated: str
    # discussion: the contact it was sent to for confirmation; a received request: its sender
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")


class PrivacyChoice(SQLModel, table=True):
    """The user's decision about one likely identifier in one entry (migration 0005).

    Applied on every way out: "redact" replaces it in exports, the prep brief and share
    packets; "fine" (a colleague, a public figure) stops it being reported again.
    """

    __tablename__ = "privacy_choice"

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True)
    key: str = Field(primary_key=True)  # privacy.choice_key: digits of a number, words of a name
    text: str = ""  # as it was written when chosen
    decision: str = "redact"  # redact | fine
    note: str = ""
    created: str


# --- the exchange (migration 0009) ---------------------------------------------------------


class ExchangePlace(SQLModel, table=True):
    """Where this journal meets a contact (``person_id``), or everyone (NULL)."""

    __tablename__ = "exchange_place"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", unique=True, ondelete="CASCADE"
    )
    kind: str  # folder | webdav | s3
    location: str  # folder path or URL
    bucket: str | None = None
    user: str | None = None  # WebDAV user or S3 access key
    secret: str | None = None  # WebDAV password or S3 secret key (inside the encrypted file)
    place_id: str  # the random id in the place's marker
    created: str
    last_sync: str | None = None
    unreachable_since: str | None = None
    last_error: str | None = None


class EntryShare(SQLModel, table=True):
    """One recipient of one of our entries, and what went to them."""

    __tablename__ = "entry_share"

    entry_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(
        foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    active: bool = True  # False once withdrawn ("Stop sharing")
    allow_identifiers: bool = False
    version: int = 0  # last version queued for this person (a withdrawal is a version)
    sent_hash: str | None = None  # hash of the content queued last
    entry_updated: str | None = None  # entry.updated when last looked at
    held: str | None = None  # why the latest version is held back (privacy check)
    queued: str | None = None
    sent: str | None = None
    received: str | None = None


class Outbox(SQLModel, table=True):
    """Sealed messages kept until a receipt says they arrived."""

    __tablename__ = "outbox"

    message_id: str = Field(primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    kind: str  # entry | withdraw | comment | receipt
    ref: str | None = None
    version: int | None = None
    sealed: bytes
    created: str
    published: str | None = None
    received: str | None = None
    publisher: str | None = None  # the device that stored it in the place (device sync)


class Inbox(SQLModel, table=True):
    """Messages applied here: a second copy of one changes nothing."""

    __tablename__ = "inbox"

    message_id: str = Field(primary_key=True)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="CASCADE"
    )
    kind: str
    applied: str
    receipt_id: str | None = None  # the receipt message that acknowledged it


class ReceivedShare(SQLModel, table=True):
    """The newest version seen of an entry someone shared with us."""

    __tablename__ = "received_share"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    ref: str = Field(primary_key=True)
    version: int
    withdrawn: bool = False
    arrived: str  # when the first version arrived here (the prep brief counts by this)


class CommentDelivery(SQLModel, table=True):
    __tablename__ = "comment_delivery"

    comment_id: int = Field(foreign_key="comment.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    message_id: str
    queued: str
    received: str | None = None


# --- device sync (migration 0011) ----------------------------------------------------------


class SyncState(SQLModel, table=True):
    """This device's side of device sync: at most one row (id 1), absent until `devices set`."""

    __tablename__ = "sync_state"

    id: int | None = Field(default=None, primary_key=True)
    device_id: str  # random hex; names this device's objects in the place
    device_name: str
    device_private: bytes  # X25519 private key: the sync key is wrapped to it after a rotation
    kind: str  # folder | webdav | s3
    location: str
    bucket: str | None = None
    user: str | None = None
    secret: str | None = None  # WebDAV password or S3 secret key (inside the encrypted file)
    place_id: str  # the random id in the place's marker
    epoch: int = 1  # the sync key in use (a removed device raises it)
    counter: int = 0  # the last version number this device gave a change
    seq: int = 0  # the last change set this device wrote
    clock: int = 0  # hybrid logical clock (ms * 1000 + logical), orders versions for display
    created: str
    last_sync: str | None = None
    unreachable_since: str | None = None
    last_error: str | None = None


class SyncKey(SQLModel, table=True):
    """Every sync key this journal has known, by epoch (old change sets need old keys)."""

    __tablename__ = "sync_key"

    epoch: int = Field(primary_key=True)
    key: bytes


class SyncDoc(SQLModel, table=True):
    """The versions of one synced record that no other version supersedes (JSON list)."""

    __tablename__ = "sync_doc"

    key: str = Field(primary_key=True)
    tbl: str
    heads: str
    conflict: bool = Field(default=False, index=True)


class SyncMap(SQLModel, table=True):
    """Which local row holds which synced record (row ids differ between devices)."""

    __tablename__ = "sync_map"

    tbl: str = Field(primary_key=True)
    rid: int = Field(primary_key=True)
    key: str = Field(unique=True)


class SyncDirty(SQLModel, table=True):
    """Rows written since the last capture; filled by triggers, in the writer's transaction."""

    __tablename__ = "sync_dirty"

    tbl: str = Field(primary_key=True)
    rid: int = Field(primary_key=True)


class SyncApplied(SQLModel, table=True):
    """Objects of the place already merged here (change sets, snapshots)."""

    __tablename__ = "sync_applied"

    name: str = Field(primary_key=True)
    applied: str


class SyncOutbox(SQLModel, table=True):
    """Sealed objects written here and not yet stored in the place."""

    __tablename__ = "sync_outbox"

    name: str = Field(primary_key=True)
    data: bytes
    created: str


class SyncAlias(SQLModel, table=True):
    """A record two devices created for the same thing, merged into the one it names."""

    __tablename__ = "sync_alias"

    key: str = Field(primary_key=True)
    target: str


class SyncDevice(SQLModel, table=True):
    """The devices of this journal as the place last described them."""

    __tablename__ = "sync_device"

    device_id: str = Field(primary_key=True)
    name: str
    public: bytes
    joined: str
    last_sync: str | None = None
    removed: bool = False


class ExchangeItem(SQLModel, table=True):
    """Something of ours beyond entries and comments that travels to one person (migration
    0010): a programme copy, a session summary, what I want to bring, a discussion record or
    its confirmation. Only a changed digest makes a new version."""

    __tablename__ = "exchange_item"

    kind: str = Field(primary_key=True)  # programme | session | bring | discussion | confirmation
    ref: str = Field(primary_key=True)  # the item's uid
    person_id: int = Field(
        foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    active: bool = True
    version: int = 0
    sent_hash: str | None = None
    queued: str | None = None
    received: str | None = None


class ReceivedItem(SQLModel, table=True):
    """The newest version applied of an item someone sent us (any kind but entries)."""

    __tablename__ = "received_item"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(primary_key=True)
    ref: str = Field(primary_key=True)
    version: int
    arrived: str  # when the newest version arrived here


class SessionNote(SQLModel, table=True):
    """A coach's session summary for the coachee: written here, or received from one's coach."""

    __tablename__ = "session_note"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    session_id: int | None = Field(
        default=None, foreign_key="coaching_session.id", ondelete="SET NULL"
    )
    date: str  # ISO day of the session
    summary: str
    origin: str  # mine | received
    created: str
    updated: str


class BringItem(SQLModel, table=True):
    """Something a coachee wants to bring to the next session (sent to, or received by, the
    coach or mentor)."""

    __tablename__ = "bring_item"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    text: str
    origin: str  # mine | received
    written: str
    arrived: str | None = None  # received ones: when it arrived (the prep brief's period)


# --- attachments and links between entries (migration 0012) --------------------------------


class Attachment(SQLModel, table=True):
    """An image or PDF attached to an entry, kept inside the encrypted journal (never as a
    loose file). ``name`` is unique within its entry: the text refers to it as ``![[name]]``."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ux_attachment_entry_name", "entry_id", "name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", ondelete="CASCADE")
    name: str
    mime: str  # image/png | image/jpeg | image/gif | image/webp | application/pdf
    size: int
    width: int | None = None
    height: int | None = None
    sha256: str
    data: bytes
    created: str


class EntryLink(SQLModel, table=True):
    """A link written in one entry's text (``[[Title]]``, ``[text](Note.md)``) that leads to
    another entry. ``target`` is the link as written (normalised), so a link resolved once (an
    imported note's file name) keeps its entry when the text is edited."""

    __tablename__ = "entry_link"

    source_id: int = Field(foreign_key="entry.id", primary_key=True, ondelete="CASCADE")
    target: str = Field(primary_key=True)
    target_id: int = Field(foreign_key="entry.id", index=True, ondelete="CASCADE")


# --- the trash (issue 18) ------------------------------------------------------------------


class Trash(SQLModel, table=True):
    """A deleted entry, kept for 30 days so it can be restored (services/trash.py)."""

    __tablename__ = "trash"

    id: int | None = Field(default=None, primary_key=True)
    entry_uid: str
    kind: str
    title: str
    deleted: str = Field(index=True)  # UTC ISO time it was deleted
    payload: str  # JSON: the entry row and the rows that hang off it
