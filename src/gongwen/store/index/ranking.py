"""Ranking shared by both indexes: materials scored by the index, passages chosen in Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongwen.model.search import Scope, Term
from gongwen.parse.tokens import normalize
from gongwen.store import sql
from gongwen.store.index import SearchIndex


@dataclass(frozen=True, slots=True)
class RankedMaterial:
    """A matching material: its score and the facets the results page counts."""

    revision_id: int
    material_id: int
    score: float
    doc_type: str
    organisation_kind: str
    year: int | None
    reads: bool  # the viewer searched the material's full side (else its public side)


@dataclass(frozen=True, slots=True)
class Passage:
    """A matching passage of a material on the results page, before its snippet is made."""

    paragraph_id: int
    revision_id: int
    section_ord: int | None
    kind: str
    text: str
    score: float


# A material whose title holds every term ranks as if its score were doubled; its headings: 1.3.
FIELD_BOOSTS = {"title": 2.0, "headings": 1.3}


def ranked_materials(
    conn: Any, index: SearchIndex, terms: list[Term], facets: list[str], scope: Scope
) -> list[tuple[Any, ...]]:
    """Every material matching every term and facet within the scope, best first, as rows
    of index.RANK_COLUMNS (plain tuples: a common word matches thousands; the page turns its
    ten into RankedMaterial).

    The index scores each match (BM25 on SQLite, ts_rank on PostgreSQL); ties go to the newer
    material. The caller pages through them and counts their facets.
    """
    params: dict[str, Any] = {}
    found = sql.rows(conn, index.rank_sql(conn, terms, facets, scope, params), params)
    # BM25 saturates a title's weight together with the body's (FTS5 multiplies the counts
    # before the saturation), so a title or heading that holds the query is weighted up here.
    boost: dict[int, float] = {}
    for field, factor in FIELD_BOOSTS.items():
        fparams: dict[str, Any] = {}
        for (rev,) in sql.rows(conn, index.field_matches_sql(conn, terms, field, fparams), fparams):
            boost[rev] = boost.get(rev, 1.0) * factor
    if boost:
        found = [(r[0], r[1], r[2] * boost[r[0]], *r[3:]) if r[0] in boost else r for r in found]
    return sorted(found, key=lambda r: (-r[2], -r[1]))


def ranked(row: tuple[Any, ...]) -> RankedMaterial:
    rev, mid, score, doc_type, kind, year, reads = row
    return RankedMaterial(rev, mid, float(score), doc_type, kind, year, bool(reads))


def matching_revisions(
    conn: Any, picks: list[tuple[int, bool]], needles: list[str], section_kind: str
) -> set[int]:
    """The revisions among `picks` (revision, readable) with a passage on the viewer's side, in a
    section of `section_kind`, that holds every needle (a section filter is about passages: the
    material index only knows which sections a material has)."""
    readable = dict(picks)
    found: set[int] = set()
    revisions = list(readable)
    for start in range(0, len(revisions), 500):
        chunk = revisions[start : start + 500]
        rows = sql.rows(
            conn,
            "SELECT p.revision_id, p.kind, p.text FROM paragraphs p JOIN sections s"
            " ON s.revision_id = p.revision_id AND s.ord = p.section_ord"
            " WHERE p.revision_id IN (:revs) AND s.kind = :kind",
            {"revs": sql.in_list(chunk), "kind": section_kind},
        )
        for rev, kind, text_ in rows:
            if rev in found or kind not in (_FULL_KINDS if readable[rev] else _PUBLIC_KINDS):
                continue
            norm = normalize(text_)
            if all(n in norm for n in needles):
                found.add(rev)
    return found


# What a passage adds to a material's hit, by kind: a heading that names the query says more
# than a paragraph that mentions it. Titles are the hit's own heading and are not repeated.
_KIND_BONUS = {"heading": 0.5, "body": 0.0, "preview": 0.0}
_PUBLIC_KINDS = ("heading", "preview")
_FULL_KINDS = ("heading", "body")


def best_passages(
    conn: Any,
    picks: list[tuple[int, bool]],
    needles: list[str],
    section_ords: dict[int, set[int]] | None = None,
) -> dict[int, list[Passage]]:
    """The matching passages of each (revision, readable) pick, best first.

    A passage matches when it holds at least one needle; it ranks by how many distinct
    needles it holds, then by a BM25-style term frequency with length normalisation (so a
    paragraph repeating a word does not beat one that uses all the words). A reader's pick
    searches the body and headings, anyone else's the public side (headings and preview).
    `section_ords` limits a revision to passages of those sections (a section filter).
    Done here rather than in the index: a page shows ten materials, a few hundred passages.
    """
    if not picks:
        return {}
    readable = dict(picks)
    # Folding (width, case) only changes ASCII and full-width forms: Han needles skip it, and
    # then the database itself leaves out passages that hold none of them.
    fold = any(not ("\u3400" <= ch <= "\U0002ffff") for n in needles for ch in n)
    # Each revision's own side only: a reader's body and headings, anyone else's public side.
    full = [rev for rev, reads in readable.items() if reads]
    public = [rev for rev, reads in readable.items() if not reads]
    params: dict[str, Any] = {
        "full": sql.in_list(full),
        "public": sql.in_list(public),
        "full_kinds": sql.in_list(_FULL_KINDS),
        "public_kinds": sql.in_list(_PUBLIC_KINDS),
    }
    sides = []
    if full:
        sides.append("(revision_id IN (:full) AND kind IN (:full_kinds))")
    if public:
        sides.append("(revision_id IN (:public) AND kind IN (:public_kinds))")
    holds = ""
    if not fold and needles:
        params.update({f"n{i}": n for i, n in enumerate(needles)})
        holds = (
            " AND ("
            + " OR ".join(f"replace(text, :n{i}, '') <> text" for i in range(len(needles)))
            + ")"
        )
    rows = sql.rows(
        conn,
        "SELECT id, revision_id, section_ord, kind, text FROM paragraphs"
        f" WHERE ({' OR '.join(sides)}){holds}",
        params,
    )
    out: dict[int, list[Passage]] = {rev: [] for rev in readable}
    matched: list[tuple[Any, list[int]]] = []
    for pid, rev, sord, kind, text_ in rows:
        if section_ords is not None and sord not in section_ords.get(rev, ()):
            continue
        norm = normalize(text_) if fold else text_
        tfs = [norm.count(n) if n else 0 for n in needles]
        if any(tfs):
            matched.append(((pid, rev, sord, kind, text_), tfs))
    if not matched:
        return out
    avg_len = sum(len(r[4]) for r, _ in matched) / len(matched)
    for (pid, rev, sord, kind, text_), tfs in matched:
        length = 0.25 + 0.75 * len(text_) / avg_len
        score = sum(1 for tf in tfs if tf) * 10.0 + _KIND_BONUS.get(kind, 0.0)
        score += sum(tf * 2.2 / (tf + 1.2 * length) for tf in tfs if tf)
        out[rev].append(Passage(pid, rev, sord, kind, text_, score))
    for passages in out.values():
        passages.sort(key=lambda p: (-p.score, p.paragraph_id))
    return out


def section_ords(conn: Any, revisions: list[int], section_kind: str) -> dict[int, set[int]]:
    """The sections of each revision that are of `section_kind`."""
    out: dict[int, set[int]] = {rev: set() for rev in revisions}
    if revisions:
        for rev, ord_ in sql.rows(
            conn,
            "SELECT revision_id, ord FROM sections WHERE revision_id IN (:revs) AND kind = :k",
            {"revs": sql.in_list(revisions), "k": section_kind},
        ):
            out[rev].add(ord_)
    return out


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


def hit_cards(conn: Any, material_ids: list[int]) -> dict[int, tuple[str, str, str, str]]:
    """id -> (title, document type, organisation, document date) of the shown materials."""
    if not material_ids:
        return {}
    return {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in sql.rows(
            conn,
            "SELECT id, title, doc_type, organisation, doc_date FROM materials WHERE id IN (:ids)",
            {"ids": sql.in_list(material_ids)},
        )
    }
