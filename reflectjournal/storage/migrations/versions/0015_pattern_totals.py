"""pattern totals kept by triggers on the digest

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 07:10:00

Patterns over the whole journal summed every digest row three times (per tag, per pair of
tags, per day): ~150 ms at 100k entries over a century. This adds the totals tables and their
triggers (storage/digest.py says what they hold) and fills them from the digest.
"""

from alembic import op

from reflectjournal.storage import digest

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in digest.TOTAL_TABLES + digest.TOTAL_TRIGGERS:
        op.execute(statement)
    for statement in digest.totals_fill_statements():
        op.execute(statement)


def downgrade() -> None:
    for statement in digest.TOTALS_DROP:
        op.execute(statement)
