"""Search: every matching material ranked by the index, grouped, paged, with facet counts.

The search index (store/index/engine.py, tantivy) scores every material that holds every
phrase within the caller's scope (BM25 in title, headings and body, with length
normalisation), so a common word ranks all its matches, not the newest few. A page shows `per_page` materials, each
with its best passages (chosen in Python from that material's passages on the caller's side)
and the number of other matching passages in it. Facet counts (document type, organisation
kind, year) are over all matching materials.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gongwen.library import Library
from gongwen.model.search import (
    FACET_NAMES,
    Filters,
    Hit,
    MaterialHit,
    Scope,
    SearchResult,
)
from gongwen.parse.tokens import normalize
from gongwen.search.query import needle, parse_query
from gongwen.store import materials as material_store
from gongwen.store.index import filter_facets, ranking

SNIPPET_RADIUS = 60
PASSAGES_PER_MATERIAL = 3
PASSAGES_IN_ONE_MATERIAL = 50  # searching inside one material ("more in this material")
BROAD_SHARE = 0.3  # a one-character query matching more than this share of the library is broad
MAX_PAGE = 500
SYNC_PER_SEARCH = 200  # queued revisions a search applies before it searches

# (material, revision, the passages shown) -> the text to show of each
PassageCopies = Callable[[int, int, list[ranking.Passage]], list[str]]

__all__ = ["Filters", "Hit", "Scope", "SearchResult", "search", "snippet"]


def search(
    lib: Library,
    query: str,
    filters: Filters | None = None,
    limit: int = 10,
    scope: Scope | None = None,
    *,
    page: int = 1,
    material_id: int | None = None,
    copy_of: PassageCopies | None = None,
) -> SearchResult:
    """Materials that hold every term of `query`, best first, `limit` per page.

    `scope` says what may match (default: everything, as editors and the command line see it).
    `material_id` searches one material and lists up to PASSAGES_IN_ONE_MATERIAL passages.
    `copy_of(material_id, revision_id, passages)`: the text to show of each passage (a
    member's own copy of it, platform/search.py), instead of the published text.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    scope = scope or Scope.all()
    page = max(1, min(page, MAX_PAGE))
    terms = parse_query(query)
    needles = [needle(t) for t in terms]
    # What other processes changed is searchable now (a bulk load: a batch per search).
    lib.index.sync(lib.db, limit=SYNC_PER_SEARCH)
    ranked = lib.index.rank(
        terms,
        filter_facets(filters),
        scope,
        section_kind=filters.section_kind,
        material_id=material_id,
        offset=(page - 1) * limit,
        limit=limit,
    )
    shown = [ranking.RankedMaterial(*r) for r in ranked.rows]
    with lib.db.read() as conn:
        picks = [(m.revision_id, m.reads) for m in shown]
        per_material = (
            PASSAGES_IN_ONE_MATERIAL if material_id is not None else PASSAGES_PER_MATERIAL
        )
        passages = ranking.best_passages(conn, picks, needles, per_material, filters.section_kind)
        top = {rev: ps for rev, (_, ps) in passages.items()}
        paths = ranking.heading_paths(
            conn,
            {
                (p.revision_id, p.section_ord)
                for ps in top.values()
                for p in ps
                if p.section_ord is not None
            },
        )
        cards = ranking.hit_cards(conn, [m.material_id for m in shown])
    results = []
    for m in shown:
        if m.material_id not in cards:  # gone since the index last heard of it
            continue
        title, doc_type, organisation, doc_date = cards[m.material_id]
        shown_passages = top[m.revision_id]
        texts = (
            copy_of(m.material_id, m.revision_id, shown_passages)
            if copy_of is not None and m.reads and shown_passages
            else [p.text for p in shown_passages]
        )
        hits = [
            Hit(
                m.material_id,
                m.revision_id,
                p.paragraph_id,
                title,
                _path(paths, p),
                snippet(text, needles),
                p.score,
                p.kind,
            )
            for p, text in zip(shown_passages, texts, strict=True)
        ]
        results.append(
            MaterialHit(
                m.material_id,
                m.revision_id,
                title,
                doc_type,
                organisation,
                doc_date,
                m.score if scope.everything else None,
                hits,
                passages.get(m.revision_id, (0, []))[0],
            )
        )
    return SearchResult(
        query,
        results,
        ranked.total,
        page,
        limit,
        (time.perf_counter() - started) * 1000,
        filters,
        {name: ranked.facets.get(name, []) for name in FACET_NAMES},
        _hint(lib, terms, ranked.total),
    )


def _path(paths: dict[tuple[int, int], list[str]], p: ranking.Passage) -> list[str]:
    """The headings above a passage (a heading's own path stops at its parent)."""
    if p.section_ord is None:
        return []
    path = paths.get((p.revision_id, p.section_ord), [])
    return path[:-1] if p.kind == "heading" else path


def _hint(lib: Library, terms: list, total: int) -> str:
    """Advice when a one-character query matches much of the library."""
    if len(terms) != 1 or not terms[0].prefix or total < 20:
        return ""
    library_size = lib.caches.get(lib.caches.facets, "material_count", lambda: _material_count(lib))
    if total < BROAD_SHARE * library_size:
        return ""
    char = terms[0].text
    return (
        f"“{char}”只有一个字，{total} 篇材料都含有它，结果按相关度排列但范围太大；"
        f"请输入词语（如“{char}治”“{char}律”之类的两字以上词语）或加上筛选条件。"
    )


def _material_count(lib: Library) -> int:
    with lib.db.read() as conn:
        return material_store.count(conn)


def snippet(text_: str, needles: list[str], radius: int = SNIPPET_RADIUS) -> list[tuple[str, bool]]:
    """A window of the passage around the first hit, split into plain and highlighted parts."""
    # Folding only changes ASCII and full-width forms: Han needles find themselves as they are.
    han_only = all("\u3400" <= ch <= "\U0002ffff" for n in needles for ch in n)
    norm = text_ if han_only else normalize(text_)
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
