"""the audit trail is hash-chained: seals over runs of entries and the chain's head (see
console.storage.audit_chain); the entries already recorded are sealed by this migration

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:10:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_seals',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('first_entry_id', sa.Integer(), nullable=False),
        sa.Column('last_entry_id', sa.Integer(), nullable=False),
        sa.Column('sealed_at', sa.Integer(), nullable=False),
        sa.Column('tags', sa.LargeBinary(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    head = op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seal_id', sa.Integer(), nullable=False),
        sa.Column('last_entry_id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(head, [{'id': 1, 'seal_id': 0, 'last_entry_id': 0, 'digest': '0' * 64}])
    _make_seals_append_only()
    # The entries recorded so far are sealed now, in this transaction (about 30 s for a city's 12.5 million).
    from console.storage import audit_chain
    audit_chain.seal_bulk(op.get_bind())


def _make_seals_append_only() -> None:
    """Refuse UPDATE and DELETE on the links in the database itself, as on the entries (0001)."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_seals_no_{verb.lower()} BEFORE {verb} ON audit_seals "
                       "BEGIN SELECT RAISE(ABORT, 'audit seals are append-only'); END")
    else:
        op.execute("CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals "
                   "FOR EACH ROW EXECUTE FUNCTION gridwatch_audit_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_seals_append_only ON audit_seals")
    op.drop_table('audit_chain_head')
    op.drop_table('audit_seals')
