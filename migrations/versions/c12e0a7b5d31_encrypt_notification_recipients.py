"""Encrypt the outbox's recipients (name and phone or email) at rest, like the petitioner's details

Revision ID: c12e0a7b5d31
Revises: a37b6801c6e0
Create Date: 2026-12-02 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from portal import crypto


# revision identifiers, used by Alembic.
revision = 'c12e0a7b5d31'
down_revision = 'd13f0c1e2a77'
branch_labels = None
depends_on = None


FIELDS = {"recipient": 200, "recipient_name": 100}


def _table():
    return sa.table("notification", sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n in FIELDS))


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        for name, length in FIELDS.items():
            batch_op.alter_column(name, existing_type=sa.String(length=length), type_=sa.Text(),
                                  existing_nullable=False)
    # Encrypt what is already queued or sent, with the key in force (app context of `flask db upgrade`).
    bind = op.get_bind()
    notification = _table()
    for row in bind.execute(sa.select(notification)).mappings().all():
        values = {n: crypto.encrypt(row[n]) for n in FIELDS if row[n] and not row[n].startswith("gAAAAA")}
        if values:
            bind.execute(notification.update().where(notification.c.id == row["id"]).values(**values))


def downgrade():
    bind = op.get_bind()
    notification = _table()
    for row in bind.execute(sa.select(notification)).mappings().all():
        values = {n: crypto.decrypt(row[n]) for n in FIELDS if row[n]}
        if values:
            bind.execute(notification.update().where(notification.c.id == row["id"]).values(**values))
    with op.batch_alter_table('notification', schema=None) as batch_op:
        for name, length in FIELDS.items():
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length),
                                  existing_nullable=False)
