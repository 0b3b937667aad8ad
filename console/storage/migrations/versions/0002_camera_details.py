"""camera details: ONVIF device-service URL for PTZ, index on the camera group

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cameras', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onvif_url', sa.String(length=512), nullable=True))
        batch_op.create_index(batch_op.f('ix_cameras_group_name'), ['group_name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cameras', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cameras_group_name'))
        batch_op.drop_column('onvif_url')
