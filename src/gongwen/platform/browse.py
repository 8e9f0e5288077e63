"""Browsing the catalogue: newest first, by facet; drafts and retired materials only for editors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gongwen.library import Library
from gongwen.model.material import Card
from gongwen.platform.access import Viewer
from gongwen.store import catalogue
from gongwen.store import materials as store
from gongwen.store.materials import MaterialRow
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


@dataclass(frozen=True, slots=True)
class TypeShelf:
    """One document type on the home page: how many materials, the newest few."""

    doc_type: str
    count: int
    cards: list[Card]


@dataclass(frozen=True, slots=True)
class HomePage:
    latest: list[Card]
    new_this_week: int
    shelves: list[TypeShelf]


SHELVES = 6  # document types shown on the home page
PER_SHELF = 4


def home(lib: Library, viewer: Viewer, latest: int = 20) -> HomePage:
    """The home page: the newest materials (with how many arrived this week) and, per document
    type, the newest few. Not cached: a material published a moment ago is on it at once."""
    moment = now()
    visible_at = None if viewer.is_editor else moment
    with lib.db.read() as conn:
        rows = store.browse(conn, visible_at=visible_at, limit=latest)
        week = catalogue.count_since(conn, moment - timedelta(days=7), visible_at)
        shelves = [
            (t, n, store.browse(conn, visible_at=visible_at, doc_type=t, limit=PER_SHELF))
            for t, n in catalogue.type_counts(conn, visible_at)[:SHELVES]
        ]

    def card(row: MaterialRow) -> Card:
        return row.card(viewer.can_read(row.published_at, moment), moment)

    return HomePage(
        [card(r) for r in rows],
        week,
        [TypeShelf(t, n, [card(r) for r in rs]) for t, n, rs in shelves],
    )


def related(lib: Library, viewer: Viewer, material_id: int) -> list[Card]:
    """Materials a writer of this one would also look at (see store.catalogue.related_ids).
    The choice is kept ten minutes per process; the rows, and whether each may still be seen,
    are read on every call."""
    moment = now()
    visible_at = None if viewer.is_editor else moment

    def choose() -> list[int]:
        with lib.db.read() as conn:
            return catalogue.related_ids(conn, material_id, visible_at)

    ids = lib.caches.get(lib.caches.related, (material_id, viewer.is_editor), choose)
    with lib.db.read() as conn:
        rows = catalogue.rows_by_id(conn, ids, visible_at)
    return [r.card(viewer.can_read(r.published_at, moment), moment) for r in rows]
