"""full-text index leaves that fit a page

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 12:00:00

FTS5 writes its index as leaves of up to 4,050 bytes by default, sized for SQLite's 4,096-byte
page. SQLCipher keeps 80 bytes of every page for the IV and the page's HMAC, so a row holds at
most 3,981 bytes before the rest spills to an overflow page: almost every full leaf took a page
and a half, and a page more to encrypt and authenticate when written. Leaves of 3,960 bytes fit
(the largest seen after a 100k-entry import: 3,962 bytes with the row's header). Existing
leaves stay as they are until a merge rewrites them.
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PAGE_SIZE = 3960
DEFAULT_PAGE_SIZE = 4050  # FTS5's own


def upgrade() -> None:
    op.execute(f"INSERT INTO entry_fts(entry_fts, rank) VALUES ('pgsz', {PAGE_SIZE})")


def downgrade() -> None:
    op.execute(f"INSERT INTO entry_fts(entry_fts, rank) VALUES ('pgsz', {DEFAULT_PAGE_SIZE})")
