"""operators log in: a password hash (scrypt, per-user salt), a failed-login count, a lock-out time and a
disabled flag

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 03:30:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('operators') as batch:
        batch.add_column(sa.Column('password_hash', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('operators') as batch:
        batch.drop_column('disabled')
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
        batch.drop_column('password_hash')
