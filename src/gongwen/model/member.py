"""Members, roles and subscriptions: plain values, no database inside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    email: str
    role: Role
    suspended: bool = False
    last_seen_at: datetime | None = None
    previous_seen_at: datetime | None = None

    @property
    def is_editor(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_operator(self) -> bool:
        return self.id == OPERATOR_ID


# The person at the server's shell running `gongwen …`: trusted like an admin (they own the
# database anyway), recorded in the audit log with no user id.
OPERATOR_ID = 0
OPERATOR = Member(OPERATOR_ID, "命令行", Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    user_id: int
    plan: str
    starts_at: datetime
    ends_at: datetime
    source: str

    def is_active(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

    def covers(self, published_at: datetime, back_catalogue_start: datetime) -> bool:
        """Published while the subscription runs, or in the back catalogue before it."""
        return back_catalogue_start <= published_at <= self.ends_at
