"""Browsing the catalogue: newest first, by facet; drafts and retired materials only for editors."""

from __future__ import annotations

from datetime import datetime

from gongwen.library import Library
from gongwen.model.material import Card
from gongwen.platform.access import Viewer
from gongwen.store import materials as store
from gongwen.util.clock import now


def browse(
    lib: Library,
    viewer: Viewer,
    *,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Card]:
    moment = now()
    with lib.db.read() as conn:
        rows = store.browse(
            conn,
            visible_at=None if viewer.is_editor else moment,
            organisation_kind=organisation_kind,
            doc_type=doc_type,
            year=year,
            period=period,
            since=since,
            limit=limit,
            offset=offset,
        )
    return [r.card(viewer.can_read(r.published_at, moment), moment) for r in rows]


def facets(lib: Library) -> dict[str, list[str]]:
    """Values to browse by, from what is published (kept a minute: every page shows them)."""

    def make() -> dict[str, list[str]]:
        with lib.db.read() as conn:
            return store.facet_values(conn, now())

    return lib.caches.get(lib.caches.facets, "facets", make)
