"""PostgreSQL: one positional tsvector of gongwen's own tokens per material document, GIN-indexed
(table material_search, id = index.doc_id: a revision's full or public side).

No text-search parser, dictionary or locale is involved. The tsvector and the tsquery are
written in their literal syntax with every lexeme quoted, so PostgreSQL only stores, indexes and
compares bytes; the materials matched are those SQLite's FTS5 matches (tests/search/
test_backends.py):

- tokens carry their positions 1..n (title, then headings, then body), the title's weighted A,
  the headings' B, the body's D; FTS5's phrase "a b c" is 'a' <-> 'b' <-> 'c';
- FTS5's one-character prefix "法"* (prefix='1') is the lexeme '法*', which every token
  starting with the Han character 法 adds at its position (FTS5's prefix index does the same);
- a facet (filters and the scope side) is the lexeme '=<facet token>' (no position).

Matches rank by ts_rank with those weights and a length normalisation, so PostgreSQL's order
differs from SQLite's BM25; the set matched is the same. tsvector limits (positions ≤ 16383,
≤ 256 positions per lexeme, lexeme < 2 KB, tsvector < 1 MB) would silently clamp or drop
positions: a document beyond them (long laws and reports) is stored *inexact*, its lexemes
without positions plus its token `stream`; it matches when its lexemes hold every token and
its stream every phrase (strpos), and ranks by lexeme presence only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from gongwen.model.search import Scope, Term

# tsvector limits (PostgreSQL docs, "Text Search Limitations")
MAX_POSITION = 16383  # larger positions are silently clamped to 16383
MAX_POSITIONS_PER_LEXEME = 256  # further positions are silently dropped
MAX_LEXEME_BYTES = 2046  # "word is too long" above that
MAX_TSVECTOR_BYTES = 900_000  # a tsvector must stay under 1 MB; keep a margin
# A query is at most 200 characters (search/query.py MAX_QUERY_CHARS), so no query token is longer
# than 800 UTF-8 bytes: an indexed token over MAX_LEXEME_BYTES can never be asked for. It is left
# out of the tsvector (its position still counts, so no false adjacency appears).

FACET = "="  # '=<facet token>'
PREFIX = "*"  # '<Han character>*'
# Tokens hold only letters, digits and Han (parse/tokens.py), never '=' or '*'.

# Han as parse/tokens.py defines it: a token that starts with one is a Han bigram or unigram.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002ffff]")


def quote(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery literal syntax (quoted: no parser rules apply inside)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def term_tsquery(term: Term) -> str:
    """FTS5's body:"a b c"(*) as a tsquery: consecutive positions, the last maybe a prefix."""
    parts = [quote(t) for t in term.tokens]
    if term.prefix:
        parts[-1] = quote(term.tokens[-1] + PREFIX)
    return "(" + " <-> ".join(parts) + ")" if len(parts) > 1 else parts[0]


def weighted_tsquery(terms: Sequence[Term], weight: str) -> str:
    """Every term as a phrase whose lexemes carry `weight` (A title, B headings)."""
    out = []
    for t in terms:
        parts = [quote(x) + f":{weight}" for x in t.tokens]
        if t.prefix:
            parts[-1] = quote(t.tokens[-1] + PREFIX) + f":{weight}"
        out.append("(" + " <-> ".join(parts) + ")" if len(parts) > 1 else parts[0])
    return " & ".join(out)


def query_tsquery(terms: Sequence[Term], facets: Sequence[str]) -> str:
    """Every term as a phrase, and every facet, in tsquery literal syntax."""
    return " & ".join([term_tsquery(t) for t in terms] + [quote(FACET + f) for f in facets])


def stream_needle(term: Term) -> str:
    """Substring of an overflow row's token stream that means the phrase matches."""
    return " " + " ".join(term.tokens) + ("" if term.prefix else " ")


# ts_rank weights {D, C, B, A}: body, -, headings, title (index.WEIGHTS, scaled to 0..1)
RANK_WEIGHTS = "{0.25, 0, 0.5, 1.0}"
RANK_NORMALISATION = 1  # divide by 1 + log(document length)


def material_row(doc: Any) -> tuple[int, str, str | None]:
    """The material_search row (id, tsv, stream) of an index.MaterialDoc."""
    positions: dict[str, list[str]] = {}
    pos = 0
    exact = True
    stream: list[str] = []
    for column, weight in ((doc.title, "A"), (doc.headings, "B"), (doc.body, "")):
        toks = column.split()
        stream.extend(toks)
        for tok in toks:
            pos += 1
            if len(tok.encode()) > MAX_LEXEME_BYTES:
                continue
            keys = [tok, tok[0] + PREFIX] if _HAN.match(tok) else [tok]
            for key in keys:
                found = positions.setdefault(key, [])
                if len(found) < MAX_POSITIONS_PER_LEXEME:
                    found.append(f"{pos}{weight}")
                else:
                    exact = False
    facets = [quote(FACET + f) for f in doc.facets]
    if exact and pos <= MAX_POSITION:
        tsv = " ".join([*(f"{quote(k)}:{','.join(v)}" for k, v in positions.items()), *facets])
        if len(tsv.encode()) <= MAX_TSVECTOR_BYTES:
            return doc.id, tsv, None
    # Inexact: the lexemes without positions, and the token stream for phrases.
    lexemes = " ".join([*(quote(k) for k in positions), *facets])
    return doc.id, lexemes, " " + " ".join(stream) + " "


