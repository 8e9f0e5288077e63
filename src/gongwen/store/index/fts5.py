"""SQLite: a contentless FTS5 table `para_fts(body, facets)`, rowid = paragraphs.id.

Tokens are computed in Python (parse.tokens) and stored space-separated, so FTS5's `ascii`
tokenizer only splits on spaces; `prefix='1'` makes a one-character query one lookup. FTS5
returns rowids newest first and stops at the LIMIT; the scope's conditions are joined in, so
SQLite stops after the newest `:cap` passages the viewer may match.
"""

from __future__ import annotations

from typing import Any

from gongwen.model.material import PassageKind
from gongwen.model.search import Scope, Term
from gongwen.store.index import FULL, PUBLIC, VISIBLE, IndexRow


def match_expression(terms: list[Term], facets: list[str]) -> str:
    """An FTS5 MATCH expression. Tokens hold only letters, digits and Han, so quoting is safe."""
    parts = [f'body:"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms]
    parts += [f"facets:{f}" for f in facets]
    return " AND ".join(parts)


def candidates_sql(
    terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
) -> str:
    """The newest `:cap` passage ids matching every term and filter, within the scope."""
    if scope.everything:
        params["match"] = match_expression(terms, [*facets, FULL])
        return (
            "SELECT rowid FROM para_fts WHERE para_fts MATCH :match ORDER BY rowid DESC LIMIT :cap"
        )
    params["visible_at"] = scope.at
    if scope.readable is None:
        side = ""
        params["match"] = match_expression(terms, [*facets, PUBLIC])
    else:
        # Readable materials match by their full side, the others by their public side.
        params["read_from"], params["read_to"] = scope.readable
        side = (
            " AND (CASE WHEN m.published_at >= :read_from AND m.published_at <= :read_to"
            f" THEN p.kind <> '{PassageKind.PREVIEW}' ELSE p.kind <> '{PassageKind.BODY}' END)"
        )
        params["match"] = match_expression(terms, facets)
    return (
        "SELECT para_fts.rowid FROM para_fts"
        " JOIN paragraphs p ON p.id = para_fts.rowid"
        " JOIN revisions r ON r.id = p.revision_id"
        " JOIN materials m ON m.id = r.material_id"
        f" WHERE para_fts MATCH :match AND {VISIBLE}{side}"
        " ORDER BY para_fts.rowid DESC LIMIT :cap"
    )


class Fts5Index:
    dialect = "sqlite"

    def add(self, conn: Any, rows: list[IndexRow]) -> None:
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO para_fts(rowid, body, facets) VALUES (?, ?, ?)",
                [(r.id, r.body, " ".join(r.facets)) for r in rows],
            )

    def remove(self, conn: Any, rows: list[IndexRow]) -> None:
        # A contentless FTS5 row is deleted by replaying exactly the values it was indexed with.
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO para_fts(para_fts, rowid, body, facets) VALUES ('delete', ?, ?, ?)",
                [(r.id, r.body, " ".join(r.facets)) for r in rows],
            )

    def candidates(
        self, conn: Any, terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
    ) -> str:
        return f"p.id IN ({candidates_sql(terms, facets, scope, params)})"

    def check(self, conn: Any) -> None:
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts, rank) VALUES ('integrity-check', 0)")

    def optimize(self, conn: Any) -> None:
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts) VALUES ('optimize')")
