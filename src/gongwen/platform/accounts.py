"""Accounts and sessions: argon2 passwords, server-side sessions, login rate limiting."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gongwen.errors import (
    AccountSuspended,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    RateLimited,
)
from gongwen.library import Library
from gongwen.model.member import Member, Role
from gongwen.platform import audit
from gongwen.store.platform_schema import login_failures, sessions, users
from gongwen.util.clock import aware, now

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 8
RATE_WINDOW = timedelta(minutes=15)
IP_ATTEMPTS = 30


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def token_hash(token: str) -> str:
    """Secrets are stored hashed: a leaked table does not leak sessions, feeds or codes."""
    return hashlib.sha256(token.encode()).hexdigest()


def member_from_row(row: Any) -> Member:
    r = row  # a Row with the users columns
    return Member(
        r.id,
        r.email,
        Role(r.role),
        r.suspended_at is not None,  # type: ignore[attr-defined]
        aware(r.last_seen_at),
        aware(r.previous_seen_at),  # type: ignore[attr-defined]
    )


def _check_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 254:
        raise InvalidInput("email", "邮箱格式不正确")
    return email


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"密码至少 {MIN_PASSWORD} 位")
    if len(password) > 1024:
        raise InvalidInput("password", "密码过长")


def create_user(
    lib: Library, email: str, password: str, role: Role = Role.MEMBER, actor_id: int | None = None
) -> Member:
    """Register (a member) or add (any role, by an operator)."""
    email = _check_email(email)
    _check_password(password)
    try:
        with lib.engine.begin() as conn:
            user_id = conn.execute(
                insert(users)
                .values(
                    email=email,
                    password_hash=_hasher().hash(password),
                    role=str(role),
                    suspended_reason="",
                )
                .returning(users.c.id)
            ).scalar_one()
            audit.record(conn, actor_id or user_id, "user.create", email, {"role": str(role)})
    except IntegrityError:
        raise InvalidInput("email", "该邮箱已注册") from None
    return get_member(lib, user_id)


def get_member(lib: Library, user_id: int) -> Member:
    with lib.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"没有编号为 {user_id} 的用户")
    return member_from_row(row)


def find_member(lib: Library, email: str) -> Member:
    with lib.engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.email == email.strip().lower())).first()
    if row is None:
        raise NotFound(f"没有用户 {email}")
    return member_from_row(row)


def _too_many(conn: Connection, key: str, limit: int) -> bool:
    since = now() - RATE_WINDOW
    count = conn.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.key == key, login_failures.c.at >= since)
    ).scalar_one()
    return count >= limit


def authenticate(lib: Library, email: str, password: str, ip: str = "") -> Member:
    """The member with these credentials; failures are counted per email and per address."""
    email = email.strip().lower()
    keys = [f"email:{email}"] + ([f"ip:{ip}"] if ip else [])
    with lib.engine.begin() as conn:
        limited = _too_many(conn, keys[0], lib.settings.login_attempts) or bool(
            ip and _too_many(conn, keys[1], IP_ATTEMPTS)
        )
        if limited:
            audit.record(conn, None, "login.rate_limited", email, {"ip": ip}, flagged=True)
    if limited:  # raised after the commit, so the audit entry stays
        raise RateLimited("登录尝试过于频繁，请 15 分钟后再试")
    with lib.engine.begin() as conn:
        row = conn.execute(select(users).where(users.c.email == email)).first()
        ok = False
        if row is not None:
            try:
                ok = _hasher().verify(row.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher().hash(password)  # same cost as a real check: no user enumeration by timing
        if not ok:
            conn.execute(insert(login_failures), [{"key": k, "at": now()} for k in keys])
            audit.record(conn, row.id if row else None, "login.failed", email, {"ip": ip})
    if not ok or row is None:
        raise NotAuthenticated("邮箱或密码错误")
    member = member_from_row(row)
    if member.suspended:
        raise AccountSuspended(
            "账号已被停用" + (f"：{row.suspended_reason}" if row.suspended_reason else "")
        )
    with lib.engine.begin() as conn:
        conn.execute(delete(login_failures).where(login_failures.c.key == keys[0]))
        if _hasher().check_needs_rehash(row.password_hash):
            conn.execute(
                update(users)
                .where(users.c.id == row.id)
                .values(password_hash=_hasher().hash(password))
            )
        audit.record(conn, member.id, "login", email, {"ip": ip})
    return member


def change_password(lib: Library, member: Member, old: str, new: str) -> None:
    _check_password(new)
    with lib.engine.connect() as conn:
        stored = conn.execute(
            select(users.c.password_hash).where(users.c.id == member.id)
        ).scalar_one()
    try:
        _hasher().verify(stored, old)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise InvalidInput("old_password", "原密码不正确") from None
    with lib.engine.begin() as conn:
        conn.execute(
            update(users).where(users.c.id == member.id).values(password_hash=_hasher().hash(new))
        )
        # Every other session ends: a changed password should lock out whoever knew the old one.
        conn.execute(delete(sessions).where(sessions.c.user_id == member.id))
        audit.record(conn, member.id, "password.change", member.email)


def set_role(lib: Library, actor: Member, user_id: int, role: Role) -> None:
    require_admin(actor)
    with lib.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(role=str(role)))
        audit.record(conn, actor.id, "user.role", str(user_id), {"role": str(role)})


def suspend(lib: Library, actor_id: int | None, user_id: int, reason: str) -> None:
    """Suspend an account (used for leakers): its sessions end at once."""
    with lib.engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(suspended_at=now(), suspended_reason=reason)
        )
        conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
        audit.record(conn, actor_id, "user.suspend", str(user_id), {"reason": reason})


def list_members(lib: Library, limit: int = 500) -> list[Member]:
    with lib.engine.connect() as conn:
        return [
            member_from_row(r)
            for r in conn.execute(select(users).order_by(users.c.id).limit(limit))
        ]


# Sessions -------------------------------------------------------------------------------------


def start_session(lib: Library, member: Member) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token). Only the token's hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    with lib.engine.begin() as conn:
        conn.execute(
            insert(sessions).values(
                token_hash=token_hash(token),
                user_id=member.id,
                csrf_token=csrf,
                created_at=now(),
                expires_at=now() + timedelta(days=lib.settings.session_days),
            )
        )
        _begin_visit(conn, member.id)  # a login always starts a visit
    return token, csrf


def _begin_visit(conn: Connection, user_id: int) -> None:
    """Remember where the previous visit ended, for "new since your last visit"."""
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            previous_seen_at=func.coalesce(users.c.last_seen_at, users.c.created_at),
            last_seen_at=now(),
        )
    )


VISIT_GAP = timedelta(minutes=30)


def touch(lib: Library, member: Member) -> None:
    """Note a visit: after a 30-minute gap, what the member saw last becomes "before this visit".

    Called on every authenticated page view, so it writes at most once per gap (the hot path
    stays a read).
    """
    if member.last_seen_at is not None and now() - member.last_seen_at < VISIT_GAP:
        return
    with lib.engine.begin() as conn:
        _begin_visit(conn, member.id)


def end_session(lib: Library, token: str | None) -> None:
    if token:
        with lib.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))


def require_member(member: Member | None) -> Member:
    if member is None:
        raise NotAuthenticated("请先登录")
    if member.suspended:
        raise AccountSuspended("账号已被停用")
    return member


def require_editor(member: Member | None) -> Member:
    member = require_member(member)
    if not member.is_editor:
        raise Forbidden("需要编辑权限")
    return member


def require_admin(member: Member | None) -> Member:
    member = require_member(member)
    if not member.is_admin:
        raise Forbidden("需要管理员权限")
    return member
