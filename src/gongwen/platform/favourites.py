"""Favourites (收藏): a member keeps materials to come back to.

Only what the member may see can be kept (a draft's id answers "not found", as its page does);
a kept material that is later retired or unpublished drops out of the list.
"""

from __future__ import annotations

from gongwen.library import Library
from gongwen.model.material import Card
from gongwen.platform.access import Viewer, require_member
from gongwen.platform.reading import material_row
from gongwen.store import favourites as store
from gongwen.util.clock import now


def keep(lib: Library, viewer: Viewer, material_id: int) -> bool:
    """Keep a material; False when it was kept already."""
    member = require_member(viewer.member)
    material_row(lib, viewer, material_id)  # NotFound unless the viewer may see it
    with lib.db.write() as conn:
        return store.add(conn, member.id, material_id)


def drop(lib: Library, viewer: Viewer, material_id: int) -> bool:
    member = require_member(viewer.member)
    with lib.db.write() as conn:
        return store.remove(conn, member.id, material_id)


def is_kept(lib: Library, viewer: Viewer, material_id: int) -> bool:
    if viewer.member is None:
        return False
    with lib.db.read() as conn:
        return store.is_kept(conn, viewer.member.id, material_id)


def listing(lib: Library, viewer: Viewer) -> list[Card]:
    """The member's favourites, most recently kept first."""
    member = require_member(viewer.member)
    moment = now()
    with lib.db.read() as conn:
        rows = store.kept(conn, member.id, None if viewer.is_editor else moment)
    return [row.card(viewer.can_read(row.published_at, moment), moment) for row, _ in rows]
