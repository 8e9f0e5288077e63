"""Search ranks materials: a material-level index replaces the passage index.

Revision ID: 0004
Revises: 0003

Every current revision becomes two documents (its full side and its public side, see
store/index/__init__.py): SQLite's contentless FTS5 table material_fts(title, headings, body,
facets), ranked by bm25() with weighted columns; PostgreSQL's material_search (a weighted
positional tsvector, GIN). The passage index (para_fts; para_search and its functions) goes:
the passages a result shows are chosen from `paragraphs` (store/index/ranking.py). A data
migration: the public passages are rebuilt here.

Frozen: the passage rule below is the one this release shipped (model/material.py's
`preview_span` and `public_passages`, store/materials.py's `rebuild_passages` then), spelled out
here so that a later change to that code cannot change what this upgrade does.
"""

import sqlalchemy as sa
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
    # tantivy index in 0006, which rebuilds it from the database, so they stay empty. 0006 also
    # writes every revision's passage layout.
    config = op.get_context().config
    preview_chars = config.attributes.get("preview_chars", 300) if config else 300
    _rebuild_passages(conn, preview_chars)


def _preview_span(text: str, chars: int) -> tuple[int, int]:
    """Where the preview lies in a revision's text: after the title line, at most `chars`
    characters, without the surrounding whitespace."""
    newline = text.find("\n")
    start = newline + 1 if newline >= 0 else 0
    body_end = len(text.rstrip())
    while start < body_end and text[start].isspace():
        start += 1
    return start, max(start, min(body_end, start + chars))


def _public_passages(
    title: str,
    text: str,
    headings: list[tuple[int, str]],  # (start, label + heading) per section, in order
    paragraphs: list[tuple[int, str, int | None]],  # (start, text, section) per body paragraph
    preview_chars: int,
) -> list[tuple[str, int | None, int, str]]:
    """(kind, section, start, text) of what everyone may search of a revision: its title, its
    outline, and the parts of its paragraphs inside the preview."""
    out: list[tuple[str, int | None, int, str]] = [("title", None, 0, title)]
    out += [("heading", i, s, h) for i, (s, h) in enumerate(headings) if h]
    start, end = _preview_span(text, preview_chars)
    for p_start, p_text, section in paragraphs:
        a, b = max(p_start, start), min(p_start + len(p_text), end)
        if a < b and text[a:b].strip():
            out.append(("preview", section, a, text[a:b]))
    return out


def _rebuild_passages(conn: sa.Connection, preview_chars: int) -> None:
    """Every current revision's public passages, replaced (its body paragraphs stay)."""
    current = conn.execute(
        sa.text(
            "SELECT r.id FROM materials m JOIN revisions r ON r.id = m.current_revision_id"
            " ORDER BY r.id"
        )
    ).scalars()
    for revision_id in list(current):  # one text at a time: a large library does not fit
        params = {"r": revision_id}
        text, title = conn.execute(
            sa.text(
                "SELECT r.text, m.title FROM revisions r JOIN materials m ON m.id = r.material_id"
                " WHERE r.id = :r"
            ),
            params,
        ).one()
        conn.execute(
            sa.text("DELETE FROM paragraphs WHERE revision_id = :r AND kind <> 'body'"), params
        )
        headings = [
            (start, f"{label}{heading}" if heading else "")
            for start, label, heading in conn.execute(
                sa.text(
                    'SELECT "start", label, heading FROM sections WHERE revision_id = :r'
                    " ORDER BY ord"
                ),
                params,
            )
        ]
        body = conn.execute(
            sa.text(
                'SELECT "start", "text", section_ord FROM paragraphs WHERE revision_id = :r'
                " ORDER BY ord"
            ),
            params,
        ).all()
        passages = _public_passages(title, text, headings, [tuple(b) for b in body], preview_chars)
        conn.execute(
            sa.text(
                'INSERT INTO paragraphs (revision_id, kind, ord, section_ord, "start", "text",'
                " items) VALUES (:r, :kind, :ord, :section, :start, :text, '')"
            ),
            [
                {
                    "r": revision_id,
                    "kind": kind,
                    "ord": len(body) + i,
                    "section": section,
                    "start": start,
                    "text": passage,
                }
                for i, (kind, section, start, passage) in enumerate(passages)
            ],
        )


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
