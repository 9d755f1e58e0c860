"""attachments inside the journal, and links between entries

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 21:30:00

``attachment`` keeps images and PDFs attached to an entry as blobs inside the encrypted file
(so backups and copies carry them, and nothing lands on disk in the clear); deleting an entry
deletes its attachments. ``entry_link`` records which entry each link in an entry's text leads
to (for "Linked from…" and to keep an imported note's links resolved after edits).
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_STATEMENTS = [
    """CREATE TABLE attachment (
        id INTEGER NOT NULL PRIMARY KEY,
        entry_id INTEGER NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
        name VARCHAR NOT NULL,
        mime VARCHAR NOT NULL,
        size INTEGER NOT NULL,
        width INTEGER,
        height INTEGER,
        sha256 VARCHAR NOT NULL,
        data BLOB NOT NULL,
        created VARCHAR NOT NULL
    )""",
    "CREATE UNIQUE INDEX ux_attachment_entry_name ON attachment (entry_id, name)",
    """CREATE TABLE entry_link (
        source_id INTEGER NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
        target VARCHAR NOT NULL,
        target_id INTEGER NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
        PRIMARY KEY (source_id, target)
    )""",
    "CREATE INDEX ix_entry_link_target_id ON entry_link (target_id)",
    # [[Title]] is resolved by title, case-insensitively, without reading the bodies.
    "CREATE INDEX ix_entry_title_nocase ON entry (title COLLATE NOCASE)",
]


def upgrade() -> None:
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP INDEX ix_entry_title_nocase")
    op.execute("DROP TABLE entry_link")
    op.execute("DROP TABLE attachment")
