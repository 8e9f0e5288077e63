"""Composing a new report from the library: the usual outline for a kind of report, paragraphs
to borrow for each section, and the draft (each paragraph remembers its source).

Only what the viewer may read can be borrowed: suggestions are body passages of materials the
viewer reads, and a paragraph id of any other material is refused exactly as an id that does
not exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from gongwen.compose.outline import (
    Borrowed,
    Draft,
    OutlineEntry,
    draft_detail,
    numbered,
    usual_outline,
)
from gongwen.errors import InvalidInput, NotFound
from gongwen.export import gbt9704
from gongwen.export.render import MEDIA_TYPES, Format, Rendered, file_stem
from gongwen.library import Library
from gongwen.model.material import MaterialSummary
from gongwen.model.member import Member
from gongwen.model.search import Filters, Hit
from gongwen.platform import marking, site
from gongwen.platform.access import Client, Viewer, require_member
from gongwen.platform.copies import MemberCopy, allowance, log_copies, member_copy
from gongwen.platform.reading import material_row
from gongwen.platform.search import member_passages, throttle
from gongwen.search.service import search
from gongwen.store import audit, catalogue, materials
from gongwen.store import downloads as download_log
from gongwen.trace import code, mark
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
        copy_of=member_passages(lib, viewer),
    )
    return [h for h in result.hits if h.kind == "body"]


# A draft's budget, checked before anything is read: a 述职报告 or 工作总结 has a few sections
# of a few paragraphs each; more is a way to carry the library out, not a draft. (The API's
# schema states the first two: web/schemas.py ComposeIn.)
MAX_SECTIONS = 12
MAX_PER_SECTION = 12
MAX_PARAGRAPHS = MAX_SECTIONS * MAX_PER_SECTION
MAX_CHARACTERS = 60_000


def compose(lib: Library, viewer: Viewer, title: str, plan: list[tuple[str, list[int]]]) -> Draft:
    """A draft: each (heading, paragraph ids) becomes a numbered section of those paragraphs,
    each paragraph as the member's own copy has it (editors: as published)."""
    return _compose(lib, viewer, title, plan)[0]


def _sources(
    lib: Library, viewer: Viewer, plan: list[tuple[str, list[int]]]
) -> dict[int, tuple[str, int, str, Any, int, int]]:
    """The borrowed paragraphs, once the plan is within its budget and every id is one the
    viewer may borrow: checked before anything is counted or copied."""
    wanted = [pid for _, ids in plan for pid in ids]
    if len(plan) > MAX_SECTIONS:
        raise InvalidInput("sections", f"一份草稿最多 {MAX_SECTIONS} 个部分（收到 {len(plan)} 个）")
    if len(wanted) > MAX_PARAGRAPHS or any(len(ids) > MAX_PER_SECTION for _, ids in plan):
        raise InvalidInput(
            "sections",
            f"一份草稿每部分最多借用 {MAX_PER_SECTION} 段、共 {MAX_PARAGRAPHS} 段"
            f"（收到 {len(wanted)} 段）",
        )
    with lib.db.read() as conn:
        found = catalogue.paragraph_sources(conn, wanted)
    # A paragraph the viewer may not borrow (its material unpublished, or not covered by their
    # subscription) is answered exactly as one that does not exist: one 404 naming every such
    # id, so that no answer tells which ids exist.
    readable: dict[int, bool] = {}
    for material_id, published_at in {(s[1], s[3]) for s in found.values()}:
        try:
            material_row(lib, viewer, material_id)
        except NotFound:
            readable[material_id] = False
        else:
            readable[material_id] = viewer.can_read(published_at)
    unusable = [
        pid for pid in dict.fromkeys(wanted) if pid not in found or not readable[found[pid][1]]
    ]
    if unusable:
        raise NotFound(f"没有这些段落：{'、'.join(map(str, unusable))}")
    characters = sum(len(found[pid][0]) for pid in wanted)
    if characters > MAX_CHARACTERS:
        raise InvalidInput(
            "sections", f"借用的段落共 {characters:,} 字，一份草稿最多 {MAX_CHARACTERS:,} 字"
        )
    return found


