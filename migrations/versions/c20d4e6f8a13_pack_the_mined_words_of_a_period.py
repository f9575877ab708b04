"""Pack the words mined from a period (ids into a vocabulary) instead of one JSON entry per message

The open month's report adds the messages new since the last `flask tick` to the words stored then;
parsing 10,000 JSON strings and rebuilding their sets cost more than a second at every view. The
stored periods keep their keywords, pairs and groups (a closed period's report needs no words); the
open month's words are packed again by the next tick, which mines it once in full.

Revision ID: c20d4e6f8a13
Revises: b15c7e2a9f10
Create Date: 2026-12-03 12:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c20d4e6f8a13'
down_revision = 'b15c7e2a9f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mined_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('packed', sa.LargeBinary(), nullable=True))
        batch_op.drop_column('words')


def downgrade():
    # the words are not unpacked: an empty set of words makes the next tick mine its periods again
    with op.batch_alter_table('mined_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('words', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.drop_column('packed')
