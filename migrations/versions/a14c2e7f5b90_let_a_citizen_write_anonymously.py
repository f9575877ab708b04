"""Let a citizen write anonymously (R12.1): no unit sees who wrote

Revision ID: a14c2e7f5b90
Revises: f13a4d2c9e01
Create Date: 2026-12-03 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a14c2e7f5b90'
down_revision = 'f13a4d2c9e01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.alter_column('anonymous', server_default=None)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
