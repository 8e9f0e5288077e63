"""Search ranks materials: a material-level index replaces the passage index.

Revision ID: 0004
Revises: 0003

Every current revision becomes two documents (its full side and its public side, see
store/index/__init__.py): SQLite's contentless FTS5 table material_fts(title, headings, body,
facets), ranked by bm25() with weighted columns; PostgreSQL's material_search (a weighted
positional tsvector, GIN). The passage index (para_fts; para_search and its functions) goes:
the passages a result shows are chosen from `paragraphs` (store/index/ranking.py). A data
migration: the public passages and the index are rebuilt by the code of this release.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE material_fts USING fts5(title, headings, body, facets,"
            " content='', prefix='1', tokenize='ascii')"
        )
        op.execute("DROP TABLE IF EXISTS para_fts")
    else:
        op.execute(
            "CREATE TABLE material_search ("
            " id bigint PRIMARY KEY,"  # revision id * 2 + side (0 full, 1 public)
            " tsv tsvector NOT NULL,"
            " stream text"  # documents beyond a tsvector's limits only
            ")"
        )
        op.execute("CREATE INDEX ix_material_search_tsv ON material_search USING gin (tsv)")
        op.execute("DROP TABLE IF EXISTS para_search")
        for function in ("para_search_ids", "para_search_in_scope", "para_search_window"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    # The public passages are rebuilt here; the index tables themselves were replaced by the
    # tantivy index in 0006, which rebuilds it from the database, so they stay empty.
    from gongwen.store.materials import rebuild_passages

    config = op.get_context().config
    preview_chars = config.attributes.get("preview_chars", 300) if config else 300
    rebuild_passages(conn, preview_chars, layouts=False)  # 0006 writes every layout


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
