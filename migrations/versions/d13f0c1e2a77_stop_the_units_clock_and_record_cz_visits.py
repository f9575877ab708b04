"""Stop the unit's clock while the office holds its reply; CZ visits and legal review in the reply; false reports

Revision ID: d13f0c1e2a77
Revises: a37b6801c6e0
Create Date: 2026-12-02 19:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd13f0c1e2a77'
down_revision = 'a37b6801c6e0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_reviewer', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_opinion', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('reply', schema=None) as batch_op:  # the models keep their defaults in Python
        for name, kind in (('visit_note', sa.Text()), ('legal_reviewer', sa.String(length=40)),
                           ('legal_opinion', sa.Text())):
            batch_op.alter_column(name, existing_type=kind, existing_nullable=False, server_default=None)
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('false_report_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('false_report_reason')
    with op.batch_alter_table('reply', schema=None) as batch_op:
        batch_op.drop_column('legal_opinion')
        batch_op.drop_column('legal_reviewer')
        batch_op.drop_column('visit_note')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('submitted_on')
