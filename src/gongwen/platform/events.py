"""Publication events: stored first (the source of truth), then handed to live listeners.

Listeners (the web's live hub, the group-bot webhook) are called after the transaction that
stored the event commits; a listener that fails never undoes or blocks a publication.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from gongwen.library import Library
from gongwen.store.platform_schema import events, notifications
from gongwen.util.clock import aware, now

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: str  # published | revised | request
    title: str
    at: datetime
    material_id: int | None = None
    revision_id: int | None = None
    request_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "at": self.at.isoformat(),
            "material_id": self.material_id,
            "request_id": self.request_id,
        }


Listener = Callable[[Event], None]
_listeners: dict[int, list[Listener]] = {}  # per Library (by id): the web app adds its own


def add_listener(lib: Library, listener: Listener) -> None:
    _listeners.setdefault(id(lib), []).append(listener)


def remove_listeners(lib: Library) -> None:
    _listeners.pop(id(lib), None)


def store_event(
    conn: Connection,
    kind: str,
    title: str,
    *,
    material_id: int | None = None,
    revision_id: int | None = None,
    request_id: int | None = None,
) -> Event:
    at = now()
    event_id = conn.execute(
        insert(events)
        .values(
            kind=kind,
            title=title,
            material_id=material_id,
            revision_id=revision_id,
            request_id=request_id,
            at=at,
        )
        .returning(events.c.id)
    ).scalar_one()
    return Event(event_id, kind, title, at, material_id, revision_id, request_id)


def notify(conn: Connection, event: Event, user_ids: set[int], text: str) -> None:
    if user_ids:
        conn.execute(
            insert(notifications),
            [{"user_id": uid, "event_id": event.id, "text": text} for uid in sorted(user_ids)],
        )


def dispatch(lib: Library, stored: list[Event]) -> None:
    """Hand committed events to the listeners; their failures are logged, never raised."""
    for event in stored:
        for listener in list(_listeners.get(id(lib), [])):
            try:
                listener(event)
            except Exception:  # a broken listener must not break publishing
                log.exception("event listener failed for event %s", event.id)


def events_after(lib: Library, after_id: int, limit: int = 100) -> list[Event]:
    with lib.engine.connect() as conn:
        rows = conn.execute(
            select(events).where(events.c.id > after_id).order_by(events.c.id).limit(limit)
        ).all()
    return [
        Event(r.id, r.kind, r.title, aware(r.at), r.material_id, r.revision_id, r.request_id)  # type: ignore[arg-type]
        for r in rows
    ]


def latest_event_id(lib: Library) -> int:
    from sqlalchemy import func

    with lib.engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one()
