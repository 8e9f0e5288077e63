"""Downloads: the one way member-facing bytes of a material leave the platform."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from gongwen.errors import NotEntitled
from gongwen.export.render import Format, Rendered, render
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.platform import DownloadRecord
from gongwen.platform import copies, site
from gongwen.platform.access import Viewer, require_member
from gongwen.platform.copies import allowance, log_copies
from gongwen.platform.reading import NOT_ENTITLED, material_row
from gongwen.store import audit, materials
from gongwen.store import downloads as store


def download(lib: Library, viewer: Viewer, material_id: int, fmt: Format) -> Rendered:
    """A member's copy of a material: checked, counted against the daily limit, logged."""
    return deliver(
        lib,
        viewer,
        material_id,
        str(fmt),
        lambda detail: render(detail, fmt, site.info(lib).name),
    )


def readable_detail(lib: Library, viewer: Viewer, material_id: int) -> MaterialDetail:
    """The material's current revision as the writing tools show it on a page (a template's
    places, a filled or re-dated preview): a member's own copy, counted against their reading
    limit and recorded as a read ("tool"); an editor's, the published text, recorded."""
    member = require_member(viewer.member)
    row = material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled(NOT_ENTITLED)
    if not viewer.is_editor:
        copies.take_read(lib, member, material_id)
    with lib.db.read() as conn:
        detail = materials.detail(conn, row.id, row.number)
    if viewer.is_editor:
        copies.record_read(lib, member.id, (row.id, row.revision_id), "", "editor")
        return detail
    copy = copies.member_copy(lib, member, detail)
    copies.record_read(lib, member.id, (row.id, row.revision_id), copy.sites_version, "tool")
    return copy.detail


def deliver(
    lib: Library,
    viewer: Viewer,
    material_id: int,
    kind: str,
    make: Callable[[MaterialDetail], Rendered],
) -> Rendered:
    """Bytes made from a material for a member (a copy, a filled or re-dated draft): checked,
    counted against the daily limit, logged. Every member-facing copy passes here."""
    member = require_member(viewer.member)
    row = material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled(NOT_ENTITLED)
    counted = None if viewer.is_editor else member.id
    with allowance(lib, counted, kind, str(material_id)):
        with lib.db.read() as conn:
            detail = materials.detail(conn, row.id, row.number)
        # The member's own copy: their wording at every variant site, their notice, copy id.
        copy = copies.member_copy(lib, member, detail)
        rendered = make(copy.detail)
        log_copies(lib, member, [copy], kind, hashlib.sha256(rendered.data).hexdigest())
    with lib.db.write() as conn:
        audit.record(
            conn,
            member.id,
            "download",
            str(material_id),
            {"format": kind, "revision": row.number},
        )
    return rendered


def history(lib: Library, viewer: Viewer) -> list[DownloadRecord]:
    """What the member has downloaded, newest first (their own record only)."""
    member = require_member(viewer.member)
    with lib.db.read() as conn:
        return store.history(conn, member.id)
