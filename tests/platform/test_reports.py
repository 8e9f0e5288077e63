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
from gongwen.platform import report_tracer, reports
from gongwen.platform.access import Client, Viewer
from gongwen.platform.accounts import create_user
from gongwen.platform.downloads import download
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.util.clock import now

from .conftest import PASSWORD


@pytest.fixture
def held() -> Iterator[None]:
    """The background tracer waits while the test runs: it traces when the test says so."""
    with report_tracer.TRACER.held():
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
    assert report_tracer.TRACER.wait_idle(timeout=120)
    view = reports.detail(seeded, editor, report_id)
    assert not view.report.tracing
    assert view.trace["verdict"] == "identified"
    assert "forwarder@example.cn" in json.dumps(view.trace["members"])

    # A process that died mid-trace leaves the report pending; a new process's worker, woken
    # at start, traces it from what the database holds.
    with report_tracer.TRACER.held():  # this process's worker stays out of it
        with seeded.engine.begin() as conn:
            conn.execute(
                text("UPDATE leak_reports SET traced_at = NULL, trace_json = '{}' WHERE id = :r"),
                {"r": report_id},
            )
        assert reports.detail(seeded, editor, report_id).report.tracing
        worker = report_tracer.Tracer()
        worker.wake(seeded)
        assert worker.wait_idle(timeout=120)
        assert reports.detail(seeded, editor, report_id).trace["verdict"] == "identified"


def test_a_trace_that_crashes_records_its_error_and_is_not_retried(
    seeded: Library, editor: Member, held: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("reader exploded")

    monkeypatch.setattr(report_tracer, "trace_combined", broken)
    report_id, _ = reports.submit(
        seeded, contact="t@example.org", text="一段转发的材料文字", client=Client(address="c")
    )
    assert report_tracer.trace_pending(seeded) == 1
    view = reports.detail(seeded, editor, report_id)
    assert not view.report.tracing
    assert "RuntimeError" in str(view.trace["error"])
    assert report_tracer.trace_pending(seeded) == 0
    with seeded.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT trace_json FROM leak_reports WHERE id = :r"), {"r": report_id}
        ).scalar_one()
    assert "error" in json.loads(stored)


def test_reports_of_one_leak_combine_and_their_evidence_adds_up(
    seeded: Library, editor: Member, held: None
) -> None:
    """Two people each send a part of one resold copy: each part alone says less than both
    read together; combined, both reports carry the combined trace and a confirmation names
    the leaker from it."""
    readers = [_subscriber(seeded, f"reader{i}@example.cn") for i in range(6)]
    leaked = download(seeded, readers[0], 3, Format.TXT).data.decode("utf-8")
    for other in readers[1:]:
        download(seeded, other, 3, Format.TXT)
    body = "".join(leaked.split("\n")[3:])  # past the title and the notice
    halves = [body[400:1300], body[1300:2200]]
    ids = [
        reports.submit(
            seeded, contact=f"t{i}@example.org", text=half, client=Client(f"198.51.100.{i}")
        )[0]
        for i, half in enumerate(halves)
    ]
    report_tracer.trace_pending(seeded)
    alone = [reports.detail(seeded, editor, i).trace for i in ids]
    assert reports.combine(seeded, editor, ids[0], [ids[1]]) == ids
    report_tracer.trace_pending(seeded)
    together = [reports.detail(seeded, editor, i).trace for i in ids]
    assert together[0] == together[1] and together[0]["combined"] == ids
    assert together[0]["sites_read"] >= max(t["sites_read"] for t in alone)
    assert together[0]["verdict"] == "identified"

    def best(trace: dict[str, object]) -> float:
        members = trace.get("members") or []
        return min((float(m["bound"]) for m in members), default=1.0)  # type: ignore[union-attr]

    assert best(together[0]) <= min(best(t) for t in alone)
    assert {m["email"] for m in together[0]["members"]} == {"reader0@example.cn"}
    # Decided reports are not combined again; a report cannot be combined with itself alone.
    from gongwen.errors import InvalidInput

    with pytest.raises(InvalidInput):
        reports.combine(seeded, editor, ids[0], [])
    assert reports.confirm(seeded, editor, ids[1], "两份举报合并后认定")
    assert reports.detail(seeded, editor, ids[1]).leaker_email == "reader0@example.cn"
    with pytest.raises(InvalidInput, match="已处理"):
        reports.combine(seeded, editor, ids[0], [ids[1]])


def test_a_probable_trace_is_for_editors_and_suspends_nobody(
    seeded: Library, editor: Member, held: None
) -> None:
    """A `probable` result is shown to editors with its bound and the advice to ask for more
    text; confirming on it alone is refused, and the reporter's status never shows it."""
    report_id, token = reports.submit(
        seeded, contact="t@example.org", text="任意一段文字。", client=Client("203.0.113.9")
    )
    traced = {
        "verdict": "probable",
        "members": [{"email": "someone@example.cn", "bound": 4e-4, "verdict": "probable"}],
        "advice": "可能来源：请举报人提供更多文字后再核实；仅凭此结果不能停用账号",
    }
    with seeded.engine.begin() as conn:
        conn.execute(
            text("UPDATE leak_reports SET trace_json = :t, traced_at = :at WHERE id = :r"),
            {"t": json.dumps(traced, ensure_ascii=False), "at": now(), "r": report_id},
        )
    from gongwen.errors import InvalidInput

    with pytest.raises(InvalidInput, match="未能认定唯一的会员"):
        reports.confirm(seeded, editor, report_id, "仅凭可能来源")
    status = reports.public_status(seeded, token)
    assert "someone" not in repr(status) and "probable" not in repr(status)
    assert reports.detail(seeded, editor, report_id).trace["verdict"] == "probable"


def test_a_leak_holds_at_most_ten_reports_and_their_text_is_bounded(
    seeded: Library, editor: Member, held: None
) -> None:
    """Combining is within the tracer's budget: at most MAX_PIECES reports to a leak, checked
    before anything is read, and no more text in all than one piece may hold."""
    from gongwen.errors import InvalidInput
    from gongwen.platform.tracing import MAX_PIECES, MAX_TEXT, trace_combined

    ids = [
        reports.submit(
            seeded, contact=f"m{i}@example.org", text="一段文字。", client=Client(f"a{i}")
        )[0]
        for i in range(MAX_PIECES + 1)
    ]
    with pytest.raises(InvalidInput, match="最多合并 10 份"):
        reports.combine(seeded, editor, ids[0], ids[1:])
    assert reports.combine(seeded, editor, ids[0], ids[1:MAX_PIECES]) == ids[:MAX_PIECES]
    with pytest.raises(InvalidInput, match="最多合并 10 份"):  # the leak is full
        reports.combine(seeded, editor, ids[0], [ids[-1]])
    half = "字" * (MAX_TEXT // 2 + 1)
    with pytest.raises(InvalidInput, match="合计超过"):
        trace_combined(seeded, editor, [(None, "", half), (None, "", half)])
    with pytest.raises(InvalidInput, match="最多合并溯源"):
        trace_combined(seeded, editor, [(None, "", "一段文字。")] * (MAX_PIECES + 1))
