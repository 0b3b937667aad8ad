"""an index of the incident-department links by department, so that filtering the queue or the dashboard
by a department reads that department's links instead of all of them

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 02:30:00.000000
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_incident_departments_department', 'incident_departments', ['department_id', 'incident_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_incident_departments_department', table_name='incident_departments')
