"""Accounts: argon2 hashes, login rate limiting, suspension, password change ends sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gongwen.errors import AccountSuspended, InvalidInput, NotAuthenticated, RateLimited
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import accounts, audit
from gongwen.platform.access import Client
from gongwen.platform.accounts import viewer_for_session
from gongwen.store.platform_schema import users

from .conftest import PASSWORD


def test_passwords_are_argon2_hashes(seeded: Library, member: Member) -> None:
    with seeded.engine.connect() as conn:
        stored = conn.execute(
            select(users.c.password_hash).where(users.c.id == member.id)
        ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(seeded, "MEMBER@example.cn ", PASSWORD).id == member.id
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(seeded, "member@example.cn", "wrong-password")
    with pytest.raises(InvalidInput, match="已注册"):
        accounts.create_user(seeded, OPERATOR, "member@example.cn", PASSWORD, Role.MEMBER)
    with pytest.raises(InvalidInput, match="至少"):
        accounts.create_user(seeded, OPERATOR, "short@example.cn", "1234567", Role.MEMBER)


def test_login_is_rate_limited_per_email(seeded: Library, member: Member) -> None:
    for _ in range(seeded.settings.login_attempts):
        with pytest.raises(NotAuthenticated):
            accounts.authenticate(seeded, member.email, "guess-guess", Client("s", "10.0.0.9"))
    with pytest.raises(RateLimited):
        accounts.authenticate(seeded, member.email, PASSWORD, Client("s", "10.0.0.9"))


def test_suspension_ends_sessions_and_refuses_login(seeded: Library, member: Member) -> None:
    token, _ = accounts.start_session(seeded, member)
    assert viewer_for_session(seeded, token) is not None
    accounts.suspend(seeded, OPERATOR, member.id, "倒卖会员资料")
    assert viewer_for_session(seeded, token) is None
    with pytest.raises(AccountSuspended, match="倒卖"):
        accounts.authenticate(seeded, member.email, PASSWORD)


def test_password_change_ends_every_session(seeded: Library, member: Member) -> None:
    token, _ = accounts.start_session(seeded, member)
    with pytest.raises(InvalidInput):
        accounts.change_password(seeded, member, "not-the-old-one", "new-password-123")
    accounts.change_password(seeded, member, PASSWORD, "new-password-123")
    assert viewer_for_session(seeded, token) is None
    assert accounts.authenticate(seeded, member.email, "new-password-123").id == member.id


def test_refused_logins_are_in_the_audit_log(seeded: Library, member: Member) -> None:
    for _ in range(seeded.settings.login_attempts + 1):
        with pytest.raises((NotAuthenticated, RateLimited)):
            accounts.authenticate(seeded, member.email, "guess-guess")
    actions = [e.action for e in audit.entries(seeded, OPERATOR)]
    assert actions.count("login.failed") == seeded.settings.login_attempts
    assert [e.action for e in audit.entries(seeded, OPERATOR, flagged=True)] == [
        "login.rate_limited"
    ]


@pytest.mark.parametrize(
    "look_alike",
    [
        "ｍember@example.cn",  # full-width ｍ
        "member@example.cn\u200b",  # trailing zero-width space
        "mem\u200dber@example.cn",  # zero-width joiner inside
        " MEMBER@EXAMPLE.CN ",
        "member＠example．cn",  # full-width @ and dot
    ],
)
def test_look_alike_emails_are_the_same_account(
    seeded: Library, member: Member, look_alike: str
) -> None:
    with pytest.raises(InvalidInput, match="已注册"):
        accounts.register(seeded, look_alike, PASSWORD, Client("s", "10.9.9.9"))
    assert accounts.authenticate(seeded, look_alike, PASSWORD).id == member.id


def test_registration_is_limited_per_address(seeded: Library) -> None:
    from dataclasses import replace

    seeded.settings = replace(seeded.settings, registrations_per_hour_per_address=2)
    here, elsewhere = Client("s", "10.7.7.7"), Client("s", "10.8.8.8")
    accounts.register(seeded, "a@example.cn", PASSWORD, here)
    accounts.register(seeded, "b@example.cn", PASSWORD, here)
    for email in ("c@example.cn", "d@example.cn"):
        with pytest.raises(RateLimited, match="注册过于频繁"):
            accounts.register(seeded, email, PASSWORD, here)
    accounts.register(seeded, "c@example.cn", PASSWORD, elsewhere)
    [entry] = audit.entries(seeded, OPERATOR, action="register.rate_limited")
    assert entry.flagged and entry.detail["ip"] == "10.7.7.7"
