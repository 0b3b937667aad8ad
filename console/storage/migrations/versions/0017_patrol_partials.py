"""running patrol summaries of the day in progress, so that the month in progress's scorecards read only the
positions since the last one

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 11:15:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'patrol_partials',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.Integer(), nullable=False),
        sa.Column('through', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=True),
        sa.Column('duty_from_h', sa.SmallInteger(), nullable=False),
        sa.Column('duty_to_h', sa.SmallInteger(), nullable=False),
        sa.Column('distance_m', sa.Float(), nullable=False),
        sa.Column('patrol_s', sa.Float(), nullable=False),
        sa.Column('outside_s', sa.Float(), nullable=False),
        sa.Column('covered_s', sa.Float(), nullable=False),
        sa.Column('duty_covered_s', sa.Float(), nullable=False),
        sa.Column('fixes', sa.Integer(), nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('computed_at', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'worker_id'),
    )


def downgrade() -> None:
    op.drop_table('patrol_partials')
