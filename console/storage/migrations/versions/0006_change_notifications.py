"""change notifications on PostgreSQL: every change to incidents or follow-up tasks NOTIFYs gridwatch_changes
with the table's name, so other consoles refresh within a second (SQLite consoles poll instead)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 21:05:00.000000
"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ("incidents", "follow_up_tasks")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE FUNCTION gridwatch_notify_change() RETURNS trigger AS $$ "
               "BEGIN PERFORM pg_notify('gridwatch_changes', TG_TABLE_NAME); RETURN NULL; END $$ "
               "LANGUAGE plpgsql")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION gridwatch_notify_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS gridwatch_notify_change()")
