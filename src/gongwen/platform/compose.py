"""Composing a new report from the library: the usual outline for a kind of report, paragraphs
to borrow for each section, and the draft (each paragraph remembers its source).

Only what the viewer may read can be borrowed: suggestions are body passages of materials the
viewer reads, and a paragraph id of any other material is refused as the page would refuse it.
"""

from __future__ import annotations

from gongwen.compose.outline import Borrowed, Draft, OutlineEntry, numbered, usual_outline
from gongwen.errors import NotEntitled, NotFound
from gongwen.library import Library
from gongwen.model.search import Filters, Hit
from gongwen.platform.access import Viewer, require_member
from gongwen.platform.reading import NOT_ENTITLED, material_row
from gongwen.search.service import search
from gongwen.store import catalogue
from gongwen.util.clock import now

__all__ = ["compose", "numbered", "propose_outline", "suggest"]


def propose_outline(
    lib: Library,
    viewer: Viewer,
    doc_type: str,
    organisation_kind: str | None = None,
    period: str | None = None,
) -> list[OutlineEntry]:
    """The top-level sections most reports of this kind have, in their usual order; falls back
    to the document type alone when the organisation kind and period have too few reports."""
    visible_at = None if viewer.is_editor else now()
    with lib.db.read() as conn:
        rows = catalogue.top_level_sections(conn, visible_at, doc_type, organisation_kind, period)
        if len({r[0] for r in rows}) < 3 and (organisation_kind or period):
            rows = catalogue.top_level_sections(conn, visible_at, doc_type, None, None)
    return usual_outline(rows)


def suggest(
    lib: Library, viewer: Viewer, section_kind: str, query: str, limit: int = 10
) -> list[Hit]:
    """Paragraphs in sections of that kind, holding the query, from materials the viewer
    reads (body passages only: a preview is not a paragraph to borrow)."""
    require_member(viewer.member)
    result = search(
        lib,
        query,
        Filters(section_kind=section_kind),
        limit=limit,
        scope=viewer.search_scope(now()),
    )
    return [h for h in result.hits if h.kind == "body"]


def compose(lib: Library, viewer: Viewer, title: str, plan: list[tuple[str, list[int]]]) -> Draft:
    """A draft: each (heading, paragraph ids) becomes a numbered section of those paragraphs."""
    require_member(viewer.member)
    wanted = [pid for _, ids in plan for pid in ids]
    with lib.db.read() as conn:
        found = catalogue.paragraph_sources(conn, wanted)
    missing = [pid for pid in wanted if pid not in found]
    if missing:
        raise NotFound(f"没有这些段落：{'、'.join(map(str, missing))}")
    for pid in wanted:
        _, material_id, _, published_at = found[pid]
        material_row(lib, viewer, material_id)  # NotFound for what the viewer may not see
        if not viewer.can_read(published_at):
            raise NotEntitled(NOT_ENTITLED)
    sections = [
        (numbered(i, heading), [found[pid][0] for pid in ids])
        for i, (heading, ids) in enumerate(plan)
    ]
    sources = [Borrowed(pid, found[pid][1], found[pid][2]) for pid in wanted]
    return Draft(title.strip() or "新的报告", sections, sources)
