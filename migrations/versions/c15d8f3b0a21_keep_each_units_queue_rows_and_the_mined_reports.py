"""Keep each unit's queue rows; keep what the report mined from a closed period

Revision ID: c15d8f3b0a21
Revises: e17a1b2c3d4e
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c15d8f3b0a21'
down_revision = 'e17a1b2c3d4e'
branch_labels = None
depends_on = None

COPIED = ("received_at", "status", "redo_round", "lead_unit_id", "lead_due_date", "tracking_no", "subject",
          "channel", "category", "region", "anonymous")


def upgrade():
    op.create_table('unit_message',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('redo_round', sa.Integer(), nullable=False),
    sa.Column('lead_unit_id', sa.Integer(), nullable=True),
    sa.Column('lead_due_date', sa.Date(), nullable=True),
    sa.Column('tracking_no', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_unit_message_message_id_message'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_message_unit_id_unit')),
    sa.PrimaryKeyConstraint('message_id', 'unit_id', name=op.f('pk_unit_message'))
    )
    # Fill it in from the assignments (the services keep it from now on), then index it.
    columns = ", ".join(COPIED)
    op.execute(f"""INSERT INTO unit_message (message_id, unit_id, {columns})
        SELECT m.id, pairs.unit_id, {", ".join(f"m.{c}" for c in COPIED)}
        FROM message m JOIN (SELECT DISTINCT message_id, unit_id FROM assignment) pairs ON pairs.message_id = m.id""")
    with op.batch_alter_table('unit_message', schema=None) as batch_op:
        batch_op.create_index('ix_unit_message_due', ['unit_id', 'lead_due_date', 'message_id'], unique=False)
        batch_op.create_index('ix_unit_message_received', ['unit_id', 'received_at', 'message_id'], unique=False,
                              postgresql_include=['lead_unit_id', 'tracking_no', 'subject', 'anonymous'])
        batch_op.create_index('ix_unit_message_status',
                              ['unit_id', 'status', 'lead_due_date', 'redo_round', 'message_id'], unique=False)

    op.create_table('mined_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('pairs', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('mined_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mined_period')),
    sa.UniqueConstraint('period', name=op.f('uq_mined_period_period'))
    )


def downgrade():
    op.drop_table('mined_period')
    with op.batch_alter_table('unit_message', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_message_status')
        batch_op.drop_index('ix_unit_message_received')
        batch_op.drop_index('ix_unit_message_due')
    op.drop_table('unit_message')
