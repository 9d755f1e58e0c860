"""trash: deleted entries kept 30 days, restorable

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 22:00:00

Deleting an entry moves it here first: the entry's row and the rows that hang off it (its
sections, tags, comments, the coaching session it holds, privacy choices) as one JSON payload,
inside the same encrypted file. Restoring puts them back; after 30 days they go for good.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE trash (
            id INTEGER NOT NULL PRIMARY KEY,
            entry_uid VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            deleted VARCHAR NOT NULL,
            payload VARCHAR NOT NULL
        )"""
    )
    op.execute("CREATE INDEX ix_trash_deleted ON trash (deleted)")


def downgrade() -> None:
    op.execute("DROP TABLE trash")
