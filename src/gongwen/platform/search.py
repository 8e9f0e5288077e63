"""Searching the catalogue as a viewer: the scope decides what may match, limits keep it honest.

What a viewer may not read, search may not confirm: for a material the viewer may not read,
only its title, outline and preview can match (the index query itself is scoped, so hits,
counts and facet counts never depend on hidden text; ranks only through the index's corpus
statistics, which is why scores are shown to editors only). Searches are limited per session
and per address, so nobody can probe a text phrase by phrase.
"""

from __future__ import annotations

from functools import partial

from gongwen.library import Library
from gongwen.model.search import Filters, SearchResult
from gongwen.platform import limits
from gongwen.platform.access import Client, Viewer
from gongwen.platform.copies import passage_copies
from gongwen.search.service import PassageCopies, search
from gongwen.store import audit
from gongwen.util.clock import now


def search_catalogue(
    lib: Library,
    viewer: Viewer,
    query: str,
    filters: Filters | None = None,
    limit: int = 10,
    client: Client | None = None,
    *,
    page: int = 1,
    material_id: int | None = None,
) -> SearchResult:
    if client is not None and not viewer.is_editor:
        throttle(lib, viewer, client)
    return search(
        lib,
        query,
        filters,
        limit=limit,
        scope=viewer.search_scope(now()),
        page=page,
        material_id=material_id,
        copy_of=member_passages(lib, viewer),
    )


def member_passages(lib: Library, viewer: Viewer) -> PassageCopies | None:
    """How a member's full-text passages are shown: as their own copy, recorded as a read (a
    pasted snippet traces like a page). Editors and visitors: the published text."""
    reader = viewer.member if viewer.member is not None and not viewer.is_editor else None
    return partial(passage_copies, lib, reader) if reader is not None else None


def throttle(lib: Library, viewer: Viewer, client: Client) -> None:
    """Count a search against the session's and the address's limits (RateLimited beyond)."""
    try:
        limits.take_all(lib, ("search.session", client.session), ("search.address", client.address))
    except limits.Refused as refused:
        if refused.first:  # each limited key is audited once a window
            member_id = viewer.member.id if viewer.member else None
            with lib.db.write() as conn:
                audit.record(
                    conn,
                    member_id,
                    "search.rate_limited",
                    client.address,
                    {"limit": refused.limit.name, "per_minute": refused.amount},
                    flagged=True,
                )
        raise
