"""Search: candidates from the index, ranked in Python the same way on every database.

The index returns the newest `search_candidates` paragraphs that contain every phrase (exact
phrase semantics, filters applied inside the index). Those are ranked here by a BM25-style
term-frequency score with length normalisation plus a bonus for terms in the title. Common short
queries (法, 工作) therefore cost the same as rare ones; the price is that for a term with more
matches than the cap, only the newest matches compete for the top places.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, text

from gongwen.library import Library
from gongwen.search.query import Term, fts5_match, parse_query, stream_needle
from gongwen.search.tokens import facet_token, normalize
from gongwen.store.schema import materials, paragraphs, sections

SNIPPET_RADIUS = 60
FILTER_FIELDS = {
    "organisation_kind": "kind",
    "doc_type": "type",
    "year": "year",
    "period": "period",
    "section_kind": "section",
}


@dataclass(frozen=True, slots=True)
class Filters:
    organisation_kind: str | None = None
    doc_type: str | None = None
    year: int | None = None
    period: str | None = None
    section_kind: str | None = None

    def tokens(self) -> list[str]:
        return [
            facet_token(name, value)
            for field_name, name in FILTER_FIELDS.items()
            if (value := getattr(self, field_name)) is not None and value != ""
        ]


@dataclass(slots=True)
class Hit:
    material_id: int
    revision_id: int
    paragraph_id: int
    title: str
    heading_path: list[str]
    snippet: list[tuple[str, bool]]  # (text, highlighted) segments, for safe rendering
    score: float
    end: int = 0  # where the paragraph ends in its document (for preview checks)

    @property
    def snippet_text(self) -> str:
        return "".join(f"【{t}】" if hit else t for t, hit in self.snippet)

    def as_json(self) -> dict[str, object]:
        return {
            "material_id": self.material_id,
            "revision_id": self.revision_id,
            "paragraph_id": self.paragraph_id,
            "title": self.title,
            "heading_path": self.heading_path,
            "snippet": self.snippet_text,
            "highlights": [[t, hit] for t, hit in self.snippet],
            "score": round(self.score, 4),
        }


@dataclass(slots=True)
class SearchResult:
    query: str
    hits: list[Hit]
    candidates: int  # matching paragraphs that were ranked
    capped: bool  # more paragraphs match than were ranked
    took_ms: float
    filters: Filters = field(default_factory=Filters)

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "candidates": self.candidates,
            "capped": self.capped,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.as_json() for h in self.hits],
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A top-ranked matching paragraph, before its text is loaded."""

    paragraph_id: int
    revision_id: int
    section_ord: int | None
    start: int
    length: int
    material_id: int
    title: str
    score: float

    @property
    def end(self) -> int:
        return self.start + self.length


