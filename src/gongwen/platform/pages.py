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
from gongwen.store import materials, traces
from gongwen.trace import code, mark

LAYOUT = 1  # of the stored template: a template of another layout is made again


@dataclass(frozen=True, slots=True)
class PageTemplate:
    """What a member's page of a revision needs besides the reader's wording."""

    view: RevisionView  # outline, preview, placeholders (no text or blocks: the page has `html`)
    html: str  # the body as a str.format template: {i} at site i


@dataclass(frozen=True, slots=True)
class Slots:
    """The page's slots: the frozen list's version, how its copies are marked (each site's
    anchor and bias, stored with the template: nothing is derived again per process) and each
    site's two wordings."""

    version: str
    marking: code.Marking
    forms: tuple[tuple[str, str], ...]

    def words(self, member_id: int) -> tuple[str, ...]:
        """A member's wording in every slot."""
        chosen = self.marking.symbols(member_id)
        return tuple(f[c] for f, c in zip(self.forms, chosen, strict=True))


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
) -> tuple[PageTemplate, Slots]:
    """The revision's page template and its slots, under today's catalogue version: kept per
    process, else read, else made (freezing the sites) and stored."""
    version = marking.sites_version()
    cache_key = ("page", revision_id, version)
    kept: tuple[PageTemplate, Slots] | None = lib.caches.peek(lib.caches.revisions, cache_key)
    if kept is not None:
        return kept
    with lib.db.read() as conn:
        stored = traces.page_template(conn, revision_id, version)
    decoded = (
        _decode(lib, material_id, revision_id, number, version, stored[1])
        if stored and stored[1]
        else None
    )
    made = decoded or make(lib, material_id, revision_id, number)
    return lib.caches.get(lib.caches.revisions, cache_key, lambda: made)


def make(
    lib: Library, material_id: int, revision_id: int, number: int
) -> tuple[PageTemplate, Slots]:
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
    slots = Slots(listed.version, listed.marking, tuple(s.forms for s in listed.sites))
    with lib.db.write() as conn:  # a list of today's catalogue: anchored (or empty)
        traces.keep_template(conn, revision_id, listed.version, _encode(page, slots))
    return page, slots


def _encode(page: PageTemplate, slots: Slots) -> str:
    view = page.view
    return json.dumps(
        {
            "layout": LAYOUT,
            "sections": [astuple(s) for s in view.sections],
            "preview": view.preview,
            "placeholders": [astuple(p) for p in view.placeholders],
            "html": page.html,
            # Floats round-trip exactly through JSON: the stored biases are the derived ones.
            "anchors": list(slots.marking.anchors),
            "biases": list(slots.marking.biases),
            "forms": [list(f) for f in slots.forms],
        },
        ensure_ascii=False,
    )


def _decode(
    lib: Library, material_id: int, revision_id: int, number: int, version: str, stored: str
) -> tuple[PageTemplate, Slots] | None:
    data = json.loads(stored)
    if data.get("layout") != LAYOUT:
        return None
    marks = code.Marking(
        marking.key(lib),
        material_id,
        revision_id,
        (),
        tuple(str(a) for a in data["anchors"]),
        tuple(float(b) for b in data["biases"]),
    )
    forms = tuple((str(a), str(b)) for a, b in data["forms"])
    view = RevisionView(
        revision_id,
        number,
        tuple(SectionOut(*s) for s in data["sections"]),
        (),
        "",
        str(data["preview"]),
        tuple(PlaceholderOut(*p) for p in data["placeholders"]),
    )
    return PageTemplate(view, str(data["html"])), Slots(version, marks, forms)
