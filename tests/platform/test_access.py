"""Every service checks its actor itself: called directly, not through a page, a member is
refused what only admins or editors may do, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from gongwen.errors import AccountSuspended, Forbidden, NotAuthenticated
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role, Subscription
from gongwen.platform import accounts, audit, publishing, requests, subscriptions
from gongwen.platform.access import Viewer, covers

ADMIN_ONLY: dict[str, Callable[[Library, Member, Member], object]] = {
    "grant": lambda lib, actor, m: subscriptions.grant(lib, actor, m.id, "year"),
    "revoke": lambda lib, actor, m: subscriptions.revoke(lib, actor, m.id),
    "create_codes": lambda lib, actor, m: subscriptions.create_codes(lib, actor, "year", 5),
    "code_status": lambda lib, actor, m: subscriptions.code_status(lib, actor),
    "active_by_user": lambda lib, actor, m: subscriptions.active_by_user(lib, actor),
    "suspend": lambda lib, actor, m: accounts.suspend(lib, actor, m.id, "试探"),
    "set_role": lambda lib, actor, m: accounts.set_role(lib, actor, actor.id, Role.ADMIN),
    "list_members": lambda lib, actor, m: accounts.list_members(lib, actor),
    "find_member": lambda lib, actor, m: accounts.find_member(lib, actor, m.email),
    "create_user": lambda lib, actor, m: accounts.create_user(
        lib, actor, "new-admin@example.cn", "a-long-password", Role.ADMIN
    ),
    "audit_entries": lambda lib, actor, m: audit.entries(lib, actor),
}
EDITOR_ONLY: dict[str, Callable[[Library, Member], object]] = {
    "publish_upload": lambda lib, actor: publishing.publish_upload(
        lib, actor, "x.txt", "2021年工作计划（某局）\n一、任务\n做好工作。\n".encode()
    ),
    "publish_revision": lambda lib, actor: publishing.publish_revision(
        lib, actor, 1, "改过的正文", "说明"
    ),
    "edit_metadata": lambda lib, actor: publishing.edit_metadata(lib, actor, 1, title="改名"),
    "schedule": lambda lib, actor: publishing.schedule(lib, actor, 1, None),
    "retire": lambda lib, actor: publishing.retire(lib, actor, 1),
    "material_text": lambda lib, actor: publishing.material_text(lib, actor, 1),
    "request_status": lambda lib, actor: requests.set_status(
        lib, actor, requests.post(lib, actor, "需要一份讲话稿范文"), "done"
    ),
}


@pytest.mark.parametrize("action", list(ADMIN_ONLY))
def test_admin_services_refuse_members_and_editors(
    seeded: Library, member: Member, editor: Member, action: str
) -> None:
    before = accounts.list_members(seeded, OPERATOR)
    for actor in (member, editor):
        with pytest.raises(Forbidden, match="管理员"):
            ADMIN_ONLY[action](seeded, actor, member)
    assert accounts.list_members(seeded, OPERATOR) == before
    assert subscriptions.active_subscription(seeded, member.id) is None
    assert subscriptions.code_status(seeded, OPERATOR) == []


@pytest.mark.parametrize("action", list(EDITOR_ONLY))
def test_editor_services_refuse_members(seeded: Library, member: Member, action: str) -> None:
    with pytest.raises(Forbidden, match="编辑"):
        EDITOR_ONLY[action](seeded, member)
    assert publishing.material_text(seeded, OPERATOR, 1)  # material 1 is untouched
    assert [r.status for r in requests.listing(seeded, Viewer(member))] in ([], ["open"])


def test_suspended_members_are_refused_everywhere(seeded: Library, member: Member) -> None:
    accounts.suspend(seeded, OPERATOR, member.id, "倒卖会员资料")
    suspended = accounts.get_member(seeded, member.id)
    with pytest.raises(AccountSuspended):
        requests.post(seeded, suspended, "需要一份讲话稿范文")
    with pytest.raises(AccountSuspended):
        accounts.start_session(seeded, suspended)
    assert not Viewer(suspended).can_read(datetime(2026, 1, 1, tzinfo=UTC))


def test_visitors_are_asked_to_log_in(seeded: Library) -> None:
    with pytest.raises(NotAuthenticated):
        requests.post(seeded, None, "需要一份讲话稿范文")  # type: ignore[arg-type]


def test_the_operator_acts_as_admin_and_is_audited_without_a_user(
    seeded: Library, member: Member
) -> None:
    subscriptions.grant(seeded, OPERATOR, member.id, "year")
    [entry] = audit.entries(seeded, OPERATOR, action="subscription.grant")
    assert entry.actor == "" and entry.target == str(member.id)


def test_a_subscription_covers_three_years_back_and_until_it_ends() -> None:
    start = datetime(2026, 6, 1, tzinfo=UTC)
    sub = Subscription(1, 1, "year", start, datetime(2027, 6, 1, tzinfo=UTC), "grant")
    at = datetime(2026, 12, 1, tzinfo=UTC)
    assert covers(sub, datetime(2023, 6, 1, tzinfo=UTC), at)
    assert not covers(sub, datetime(2023, 5, 31, 23, 59, tzinfo=UTC), at)
    scope = Viewer(Member(1, "m@example.cn", Role.MEMBER), sub).search_scope(at)
    assert scope.readable == (datetime(2023, 6, 1, tzinfo=UTC), sub.ends_at)