def search(
    lib: Library,
    query: str,
    filters: Filters | None = None,
    limit: int = 20,
    visible_at: datetime | None = None,
) -> SearchResult:
    """Ranked paragraphs that contain every term of `query`, with snippets and heading paths.

    With `visible_at`, only materials published by then and not retired are searched (the
    platform's public catalogue); snippets and heading paths are built for the top hits only.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    terms = parse_query(query)
    cap = lib.settings.search_candidates
    needles = [_needle(t) for t in terms]
    with lib.engine.connect() as conn:
        count, top = _ranked_candidates(
            conn, terms, needles, filters.tokens(), cap, limit, visible_at
        )
        hits = _hits(conn, top, needles)
    return SearchResult(
        query, hits, count, count >= cap, (time.perf_counter() - started) * 1000, filters
    )


def _candidate_ids_sql(
    conn: Connection, terms: list[Term], facets: list[str], params: dict[str, object]
) -> str:
    """A subquery for the newest ids matching every term and filter (exact phrases)."""
    if conn.dialect.name == "sqlite":
        params["match"] = fts5_match(terms, facets)
        return (
            "SELECT rowid FROM para_fts WHERE para_fts MATCH :match ORDER BY rowid DESC LIMIT :cap"
        )
    where = ["grams @> CAST(:grams AS text[])"]
    params["grams"] = sorted({tok for t in terms for tok in t.tokens})
    if facets:
        where.append("facets @> CAST(:facets AS text[])")
        params["facets"] = facets
    for i, term in enumerate(terms):
        where.append(f"strpos(stream, :s{i}) > 0")
        params[f"s{i}"] = stream_needle(term)
    return f"SELECT id FROM para_terms WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :cap"


def _ranked_candidates(
    conn: Connection,
    terms: list[Term],
    needles: list[str],
    facets: list[str],
    cap: int,
    limit: int,
    visible_at: datetime | None,
) -> tuple[int, list[Candidate]]:
    """(how many candidates, the top `limit`) by a BM25-style term frequency, length norm and
    title bonus.

    Term and title counts are computed by the database (the same expression on SQLite and
    PostgreSQL), so no paragraph text crosses into Python for ranking. Needles with ASCII
    letters need width/case folding, which only Python does the same way everywhere.
    """
    params: dict[str, object] = {"cap": cap}
    folded = any(ch.isascii() for n in needles for ch in n)
    counts = []
    for i, needle in enumerate(needles):
        params[f"n{i}"] = needle
        counts.append(
            f", (length(p.text) - length(replace(p.text, :n{i}, ''))) / length(:n{i})"
            f", length(m.title) - length(replace(m.title, :n{i}, ''))"
        )
    visible = ""
    if visible_at is not None:
        visible = " AND m.published_at <= :visible_at AND m.retired_at IS NULL"
        params["visible_at"] = visible_at
    sql = (
        "SELECT p.id, p.revision_id, p.section_ord, p.start, length(p.text), m.id, m.title"
        + (", p.text" if folded else "".join(counts))
        + " FROM paragraphs p JOIN revisions r ON r.id = p.revision_id"
        " JOIN materials m ON m.id = r.material_id"
        f" WHERE p.id IN ({_candidate_ids_sql(conn, terms, [*facets], params)}){visible}"
    )
    statement = (
        text(sql).bindparams(bindparam("visible_at", type_=materials.c.published_at.type))
        if visible_at is not None
        else text(sql)
    )
    # Positional access, no typed columns: type processing would cost more than the ranking.
    rows = conn.execute(statement, params).all()
    if not rows:
        return 0, []
    avg_len = sum(r[4] for r in rows) / len(rows)
    n = len(needles)
    scored = []
    for r in rows:
        if folded:
            norm, norm_title = normalize(r[7]), normalize(r[6])
            pairs = [(norm.count(x), x in norm_title) for x in needles]
        else:
            pairs = [(r[7 + 2 * i], r[8 + 2 * i] > 0) for i in range(n)]
        length = 0.25 + 0.75 * r[4] / avg_len
        score = 0.0
        for tf, title_hit in pairs:
            tf = max(1, tf)
            score += tf * 2.2 / (tf + 1.2 * length) + (0.5 if title_hit else 0.0)
        scored.append((score, r[0], r))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    top = [
        Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], score) for score, _, r in scored[:limit]
    ]
    return len(rows), top


_TEXTS = select(paragraphs.c.id, paragraphs.c.text).where(
    paragraphs.c.id.in_(bindparam("ids", expanding=True))
)


def _hits(conn: Connection, top: list[Candidate], needles: list[str]) -> list[Hit]:
    if not top:
        return []
    texts = dict(conn.execute(_TEXTS, {"ids": [c.paragraph_id for c in top]}).all())
    paths = _heading_paths(
        conn, {(c.revision_id, c.section_ord) for c in top if c.section_ord is not None}
    )
    return [
        Hit(
            c.material_id,
            c.revision_id,
            c.paragraph_id,
            c.title,
            paths.get((c.revision_id, c.section_ord), []) if c.section_ord is not None else [],
            snippet(texts[c.paragraph_id], needles),
            c.score,
            c.end,
        )
        for c in top
    ]


def _needle(term: Term) -> str:
    """What to look for in the normalised text: the term without its surrounding punctuation."""
    return term.text.strip("\"'“”‘’()（）[]【】《》,，.。;；:：!！?？") or term.text


def _heading_paths(
    conn: Connection, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], list[str]]:
    """Heading paths of the given (revision, section) pairs, loading only them and their parents."""
    known: dict[tuple[int, int], tuple[str, int | None]] = {}
    missing = set(wanted)
    while missing:  # one round per heading level, usually two or three
        # Two plain IN lists (a superset, filtered here) use the revision index; a row-value
        # IN over (revision, ord) pairs makes SQLite scan the table.
        rows = conn.execute(
            select(
                sections.c.revision_id,
                sections.c.ord,
                sections.c.label,
                sections.c.heading,
                sections.c.parent_ord,
            ).where(
                sections.c.revision_id.in_({rev for rev, _ in missing}),
                sections.c.ord.in_({o for _, o in missing}),
            )
        ).all()
        rows = [r for r in rows if (r.revision_id, r.ord) in missing]
        for r in rows:
            known[(r.revision_id, r.ord)] = (f"{r.label}{r.heading}", r.parent_ord)
        missing = {
            (rev, parent)
            for (rev, _), (_, parent) in known.items()
            if parent is not None and (rev, parent) not in known
        } - missing
        if not rows:
            break
    paths: dict[tuple[int, int], list[str]] = {}
    for key in wanted:
        path: list[str] = []
        node: tuple[int, int] | None = key
        while node is not None and node in known:
            title, parent = known[node]
            path.append(title)
            node = (node[0], parent) if parent is not None else None
        paths[key] = path[::-1]
    return paths


def snippet(text_: str, needles: list[str], radius: int = SNIPPET_RADIUS) -> list[tuple[str, bool]]:
    """A window of the paragraph around the first hit, split into plain and highlighted parts."""
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
