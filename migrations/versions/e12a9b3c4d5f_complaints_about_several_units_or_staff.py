"""A complaint may be about several units and named staff, marked at any time

Revision ID: e12a9b3c4d5f
Revises: c5e1f0a9d216
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12a9b3c4d5f'
down_revision = 'c5e1f0a9d216'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_complaint_target_message_id_message'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_complaint_target_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_complaint_target_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_target'))
    )
    with op.batch_alter_table('complaint_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_target_message_id'), ['message_id'], unique=False)
    op.execute("INSERT INTO complaint_target (message_id, unit_id) "
               "SELECT id, about_unit_id FROM message WHERE about_unit_id IS NOT NULL")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_about_unit_id'))
        batch_op.drop_constraint(batch_op.f('fk_message_about_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('about_unit_id')


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('about_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_about_unit_id_unit'), 'unit', ['about_unit_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_message_about_unit_id'), ['about_unit_id'], unique=False)
    op.execute("UPDATE message SET about_unit_id = (SELECT MIN(unit_id) FROM complaint_target "
               "WHERE complaint_target.message_id = message.id)")
    with op.batch_alter_table('complaint_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_target_message_id'))
    op.drop_table('complaint_target')
