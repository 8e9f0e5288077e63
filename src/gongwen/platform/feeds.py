"""What members are told: a private Atom feed (feedgen), "new since your last visit",
notifications."""

from __future__ import annotations

import secrets

from gongwen.errors import NotAuthenticated
from gongwen.library import Library
from gongwen.model.material import Card
from gongwen.model.member import Member
from gongwen.model.platform import FeedItem, Notification
from gongwen.platform.access import Viewer, require_member
from gongwen.platform.accounts import token_hash
from gongwen.platform.browse import browse
from gongwen.platform.subscriptions import active_subscription
from gongwen.store import accounts, audit, events
from gongwen.util.clock import now

KINDS = {"published": "新发布", "revised": "已修订"}


def rotate_feed_token(lib: Library, member: Member) -> str:
    """A new private feed token (the old feed URL stops working). Shown once."""
    require_member(member)
    token = secrets.token_urlsafe(24)
    with lib.db.write() as conn:
        accounts.update_user(conn, member.id, feed_token_hash=token_hash(token))
        audit.record(conn, member.id, "feed.rotate", member.email)
    return token


def revoke_feed_token(lib: Library, member: Member) -> None:
    require_member(member)
    with lib.db.write() as conn:
        accounts.update_user(conn, member.id, feed_token_hash=None)
        audit.record(conn, member.id, "feed.revoke", member.email)


def member_for_feed(lib: Library, token: str) -> Member:
    with lib.db.read() as conn:
        found = accounts.by_feed_token(conn, token_hash(token))
    if found is None or found.member.suspended:
        raise NotAuthenticated("订阅源地址无效或已撤销")
    return found.member


def feed_items(lib: Library, viewer: Viewer, limit: int = 50) -> list[FeedItem]:
    """Recent publications and revisions of materials the public catalogue shows."""
    moment = now()
    with lib.db.read() as conn:
        found = events.publication_items(conn, moment, limit)
    return [
        FeedItem(
            item.event_id,
            item.kind,
            item.title,
            item.at,
            item.material_id,
            viewer.can_read(published_at, moment),
        )
        for item, published_at in found
    ]


def atom(lib: Library, token: str, base_url: str) -> bytes:
    """The member's private Atom feed. Entries carry titles and links, never material text."""
    from feedgen.feed import FeedGenerator

    member = member_for_feed(lib, token)
    viewer = Viewer(member, active_subscription(lib, member.id))
    items = feed_items(lib, viewer)
    feed = FeedGenerator()
    feed.id(f"tag:gongwen,2026:feed-{member.id}")
    feed.title(f"公文库 · {member.email} 的订阅")
    feed.link(href=f"{base_url}/", rel="alternate")
    feed.language("zh-CN")
    feed.updated(items[0].at if items else now())
    for item in reversed(items):  # feedgen puts the last added entry first
        entry = feed.add_entry()
        entry.id(f"tag:gongwen,{item.at:%Y-%m-%d}:event-{item.event_id}")
        entry.title(f"{KINDS.get(item.kind, item.kind)}：{item.title}")
        entry.link(href=f"{base_url}/materials/{item.material_id}")
        entry.updated(item.at)
        note = "" if item.readable else "（您的订阅未包含此材料，可预览）"
        entry.summary(item.title + note)
    return feed.atom_str(pretty=False)  # type: ignore[no-any-return]


def new_since_last_visit(lib: Library, member: Member) -> list[Card]:
    require_member(member)
    with lib.db.read() as conn:
        found = accounts.by_id(conn, member.id)
    if found is None:
        raise NotAuthenticated("请先登录")
    since = found.member.previous_seen_at or found.created_at
    viewer = Viewer(member, active_subscription(lib, member.id))
    return browse(lib, viewer, since=since, limit=200)


def notifications_for(
    lib: Library, member: Member, unread_only: bool = False
) -> list[Notification]:
    require_member(member)
    with lib.db.read() as conn:
        return events.notifications_for(conn, member.id, unread_only)


def mark_read(lib: Library, member: Member) -> None:
    require_member(member)
    with lib.db.write() as conn:
        events.mark_read(conn, member.id)
