"""PostgreSQL: `para_terms(id, stream, grams, facets)`; see the module docstring of search."""

from __future__ import annotations

from typing import Any

from gongwen.model.search import Term
from gongwen.store.index import IndexRow, Match


def stream_needle(term: Term) -> str:
    """The substring of a paragraph's token stream that means the phrase matches."""
    return " " + " ".join(term.tokens) + ("" if term.prefix else " ")


class PostgresIndex:
    dialect = "postgresql"

    def add(self, conn: Any, rows: list[IndexRow]) -> None:
        from sqlalchemy import insert

        from gongwen.store.schema import para_terms

        if rows:
            conn.execute(
                insert(para_terms),
                [
                    dict(
                        id=r.id,
                        stream=f" {r.body} ",
                        grams=sorted(
                            set(r.body.split()) | {ch for t in r.body.split() for ch in t}
                        ),
                        facets=list(r.facets),
                    )
                    for r in rows
                ],
            )

    def remove(self, conn: Any, rows: list[IndexRow]) -> None:
        from gongwen.store.schema import para_terms

        if rows:
            conn.execute(para_terms.delete().where(para_terms.c.id.in_([r.id for r in rows])))

    def match(self, terms: list[Term], facets: list[str], params: dict[str, Any]) -> Match:
        where = ["t.grams @> CAST(:grams AS text[])"]
        params["grams"] = sorted({tok for t in terms for tok in t.tokens})
        if facets:
            where.append("t.facets @> CAST(:facets AS text[])")
            params["facets"] = list(facets)
        for i, term in enumerate(terms):
            where.append(f"strpos(t.stream, :s{i}) > 0")
            params[f"s{i}"] = stream_needle(term)
        return Match("para_terms t", " AND ".join(where), "t.id")

    def check(self, conn: Any) -> None:
        return None

    def optimize(self, conn: Any) -> None:
        conn.exec_driver_sql("ANALYZE para_terms")
