"""What a result shows: the passages of the ranked materials, chosen in Python from the
database, their heading paths and the materials' cards."""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from gongwen.parse.tokens import normalize
from gongwen.store import sql
from gongwen.store.index import layout


@dataclass(frozen=True, slots=True)
class RankedMaterial:
    """A matching material on the page, as the index ranked it."""

    revision_id: int
    material_id: int
    score: float
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
    start: int | None = None  # where it lies in the revision's text (None: not a slice of it)


# What a passage adds to a material's hit, by kind: a heading that names the query says more
# than a paragraph that mentions it. Titles are the hit's own heading and are not repeated.
_KIND_BONUS = {"heading": 0.5, "body": 0.0, "preview": 0.0}
_PUBLIC_KINDS = ("heading", "preview")
_FULL_KINDS = ("heading", "body")


def best_passages(
    conn: Any,
    picks: list[tuple[int, bool]],
    needles: list[str],
    keep: int,
    section_kind: str | None = None,
) -> dict[int, tuple[int, list[Passage]]]:
    """For each (revision, readable) pick: how many of its passages match, and the best `keep`.

    A passage matches when it holds at least one needle; it ranks by how many distinct
    needles it holds, then by a BM25-style term frequency with length normalisation (so a
    paragraph repeating a word does not beat one that uses all the words). A reader's pick
    searches the body and headings, anyone else's the public side (headings and preview).
    `section_kind` limits passages to sections of that kind (a section filter).

    Read from each revision's text and passage layout (store/index/layout.py): the needles
    are found in the whole text at once and placed in their passages, so a law with 1,000
    paragraphs costs one row, not 1,000.
    """
    out: dict[int, tuple[int, list[Passage]]] = {rev: (0, []) for rev, _ in picks}
    needles = [n for n in needles if n]
    if not picks or not needles:
        return out
    readable = dict(picks)
    rows = sql.rows(
        conn,
        "SELECT r.id, r.text, l.layout FROM revisions r"
        " JOIN passage_layouts l ON l.revision_id = r.id WHERE r.id IN (:revs)",
        {"revs": sql.in_list(readable)},
    )
    allowed = _sections_of_kind(conn, list(readable), section_kind) if section_kind else None
    # Folding (width, case) only changes ASCII and full-width forms: Han needles skip it.
    fold = any(not ("\u3400" <= ch <= "\U0002ffff") for n in needles for ch in n)
    patterns = [re.compile(re.escape(n)) for n in needles]
    # (revision, paragraph id, kind, section, text, start, end, term frequencies): the
    # passage is text[start:end], sliced only for the few that are shown.
    matched: list[tuple[int, int, str, int | None, str, int, int, list[int]]] = []
    inline: set[int] = set()
    for rev, text_, stored in rows:
        kinds = _FULL_KINDS if readable[rev] else _PUBLIC_KINDS
        keep_section = allowed[rev] if allowed is not None else None
        found = layout.decode(stored)
        for pid, kind, section, own in found.inline:
            if kind not in kinds or (keep_section is not None and section not in keep_section):
                continue
            folded = normalize(own) if fold else own
            tfs = [folded.count(n) for n in needles]
            if any(tfs):
                inline.add(len(matched))  # its own text, not a slice of the revision's
                matched.append((rev, pid, kind, section, own, 0, len(own), tfs))
        searched = normalize(text_) if fold else text_
        for kind in kinds:
            sl = found.slices.get(kind)
            if sl is None:
                continue
            starts, ends, ids, sections = sl.starts, sl.ends, sl.ids, sl.sections
            # Every occurrence in the whole text, placed in the passage that holds it whole:
            # with bounds = [start0, end0, start1, end1, …] (passages of a kind do not
            # overlap), an offset lies in passage k when bisect_right gives 2k + 1.
            bounds = sl.bounds
            tf_by_passage: dict[int, list[int]] = {}
            for i, pattern in enumerate(patterns):
                needle_ = needles[i]
                if searched.count(needle_) * 4 > len(starts):
                    # A common word (法 in a law): count in every passage, in C, rather than
                    # place each occurrence in Python.
                    counted = map(searched.count, repeat(needle_), starts, ends)
                    at = {j: tf for j, tf in enumerate(counted) if tf}
                else:
                    last = len(needle_) - 1
                    first_at = [m.start() for m in pattern.finditer(searched)]
                    where = map(bisect_right, repeat(bounds), first_at)
                    where_end = map(bisect_right, repeat(bounds), [p + last for p in first_at])
                    at = Counter(
                        x >> 1 for x, y in zip(where, where_end, strict=True) if x == y and x & 1
                    )
                for j, tf in at.items():
                    tf_by_passage.setdefault(j, [0] * len(needles))[i] = tf
            matched.extend(
                (rev, ids[j], kind, sections[j], text_, starts[j], ends[j], tfs)
                for j, tfs in tf_by_passage.items()
                if keep_section is None or sections[j] in keep_section
            )
    if not matched:
        return out
    avg_len = sum(m[6] - m[5] for m in matched) / len(matched)
    norm = 1.2 * 0.75 / avg_len
    scored: dict[int, list[tuple[float, int, int]]] = {}  # rev -> (score, id, index)
    for place, (rev, pid, kind, _, _, start, end, tfs) in enumerate(matched):
        length = 0.3 + norm * (end - start)  # 1.2 × (0.25 + 0.75 × length ÷ average)
        score = _KIND_BONUS.get(kind, 0.0)
        for tf in tfs:
            if tf:
                score += 10.0 + tf * 2.2 / (tf + length)
        scored.setdefault(rev, []).append((score, pid, place))
    for rev, candidates in scored.items():
        best = heapq.nsmallest(keep, candidates, key=lambda c: (-c[0], c[1]))
        shown = []
        for score, _, place in best:
            _, pid, kind, section, text_, start, end, _ = matched[place]
            offset = None if place in inline else start
            shown.append(Passage(pid, rev, section, kind, text_[start:end], score, offset))
        out[rev] = (len(candidates), shown)
    return out


def _sections_of_kind(conn: Any, revisions: list[int], kind: str) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {rev: set() for rev in revisions}
    for rev, ord_ in sql.rows(
        conn,
        "SELECT revision_id, ord FROM sections WHERE revision_id IN (:revs) AND kind = :k",
        {"revs": sql.in_list(revisions), "k": kind},
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
        # Two plain IN lists (a superset, filtered here) use the (revision, ord) index; a
        # row-value IN over (revision, ord) pairs makes SQLite scan the table.
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
