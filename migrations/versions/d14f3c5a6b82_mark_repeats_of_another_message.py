"""Mark a message as a repeat of another (重复件, R12.4)

Revision ID: d14f3c5a6b82
Revises: c14e8b2d4f61
Create Date: 2026-12-03 08:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd14f3c5a6b82'
down_revision = 'c14e8b2d4f61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_repeat_of_id_message'), 'message', ['repeat_of_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_message_repeat_of_id'), ['repeat_of_id'], unique=False)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_repeat_of_id'))
        batch_op.drop_constraint(batch_op.f('fk_message_repeat_of_id_message'), type_='foreignkey')
        batch_op.drop_column('repeat_of_id')
