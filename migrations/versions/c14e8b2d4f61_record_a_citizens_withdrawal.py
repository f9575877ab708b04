"""Record when a citizen withdrew a message (R12.5)

Revision ID: c14e8b2d4f61
Revises: b14d6a1e3c77
Create Date: 2026-12-03 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c14e8b2d4f61'
down_revision = 'b14d6a1e3c77'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
