"""PostgreSQL: a positional tsvector of gongwen's own tokens, GIN-indexed (table para_search).

No text-search parser, dictionary or locale is involved. The tsvector and the tsquery are
written in their literal syntax with every lexeme quoted, so PostgreSQL only stores, indexes and
compares bytes. Results are those of SQLite FTS5 (para_fts), exactly (tests/search/
test_backends.py):

- body tokens carry their positions 1..n, so FTS5's phrase body:"a b c" is 'a' <-> 'b' <-> 'c';
- FTS5's one-character prefix body:"法"* (prefix='1') is the lexeme '法*', which every token
  starting with the Han character 法 adds at its position (FTS5's prefix index does the same);
- a facet (filters and the scope side) is the lexeme '=<facet token>' (no position);
- buckets: '#12.81' marks ids 81*4096 … 82*4096-1 (also '#15.…', '#18.…', '#21.…', '#24.…').
  They let one GIN scan return only the matches in a range of ids, so the newest `cap` matches
  are found by scanning windows of ids newest first (para_search_ids, a plpgsql function of
  migration 0002), visiting ~cap rows however common a term is. GIN has no order: ORDER BY id
  DESC LIMIT over a bitmap visits every match, and over the primary key every row until the
  cap-th match, which is what made the first PostgreSQL index (para_terms) slow.
- the viewer's scope (published, not retired; full side only within a subscription's window)
  is applied to each window inside para_search_ids, before anything is counted, as on SQLite.

tsvector limits (positions ≤ 16383, ≤ 256 positions per lexeme, lexeme < 2 KB, tsvector < 1 MB)
would silently drop or clamp positions, or fail. A paragraph that would hit one is an *overflow*
row: its tsvector has only its facets and buckets, its token stream is stored in `stream`, and
every query matches overflow rows by substring (strpos). No paragraph of the gov-corpus is one;
they are found through a partial index, so they cost nothing when absent.

Materials (table material_search, id = index.doc_id): one tsvector per side of a revision, the
title's positions weighted A, the headings' B, the body's D, ranked by ts_rank with those
weights and a length normalisation. A document beyond the tsvector limits (long laws and
reports: more than 16,383 tokens, or a bigram more than 256 times) is stored *inexact*: its
lexemes without positions, plus its token `stream`; it matches when its lexemes hold every
token and its stream every phrase (strpos), and ranks by lexeme presence only. PostgreSQL's
order therefore differs from SQLite's BM25 (which has no such limits); the set matched is the
same (tests/search/test_backends.py).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Sequence
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
BUCKET = "#"  # '#<shift>.<id >> shift>'; para_search_window (migration 0002) uses the same shifts
BUCKET_SHIFTS = (12, 15, 18, 21, 24)
# Body tokens hold only letters, digits and Han (parse/tokens.py), never '=', '*', '#' or '.'.

# Han as parse/tokens.py defines it: a token that starts with one is a Han bigram or unigram.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002ffff]")

COMMON = 0.05  # a lexeme in more rows than this is left out of the GIN scan when it can be
MAX_SCAN = 6  # lexemes asked of the GIN scan (more only to have one of each term)
FREQS_TTL = 600.0  # seconds; stale statistics only cost speed, never change a result


def quote(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery literal syntax (quoted: no parser rules apply inside)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# --- index rows --------------------------------------------------------------------------------


def bucket_lexemes(pid: int) -> list[str]:
    return [f"{BUCKET}{s}.{pid >> s}" for s in BUCKET_SHIFTS]


def _tsvector(body: str, facets: Iterable[str], pid: int) -> str | None:
    """tsvector literal of a paragraph, or None if positions would be clamped or dropped."""
    toks = body.split()
    if len(toks) > MAX_POSITION:
        return None
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(toks, 1):
        positions.setdefault(tok, []).append(i)
        if _HAN.match(tok):
            positions.setdefault(tok[0] + PREFIX, []).append(i)
    size = 0
    parts = []
    for lexeme, pos in positions.items():
        n = len(lexeme.encode())
        if n > MAX_LEXEME_BYTES:
            continue
        if len(pos) > MAX_POSITIONS_PER_LEXEME:
            return None
        size += 8 + n + 2 * len(pos)
        parts.append(f"{quote(lexeme)}:{','.join(map(str, pos))}")
    if size > MAX_TSVECTOR_BYTES:
        return None
    parts += [quote(FACET + f) for f in facets]
    parts += [quote(b) for b in bucket_lexemes(pid)]
    return " ".join(parts)


def index_row(pid: int, body: str, facets: Sequence[str]) -> tuple[int, str, str | None]:
    """The para_search row (id, tsv, stream) of a paragraph; body = its space-joined tokens.

    `stream` is set only for an overflow row, whose tsvector then holds just its facets and
    buckets: para_search_ids matches such rows by substring, as the old para_terms did.
    """
    tsv = _tsvector(body, facets, pid)
    if tsv is not None:
        return pid, tsv, None
    plain = " ".join([quote(FACET + f) for f in facets] + [quote(b) for b in bucket_lexemes(pid)])
    return pid, plain, f" {body} "


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


def facets_tsquery(facets: Sequence[str]) -> str | None:
    return " & ".join(quote(FACET + f) for f in facets) or None


def stream_needle(term: Term) -> str:
    """Substring of an overflow row's token stream that means the phrase matches."""
    return " " + " ".join(term.tokens) + ("" if term.prefix else " ")


