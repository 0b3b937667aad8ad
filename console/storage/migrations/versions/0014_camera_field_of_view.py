"""each camera's field of view on the ground: viewing direction (degrees clockwise from north), angle of
view and range in metres, so that the core can say which cameras see a point (console.core.coverage)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 05:15:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cameras') as batch:
        batch.add_column(sa.Column('view_direction', sa.Float(), nullable=True))
        batch.add_column(sa.Column('view_angle', sa.Float(), nullable=True))
        batch.add_column(sa.Column('view_range', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cameras') as batch:
        batch.drop_column('view_range')
        batch.drop_column('view_angle')
        batch.drop_column('view_direction')
