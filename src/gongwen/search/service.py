"""Search: candidates from the index, ranked in Python the same way on every database.

The index returns the newest `search_candidates` passages, within the caller's scope, that
contain every phrase (exact phrase semantics, filters applied inside the index). Those are
ranked here by a BM25-style term-frequency score with length normalisation plus a bonus for
terms in the title. Common short queries (法, 工作) therefore cost the same as rare ones; the
price is that for a term with more matches than the cap, only the newest matches compete for
the top places.
"""

from __future__ import annotations

import time

from gongwen.library import Library
from gongwen.model.search import Filters, Hit, Scope, SearchResult
from gongwen.parse.tokens import normalize
from gongwen.search.query import needle, parse_query
from gongwen.store.index import filter_tokens, ranking

SNIPPET_RADIUS = 60

__all__ = ["Filters", "Hit", "Scope", "SearchResult", "search", "snippet"]


def search(
    lib: Library,
    query: str,
    filters: Filters | None = None,
    limit: int = 20,
    scope: Scope | None = None,
) -> SearchResult:
    """Ranked passages that contain every term of `query`, with snippets and heading paths.

    `scope` says what may match (default: everything, as editors and the command line see it);
    snippets and heading paths are built for the top hits only.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    terms = parse_query(query)
    cap = lib.settings.search_candidates
    needles = [needle(t) for t in terms]
    with lib.db.read() as conn:
        count, top = ranking.ranked_candidates(
            conn,
            lib.index,
            terms,
            needles,
            filter_tokens(filters),
            scope or Scope.all(),
            cap,
            limit,
        )
        texts = ranking.passage_texts(conn, [c.paragraph_id for c in top])
        paths = ranking.heading_paths(
            conn, {(c.revision_id, c.section_ord) for c in top if c.section_ord is not None}
        )
    hits = [
        Hit(
            c.material_id,
            c.revision_id,
            c.paragraph_id,
            c.title,
            paths.get((c.revision_id, c.section_ord), []) if c.section_ord is not None else [],
            snippet(texts[c.paragraph_id], needles),
            c.score,
            c.kind,
        )
        for c in top
    ]
    return SearchResult(
        query, hits, count, count >= cap, (time.perf_counter() - started) * 1000, filters
    )


def snippet(text_: str, needles: list[str], radius: int = SNIPPET_RADIUS) -> list[tuple[str, bool]]:
    """A window of the passage around the first hit, split into plain and highlighted parts."""
    norm = normalize(text_)
    first = min((i for n in needles if n and (i := norm.find(n)) >= 0), default=0)
    start = max(0, first - radius // 2)
    end = min(len(text_), start + 2 * radius)
    spans: list[tuple[int, int]] = []
    for n in needles:
        if not n:
            continue
        i = norm.find(n, start)
        while 0 <= i < end:
            spans.append((i, min(end, i + len(n))))
            i = norm.find(n, i + len(n))
    spans.sort()
    parts: list[tuple[str, bool]] = []
    pos = start
    if start > 0:
        parts.append(("…", False))
    for s, e in spans:
        if e <= pos:
            continue
        s = max(s, pos)
        if s > pos:
            parts.append((text_[pos:s], False))
        parts.append((text_[s:e], True))
        pos = e
    if pos < end:
        parts.append((text_[pos:end], False))
    if end < len(text_):
        parts.append(("…", False))
    return parts
