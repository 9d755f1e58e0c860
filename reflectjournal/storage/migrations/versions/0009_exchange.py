"""the exchange: places, recipients per entry, outbox, inbox and receipts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:40:00

Entries are now shared with people, not a visibility level: ``entry_share`` holds each entry's
recipients (and what went to them, and when it was received). Existing entries whose
visibility was ``mentor`` or ``coach`` are shared with every contact of that role who has keys.
``outbox`` holds sealed messages until a receipt says they arrived; ``inbox`` remembers what
was applied (so a message applied twice changes nothing); ``received_share`` keeps the newest
version seen of each entry someone shared with us (a withdrawal is a version too);
``comment_delivery`` records which comments were queued for whom.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE exchange_place (
        id INTEGER NOT NULL PRIMARY KEY,
        person_id INTEGER REFERENCES person (id) ON DELETE CASCADE,
        kind VARCHAR NOT NULL,
        location VARCHAR NOT NULL,
        bucket VARCHAR,
        user VARCHAR,
        secret VARCHAR,
        place_id VARCHAR NOT NULL,
        created VARCHAR NOT NULL,
        last_sync VARCHAR,
        unreachable_since VARCHAR,
        last_error VARCHAR
    )""",
    "CREATE UNIQUE INDEX ix_exchange_place_person_id ON exchange_place (person_id)",
    """CREATE TABLE entry_share (
        entry_id INTEGER NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        active BOOLEAN NOT NULL DEFAULT 1,
        allow_identifiers BOOLEAN NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,
        sent_hash VARCHAR,
        entry_updated VARCHAR,
        held VARCHAR,
        queued VARCHAR,
        sent VARCHAR,
        received VARCHAR,
        PRIMARY KEY (entry_id, person_id)
    )""",
    "CREATE INDEX ix_entry_share_person_id ON entry_share (person_id)",
    """CREATE TABLE outbox (
        message_id VARCHAR NOT NULL PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        kind VARCHAR NOT NULL,
        ref VARCHAR,
        version INTEGER,
        sealed BLOB NOT NULL,
        created VARCHAR NOT NULL,
        published VARCHAR,
        received VARCHAR
    )""",
    "CREATE INDEX ix_outbox_person_id ON outbox (person_id)",
    """CREATE TABLE inbox (
        message_id VARCHAR NOT NULL PRIMARY KEY,
        person_id INTEGER REFERENCES person (id) ON DELETE CASCADE,
        kind VARCHAR NOT NULL,
        applied VARCHAR NOT NULL,
        receipt_id VARCHAR
    )""",
    "CREATE INDEX ix_inbox_person_id ON inbox (person_id)",
    """CREATE TABLE received_share (
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        ref VARCHAR NOT NULL,
        version INTEGER NOT NULL,
        withdrawn BOOLEAN NOT NULL DEFAULT 0,
        arrived VARCHAR NOT NULL,
        PRIMARY KEY (person_id, ref)
    )""",
    """CREATE TABLE comment_delivery (
        comment_id INTEGER NOT NULL REFERENCES comment (id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        message_id VARCHAR NOT NULL,
        queued VARCHAR NOT NULL,
        received VARCHAR,
        PRIMARY KEY (comment_id, person_id)
    )""",
]

# Any change to what leaves for a recipient marks the entry's shares for a fresh look at the
# next sync (entry.updated has one-second resolution, so it cannot tell on its own).
_DIRTY = "UPDATE entry_share SET entry_updated = NULL WHERE entry_id = {row}.entry_id"
_TRIGGERS = [
    "CREATE TRIGGER entry_share_entry_au AFTER UPDATE OF title, body, created, model ON entry "
    "BEGIN UPDATE entry_share SET entry_updated = NULL WHERE entry_id = new.id; END",
    "CREATE TRIGGER entry_share_tag_ai AFTER INSERT ON entry_tag "
    f"BEGIN {_DIRTY.format(row='new')}; END",
    "CREATE TRIGGER entry_share_tag_ad AFTER DELETE ON entry_tag "
    f"BEGIN {_DIRTY.format(row='old')}; END",
    "CREATE TRIGGER entry_share_section_ai AFTER INSERT ON entry_section "
    f"BEGIN {_DIRTY.format(row='new')}; END",
    "CREATE TRIGGER entry_share_section_au AFTER UPDATE ON entry_section "
    f"BEGIN {_DIRTY.format(row='new')}; END",
    "CREATE TRIGGER entry_share_section_ad AFTER DELETE ON entry_section "
    f"BEGIN {_DIRTY.format(row='old')}; END",
]

# Visibility meant "every mentor" / "every coach": those contacts become the entry's recipients.
_MIGRATE_VISIBILITY = """
    INSERT OR IGNORE INTO entry_share (entry_id, person_id, active, allow_identifiers, version)
    SELECT e.id, p.id, 1, 0, 0 FROM entry e JOIN person p ON p.role = e.visibility
    WHERE e.kind != 'shared' AND e.visibility IN ('mentor', 'coach')
      AND p.fingerprint IS NOT NULL
"""


def upgrade() -> None:
    for statement in _TABLES + _TRIGGERS:
        op.execute(statement)
    op.execute(_MIGRATE_VISIBILITY)


def downgrade() -> None:
    for statement in _TRIGGERS:
        op.execute("DROP TRIGGER " + statement.split()[2])
    for table in (
        "comment_delivery",
        "received_share",
        "inbox",
        "outbox",
        "entry_share",
        "exchange_place",
    ):
        op.execute(f"DROP TABLE {table}")
