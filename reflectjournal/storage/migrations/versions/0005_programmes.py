"""coaching and mentoring programmes: agreements, goals, goal ratings, 360 scores

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 18:45:00

New tables only, so existing journals upgrade without touching a row. The `mentee` role and
the retention and care-note settings need no schema (`person.role` and `setting` are text).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_S = sa.String


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", _S(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", _S(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=True),
        sa.Column("frequency", _S(), nullable=False),
        sa.Column("confidentiality", _S(), nullable=False),
        sa.Column("limits", _S(), nullable=False),
        sa.Column("sponsor", _S(), nullable=False),
        sa.Column("sponsor_consent", sa.Boolean(), nullable=False),
        sa.Column("start", _S(), nullable=True),
        sa.Column("review", _S(), nullable=True),
        sa.Column("until", _S(), nullable=True),
        sa.Column("no_fault", _S(), nullable=False),
        sa.Column("ended", _S(), nullable=True),
        sa.Column("end_review", _S(), nullable=False),
        sa.Column("origin", _S(), nullable=False),
        sa.Column("created", _S(), nullable=False),
        sa.Column("updated", _S(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sa.UniqueConstraint("person_id"),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", _S(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("text", _S(), nullable=False),
        sa.Column("status", _S(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("origin", _S(), nullable=False),
        sa.Column("created", _S(), nullable=False),
        sa.Column("updated", _S(), nullable=False),
        sa.Column("closed", _S(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_goal_person_id", "goal", ["person_id"])
    op.create_table(
        "goal_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", _S(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("date", _S(), nullable=False),
        sa.Column("note", _S(), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_goal_rating_goal_id", "goal_rating", ["goal_id"])
    op.create_table(
        "feedback_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report", _S(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("taken", _S(), nullable=False),
        sa.Column("title", _S(), nullable=False),
        sa.Column("dimension", _S(), nullable=False),
        sa.Column("rater_group", _S(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("raters", sa.Integer(), nullable=True),
        sa.Column("imported", _S(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_score_person_id", "feedback_score", ["person_id"])
    op.create_index("ix_feedback_score_report", "feedback_score", ["report", "dimension"])


def downgrade() -> None:
    op.drop_table("feedback_score")
    op.drop_table("goal_rating")
    op.drop_table("goal")
    op.drop_table("agreement")
