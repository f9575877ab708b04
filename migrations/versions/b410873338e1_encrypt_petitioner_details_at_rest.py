"""Encrypt petitioner details at rest

Revision ID: b410873338e1
Revises: 87f512888e47
Create Date: 2026-11-24 21:56:51.983716

"""
from alembic import op
import sqlalchemy as sa

from portal import crypto


# revision identifiers, used by Alembic.
revision = 'b410873338e1'
down_revision = '87f512888e47'
branch_labels = None
depends_on = None


FIELDS = {"name": 100, "phone": 100, "email": 200, "address": 300, "id_number": 100}


def upgrade():
    with op.batch_alter_table('petitioner', schema=None) as batch_op:
        for name, length in FIELDS.items():
            batch_op.alter_column(name, existing_type=sa.String(length=length), type_=sa.Text(),
                                  existing_nullable=False)
    # Encrypt the details already stored, with the key in force (app context of `flask db upgrade`).
    bind = op.get_bind()
    petitioner = sa.table("petitioner", sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n in FIELDS))
    for row in bind.execute(sa.select(petitioner)).mappings().all():
        values = {n: crypto.encrypt(row[n]) for n in FIELDS if row[n] and not row[n].startswith("gAAAAA")}
        if values:
            bind.execute(petitioner.update().where(petitioner.c.id == row["id"]).values(**values))


def downgrade():
    bind = op.get_bind()
    petitioner = sa.table("petitioner", sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n in FIELDS))
    for row in bind.execute(sa.select(petitioner)).mappings().all():
        values = {n: crypto.decrypt(row[n]) for n in FIELDS if row[n]}
        if values:
            bind.execute(petitioner.update().where(petitioner.c.id == row["id"]).values(**values))
    with op.batch_alter_table('petitioner', schema=None) as batch_op:
        for name, length in FIELDS.items():
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=length),
                                  existing_nullable=False)