def _compose(
    lib: Library,
    viewer: Viewer,
    title: str,
    plan: list[tuple[str, list[int]]],
    found: dict[int, tuple[str, int, str, Any, int, int]] | None = None,
) -> tuple[Draft, list[MemberCopy]]:
    member = require_member(viewer.member)
    wanted = [pid for _, ids in plan for pid in ids]
    if found is None:
        found = _sources(lib, viewer, plan)
    texts = {pid: found[pid][0] for pid in wanted}
    copies: list[MemberCopy] = []
    if not viewer.is_editor:
        # The member's own copy of each material drawn from: their wording, as a download has it.
        by_material: dict[int, list[int]] = {}
        for pid in dict.fromkeys(wanted):
            by_material.setdefault(found[pid][1], []).append(pid)
        for material_id, pids in by_material.items():
            with lib.db.read() as conn:
                detail = materials.detail(conn, material_id)
            copy = member_copy(lib, member, detail)
            copies.append(copy)
            by_ord = {int(p["ord"]): str(p["text"]) for p in copy.detail.paragraphs}
            for pid in pids:
                texts[pid] = by_ord.get(found[pid][5], texts[pid])
    sections = [
        (numbered(i, heading), [texts[pid] for pid in ids]) for i, (heading, ids) in enumerate(plan)
    ]
    sources = [Borrowed(pid, found[pid][1], found[pid][2]) for pid in wanted]
    return Draft(title.strip() or "新的报告", sections, sources), copies


def draft_copy(
    lib: Library,
    viewer: Viewer,
    title: str,
    plan: list[tuple[str, list[int]]],
    doc_type: str = "",
) -> tuple[Draft, Rendered]:
    """The draft as a GB/T 9704 .docx for the member: their own copies of the borrowed
    paragraphs, their notice and copy id; each material it draws from is a copy counted
    against the daily limit and logged with the file's SHA-256."""
    member = require_member(viewer.member)
    # Refused before anything is counted: an unusable id answers 404 whatever the allowance.
    found = _sources(lib, viewer, plan)
    drawn = 0 if viewer.is_editor else max(len({source[1] for source in found.values()}), 1)
    counted = member.id if drawn else None
    with allowance(lib, counted, "composed", title[:40], drawn):
        return _draft_copy(lib, viewer, member, title, plan, doc_type, found)


def _draft_copy(
    lib: Library,
    viewer: Viewer,
    member: Member,
    title: str,
    plan: list[tuple[str, list[int]]],
    doc_type: str,
    found: dict[int, tuple[str, int, str, Any, int, int]],
) -> tuple[Draft, Rendered]:
    draft, copies = _compose(lib, viewer, title, plan, found)
    summary = MaterialSummary(0, draft.title, "", "", None, "", doc_type, 0)
    detail = draft_detail(draft, summary)
    if copies:
        secret = marking.key(lib)
        detail = replace(
            detail,  # type: ignore[type-var]
            notice=mark.notice(member.email, member.id, now()),
            copy_id=code.copy_id(secret, copies[0].detail.revision_id, member.id),
        )
    document = gbt9704.document(detail, site.info(lib).name)  # type: ignore[arg-type]
    digest = hashlib.sha256(document).hexdigest()
    if copies:
        log_copies(lib, member, copies, "composed", digest)
    else:  # an editor's draft: the published text, logged once per material
        with lib.db.write() as conn:
            for material_id in dict.fromkeys(b.material_id for b in draft.sources):
                row = material_row(lib, viewer, material_id)
                download_log.insert(
                    conn, member.id, material_id, row.revision_id, "composed", digest
                )
    with lib.db.write() as conn:
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