def lexemes_tsquery(terms: Sequence[Term], facets: Sequence[str]) -> str:
    """Every token of every term, and every facet, without positions (for inexact rows)."""
    lexemes = []
    for t in terms:
        toks = list(t.tokens)
        if t.prefix:
            toks[-1] += PREFIX
        lexemes += toks
    lexemes += [FACET + f for f in facets]
    return " & ".join(quote(x) for x in dict.fromkeys(lexemes))


def rank_sql(terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]) -> str:
    """index.RANK_COLUMNS of every matching material document within the scope (ts_rank)."""
    from gongwen.store.index import FULL, PUBLIC, VISIBLE

    side = [FULL] if scope.everything else [PUBLIC] if scope.readable is None else []
    asked = [*facets, *side]
    params["mq"] = query_tsquery(terms, asked)
    params["mq_lexemes"] = lexemes_tsquery(terms, asked)
    params["mq_needles"] = [stream_needle(t) for t in terms]
    params["mq_rank"] = lexemes_tsquery(terms, [])
    match = (
        "((s.stream IS NULL AND s.tsv @@ CAST(:mq AS tsquery))"
        " OR (s.stream IS NOT NULL AND s.tsv @@ CAST(:mq_lexemes AS tsquery)"
        " AND NOT EXISTS (SELECT 1 FROM unnest(CAST(:mq_needles AS text[])) AS needle"
        " WHERE strpos(s.stream, needle) = 0)))"
    )
    score = (
        f"ts_rank(CAST('{RANK_WEIGHTS}' AS real[]), s.tsv,"
        f" CAST(:mq_rank AS tsquery), {RANK_NORMALISATION})"
    )
    where = match
    if not scope.everything:
        params["visible_at"] = scope.at
        where += f" AND {VISIBLE}"
    if scope.readable is not None:
        params["read_from"], params["read_to"] = scope.readable
        where += (
            " AND (s.id & 1) = (CASE WHEN m.published_at >= :read_from"
            " AND m.published_at <= :read_to THEN 0 ELSE 1 END)"
        )
    return (
        f"SELECT r.id, m.id, {score}, m.doc_type, m.organisation_kind, m.year,"
        " (s.id & 1) = 0"
        " FROM material_search s"
        " JOIN revisions r ON r.id = s.id >> 1 JOIN materials m ON m.id = r.material_id"
        f" WHERE {where}"
    )


class PostgresIndex:
    dialect = "postgresql"

    def add(self, conn: Any, rows: list[Any]) -> None:
        """Index revisions: one executemany of tsvector literals."""
        from gongwen.store.index import material_docs

        if rows:
            conn.exec_driver_sql(
                "INSERT INTO material_search (id, tsv, stream)"
                " VALUES (%s, CAST(%s AS tsvector), %s)",
                [material_row(d) for d in material_docs(rows)],
            )

    def remove(self, conn: Any, rows: list[Any]) -> None:
        from sqlalchemy import text

        from gongwen.store.index import doc_id

        if rows:
            revisions = {r.revision_id for r in rows}
            conn.execute(
                text("DELETE FROM material_search WHERE id = ANY(:ids)"),
                {"ids": [doc_id(rev, side) for rev in revisions for side in (False, True)]},
            )

    def rank_sql(
        self, conn: Any, terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
    ) -> str:
        return rank_sql(terms, facets, scope, params)

    def field_matches_sql(
        self, conn: Any, terms: list[Term], field: str, params: dict[str, Any]
    ) -> str:
        """Exact rows only: an inexact row's lexemes carry no weights (its order is by presence
        anyway)."""
        params[f"f_{field}"] = weighted_tsquery(terms, "A" if field == "title" else "B")
        return (
            "SELECT s.id >> 1 FROM material_search s WHERE (s.id & 1) = 0"
            f" AND s.stream IS NULL AND s.tsv @@ CAST(:f_{field} AS tsquery)"
        )

    def check(self, conn: Any) -> None:
        return None

    def optimize(self, conn: Any) -> None:
        """After a bulk load: move the GIN pending list into the index, refresh statistics."""
        from sqlalchemy import text

        conn.execute(text("SELECT gin_clean_pending_list('ix_material_search_tsv'::regclass)"))
        conn.execute(text("ANALYZE material_search"))
