"""A member's reading page at the cost of a read and a format: each revision's page template
(its body HTML with a slot at every variant site, and the outline, preview and placeholders
the page shows) is made once, when its sites are frozen (`gongwen prepare-marks`, or the first
page of it anyone reads), and stored beside the frozen list (`revision_site_lists.template`).
A worker's first page of a revision reads both in one query; later pages are kept per process.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, replace

from gongwen.export import html
from gongwen.library import Library
from gongwen.model.material import (
    MaterialDetail,
    PlaceholderOut,
    RevisionView,
    SectionOut,
    body_blocks,
    preview_of,
)
from gongwen.platform import marking
from gongwen.platform.marking import SiteList
from gongwen.store import materials, traces
from gongwen.trace import mark

LAYOUT = 1  # of the stored template: a template of another layout is made again


@dataclass(frozen=True, slots=True)
class PageTemplate:
    """What a member's page of a revision needs besides the reader's wording."""

    view: RevisionView  # outline, preview, placeholders (no text or blocks: the page has `html`)
    html: str  # the body as a str.format template: {i} at site i


def view_of(
    lib: Library, detail: MaterialDetail, revision_id: int, number: int, slots: int = 0
) -> RevisionView:
    return RevisionView(
        revision_id,
        number,
        tuple(detail.sections),
        tuple(body_blocks(detail)),
        detail.text,
        preview_of(detail.text, lib.settings.preview_chars),
        tuple(detail.placeholders),
        slots,
    )


def template_for(
    lib: Library, material_id: int, revision_id: int, number: int
) -> tuple[PageTemplate, SiteList]:
    """The revision's page template and the frozen sites its slots are, under today's catalogue
    version: kept per process, else read, else made (freezing the sites) and stored."""
    version = marking.sites_version()
    cache_key = ("page", revision_id, version)
    kept: tuple[PageTemplate, SiteList] | None = lib.caches.peek(lib.caches.revisions, cache_key)
    if kept is not None:
        return kept
    with lib.db.read() as conn:
        stored = traces.page_template(conn, revision_id, version)
    page = _decode(revision_id, number, stored[1]) if stored and stored[1] else None
    if stored is not None and page is not None:
        listed = marking.frozen_list(lib, material_id, revision_id, version, stored[0])
        made = (page, listed)
    else:
        made = make(lib, material_id, revision_id, number)
    return lib.caches.get(lib.caches.revisions, cache_key, lambda: made)


def make(
    lib: Library, material_id: int, revision_id: int, number: int
) -> tuple[PageTemplate, SiteList]:
    """Freeze the revision's sites (if no copy has yet) and store its page template."""
    with lib.db.read() as conn:
        detail = materials.detail(conn, material_id, number)
    listed = marking.sites_for(lib, detail, freeze=True)
    holes = mark.marked_detail(
        detail, listed.sites, [html.SLOT.format(i) for i in range(len(listed.sites))]
    )
    slotted = view_of(lib, holes, revision_id, number, -1)
    plain = view_of(lib, detail, revision_id, number)
    page = PageTemplate(replace(plain, text="", blocks=()), html.slotted_template(slotted))
    with lib.db.write() as conn:
        traces.keep_template(conn, revision_id, listed.version, _encode(page))
    return page, listed


def _encode(page: PageTemplate) -> str:
    view = page.view
    return json.dumps(
        {
            "layout": LAYOUT,
            "sections": [astuple(s) for s in view.sections],
            "preview": view.preview,
            "placeholders": [astuple(p) for p in view.placeholders],
            "html": page.html,
        },
        ensure_ascii=False,
    )


def _decode(revision_id: int, number: int, stored: str) -> PageTemplate | None:
    data = json.loads(stored)
    if data.get("layout") != LAYOUT:
        return None
    view = RevisionView(
        revision_id,
        number,
        tuple(SectionOut(*s) for s in data["sections"]),
        (),
        "",
        str(data["preview"]),
        tuple(PlaceholderOut(*p) for p in data["placeholders"]),
    )
    return PageTemplate(view, str(data["html"]))
