"""device sync: who published an exchange message, and records merged into another

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 00:20:00

The exchange's outbox now travels between a journal's devices. ``outbox.publisher`` is the
device that stored a message in the exchange's place: only that device stores it again if
it goes missing there, so a message the other side already took (and pruned) is never sent
twice by a device that has not yet heard so. ``sync_alias`` remembers records that two
devices created for the same thing (the agreement with one person): the one with the larger
key is merged into the other, on every device alike, and its later versions follow it there.
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE outbox ADD COLUMN publisher VARCHAR")
    op.execute(
        "CREATE TABLE sync_alias (key VARCHAR NOT NULL PRIMARY KEY, target VARCHAR NOT NULL)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE sync_alias")
    op.execute("ALTER TABLE outbox DROP COLUMN publisher")
