"""What members are told: a private Atom feed, "new since your last visit", notifications."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from sqlalchemy import select, update

from gongwen.errors import NotAuthenticated
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import audit
from gongwen.platform.accounts import member_from_row, require_member, token_hash
from gongwen.platform.catalogue import Card, Viewer, browse, viewer_for
from gongwen.store.platform_schema import events, notifications, users
from gongwen.store.schema import materials
from gongwen.util.clock import aware, now


def rotate_feed_token(lib: Library, member: Member) -> str:
    """A new private feed token (the old feed URL stops working). Shown once."""
    require_member(member)
    token = secrets.token_urlsafe(24)
    with lib.engine.begin() as conn:
        conn.execute(
            update(users).where(users.c.id == member.id).values(feed_token_hash=token_hash(token))
        )
        audit.record(conn, member.id, "feed.rotate", member.email)
    return token


def revoke_feed_token(lib: Library, member: Member) -> None:
    with lib.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == member.id).values(feed_token_hash=None))
        audit.record(conn, member.id, "feed.revoke", member.email)


def member_for_feed(lib: Library, token: str) -> Member:
    with lib.engine.connect() as conn:
        row = conn.execute(
            select(users).where(users.c.feed_token_hash == token_hash(token))
        ).first()
    if row is None or row.suspended_at is not None:
        raise NotAuthenticated("订阅源地址无效或已撤销")
    return member_from_row(row)


@dataclass(frozen=True, slots=True)
class FeedItem:
    event_id: int
    kind: str
    title: str
    at: datetime
    material_id: int | None
    readable: bool


def feed_items(lib: Library, viewer: Viewer, limit: int = 50) -> list[FeedItem]:
    """Recent publications and revisions of materials the public catalogue shows."""
    with lib.engine.connect() as conn:
        rows = conn.execute(
            select(
                events.c.id,
                events.c.kind,
                events.c.title,
                events.c.at,
                events.c.material_id,
                materials.c.published_at,
            )
            .join(materials, materials.c.id == events.c.material_id)
            .where(
                events.c.kind.in_(("published", "revised")),
                materials.c.retired_at.is_(None),
                materials.c.published_at <= now(),
            )
            .order_by(events.c.id.desc())
            .limit(limit)
        ).all()
    return [
        FeedItem(
            r.id,
            r.kind,
            r.title,
            aware(r.at),
            r.material_id,  # type: ignore[arg-type]
            viewer.can_read(r.published_at),
        )
        for r in rows
    ]


def atom(lib: Library, token: str, base_url: str) -> str:
    """The member's private Atom feed. Entries carry titles and links, never material text."""
    member = member_for_feed(lib, token)
    viewer = viewer_for(lib, member)
    items = feed_items(lib, viewer)
    updated = (items[0].at if items else now()).isoformat()
    kinds = {"published": "新发布", "revised": "已修订"}
    entries = []
    for item in items:
        link = f"{base_url}/materials/{item.material_id}"
        note = "" if item.readable else "（您的订阅未包含此材料，可预览）"
        entries.append(
            "<entry>"
            f"<id>tag:gongwen,{item.at:%Y-%m-%d}:event-{item.event_id}</id>"
            f"<title>{escape(kinds.get(item.kind, item.kind) + '：' + item.title)}</title>"
            f'<link href="{escape(link)}"/>'
            f"<updated>{item.at.isoformat()}</updated>"
            f"<summary>{escape(item.title + note)}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>公文库 · {escape(member.email)} 的订阅</title>"
        f"<id>tag:gongwen,2026:feed-{member.id}</id>"
        f"<updated>{updated}</updated>"
        f'<link rel="alternate" href="{escape(base_url)}/"/>' + "".join(entries) + "</feed>\n"
    )


def new_since_last_visit(lib: Library, member: Member) -> list[Card]:
    require_member(member)
    with lib.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == member.id)).one()
    since = aware(row.previous_seen_at) or aware(row.created_at)
    return browse(lib, viewer_for(lib, member), since=since, limit=200)


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    text: str
    at: datetime
    material_id: int | None
    request_id: int | None
    read: bool


def notifications_for(
    lib: Library, member: Member, unread_only: bool = False
) -> list[Notification]:
    require_member(member)
    query = (
        select(
            notifications.c.id,
            notifications.c.text,
            notifications.c.read_at,
            events.c.at,
            events.c.material_id,
            events.c.request_id,
        )
        .join(events, events.c.id == notifications.c.event_id)
        .where(notifications.c.user_id == member.id)
        .order_by(notifications.c.id.desc())
        .limit(100)
    )
    if unread_only:
        query = query.where(notifications.c.read_at.is_(None))
    with lib.engine.connect() as conn:
        return [
            Notification(
                r.id,
                r.text,
                aware(r.at),
                r.material_id,
                r.request_id,  # type: ignore[arg-type]
                r.read_at is not None,
            )
            for r in conn.execute(query)
        ]


def mark_read(lib: Library, member: Member) -> None:
    with lib.engine.begin() as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.user_id == member.id, notifications.c.read_at.is_(None))
            .values(read_at=now())
        )
