"""Publication events: stored first (the source of truth), then handed to live listeners.

Listeners (the web's live hub, the group-bot webhook) belong to the Library and are called
after the transaction that stored the event commits; a listener that fails never undoes or
blocks a publication. Reading events back goes through the viewer: the public never sees an
event about a material that is not (or no longer) in the public catalogue.
"""

from __future__ import annotations

from gongwen.library import Library
from gongwen.model.platform import Event
from gongwen.platform.access import Viewer
from gongwen.store import events as store
from gongwen.util.clock import now

__all__ = ["Event", "events_after", "latest_event_id"]


def events_after(lib: Library, viewer: Viewer, after_id: int, limit: int = 100) -> list[Event]:
    """Events after an id, as this viewer may see them."""
    with lib.db.read() as conn:
        return store.after(conn, after_id, None if viewer.is_editor else now(), limit)


def latest_event_id(lib: Library) -> int:
    with lib.db.read() as conn:
        return store.latest_id(conn)
