"""The search index moves out of the database into tantivy (store/index/engine.py).

Revision ID: 0006
Revises: 0005

material_fts (SQLite) and material_search (PostgreSQL) go. `search_queue` is the index's
outbox: each change to a material marks its revisions in the same transaction, and the index
applies them. `search_identity` names this library's index: an index directory built for
another identity is rebuilt from the database (the first search after this upgrade does it).
`passage_layouts` holds each revision's passages as offsets into its text (store/index/layout.py):
what a result shows is chosen from it; it is filled here for every revision.

Frozen: the layout is written here as store/index/layout.py's `encode` wrote it in this release
(the format that module's `decode` reads), so a later change to that code cannot change what
this upgrade does.
"""

import json
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
    revision_ids = list(conn.execute(sa.text("SELECT id FROM revisions ORDER BY id")).scalars())
    for revision_id in revision_ids:  # one text at a time: a large library does not fit in memory
        params = {"r": revision_id}
        text = conn.execute(sa.text("SELECT text FROM revisions WHERE id = :r"), params).scalar()
        passages = conn.execute(
            sa.text(
                'SELECT id, kind, section_ord, "start", "text" FROM paragraphs'
                " WHERE revision_id = :r ORDER BY ord"
            ),
            params,
        ).all()
        conn.execute(
            sa.text("INSERT INTO passage_layouts (revision_id, layout) VALUES (:r, :layout)"),
            {"r": revision_id, "layout": _layout(text or "", [tuple(p) for p in passages])},
        )


def _layout(revision_text: str, passages: list[tuple[int, str, int | None, int, str]]) -> str:
    """A revision's passages, (paragraph id, kind, section, start, text) each, as one JSON
    value: {"<kind>": [[ids], [start0, end0, start1, end1, …], [sections]], "inline": [[id,
    kind, section, text], …]}. A passage that is a slice of the text is stored as where it lies,
    one that is not (a heading: label + heading) with its text; title passages are left out."""
    slices: dict[str, list[tuple[int, int, int, int | None]]] = {}
    inline: list[list[object]] = []
    for pid, kind, section, start, text in passages:
        if kind == "title":
            continue
        if start >= 0 and text and revision_text[start : start + len(text)] == text:
            slices.setdefault(str(kind), []).append((start, start + len(text), pid, section))
        else:
            inline.append([pid, str(kind), section, text])
    out: dict[str, object] = {"inline": inline}
    for kind, rows in slices.items():
        rows.sort()
        out[kind] = [
            [r[2] for r in rows],
            [x for r in rows for x in (r[0], r[1])],
            [r[3] for r in rows],
        ]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def downgrade() -> None:
    raise NotImplementedError("restore a backup taken before the upgrade instead")
