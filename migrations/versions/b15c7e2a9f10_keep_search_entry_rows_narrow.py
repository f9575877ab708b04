"""Keep search entries narrow: their texts and tsvector out of line (toast_tuple_target=128)

A search counts matches and orders them by date from the table's rows; with the texts inline those
rows are 1.3 KB (134 MB for 100,000 entries), out of line ~100 bytes (17 MB). Entries already written
move out of line when they are next written; `flask reindex` rewrites them all.

Revision ID: b15c7e2a9f10
Revises: a15c3e7d9b02
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b15c7e2a9f10'
down_revision = 'a15c3e7d9b02'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entry SET (toast_tuple_target = 128)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entry RESET (toast_tuple_target)")
