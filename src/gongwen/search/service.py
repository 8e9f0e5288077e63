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

from sqlalchemy import Connection, bindparam, select, text

from gongwen.library import Library
from gongwen.search.query import Term, fts5_match, parse_query, stream_needle
from gongwen.search.tokens import facet_token, normalize
from gongwen.store.schema import materials, paragraphs, revisions, sections

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


def search(
    lib: Library, query: str, filters: Filters | None = None, limit: int = 20
) -> SearchResult:
    """Ranked paragraphs that contain every term of `query`, with snippets and heading paths."""
    started = time.perf_counter()
    filters = filters or Filters()
    terms = parse_query(query)
    cap = lib.settings.search_candidates
    with lib.engine.connect() as conn:
        ids = _candidates(conn, terms, filters.tokens(), cap)
        hits = _rank(conn, ids, terms, limit)
    return SearchResult(
        query, hits, len(ids), len(ids) >= cap, (time.perf_counter() - started) * 1000, filters
    )


def _candidates(conn: Connection, terms: list[Term], facets: list[str], cap: int) -> list[int]:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT rowid FROM para_fts WHERE para_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (fts5_match(terms, facets), cap),
        )
        return [r[0] for r in rows]
    grams = sorted({tok for t in terms for tok in t.tokens})
    where = ["grams @> CAST(:grams AS text[])"]
    params: dict[str, object] = {"grams": grams, "cap": cap}
    if facets:
        where.append("facets @> CAST(:facets AS text[])")
        params["facets"] = facets
    for i, term in enumerate(terms):
        where.append(f"strpos(stream, :n{i}) > 0")
        params[f"n{i}"] = stream_needle(term)
    sql = f"SELECT id FROM para_terms WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :cap"
    return [r[0] for r in conn.execute(text(sql), params)]


_CANDIDATE_ROWS = (
    select(
        paragraphs.c.id,
        paragraphs.c.text,
        paragraphs.c.revision_id,
        paragraphs.c.section_ord,
        materials.c.id.label("material_id"),
        materials.c.title,
    )
    .join(revisions, revisions.c.id == paragraphs.c.revision_id)
    .join(materials, materials.c.id == revisions.c.material_id)
    .where(paragraphs.c.id.in_(bindparam("ids", expanding=True)))
)


def _rank(conn: Connection, ids: list[int], terms: list[Term], limit: int) -> list[Hit]:
    if not ids:
        return []
    rows = conn.execute(_CANDIDATE_ROWS, {"ids": ids}).all()
    needles = [_needle(t) for t in terms]
    # Width/case folding only changes ASCII-range characters: needles without any can be
    # counted in the raw text, which saves most of the ranking time on Chinese queries.
    fold = normalize if any(ch.isascii() for n in needles for ch in n) else _same
    avg_len = sum(len(r.text) for r in rows) / len(rows)
    titles: dict[int, str] = {}
    scored = []
    for r in rows:
        norm = fold(r.text)
        norm_title = titles.get(r.material_id) or titles.setdefault(r.material_id, fold(r.title))
        length = 0.25 + 0.75 * len(norm) / avg_len
        score = 0.0
        for needle in needles:
            tf = max(1, norm.count(needle))
            score += tf * 2.2 / (tf + 1.2 * length)
            if needle in norm_title:
                score += 0.5
        scored.append((score, r.id, r))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    top = scored[:limit]
    paths = _heading_paths(conn, {r.revision_id for _, _, r in top})
    return [
        Hit(
            r.material_id,
            r.revision_id,
            r.id,
            r.title,
            paths.get((r.revision_id, r.section_ord), []) if r.section_ord is not None else [],
            snippet(r.text, needles),
            score,
        )
        for score, _, r in top
    ]


def _same(text_: str) -> str:
    return text_


def _needle(term: Term) -> str:
    """What to look for in the normalised text: the term without its surrounding punctuation."""
    return term.text.strip("\"'“”‘’()（）[]【】《》,，.。;；:：!！?？") or term.text


def _heading_paths(conn: Connection, revision_ids: set[int]) -> dict[tuple[int, int], list[str]]:
    rows = conn.execute(
        select(
            sections.c.revision_id,
            sections.c.ord,
            sections.c.label,
            sections.c.heading,
            sections.c.parent_ord,
        ).where(sections.c.revision_id.in_(bindparam("rids", expanding=True))),
        {"rids": sorted(revision_ids)},
    ).all()
    by_key = {(r.revision_id, r.ord): r for r in rows}
    paths: dict[tuple[int, int], list[str]] = {}
    for key, r in by_key.items():
        path = []
        node = r
        while node is not None:
            path.append(f"{node.label}{node.heading}")
            node = (
                by_key.get((r.revision_id, node.parent_ord))
                if node.parent_ord is not None
                else None
            )
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
