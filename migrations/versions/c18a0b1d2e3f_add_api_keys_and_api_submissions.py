"""Add the Open311 API's keys and the messages submitted through it

Revision ID: c18a0b1d2e3f
Revises: a37b6801c6e0
Create Date: 2026-12-02 18:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c18a0b1d2e3f'
down_revision = 'c12e0a7b5d31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client', sa.String(length=80), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_key_created_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
    )
    op.create_table(
        'api_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_key.id'], name=op.f('fk_api_submission_api_key_id_api_key')),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_api_submission_message_id_message'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_submission')),
        sa.UniqueConstraint('token', name=op.f('uq_api_submission_token')),
    )
    with op.batch_alter_table('api_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_submission_api_key_id'), ['api_key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_submission_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_submission_message_id'))
        batch_op.drop_index(batch_op.f('ix_api_submission_api_key_id'))
    op.drop_table('api_submission')
    op.drop_table('api_key')
