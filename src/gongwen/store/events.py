"""Events (publications, revisions, requests' progress) and members' notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.model.platform import Event, FeedItem, Notification
from gongwen.store import sql
from gongwen.store.index import VISIBLE
from gongwen.util.clock import now


def insert(
    conn: Any,
    kind: str,
    title: str,
    *,
    material_id: int | None = None,
    revision_id: int | None = None,
    request_id: int | None = None,
) -> Event:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import events

    at = now()
    event_id = conn.execute(
        insert_(events)
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


def after(conn: Any, after_id: int, visible_at: datetime | None, limit: int = 100) -> list[Event]:
    """Events after an id. With `visible_at`, only what the public catalogue shows then: an
    event about a material that is now a draft, scheduled or retired is left out, and a
    request answered by such a material does not link to it."""
    if visible_at is None:
        found = sql.rows(
            conn,
            "SELECT e.id, e.kind, e.title, e.at, e.material_id, e.revision_id, e.request_id"
            " FROM events e WHERE e.id > :after ORDER BY e.id LIMIT :n",
            {"after": after_id, "n": limit},
        )
        return [Event(r[0], r[1], r[2], sql.at(r[3]), r[4], r[5], r[6]) for r in found]
    found = sql.rows(
        conn,
        "SELECT e.id, e.kind, e.title, e.at, e.material_id, e.revision_id, e.request_id,"
        f" CASE WHEN m.id IS NOT NULL AND {VISIBLE} THEN 1 ELSE 0 END"
        " FROM events e LEFT JOIN materials m ON m.id = e.material_id"
        f" WHERE e.id > :after AND (e.kind = 'request' OR (m.id IS NOT NULL AND {VISIBLE}))"
        " ORDER BY e.id LIMIT :n",
        {"after": after_id, "n": limit, "visible_at": visible_at},
    )
    return [
        Event(
            r[0],
            r[1],
            r[2],
            sql.at(r[3]),
            r[4] if r[7] else None,
            r[5] if r[7] else None,
            r[6],
        )
        for r in found
    ]


def latest_id(conn: Any) -> int:
    return int(sql.scalar(conn, "SELECT coalesce(max(id), 0) FROM events"))


def publication_items(conn: Any, at: datetime, limit: int = 50) -> list[tuple[FeedItem, datetime]]:
    """Recent publications and revisions of visible materials, with each material's
    publication time (to decide what the reader may read)."""
    found = sql.rows(
        conn,
        "SELECT e.id, e.kind, e.title, e.at, e.material_id, m.published_at FROM events e"
        " JOIN materials m ON m.id = e.material_id"
        f" WHERE e.kind IN ('published', 'revised') AND {VISIBLE}"
        " ORDER BY e.id DESC LIMIT :n",
        {"visible_at": at, "n": limit},
    )
    return [(FeedItem(r[0], r[1], r[2], sql.at(r[3]), r[4], False), sql.at(r[5])) for r in found]


def notify(conn: Any, event: Event, user_ids: set[int], text: str) -> None:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import notifications

    if user_ids:
        conn.execute(
            insert_(notifications),
            [{"user_id": uid, "event_id": event.id, "text": text} for uid in sorted(user_ids)],
        )


def notifications_for(
    conn: Any, user_id: int, unread_only: bool, limit: int = 100
) -> list[Notification]:
    unread = " AND n.read_at IS NULL" if unread_only else ""
    return [
        Notification(r[0], r[1], sql.at(r[2]), r[3], r[4], r[5] is not None)
        for r in sql.rows(
            conn,
            "SELECT n.id, n.text, e.at, e.material_id, e.request_id, n.read_at"
            " FROM notifications n JOIN events e ON e.id = n.event_id"
            f" WHERE n.user_id = :u{unread} ORDER BY n.id DESC LIMIT :n",
            {"u": user_id, "n": limit},
        )
    ]


def mark_read(conn: Any, user_id: int) -> None:
    from sqlalchemy import update

    from gongwen.store.platform_schema import notifications

    conn.execute(
        update(notifications)
        .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        .values(read_at=now())
    )
