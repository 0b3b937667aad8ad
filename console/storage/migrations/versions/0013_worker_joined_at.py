"""when a grid worker took up the post, so that a worker who joined mid-month is assessed over the days in post

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 05:30:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('joined_at', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('joined_at')
