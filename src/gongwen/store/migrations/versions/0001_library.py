"""Library core: materials, revisions, structure, and the search index.

Revision ID: 0001
Revises:
"""

from alembic import op

from gongwen.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CORE = ["source_files", "materials", "revisions", "sections", "paragraphs", "placeholders"]


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind, tables=[metadata.tables[name] for name in CORE])
    if bind.dialect.name == "sqlite":
        # Contentless: the text lives in `paragraphs`; rows are deleted by re-tokenising it.
        # prefix='1' turns one-character queries into a single index lookup.
        op.execute(
            "CREATE VIRTUAL TABLE para_fts USING fts5(body, facets, content='', "
            "columnsize=0, prefix='1', tokenize='ascii')"
        )
    else:
        metadata.tables["para_terms"].create(bind)
        op.execute("CREATE INDEX ix_para_terms_grams ON para_terms USING gin (grams)")
        op.execute("CREATE INDEX ix_para_terms_facets ON para_terms USING gin (facets)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE para_fts")
    else:
        metadata.tables["para_terms"].drop(bind)
    metadata.drop_all(bind, tables=[metadata.tables[name] for name in reversed(CORE)])
