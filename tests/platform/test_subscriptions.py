"""Plans, extensions, the 3-year back catalogue, and one-time redeem codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from gongwen.errors import InvalidInput
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member
from gongwen.platform import audit
from gongwen.platform.plans import add_months, back_catalogue_start
from gongwen.platform.subscriptions import (
    active_subscription,
    covers,
    create_codes,
    grant,
    redeem,
)
from gongwen.store.platform_schema import redeem_codes
from gongwen.util.clock import now


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 1, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 11, 27, tzinfo=UTC), 3, datetime(2027, 2, 27, tzinfo=UTC)),
        (datetime(2026, 11, 27, tzinfo=UTC), -36, datetime(2023, 11, 27, tzinfo=UTC)),
    ],
)
def test_calendar_months(start: datetime, months: int, end: datetime) -> None:
    assert add_months(start, months) == end


def test_extending_an_active_subscription_adds_to_its_end(seeded: Library, member: Member) -> None:
    first = grant(seeded, OPERATOR, member.id, "month")
    extended = grant(seeded, OPERATOR, member.id, "year")
    assert extended.id == first.id and extended.starts_at == first.starts_at
    assert extended.ends_at == add_months(first.ends_at, 12)


def test_back_catalogue_is_three_years_before_the_start(seeded: Library, member: Member) -> None:
    sub = grant(seeded, OPERATOR, member.id, "year", start=datetime(2026, 6, 1, tzinfo=UTC))
    at = datetime(2026, 12, 1, tzinfo=UTC)
    assert back_catalogue_start(sub.starts_at) == datetime(2023, 6, 1, tzinfo=UTC)
    assert covers(sub, datetime(2023, 6, 1, tzinfo=UTC), at)
    assert covers(sub, datetime(2026, 11, 30, tzinfo=UTC), at)
    assert not covers(sub, datetime(2023, 5, 31, tzinfo=UTC), at)
    # Once it has ended, it covers nothing, not even what was published while it ran.
    assert not covers(sub, datetime(2026, 11, 30, tzinfo=UTC), datetime(2027, 6, 2, tzinfo=UTC))


def test_a_code_works_once_and_is_stored_only_as_a_hash(seeded: Library, member: Member) -> None:
    [code] = create_codes(seeded, OPERATOR, "quarter", 1)
    with seeded.engine.connect() as conn:
        stored = conn.execute(select(redeem_codes)).one()
    assert code not in str(dict(stored._mapping)) and stored.hint == code[-4:]
    sub = redeem(seeded, member, code.lower().replace("-", " "))  # typed loosely by a person
    assert sub.plan == "quarter" and active_subscription(seeded, member.id) == sub
    with pytest.raises(InvalidInput, match="已被使用"):
        redeem(seeded, member, code)
    with pytest.raises(InvalidInput, match="无效"):
        redeem(seeded, member, "AAAA-BBBB-CCCC-DDDD")
    flagged = audit.entries(seeded, OPERATOR, flagged=True)
    assert [e.action for e in flagged] == ["codes.redeem_failed"]
    assert {e.action for e in audit.entries(seeded, OPERATOR)} >= {
        "codes.create",
        "codes.redeem",
        "subscription.grant",
    }


def test_redeeming_while_subscribed_extends(seeded: Library, member: Member) -> None:
    sub = grant(seeded, OPERATOR, member.id, "month")
    [code] = create_codes(seeded, OPERATOR, "year", 1)
    assert redeem(seeded, member, code).ends_at == add_months(sub.ends_at, 12)
    assert active_subscription(seeded, member.id, now()).ends_at > now()
