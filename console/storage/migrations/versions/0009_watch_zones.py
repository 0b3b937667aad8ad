"""watch zones and change alerts: polygons on cameras that the change detector watches (with its saved
reference), and the changes it found, each waiting for or given an operator's decision

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 02:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('watch_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('polygon', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('reference', sa.LargeBinary(), nullable=True),
    sa.Column('reference_at', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['camera_id'], ['cameras.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_watch_zones_camera_id', 'watch_zones', ['camera_id'], unique=False)
    op.create_table('change_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('camera_id', sa.Integer(), nullable=False),
    sa.Column('appeared_at', sa.Integer(), nullable=False),
    sa.Column('detected_at', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('box_x', sa.Integer(), nullable=False),
    sa.Column('box_y', sa.Integer(), nullable=False),
    sa.Column('box_w', sa.Integer(), nullable=False),
    sa.Column('box_h', sa.Integer(), nullable=False),
    sa.Column('before_jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('after_jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('decided_at', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['camera_id'], ['cameras.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.ForeignKeyConstraint(['zone_id'], ['watch_zones.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_change_alerts_state', 'change_alerts', ['state', 'detected_at'], unique=False)
    op.create_index('ix_change_alerts_zone_id', 'change_alerts', ['zone_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":  # other consoles hear of new alerts and decisions at once
        op.execute("CREATE TRIGGER change_alerts_notify_change AFTER INSERT OR UPDATE OR DELETE ON change_alerts "
                   "FOR EACH STATEMENT EXECUTE FUNCTION gridwatch_notify_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS change_alerts_notify_change ON change_alerts")
    op.drop_index('ix_change_alerts_zone_id', table_name='change_alerts')
    op.drop_index('ix_change_alerts_state', table_name='change_alerts')
    op.drop_table('change_alerts')
    op.drop_index('ix_watch_zones_camera_id', table_name='watch_zones')
    op.drop_table('watch_zones')
