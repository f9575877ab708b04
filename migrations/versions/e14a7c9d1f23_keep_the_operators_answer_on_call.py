"""Keep the operator's answer given during the call (即时办结, R12.2)

Revision ID: e14a7c9d1f23
Revises: d14f3c5a6b82
Create Date: 2026-12-03 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14a7c9d1f23'
down_revision = 'd14f3c5a6b82'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_call_answer', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('on_call_answer')