def scan_tsquery(
    terms: Sequence[Term], facets: Sequence[str], freqs: dict[str, float]
) -> tuple[str | None, float | None]:
    """What the GIN scan is asked, and the fraction of rows it is expected to find (an upper
    bound, from ANALYZE's most common lexemes).

    The scan is an AND of some of the query's lexemes, without phrase operators, so the index
    answer needs no recheck; para_search_ids checks every row found against the full query, so
    the choice only affects speed. Visiting a row costs far more than reading a posting, so the
    scan keeps every lexeme that is not very common (under 5 % of rows by ANALYZE's statistics,
    at most MAX_SCAN of them) and at least the rarest lexeme of each term; a facet only when it
    is itself uncommon.
    (None, …): ask the query itself.
    """
    per_term: list[list[str]] = []
    for t in terms:
        toks = list(t.tokens)
        if t.prefix:
            toks[-1] += PREFIX
        per_term.append(toks)
    # Facets (filters, the scope's side) join the scan only when they are rare: the side
    # lexemes are on most rows, and asking GIN for them would intersect with nearly the
    # whole index. The query checks them on every row found anyway.
    uniq = list(
        dict.fromkeys([*(x for toks in per_term for x in toks), *(FACET + f for f in facets)])
    )
    phrase = any(len(t.tokens) > 1 for t in terms)
    if not freqs:
        return (" & ".join(quote(x) for x in uniq) if phrase else None), None
    floor = freqs[""]  # every lexeme ANALYZE does not list is rarer than this

    def freq(x: str) -> float:
        return freqs.get(x, floor)

    chosen = list(dict.fromkeys(min(toks, key=freq) for toks in per_term))
    chosen += sorted((x for x in uniq if x not in chosen and freq(x) < COMMON), key=freq)
    chosen = chosen[: max(MAX_SCAN, len(per_term))]
    density = min(freq(x) for x in chosen)
    if not phrase and len(chosen) == len(uniq):
        return None, density
    return " & ".join(quote(x) for x in chosen), density


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
    if pos > MAX_POSITION or not exact:
        lexemes = " ".join([*(quote(k) for k in positions), *facets])
        return doc.id, lexemes, " " + " ".join(stream) + " "
    parts = [f"{quote(k)}:{','.join(v)}" for k, v in positions.items()]
    tsv = " ".join([*parts, *facets])
    if len(tsv.encode()) > MAX_TSVECTOR_BYTES:
        return (
            doc.id,
            " ".join([*(quote(k) for k in positions), *facets]),
            " " + " ".join(stream) + " ",
        )
    return doc.id, tsv, None


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
        f"SELECT r.id, m.id, {score}, m.doc_type, m.organisation_kind, m.year"
        " FROM material_search s"
        " JOIN revisions r ON r.id = s.id >> 1 JOIN materials m ON m.id = r.material_id"
        f" WHERE {where}"
    )


