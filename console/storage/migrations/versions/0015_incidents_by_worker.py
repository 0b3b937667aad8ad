"""an index of the incidents by assigned grid worker, so that selecting a worker shows their incidents in
the queue without reading the whole history

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 05:20:00.000000
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_incidents_worker_created', 'incidents', ['assignee_worker_id', 'created_at', 'status'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_incidents_worker_created', table_name='incidents')
