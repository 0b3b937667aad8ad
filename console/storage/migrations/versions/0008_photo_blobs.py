"""photo blobs: attachments may name their bytes by SHA-256 in the blob store (with size, pixel size and a
small inline JPEG thumbnail) instead of holding them in ``data``; a ``blobs`` table holds the bytes of a
PostgreSQL store (a SQLite store keeps them in files next to the database)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column('blob_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('thumbnail', sa.LargeBinary(), nullable=True))
        batch_op.create_index('ix_attachments_blob_sha256', ['blob_sha256'], unique=False)


def downgrade() -> None:
    # Photos that live only in the blob store cannot go back into ``data``: their rows are dropped.
    op.execute("DELETE FROM attachments WHERE data IS NULL")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_blob_sha256')
        batch_op.drop_column('thumbnail')
        batch_op.drop_column('height')
        batch_op.drop_column('width')
        batch_op.drop_column('size')
        batch_op.drop_column('blob_sha256')
        batch_op.alter_column('data', existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table('blobs')
