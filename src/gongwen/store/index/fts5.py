"""SQLite: a contentless FTS5 table `material_fts(title, headings, body, facets)`, rowid =
index.doc_id (a revision's full or public side).

Tokens are computed in Python (parse.tokens) and stored space-separated, so FTS5's `ascii`
tokenizer only splits on spaces; `prefix='1'` makes a one-character query one lookup. Every
match is scored by bm25() with weighted columns; the scope's conditions are joined in, so
nothing the viewer may not match is counted.
"""

from __future__ import annotations

from typing import Any

from gongwen.model.search import Scope, Term
from gongwen.store.index import VISIBLE, WEIGHTS, IndexRow, material_docs


def match_expression(terms: list[Term], facets: list[str], columns: str = "body") -> str:
    """An FTS5 MATCH expression. Tokens hold only letters, digits and Han, so quoting is safe."""
    parts = [f'{columns}:"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms]
    parts += [f"facets:{f}" for f in facets]
    return " AND ".join(parts)


_TEXT_COLUMNS = "{title headings body}"
# bm25() is lower for better matches; its weights follow the table's columns.
_BM25 = f"-bm25(material_fts, {WEIGHTS['title']}, {WEIGHTS['headings']}, {WEIGHTS['body']}, 0.0)"


def rank_sql(terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]) -> str:
    """index.RANK_COLUMNS of every matching material document within the scope."""
    # The side is the rowid's low bit: cheaper than intersecting with a facet's doclist.
    params["mmatch"] = match_expression(terms, facets, _TEXT_COLUMNS)
    if scope.everything:
        where = " AND (material_fts.rowid & 1) = 0"
    elif scope.readable is None:
        params["visible_at"] = scope.at
        where = f" AND {VISIBLE} AND (material_fts.rowid & 1) = 1"
    else:
        # Readable materials match by their full document, the others by their public one.
        params["visible_at"] = scope.at
        params["read_from"], params["read_to"] = scope.readable
        where = (
            f" AND {VISIBLE} AND (material_fts.rowid & 1) = (CASE WHEN m.published_at >="
            " :read_from AND m.published_at <= :read_to THEN 0 ELSE 1 END)"
        )
    return (
        f"SELECT r.id, m.id, {_BM25}, m.doc_type, m.organisation_kind, m.year,"
        " (material_fts.rowid & 1) = 0"
        " FROM material_fts"
        " JOIN revisions r ON r.id = material_fts.rowid >> 1"
        " JOIN materials m ON m.id = r.material_id"
        f" WHERE material_fts MATCH :mmatch{where}"
    )


class Fts5Index:
    dialect = "sqlite"

    def add(self, conn: Any, rows: list[IndexRow]) -> None:
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO material_fts(rowid, title, headings, body, facets)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (d.id, d.title, d.headings, d.body, " ".join(d.facets))
                    for d in material_docs(rows)
                ],
            )

    def remove(self, conn: Any, rows: list[IndexRow]) -> None:
        # A contentless FTS5 row is deleted by replaying exactly the values it was indexed with.
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO material_fts(material_fts, rowid, title, headings, body, facets)"
                " VALUES ('delete', ?, ?, ?, ?, ?)",
                [
                    (d.id, d.title, d.headings, d.body, " ".join(d.facets))
                    for d in material_docs(rows)
                ],
            )

    def rank_sql(
        self, conn: Any, terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
    ) -> str:
        return rank_sql(terms, facets, scope, params)

    def field_matches_sql(
        self, conn: Any, terms: list[Term], field: str, params: dict[str, Any]
    ) -> str:
        params[f"f_{field}"] = match_expression(terms, [], field)
        return (
            "SELECT material_fts.rowid >> 1 FROM material_fts"
            f" WHERE material_fts MATCH :f_{field} AND (material_fts.rowid & 1) = 0"
        )

    def check(self, conn: Any) -> None:
        conn.exec_driver_sql(
            "INSERT INTO material_fts(material_fts, rank) VALUES ('integrity-check', 0)"
        )

    def optimize(self, conn: Any) -> None:
        conn.exec_driver_sql("INSERT INTO material_fts(material_fts) VALUES ('optimize')")
