"""covering index for filtered search

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 19:15:00

A search with a date, kind, mood, visibility, starred or sender filter checks each full-text
match against its entry. Looking the entry up by id reads the table page that also holds its
body (1 KB or more, decrypted on every read): ~30 us per match, 1.4 s for a common word at
100k entries. This index holds only the filterable columns, keyed by id, so the same check
reads a few MB that stay in the page cache (services/search.py uses it with INDEXED BY).
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ["id", "created", "kind", "visibility", "mood", "starred", "sender_id"]


def upgrade() -> None:
    op.create_index("ix_entry_facets", "entry", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_entry_facets", table_name="entry")
