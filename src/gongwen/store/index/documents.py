"""What the search index holds of a revision, read from the database.

A current revision is two documents: its full side (title; headings and body: what its
readers search) and its public side (title; headings and preview: what everyone else
searches), each with
the material's facets, its visibility (publication time, retirement) and, per report section
kind (其他 included, in reports only), the text of that side's passages in sections of that
kind (the section filter). A
revision that is not current has no documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gongwen.model.document import SectionKind
from gongwen.model.material import PassageKind
from gongwen.parse.metadata import REPORT_TYPES
from gongwen.store import sql
from gongwen.store.index import layout

FULL, PUBLIC = 0, 1
# The passages each side searches (titles are the document's own field).
SIDE_KINDS = {
    FULL: (PassageKind.HEADING, PassageKind.BODY),
    PUBLIC: (PassageKind.HEADING, PassageKind.PREVIEW),
}
# A draft's publication time in the index: later than any search's moment.
NEVER = 2**62
# Passages are joined with a line break: the analyzer drops it, and a phrase never spans it
# because the paragraph mark is kept as a token.
PARAGRAPH_MARK = "\n¶\n"


@dataclass(slots=True)
class IndexDoc:
    revision_id: int
    material_id: int
    side: int  # FULL or PUBLIC
    published: int  # epoch seconds, NEVER for a draft
    retired: bool
    doc_type: str
    organisation_kind: str
    year: int | None
    facets: list[str]  # "type=…", "kind=…", "year=…", "period=…", "section=…"
    title: str
    body: str  # the side's headings, then its body paragraphs (or preview)
    sections: dict[str, str] = field(default_factory=dict)  # report section kind -> text


def facet(name: str, value: object) -> str:
    return f"{name}={value}"


def epoch(moment: datetime | None) -> int:
    return NEVER if moment is None else int(moment.timestamp())


def read(conn: Any, revision_ids: list[int]) -> tuple[set[int], list[IndexDoc]]:
    """The revisions among `revision_ids` that exist and are current, and their documents.

    Read from each revision's text and passage layout (one row per revision), not from its
    paragraph rows: a rebuild of the gov-corpus reads 3,577 rows instead of 400,000."""
    current: dict[int, tuple[Any, ...]] = {}
    for row in sql.rows(
        conn,
        "SELECT r.id, m.id, m.title, m.published_at, m.retired_at, m.doc_type,"
        " m.organisation_kind, m.year, m.period, r.text, l.layout FROM revisions r"
        " JOIN materials m ON m.current_revision_id = r.id"
        " JOIN passage_layouts l ON l.revision_id = r.id WHERE r.id IN (:revs)",
        {"revs": sql.in_list(revision_ids)},
    ):
        current[row[0]] = row
    if not current:
        return set(), []
    # The section filter searches a report's sections, 其他 (a section of no family) as well as
    # the four families. Not a law's: every section of one is 其他 (parse/structure.py), and
    # indexing them again doubled the gov-corpus index for a filter that means nothing there.
    reports = {rev for rev, row in current.items() if row[5] in REPORT_TYPES}
    kinds: dict[tuple[int, int], str] = {
        (rev, ord_): kind
        for rev, ord_, kind in sql.rows(
            conn,
            "SELECT revision_id, ord, kind FROM sections WHERE revision_id IN (:revs)",
            {"revs": sql.in_list(current)},
        )
        if kind != SectionKind.OTHER or rev in reports
    }
    docs = []
    for rev, row in sorted(current.items()):
        _, mid, title, published, retired, doc_type, org_kind, year, period, text, stored = row
        facets = [facet("type", doc_type), facet("kind", org_kind), facet("period", period)]
        if year is not None:
            facets.append(facet("year", year))
        facets += [
            facet("section", k) for k in sorted({k for (r, _), k in kinds.items() if r == rev})
        ]
        found = layout.decode(stored)
        # (kind, section, text) of every passage: inline ones (headings) first, in order.
        passages = [(kind, section, own) for _, kind, section, own in found.inline]
        for kind, sl in found.slices.items():
            bounds = sl.bounds
            passages += [
                (kind, section, text[bounds[2 * j] : bounds[2 * j + 1]])
                for j, section in enumerate(sl.sections)
            ]
        for side, side_kinds in SIDE_KINDS.items():
            mine = [(k, sord, t) for k, sord, t in passages if k in side_kinds]
            sections: dict[str, list[str]] = {}
            for _, sord, t in mine:
                if sord is not None and (rev, sord) in kinds:
                    sections.setdefault(kinds[(rev, sord)], []).append(t)
            docs.append(
                IndexDoc(
                    rev,
                    mid,
                    side,
                    epoch(sql.when(published)),
                    retired is not None,
                    doc_type,
                    org_kind,
                    year,
                    facets,
                    title,
                    PARAGRAPH_MARK.join(t for _, _, t in mine),
                    {k: PARAGRAPH_MARK.join(ts) for k, ts in sections.items()},
                )
            )
    return set(current), docs


def current_revisions(conn: Any, batch: int = 200) -> Iterator[list[int]]:
    """Every current revision id, in batches (a rebuild)."""
    ids = [
        int(r)
        for (r,) in sql.rows(
            conn,
            "SELECT current_revision_id FROM materials WHERE current_revision_id IS NOT NULL"
            " ORDER BY current_revision_id",
        )
    ]
    for start in range(0, len(ids), batch):
        yield ids[start : start + batch]
