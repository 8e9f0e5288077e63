"""SQLite: a contentless FTS5 table `para_fts(body, facets)`, rowid = paragraphs.id.

Tokens are computed in Python (parse.tokens) and stored space-separated, so FTS5's `ascii`
tokenizer only splits on spaces; `prefix='1'` makes a one-character query one lookup.
"""

from __future__ import annotations

from typing import Any

from gongwen.model.search import Scope, Term
from gongwen.store.index import IndexRow, Match, candidates_sql


def match_expression(terms: list[Term], facets: list[str]) -> str:
    """An FTS5 MATCH expression. Tokens hold only letters, digits and Han, so quoting is safe."""
    parts = [f'body:"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms]
    parts += [f"facets:{f}" for f in facets]
    return " AND ".join(parts)


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
        def match(asked: list[str]) -> Match:
            params["match"] = match_expression(terms, asked)
            return Match("para_fts", "para_fts MATCH :match", "para_fts.rowid")

        return f"p.id IN ({candidates_sql(match, facets, scope, params)})"

    def check(self, conn: Any) -> None:
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts, rank) VALUES ('integrity-check', 0)")

    def optimize(self, conn: Any) -> None:
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts) VALUES ('optimize')")
