"""Reports through the service, on both databases: one reward per leaker per 365 days, and the
background tracer (pending reports are traced by the worker, after a restart too, and a trace
that crashes records its error)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from gongwen.export.render import Format
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import reports
from gongwen.platform.access import Client, Viewer
from gongwen.platform.accounts import create_user
from gongwen.platform.downloads import download
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.util.clock import now

from .conftest import PASSWORD


@pytest.fixture
def held() -> Iterator[None]:
    """The background tracer waits while the test runs: it traces when the test says so."""
    with reports.TRACER.held():
        yield


def _subscriber(lib: Library, email: str) -> Viewer:
    member = create_user(lib, OPERATOR, email, PASSWORD, Role.MEMBER)
    grant(lib, OPERATOR, member.id, "year")
    return Viewer(member, active_subscription(lib, member.id))


def _rewards(lib: Library, report_id: int) -> tuple[int, int]:
    """(ledger rows, reward rows) of a report."""
    with lib.engine.connect() as conn:
        days = conn.execute(
            text("SELECT COUNT(*) FROM membership_days WHERE report_id = :r"), {"r": report_id}
        ).scalar_one()
        paid = conn.execute(
            text("SELECT COUNT(*) FROM leak_rewards WHERE report_id = :r"), {"r": report_id}
        ).scalar_one()
    return int(days), int(paid)


def test_a_leaker_rewarded_over_a_year_ago_can_earn_a_new_reporter_a_year(
    seeded: Library, editor: Member, held: None
) -> None:
    leaker = _subscriber(seeded, "leaker@example.cn").member

    def confirmed(tipster: str, address: str) -> tuple[int, bool]:
        report_id, _ = reports.submit(
            seeded,
            contact=tipster,
            link="https://pan.example.com/s/1",
            client=Client(address=address),
        )
        return report_id, reports.confirm(
            seeded, editor, report_id, "链接中的文件与该会员的副本一致", leaker.email
        )

    first, paid = confirmed("a@example.org", "192.0.2.1")
    assert paid
    second, paid = confirmed("b@example.org", "192.0.2.2")
    assert not paid and _rewards(seeded, second) == (0, 0)
    assert reports.detail(seeded, editor, second).reward_refused == (
        f"同一泄露者 365 天内已由举报 #{first} 奖励"
    )
    # A year and a day later the same member leaks again: a new leak, a new reward.
    with seeded.engine.begin() as conn:
        conn.execute(
            text("UPDATE leak_rewards SET paid_at = :t WHERE report_id = :r"),
            {"t": now() - timedelta(days=366), "r": first},
        )
    third, paid = confirmed("c@example.org", "192.0.2.3")
    assert paid and _rewards(seeded, third) == (1, 1)


def test_a_decided_report_cannot_be_decided_again(
    seeded: Library, editor: Member, member: Member, held: None
) -> None:
    report_id, _ = reports.submit(
        seeded,
        contact="x@example.org",
        link="https://pan.example.com/s/2",
        client=Client(address="a"),
    )
    reports.reject(seeded, editor, report_id, "链接已失效，无法核实")
    from gongwen.errors import InvalidInput

    with pytest.raises(InvalidInput, match="这份举报已处理"):
        reports.confirm(seeded, editor, report_id, "再认定一次", member.email)
    with pytest.raises(InvalidInput, match="这份举报已处理"):
        reports.reject(seeded, editor, report_id, "再驳回一次")
    assert reports.detail(seeded, editor, report_id).report.status == "rejected"
    assert _rewards(seeded, report_id) == (0, 0)


def test_the_background_tracer_traces_reports_and_picks_up_what_a_restart_left(
    seeded: Library, editor: Member
) -> None:
    viewer = _subscriber(seeded, "forwarder@example.cn")
    leaked = download(seeded, viewer, 3, Format.TXT).data
    report_id, _ = reports.submit(
        seeded,
        contact="t@example.org",
        data=leaked,
        filename="转发.txt",
        client=Client(address="b"),
    )
    assert reports.TRACER.wait_idle(timeout=120)
    view = reports.detail(seeded, editor, report_id)
    assert not view.report.tracing
    assert view.trace["verdict"] == "identified"
    assert "forwarder@example.cn" in json.dumps(view.trace["members"])

    # A process that died mid-trace leaves the report pending; a new process's worker, woken
    # at start, traces it from what the database holds.
    with reports.TRACER.held():  # this process's worker stays out of it
        with seeded.engine.begin() as conn:
            conn.execute(
                text("UPDATE leak_reports SET traced_at = NULL, trace_json = '{}' WHERE id = :r"),
                {"r": report_id},
            )
        assert reports.detail(seeded, editor, report_id).report.tracing
        worker = reports.Tracer()
        worker.wake(seeded)
        assert worker.wait_idle(timeout=120)
        assert reports.detail(seeded, editor, report_id).trace["verdict"] == "identified"


def test_a_trace_that_crashes_records_its_error_and_is_not_retried(
    seeded: Library, editor: Member, held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("reader exploded")

    monkeypatch.setattr(reports, "trace", broken)
    report_id, _ = reports.submit(
        seeded, contact="t@example.org", text="一段转发的材料文字", client=Client(address="c")
    )
    assert reports.trace_pending(seeded) == 1
    view = reports.detail(seeded, editor, report_id)
    assert not view.report.tracing
    assert "RuntimeError" in str(view.trace["error"])
    assert reports.trace_pending(seeded) == 0
    with seeded.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT trace_json FROM leak_reports WHERE id = :r"), {"r": report_id}
        ).scalar_one()
    assert "error" in json.loads(stored)
