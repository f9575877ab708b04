"""Queue search index tasks with the decisions; search entries for PostgreSQL full text

Revision ID: a15c3e7d9b02
Revises: e14a7c9d1f23
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'a15c3e7d9b02'
down_revision = 'e14a7c9d1f23'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_task_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_task_next_try_at'), ['next_try_at'], unique=False)

    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('published', sa.DateTime(), nullable=False),
    sa.Column('answered', sa.DateTime(), nullable=True),
    sa.Column('terms', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index('ix_search_entry_terms', ['terms'], unique=False, postgresql_using='gin')
        batch_op.create_index(batch_op.f('ix_search_entry_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_unit'), ['unit'], unique=False)


def downgrade():
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entry_unit'))
        batch_op.drop_index(batch_op.f('ix_search_entry_published'))
        batch_op.drop_index('ix_search_entry_terms', postgresql_using='gin')

    op.drop_table('search_entry')
    with op.batch_alter_table('search_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_task_next_try_at'))
        batch_op.drop_index(batch_op.f('ix_search_task_message_id'))

    op.drop_table('search_task')
