"""revalidation records: account details, CPD hours, feedback log, reflective discussions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:10:00

One new table, so existing journals upgrade without touching a row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_S = sa.String


def upgrade() -> None:
    op.create_table(
        "revalidation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", _S(), nullable=False),
        sa.Column("kind", _S(), nullable=False),
        sa.Column("date", _S(), nullable=False),
        sa.Column("title", _S(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("account_type", _S(), nullable=False),
        sa.Column("themes", _S(), nullable=False),
        sa.Column("benefit", _S(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("participatory", sa.Boolean(), nullable=False),
        sa.Column("method", _S(), nullable=False),
        sa.Column("notes", _S(), nullable=False),
        sa.Column("colleague_name", _S(), nullable=False),
        sa.Column("colleague_pin", _S(), nullable=False),
        sa.Column("colleague_email", _S(), nullable=False),
        sa.Column("confirmed_by", _S(), nullable=False),
        sa.Column("confirmed_at", _S(), nullable=True),
        sa.Column("confirmation", _S(), nullable=False),
        sa.Column("origin", _S(), nullable=False),
        sa.Column("created", _S(), nullable=False),
        sa.Column("updated", _S(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_revalidation_record_kind", "revalidation_record", ["kind"])
    op.create_index("ix_revalidation_record_entry_id", "revalidation_record", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_revalidation_record_entry_id", table_name="revalidation_record")
    op.drop_index("ix_revalidation_record_kind", table_name="revalidation_record")
    op.drop_table("revalidation_record")
