"""Record who took a phone caller's rating on callback (R12.6)

Revision ID: b14d6a1e3c77
Revises: a14c2e7f5b90
Create Date: 2026-12-03 07:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b14d6a1e3c77'
down_revision = 'a14c2e7f5b90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rating_recorded_by_id_user'), 'user', ['recorded_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rating_recorded_by_id_user'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
