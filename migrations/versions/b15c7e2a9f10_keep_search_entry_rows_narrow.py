"""Keep search entries narrow (texts and tsvector out of line) and add pairs of characters to their terms

A search counts matches and orders them by date from the table's rows; with the texts inline those
rows are 1.3 KB (134 MB for 100,000 entries), out of line ~100 bytes (17 MB). Quoted phrases of 汉字 are
now looked up by their pairs of characters, so every entry's tsvector is rebuilt here from its own
texts (a few minutes per 100,000 entries: the analyzer runs in Python), which also moves it out of line.

Revision ID: b15c7e2a9f10
Revises: d18e9a4c1b32
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b15c7e2a9f10'
down_revision = 'd18e9a4c1b32'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from portal.search.postgres_backend import tsvector

    op.execute("ALTER TABLE search_entry SET (toast_tuple_target = 128)")
    last = 0
    while rows := bind.execute(sa.text("SELECT id, subject, body, reply FROM search_entry WHERE id > :last "
                                       "ORDER BY id LIMIT 1000"), {"last": last}).all():
        bind.execute(sa.text("UPDATE search_entry SET terms = CAST(:terms AS tsvector) WHERE id = :id"),
                     [{"id": row.id, "terms": tsvector(f"{row.subject}\n{row.body}\n{row.reply}")} for row in rows])
        last = rows[-1].id


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entry RESET (toast_tuple_target)")
