"""who has an incident open: one row per console and incident, refreshed while it is shown, stale after a minute

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 21:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident_presence',
    sa.Column('console_id', sa.String(length=32), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('since', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('console_id')
    )
    with op.batch_alter_table('incident_presence', schema=None) as batch_op:
        batch_op.create_index('ix_incident_presence_incident', ['incident_id', 'seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident_presence', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_presence_incident')
    op.drop_table('incident_presence')
