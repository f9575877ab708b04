"""Index the messages' content words (keyed hashes) for repeat hints at intake

Revision ID: d18e9a4c1b32
Revises: c15d8f3b0a21
Create Date: 2026-12-03 09:30:00.000000

Fill it once after upgrading: `flask --app wsgi repeats reindex`.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd18e9a4c1b32'
down_revision = 'c15d8f3b0a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('similarity_term',
    sa.Column('term', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('message_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'received_at', 'message_id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('similarity_term', schema=None) as batch_op:
        batch_op.create_index('ix_similarity_term_message', ['message_id', 'term'], unique=False)


def downgrade():
    with op.batch_alter_table('similarity_term', schema=None) as batch_op:
        batch_op.drop_index('ix_similarity_term_message')

    op.drop_table('similarity_term')
