"""Search by scope: public passages (title, headings, preview) beside the body paragraphs.

Revision ID: 0002
Revises: 0001

Every passage is re-indexed with its scope tokens, so a viewer who may not read a material
matches it only through what its page shows everyone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("paragraphs") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=8), server_default="body", nullable=False)
        )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("INSERT INTO para_fts(para_fts) VALUES ('delete-all')")
    else:
        op.execute("DELETE FROM para_terms")
    # A data migration: the passages and index rows are what the code of this release makes.
    from gongwen.store.index import index_for
    from gongwen.store.materials import reindex

    config = op.get_context().config
    preview_chars = config.attributes.get("preview_chars", 300) if config else 300
    reindex(conn, index_for(conn.dialect.name), preview_chars)


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
