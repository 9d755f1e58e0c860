"""covering index for the patterns scan

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 08:30:00

The patterns read every entry's time, offset, kind, mood, energy and model. From the table that
means decrypting the pages that also hold the bodies (~120 MB at 100k entries); this index holds
just those columns, so the scan reads a few MB instead. Likewise the reflection loop asks which
"action plan" sections have text; a partial index of the filled sections answers that without
reading their bodies.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ["created", "created_offset", "kind", "mood", "energy", "model"]
FILLED = "trim(body) != ''"


def upgrade() -> None:
    op.create_index("ix_entry_patterns", "entry", COLUMNS, unique=False)
    op.create_index(
        "ix_entry_section_filled",
        "entry_section",
        ["key", "entry_id"],
        unique=False,
        sqlite_where=sa.text(FILLED),
    )


def downgrade() -> None:
    op.drop_index("ix_entry_section_filled", table_name="entry_section")
    op.drop_index("ix_entry_patterns", table_name="entry")
