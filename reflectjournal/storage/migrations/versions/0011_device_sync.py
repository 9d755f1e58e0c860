"""device sync: this device's state, synced records, change capture and the outbox

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 21:40:00

The triggers that fill ``sync_dirty`` are not made here: they are installed when the journal
starts syncing (``devices set`` or ``init --join``), so a journal that never syncs pays
nothing on its writes.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TABLES = [
    """CREATE TABLE sync_state (
        id INTEGER NOT NULL PRIMARY KEY,
        device_id VARCHAR NOT NULL,
        device_name VARCHAR NOT NULL,
        device_private BLOB NOT NULL,
        kind VARCHAR NOT NULL,
        location VARCHAR NOT NULL,
        bucket VARCHAR,
        user VARCHAR,
        secret VARCHAR,
        place_id VARCHAR NOT NULL,
        epoch INTEGER NOT NULL DEFAULT 1,
        counter INTEGER NOT NULL DEFAULT 0,
        seq INTEGER NOT NULL DEFAULT 0,
        clock INTEGER NOT NULL DEFAULT 0,
        created VARCHAR NOT NULL,
        last_sync VARCHAR,
        unreachable_since VARCHAR,
        last_error VARCHAR
    )""",
    "CREATE TABLE sync_key (epoch INTEGER NOT NULL PRIMARY KEY, key BLOB NOT NULL)",
    """CREATE TABLE sync_doc (
        key VARCHAR NOT NULL PRIMARY KEY,
        tbl VARCHAR NOT NULL,
        heads VARCHAR NOT NULL,
        conflict BOOLEAN NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX ix_sync_doc_conflict ON sync_doc (conflict)",
    """CREATE TABLE sync_map (
        tbl VARCHAR NOT NULL,
        rid INTEGER NOT NULL,
        key VARCHAR NOT NULL,
        PRIMARY KEY (tbl, rid)
    )""",
    "CREATE UNIQUE INDEX ix_sync_map_key ON sync_map (key)",
    """CREATE TABLE sync_dirty (
        tbl VARCHAR NOT NULL,
        rid INTEGER NOT NULL,
        PRIMARY KEY (tbl, rid)
    )""",
    "CREATE TABLE sync_applied (name VARCHAR NOT NULL PRIMARY KEY, applied VARCHAR NOT NULL)",
    """CREATE TABLE sync_outbox (
        name VARCHAR NOT NULL PRIMARY KEY,
        data BLOB NOT NULL,
        created VARCHAR NOT NULL
    )""",
    """CREATE TABLE sync_device (
        device_id VARCHAR NOT NULL PRIMARY KEY,
        name VARCHAR NOT NULL,
        public BLOB NOT NULL,
        joined VARCHAR NOT NULL,
        last_sync VARCHAR,
        removed BOOLEAN NOT NULL DEFAULT 0
    )""",
]


def upgrade() -> None:
    for statement in _TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "sync_device",
        "sync_outbox",
        "sync_applied",
        "sync_dirty",
        "sync_map",
        "sync_doc",
        "sync_key",
        "sync_state",
    ):
        op.execute(f"DROP TABLE {table}")
