"""Subscriptions: grant, extend, revoke, redeem codes, and what a subscription covers.

A member may read a material when they hold an active subscription whose window covers the
material's publication date: from 3 years before the subscription started until it ends.
Extending an active subscription moves its end; it does not start a new window.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from gongwen.errors import InvalidInput
from gongwen.library import Library
from gongwen.model.member import Member, Subscription
from gongwen.platform import audit
from gongwen.platform.accounts import require_admin, token_hash
from gongwen.platform.plans import add_months, back_catalogue_start, plan_months
from gongwen.store.platform_schema import redeem_codes, subscriptions
from gongwen.util.clock import aware, now

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand


def _subscription(row: object) -> Subscription:
    r = row
    return Subscription(r.id, r.user_id, r.plan, aware(r.starts_at), aware(r.ends_at), r.source)  # type: ignore[attr-defined,arg-type]


def active_subscription(
    lib: Library, user_id: int, at: datetime | None = None
) -> Subscription | None:
    with lib.engine.connect() as conn:
        return _active(conn, user_id, at or now())


def active_by_user(lib: Library, at: datetime | None = None) -> dict[int, Subscription]:
    """Every member's active subscription, in one query (the admin's user list)."""
    moment = at or now()
    with lib.engine.connect() as conn:
        rows = conn.execute(
            select(subscriptions)
            .where(
                subscriptions.c.revoked_at.is_(None),
                subscriptions.c.starts_at <= moment,
                subscriptions.c.ends_at > moment,
            )
            .order_by(subscriptions.c.ends_at)
        ).all()
    return {r.user_id: _subscription(r) for r in rows}  # the latest end wins


def _active(conn: Connection, user_id: int, at: datetime) -> Subscription | None:
    row = conn.execute(
        select(subscriptions)
        .where(
            subscriptions.c.user_id == user_id,
            subscriptions.c.revoked_at.is_(None),
            subscriptions.c.starts_at <= at,
            subscriptions.c.ends_at > at,
        )
        .order_by(subscriptions.c.ends_at.desc())
    ).first()
    return _subscription(row) if row else None


def _grant(
    conn: Connection,
    user_id: int,
    plan: str,
    start: datetime | None,
    source: str,
    actor_id: int | None,
) -> Subscription:
    months = plan_months(plan)
    current = _active(conn, user_id, now())
    if current is not None and start is None:
        new_end = add_months(current.ends_at, months)
        conn.execute(
            update(subscriptions).where(subscriptions.c.id == current.id).values(ends_at=new_end)
        )
        audit.record(
            conn,
            actor_id,
            "subscription.extend",
            str(user_id),
            {"plan": plan, "ends_at": new_end, "source": source},
        )
        row = conn.execute(select(subscriptions).where(subscriptions.c.id == current.id)).one()
        return _subscription(row)
    starts = start or now()
    sub_id = conn.execute(
        insert(subscriptions)
        .values(
            user_id=user_id,
            plan=plan,
            starts_at=starts,
            ends_at=add_months(starts, months),
            source=source,
        )
        .returning(subscriptions.c.id)
    ).scalar_one()
    audit.record(
        conn,
        actor_id,
        "subscription.grant",
        str(user_id),
        {"plan": plan, "starts_at": starts, "source": source},
    )
    return _subscription(
        conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).one()
    )


def grant(
    lib: Library,
    user_id: int,
    plan: str,
    *,
    start: datetime | None = None,
    source: str = "grant",
    actor_id: int | None = None,
) -> Subscription:
    """Give a plan: extends the active subscription, or starts one (at `start`, default now)."""
    with lib.engine.begin() as conn:
        return _grant(conn, user_id, plan, start, source, actor_id)


def revoke(lib: Library, actor: Member, user_id: int) -> int:
    require_admin(actor)
    with lib.engine.begin() as conn:
        result = conn.execute(
            update(subscriptions)
            .where(subscriptions.c.user_id == user_id, subscriptions.c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        audit.record(conn, actor.id, "subscription.revoke", str(user_id))
        return result.rowcount


def covers(
    sub: Subscription | None, published_at: datetime | None, at: datetime | None = None
) -> bool:
    """Whether `sub`, now active, covers a material published at `published_at`."""
    if sub is None or published_at is None:
        return False
    moment = at or now()
    return sub.is_active(moment) and sub.covers(published_at, back_catalogue_start(sub.starts_at))


# Redeem codes (卡密) ---------------------------------------------------------------------------


def create_codes(lib: Library, plan: str, count: int, actor_id: int | None = None) -> list[str]:
    """New one-time codes; only their hashes are stored, so this is the only time they are seen."""
    plan_months(plan)
    if not 1 <= count <= 10_000:
        raise InvalidInput("count", "数量须在 1 到 10000 之间")
    codes = [
        "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(count)
    ]
    with lib.engine.begin() as conn:
        conn.execute(
            insert(redeem_codes),
            [
                {
                    "code_hash": token_hash(c),
                    "hint": c[-4:],
                    "plan": plan,
                    "created_by": actor_id,
                    "created_at": now(),
                }
                for c in codes
            ],
        )
        audit.record(conn, actor_id, "codes.create", plan, {"count": count})
    return codes


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def redeem(lib: Library, member: Member, code: str) -> Subscription:
    """Turn a code into a subscription (or an extension). A code works once."""
    digest = token_hash(normalise_code(code))
    with lib.engine.connect() as conn:
        known = conn.execute(
            select(redeem_codes.c.code_hash).where(redeem_codes.c.code_hash == digest)
        ).first()
    if known is None:
        # Logged in a transaction of its own: the refusal must not roll the entry back.
        with lib.engine.begin() as conn:
            audit.record(
                conn, member.id, "codes.redeem_failed", "", {"hint": code[-4:]}, flagged=True
            )
        raise InvalidInput("code", "卡密无效")
    with lib.engine.begin() as conn:
        row = conn.execute(select(redeem_codes).where(redeem_codes.c.code_hash == digest)).one()
        # The conditional update makes a double redemption race lose cleanly.
        claimed = conn.execute(
            update(redeem_codes)
            .where(redeem_codes.c.code_hash == digest, redeem_codes.c.redeemed_by.is_(None))
            .values(redeemed_by=member.id, redeemed_at=now())
        ).rowcount
        if not claimed:
            raise InvalidInput("code", "该卡密已被使用")
        sub = _grant(conn, member.id, row.plan, None, "code", member.id)
        audit.record(conn, member.id, "codes.redeem", row.hint, {"plan": row.plan})
        return sub


def code_status(lib: Library) -> list[dict[str, object]]:
    with lib.engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                select(
                    redeem_codes.c.hint,
                    redeem_codes.c.plan,
                    redeem_codes.c.created_at,
                    redeem_codes.c.redeemed_by,
                    redeem_codes.c.redeemed_at,
                )
                .order_by(redeem_codes.c.created_at.desc())
                .limit(500)
            ).mappings()
        ]
