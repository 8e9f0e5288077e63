"""Who is asking, and what they may do: every service checks its actor here, at its top.

A `Viewer` is nobody (a visitor) or a member with (maybe) an active subscription; `Client`
says where a request comes from, for rate limits, without any HTTP in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gongwen.errors import AccountSuspended, Forbidden, NotAuthenticated
from gongwen.model.member import Member, Subscription
from gongwen.model.search import Scope
from gongwen.platform.plans import back_catalogue_start
from gongwen.util.clock import now


@dataclass(frozen=True, slots=True)
class Client:
    """Where a request comes from: a session (or visitor cookie) and an address."""

    session: str = ""
    address: str = ""


NOWHERE = Client()  # a call with no request behind it (tests, scripts): no per-address limits


def covers(
    sub: Subscription | None, published_at: datetime | None, at: datetime | None = None
) -> bool:
    """Whether `sub`, active at `at`, covers a material published at `published_at`: from 3
    years before the subscription started until it ends."""
    if sub is None or published_at is None:
        return False
    moment = at or now()
    return sub.is_active(moment) and sub.covers(published_at, back_catalogue_start(sub.starts_at))


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: nobody, or a member with (maybe) an active subscription."""

    member: Member | None = None
    subscription: Subscription | None = None

    @property
    def is_editor(self) -> bool:
        return self.member is not None and not self.member.suspended and self.member.is_editor

    def can_read(self, published_at: datetime | None, at: datetime | None = None) -> bool:
        if self.member is None or self.member.suspended:
            return False
        if self.is_editor:
            return True
        return covers(self.subscription, published_at, at)

    def search_scope(self, at: datetime) -> Scope:
        """What this viewer's searches may match (see model.search.Scope)."""
        if self.is_editor:
            return Scope.all()
        sub = self.subscription
        if self.member is None or self.member.suspended or sub is None or not sub.is_active(at):
            return Scope(at=at)
        return Scope(at=at, readable=(back_catalogue_start(sub.starts_at), sub.ends_at))


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
