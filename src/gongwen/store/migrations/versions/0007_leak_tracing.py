"""Leak tracing: the marking key and the SHA-256 of every file served.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trace_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("downloads") as batch:
        batch.add_column(sa.Column("sha256", sa.String(64)))
        batch.create_index("ix_downloads_sha256", ["sha256"])


def downgrade() -> None:
    with op.batch_alter_table("downloads") as batch:
        batch.drop_index("ix_downloads_sha256")
        batch.drop_column("sha256")
    op.drop_table("trace_keys")
