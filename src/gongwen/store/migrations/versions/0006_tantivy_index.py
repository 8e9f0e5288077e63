"""The search index moves out of the database into tantivy (store/index/engine.py).

Revision ID: 0006
Revises: 0005

material_fts (SQLite) and material_search (PostgreSQL) go. `search_queue` is the index's
outbox: each change to a material marks its revisions in the same transaction, and the index
applies them. `search_identity` names this library's index: an index directory built for
another identity is rebuilt from the database (the first search after this upgrade does it).
`passage_layouts` holds each revision's passages as offsets into its text (store/index/layout.py):
what a result shows is chosen from it; it is filled here for every revision.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS material_fts")
    else:
        op.execute("DROP TABLE IF EXISTS material_search")
    op.create_table(
        "search_queue",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("revision_id", sa.Integer(), nullable=False),
    )
    op.create_table("search_identity", sa.Column("value", sa.String(32), primary_key=True))
    op.execute(
        sa.text("INSERT INTO search_identity (value) VALUES (:v)").bindparams(v=uuid.uuid4().hex)
    )
    op.create_table(
        "passage_layouts",
        sa.Column("revision_id", sa.Integer(), sa.ForeignKey("revisions.id"), primary_key=True),
        sa.Column("layout", sa.Text(), nullable=False),
    )
    # Heading paths of results look sections up by (revision, ord); the old index was its prefix.
    op.create_index("ix_sections_revision_ord", "sections", ["revision_id", "ord"])
    op.drop_index("ix_sections_revision_id", "sections")
    from gongwen.store import sql
    from gongwen.store.materials import write_layout

    ids = [r for (r,) in sql.rows(conn, "SELECT id FROM revisions ORDER BY id")]
    for revision_id in ids:  # one text at a time: a large library does not fit in memory
        text = sql.scalar(conn, "SELECT text FROM revisions WHERE id = :r", {"r": revision_id})
        write_layout(conn, revision_id, text)


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
