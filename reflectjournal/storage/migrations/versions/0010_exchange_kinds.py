"""exchange kinds: programme copies, session summaries, "what I want to bring", confirmations

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:40:00

``exchange_item`` is the sender's side of every message kind beyond entries and comments: one
row per (kind, item, recipient) that was chosen to travel, with the version last queued and the
digest of what went, so only changes travel and a receipt can say which version arrived.
``received_item`` is the receiver's side: the newest version applied per sender and item, so
an older copy arriving late changes nothing. ``session_note`` holds a coach's session summaries
(written here, or received from one's coach); ``bring_item`` what a coachee wants to bring to
the next session. Actions received from a coach say who set them and in which summary
(``action.from_id``, ``action.note_uid``); a reflective discussion record remembers which
contact it went to or came from (``revalidation_record.person_id``). New tables and nullable
columns only, so existing journals upgrade without touching a row.
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE exchange_item (
        kind VARCHAR NOT NULL,
        ref VARCHAR NOT NULL,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        active BOOLEAN NOT NULL DEFAULT 1,
        version INTEGER NOT NULL DEFAULT 0,
        sent_hash VARCHAR,
        queued VARCHAR,
        received VARCHAR,
        PRIMARY KEY (kind, ref, person_id)
    )""",
    "CREATE INDEX ix_exchange_item_person_id ON exchange_item (person_id)",
    """CREATE TABLE received_item (
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        kind VARCHAR NOT NULL,
        ref VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        arrived VARCHAR NOT NULL,
        PRIMARY KEY (person_id, kind, ref)
    )""",
    """CREATE TABLE session_note (
        id INTEGER NOT NULL PRIMARY KEY,
        uid VARCHAR NOT NULL UNIQUE,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        session_id INTEGER REFERENCES coaching_session (id) ON DELETE SET NULL,
        date VARCHAR NOT NULL,
        summary VARCHAR NOT NULL,
        origin VARCHAR NOT NULL,
        created VARCHAR NOT NULL,
        updated VARCHAR NOT NULL
    )""",
    "CREATE INDEX ix_session_note_person_id ON session_note (person_id)",
    """CREATE TABLE bring_item (
        id INTEGER NOT NULL PRIMARY KEY,
        uid VARCHAR NOT NULL UNIQUE,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        text VARCHAR NOT NULL,
        origin VARCHAR NOT NULL,
        written VARCHAR NOT NULL,
        arrived VARCHAR
    )""",
    "CREATE INDEX ix_bring_item_person_id ON bring_item (person_id)",
]
# Plain ALTER TABLE ADD COLUMN: SQLite adds a nullable column without copying the table.
_COLUMNS = [
    "ALTER TABLE action ADD COLUMN from_id INTEGER REFERENCES person (id) ON DELETE SET NULL",
    "ALTER TABLE action ADD COLUMN note_uid VARCHAR",
    "ALTER TABLE revalidation_record ADD COLUMN person_id INTEGER "
    "REFERENCES person (id) ON DELETE SET NULL",
]


def upgrade() -> None:
    for statement in _TABLES:
        op.execute(statement)
    for statement in _COLUMNS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("ALTER TABLE revalidation_record DROP COLUMN person_id")
    op.execute("ALTER TABLE action DROP COLUMN note_uid")
    op.execute("ALTER TABLE action DROP COLUMN from_id")
    for table in ("bring_item", "session_note", "received_item", "exchange_item"):
        op.execute(f"DROP TABLE {table}")
