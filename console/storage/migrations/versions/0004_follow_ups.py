"""follow-up tasks for the operator (phone a red-light village, check a worker outside their grid);
the audit trail also records steps that concern a village or a worker rather than an incident

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 20:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_up_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_kind', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('raised_at', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.Integer(), nullable=False),
    sa.Column('since', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.Integer(), nullable=True),
    sa.Column('done_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_tasks_open', ['done_at', 'kind', 'subject_id'], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the table is rebuilt below; its append-only triggers go with the old one
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entries_no_{verb}")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=32), nullable=True))
        batch_op.alter_column('incident_id', existing_type=sa.Integer(), nullable=True)
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_entries_no_{verb.lower()} BEFORE {verb} ON audit_entries "
                       "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_entries_no_{verb}")
        op.execute("DELETE FROM audit_entries WHERE incident_id IS NULL")
    else:
        op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
        op.execute("DELETE FROM audit_entries WHERE incident_id IS NULL")
        op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('incident_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('subject')
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_entries_no_{verb.lower()} BEFORE {verb} ON audit_entries "
                       "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END")
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_tasks_open')
    op.drop_table('follow_up_tasks')
