"""Ranking queries shared by both indexes: counts in SQL, the score in Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongwen.model.search import Scope, Term
from gongwen.parse.tokens import normalize
from gongwen.store import sql
from gongwen.store.index import SearchIndex


@dataclass(frozen=True, slots=True)
class Candidate:
    """A top-ranked matching passage, before its text is loaded."""

    paragraph_id: int
    revision_id: int
    section_ord: int | None
    start: int
    length: int
    material_id: int
    title: str
    score: float
    kind: str


def ranked_candidates(
    conn: Any,
    index: SearchIndex,
    terms: list[Term],
    needles: list[str],
    facets: list[str],
    scope: Scope,
    cap: int,
    limit: int,
) -> tuple[int, list[Candidate]]:
    """(how many candidates, the top `limit`) by a BM25-style term frequency, length norm and
    title bonus.

    Term and title counts are computed by the database (the same expression on SQLite and
    PostgreSQL), so no passage text crosses into Python for ranking. Needles with ASCII
    letters need width/case folding, which only Python does the same way everywhere.
    """
    params: dict[str, Any] = {"cap": cap}
    folded = any(ch.isascii() for n in needles for ch in n)
    counts = []
    for i, needle in enumerate(needles):
        params[f"n{i}"] = needle
        counts.append(
            f", (length(p.text) - length(replace(p.text, :n{i}, ''))) / length(:n{i})"
            f", length(m.title) - length(replace(m.title, :n{i}, ''))"
        )
    candidates = index.candidates(conn, terms, facets, scope, params)
    found = sql.rows(
        conn,
        "SELECT p.id, p.revision_id, p.section_ord, p.start, length(p.text), m.id, m.title,"
        " p.kind"
        + (", p.text" if folded else "".join(counts))
        + " FROM paragraphs p JOIN revisions r ON r.id = p.revision_id"
        " JOIN materials m ON m.id = r.material_id"
        f" WHERE {candidates}",
        params,
    )
    if not found:
        return 0, []
    avg_len = sum(r[4] for r in found) / len(found)
    n = len(needles)
    scored = []
    for r in found:
        if folded:
            norm, norm_title = normalize(r[8]), normalize(r[6])
            pairs = [(norm.count(x), x in norm_title) for x in needles]
        else:
            pairs = [(r[8 + 2 * i], r[9 + 2 * i] > 0) for i in range(n)]
        length = 0.25 + 0.75 * r[4] / avg_len
        score = 0.0
        for tf, title_hit in pairs:
            tf = max(1, tf)
            score += tf * 2.2 / (tf + 1.2 * length) + (0.5 if title_hit else 0.0)
        scored.append((score, r[0], r))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    top = [
        Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], score, r[7])
        for score, _, r in scored[:limit]
    ]
    return len(found), top


def passage_texts(conn: Any, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        sql.rows(
            conn, "SELECT id, text FROM paragraphs WHERE id IN (:ids)", {"ids": sql.in_list(ids)}
        )
    )


def heading_paths(conn: Any, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """Heading paths of the given (revision, section) pairs, loading only them and their parents."""
    known: dict[tuple[int, int], tuple[str, int | None]] = {}
    missing = set(wanted)
    while missing:  # one round per heading level, usually two or three
        # Two plain IN lists (a superset, filtered here) use the revision index; a row-value
        # IN over (revision, ord) pairs makes SQLite scan the table.
        found = sql.rows(
            conn,
            "SELECT revision_id, ord, label, heading, parent_ord FROM sections"
            " WHERE revision_id IN (:revs) AND ord IN (:ords)",
            {
                "revs": sql.in_list({rev for rev, _ in missing}),
                "ords": sql.in_list({o for _, o in missing}),
            },
        )
        found = [r for r in found if (r[0], r[1]) in missing]
        for rev, ord_, label, heading, parent in found:
            known[(rev, ord_)] = (f"{label}{heading}", parent)
        missing = {
            (rev, parent)
            for (rev, _), (_, parent) in known.items()
            if parent is not None and (rev, parent) not in known
        } - missing
        if not found:
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
