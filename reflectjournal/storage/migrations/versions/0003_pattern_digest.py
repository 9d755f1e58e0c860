"""pattern digest kept by triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:10:00

Patterns used to work out every entry's local day and tag list on each recomputation (~350 ms
at 100k entries). This adds the digest tables and their triggers (storage/digest.py says what
they hold) and fills them from the entries already in the journal.
"""

from alembic import op

from reflectjournal.storage import digest

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in digest.TABLES + digest.TRIGGERS:
        op.execute(statement)
    top = op.get_bind().exec_driver_sql("SELECT max(id) FROM entry").scalar()
    if top is not None:
        for statement in digest.fill_statements(0, top):
            op.execute(statement)


def downgrade() -> None:
    for statement in digest.DROP:
        op.execute(statement)