class PostgresIndex:
    dialect = "postgresql"

    def __init__(self) -> None:
        self._freqs: tuple[float, dict[str, float]] | None = None
        self._lock = threading.Lock()

    def add(self, conn: Any, rows: list[Any]) -> None:
        """Index passages: one executemany of tsvector literals."""
        from gongwen.store.index import material_docs

        values = [index_row(r.id, r.body, r.facets) for r in rows]
        if values:
            conn.exec_driver_sql(
                "INSERT INTO para_search (id, tsv, stream) VALUES (%s, CAST(%s AS tsvector), %s)",
                values,
            )
            conn.exec_driver_sql(
                "INSERT INTO material_search (id, tsv, stream)"
                " VALUES (%s, CAST(%s AS tsvector), %s)",
                [material_row(d) for d in material_docs(rows)],
            )

    def remove(self, conn: Any, rows: list[Any]) -> None:
        from sqlalchemy import text

        from gongwen.store.index import doc_id

        if rows:
            conn.execute(
                text("DELETE FROM para_search WHERE id = ANY(:ids)"), {"ids": [r.id for r in rows]}
            )
            revisions = {r.revision_id for r in rows}
            conn.execute(
                text("DELETE FROM material_search WHERE id = ANY(:ids)"),
                {"ids": [doc_id(rev, side) for rev in revisions for side in (False, True)]},
            )

    def candidates(
        self,
        conn: Any,
        terms: list[Term],
        facets: list[str],
        scope: Scope,
        params: dict[str, Any],
    ) -> str:
        """`p.id` filter for the newest :cap passages matching every phrase and facet within
        the scope: one call of para_search_ids (the scalar subquery keeps the planner from
        running the function once more to estimate it)."""
        from gongwen.store.index import FULL, PUBLIC

        side = [FULL] if scope.everything else [PUBLIC] if scope.readable is None else []
        asked = [*facets, *side]
        params["pg_q"] = query_tsquery(terms, asked)
        params["pg_needles"] = [stream_needle(t) for t in terms]
        params["pg_facets"] = facets_tsquery(asked)
        params["pg_scan"], params["pg_density"] = scan_tsquery(terms, asked, self.freqs(conn))
        params["pg_visible_at"] = None if scope.everything else scope.at
        params["pg_read_from"], params["pg_read_to"] = scope.readable or (None, None)
        return (
            "p.id = ANY(CAST((SELECT para_search_ids(CAST(:pg_q AS tsquery), :cap,"
            " CAST(:pg_needles AS text[]), CAST(:pg_facets AS tsquery),"
            " CAST(:pg_scan AS tsquery), CAST(:pg_density AS float8),"
            " CAST(:pg_visible_at AS timestamptz), CAST(:pg_read_from AS timestamptz),"
            " CAST(:pg_read_to AS timestamptz))) AS integer[]))"
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

    def freqs(self, conn: Any) -> dict[str, float]:
        """The most common lexemes of para_search.tsv and their row frequencies (ANALYZE's
        sample, about 1,000 lexemes, down to ~1.4 % of rows on the gov-corpus); '' maps to the
        lowest listed frequency, an upper bound for every lexeme not listed. Kept FREQS_TTL s."""
        from sqlalchemy import text

        with self._lock:
            cached = self._freqs
        if cached and time.monotonic() - cached[0] < FREQS_TTL:
            return cached[1]
        row = conn.execute(
            text(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = 'para_search'"
                " AND attname = 'tsv'"
            )
        ).first()
        freqs: dict[str, float] = {}
        if row and row[0]:
            freqs = dict(zip(row[0], row[1], strict=False))  # the last 3: min, max, nulls
            freqs[""] = row[1][len(row[0])]
        with self._lock:
            self._freqs = (time.monotonic(), freqs)
        return freqs

    def check(self, conn: Any) -> None:
        return None

    def optimize(self, conn: Any) -> None:
        """After a bulk load: move the GIN pending list into the index, refresh statistics."""
        from sqlalchemy import text

        conn.execute(text("SELECT gin_clean_pending_list('ix_para_search_tsv'::regclass)"))
        conn.execute(text("SELECT gin_clean_pending_list('ix_material_search_tsv'::regclass)"))
        conn.execute(text("ANALYZE para_search"))
        conn.execute(text("ANALYZE material_search"))
        with self._lock:
            self._freqs = None
