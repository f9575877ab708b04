"""Record the leader a leaders' board message was addressed to (人民网: 省长 or 市长)

Revision ID: f13a4d2c9e01
Revises: e12a9b3c4d5f
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f13a4d2c9e01'
down_revision = 'e12a9b3c4d5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressee', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('addressee')
