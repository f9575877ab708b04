"""Keep what a user typed into an action form until it is submitted (encrypted); the unit a citizen
wrote to (留言对象)

Revision ID: e17a1b2c3d4e
Revises: a15c3e7d9b02
Create Date: 2026-12-03 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17a1b2c3d4e'
down_revision = 'a15c3e7d9b02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id', 'user_id', 'action'),
    )
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_draft_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_draft_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('addressed_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_message_addressed_unit_id_unit', 'unit', ['addressed_unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint('fk_message_addressed_unit_id_unit', type_='foreignkey')
        batch_op.drop_column('addressed_unit_id')
    op.drop_table('form_draft')
