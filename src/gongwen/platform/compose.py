"""Composing a new report from the library: the usual outline for a kind of report, paragraphs
to borrow for each section, and the draft (each paragraph remembers its source).

Only what the viewer may read can be borrowed: suggestions are body passages of materials the
viewer reads, and a paragraph id of any other material is refused as the page would refuse it.
"""

from __future__ import annotations

from gongwen.compose.outline import (
    Borrowed,
    Draft,
    OutlineEntry,
    draft_detail,
    numbered,
    usual_outline,
)
from gongwen.errors import NotEntitled, NotFound
from gongwen.export import gbt9704
from gongwen.export.render import MEDIA_TYPES, Format, Rendered, file_stem
from gongwen.library import Library
from gongwen.model.material import MaterialSummary
from gongwen.model.search import Filters, Hit
from gongwen.platform import site
from gongwen.platform.access import Client, Viewer, require_member
from gongwen.platform.downloads import check_daily_limit
from gongwen.platform.reading import NOT_ENTITLED, material_row
from gongwen.platform.search import throttle
from gongwen.search.service import search
from gongwen.store import audit, catalogue
from gongwen.store import downloads as download_log
from gongwen.util.clock import now

__all__ = ["compose", "draft_copy", "numbered", "propose_outline", "suggest"]


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
    lib: Library,
    viewer: Viewer,
    section_kind: str,
    query: str,
    limit: int = 10,
    client: Client | None = None,
) -> list[Hit]:
    """Paragraphs in sections of that kind, holding the query, from materials the viewer
    reads (body passages only: a preview is not a paragraph to borrow). A search like any
    other: counted against the same limits when a `client` is given."""
    require_member(viewer.member)
    if client is not None and not viewer.is_editor:
        throttle(lib, viewer, client)
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


def draft_copy(
    lib: Library,
    viewer: Viewer,
    title: str,
    plan: list[tuple[str, list[int]]],
    doc_type: str = "",
) -> tuple[Draft, Rendered]:
    """The draft as a GB/T 9704 .docx for the member: counted against the daily limit like a
    download, and logged once for every material it borrows from."""
    member = require_member(viewer.member)
    draft = compose(lib, viewer, title, plan)
    if not viewer.is_editor:
        check_daily_limit(lib, member.id, "composed")
    summary = MaterialSummary(0, draft.title, "", "", None, "", doc_type, 0)
    document = gbt9704.document(draft_detail(draft, summary), site.info(lib).name)  # type: ignore[arg-type]
    with lib.db.write() as conn:
        for material_id in dict.fromkeys(b.material_id for b in draft.sources):
            row = material_row(lib, viewer, material_id)
            download_log.insert(conn, member.id, material_id, row.revision_id, "composed")
        audit.record(
            conn,
            member.id,
            "compose",
            draft.title,
            {"paragraphs": [b.paragraph_id for b in draft.sources]},
        )
    return draft, Rendered(
        document, f"{file_stem(draft.title, 'draft')}（组稿）.docx", MEDIA_TYPES[Format.DOCX]
    )
