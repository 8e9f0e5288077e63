"""Limits: however many requests arrive at once, in however many workers, no more than the
limit pass; on SQLite and PostgreSQL, with Redis and without."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gongwen.config import Settings
from gongwen.errors import NotAuthenticated, RateLimited
from gongwen.export.render import Format, Rendered
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import accounts, audit, downloads, limits, proofreading, reports
from gongwen.platform.access import Client, Viewer
from gongwen.platform.limits import DAY, HOUR, Limit, Rate
from gongwen.platform.search import search_catalogue
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.store import sql
from gongwen.store.limits import Limiter
from gongwen.util.clock import now
from gongwen.web.app import create_app

from ..conftest import REDIS_URL
from .conftest import PASSWORD

PARALLEL = 30


@pytest.fixture
def redis_namespace(redis_url: str) -> Iterator[str]:
    """A namespace of Redis keys of this test's own, deleted afterwards."""
    namespace = f"gongwen-test:{uuid.uuid4().hex[:12]}"
    yield namespace
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{namespace}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(params=["database", "redis"])
def counted(request: pytest.FixtureRequest, seeded: Library) -> Library:
    """The seeded library with its per-minute limits in the database, or in Redis."""
    if request.param == "redis":
        seeded.limiter = Limiter(REDIS_URL, request.getfixturevalue("redis_namespace"))
    return seeded


_UNFINISHED = object()


def _at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread, released together; each one's result or exception."""
    results: list[object] = [_UNFINISHED] * len(work)
    start = threading.Barrier(len(work))

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = work[i]()
        except Exception as err:  # collected: the test counts outcomes
            results[i] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _outcomes(results: list[object]) -> Counter[str]:
    return Counter(
        type(r).__name__ if isinstance(r, Exception) else "unfinished" if r is _UNFINISHED else "ok"
        for r in results
    )


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> Counter[str]:
    """Count the calls of accounts.<name> (the password hash), from any thread."""
    calls: Counter[str] = Counter()
    lock = threading.Lock()
    original = getattr(accounts, name)

    def counted(*args: object) -> object:
        with lock:
            calls[name] += 1
        return original(*args)

    monkeypatch.setattr(accounts, name, counted)
    return calls


# Logins -----------------------------------------------------------------------------------------


def test_parallel_wrong_passwords_are_checked_no_more_than_the_limit(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30 browsers send a wrong password at once: no more than `login_attempts` are hashed,
    the rest are refused with 429 before argon2 runs, and the refusal is audited once."""
    accounts.create_user(lib, OPERATOR, "target@example.cn", PASSWORD, Role.MEMBER)
    calls = _counting(monkeypatch, "_verify")
    app = create_app(lib, live_updates=False)

    def attempt(i: int) -> Callable[[], int]:
        client = TestClient(app, follow_redirects=False, client=(f"10.4.0.{i}", 50000))
        client.get("/")  # the visitor CSRF cookie

        def post() -> int:
            data = {
                "email": "target@example.cn",
                "password": f"wrong-{i}",
                "csrf": client.cookies["gw_csrf"],
            }
            return client.post("/login", data=data).status_code

        return post

    statuses = Counter(_at_once([attempt(i) for i in range(PARALLEL)]))
    limit = lib.settings.login_attempts
    assert calls["_verify"] == limit
    assert statuses == {401: limit, 429: PARALLEL - limit}
    flagged = audit.entries(lib, OPERATOR, action="login.rate_limited")
    assert len(flagged) == 1 and flagged[0].flagged
    assert len(audit.entries(lib, OPERATOR, action="login.failed")) == limit


def test_parallel_logins_from_one_address_are_checked_no_more_than_its_limit(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One address tries 36 different e-mails at once: 30 (the address's limit) are hashed."""
    calls = _counting(monkeypatch, "_hash")
    address = Client("s", "10.5.5.5")
    work = [
        (lambda i=i: accounts.authenticate(lib, f"nobody{i}@example.cn", "guess-guess", address))
        for i in range(36)
    ]
    outcomes = _outcomes(_at_once(work))
    assert outcomes == {"NotAuthenticated": 30, "Refused": 6}
    assert calls["_hash"] == 30
    # Another address is not held up by this one.
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(lib, "nobody0@example.cn", "guess-guess", Client("s", "10.6.6.6"))


def test_right_passwords_never_use_up_the_attempts(seeded: Library, member: Member) -> None:
    here = Client("s", "10.0.0.7")
    for _ in range(seeded.settings.login_attempts + 2):
        assert accounts.authenticate(seeded, member.email, PASSWORD, here).id == member.id
    for _ in range(seeded.settings.login_attempts - 1):
        with pytest.raises(NotAuthenticated):
            accounts.authenticate(seeded, member.email, "guess-guess", here)
    # A right password forgives the failures before it.
    assert accounts.authenticate(seeded, member.email, PASSWORD, here).id == member.id
    for _ in range(seeded.settings.login_attempts):
        with pytest.raises(NotAuthenticated):
            accounts.authenticate(seeded, member.email, "guess-guess", here)
    with pytest.raises(RateLimited, match="登录尝试过于频繁"):
        accounts.authenticate(seeded, member.email, PASSWORD, here)


# Copies -----------------------------------------------------------------------------------------


def _subscriber(lib: Library, member: Member) -> Viewer:
    grant(lib, OPERATOR, member.id, "year")
    return Viewer(member, active_subscription(lib, member.id))


def _logged(lib: Library, member: Member) -> int:
    with lib.db.read() as conn:
        return int(
            sql.scalar(conn, "SELECT count(*) FROM downloads WHERE user_id = :u", {"u": member.id})
        )


def test_sequential_then_parallel_downloads_serve_exactly_the_allowance(
    seeded: Library, member: Member
) -> None:
    viewer = _subscriber(seeded, member)
    allowance = seeded.settings.daily_download_limit
    for n in range(allowance - 5):
        downloads.download(seeded, viewer, 3 + n % 4, Format.TXT)
    results = _at_once(
        [
            (lambda n=n: downloads.download(seeded, viewer, 3 + n % 4, Format.TXT))
            for n in range(PARALLEL)
        ]
    )
    assert _outcomes(results) == {"ok": 5, "RateLimited": PARALLEL - 5}
    assert _logged(seeded, member) == allowance
    assert len(audit.entries(seeded, OPERATOR, action="download")) == allowance
    # Refused bulk downloading is flagged once, not once per refused copy.
    [flag] = audit.entries(seeded, OPERATOR, flagged=True)
    assert flag.action == "download.refused_bulk" and flag.actor == member.email


def test_a_copy_that_fails_to_be_made_does_not_use_up_the_allowance(
    seeded: Library, member: Member
) -> None:
    seeded.settings = replace(seeded.settings, daily_download_limit=1)
    viewer = _subscriber(seeded, member)

    def broken(_detail: object) -> Rendered:
        raise OSError("LibreOffice did not answer")

    with pytest.raises(OSError):
        downloads.deliver(seeded, viewer, 3, "pdf", broken)
    assert _logged(seeded, member) == 0
    downloads.download(seeded, viewer, 3, Format.TXT)  # the day's one copy is still there
    with pytest.raises(RateLimited, match="上限（1 份）"):
        downloads.download(seeded, viewer, 4, Format.TXT)


def test_editors_copies_are_not_counted(seeded: Library, editor: Member) -> None:
    seeded.settings = replace(seeded.settings, daily_download_limit=1)
    for material_id in (3, 4, 5):
        downloads.download(seeded, Viewer(editor), material_id, Format.TXT)


# Per-minute limits: searches and the proofreader ------------------------------------------------


def test_parallel_searches_stop_at_the_per_minute_limit(counted: Library) -> None:
    counted.settings = replace(counted.settings, search_per_minute=5)
    visitor, client = Viewer(), Client("session-p", "10.3.0.1")
    results = _at_once(
        [lambda: search_catalogue(counted, visitor, "疫情", client=client)] * PARALLEL
    )
    assert _outcomes(results) == {"ok": 5, "Refused": PARALLEL - 5}
    refused = next(r for r in results if isinstance(r, RateLimited))
    assert "每分钟最多 5 次" in str(refused)
    [entry] = audit.entries(counted, OPERATOR, action="search.rate_limited")
    assert entry.flagged and entry.detail["limit"] == "search.session"


def test_a_minute_later_searching_is_allowed_again(
    counted: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted.settings = replace(counted.settings, search_per_minute=2)
    visitor, client = Viewer(), Client("session-q", "10.3.0.2")
    for _ in range(2):
        search_catalogue(counted, visitor, "疫情", client=client)
    with pytest.raises(RateLimited):
        search_catalogue(counted, visitor, "疫情", client=client)
    later = now() + timedelta(seconds=61)
    monkeypatch.setattr(limits, "now", lambda: later)
    for _ in range(2):
        search_catalogue(counted, visitor, "疫情", client=client)
    with pytest.raises(RateLimited):
        search_catalogue(counted, visitor, "疫情", client=client)


def test_the_proofreaders_budget_is_counted_in_characters(counted: Library, member: Member) -> None:
    reader = Viewer(member)
    key = str(member.id)
    # 30 requests at once asking for 10,000 characters each: 20 fit in 200,000 a minute.
    results = _at_once([lambda: limits.take(counted, "proofread.chars", key, 10_000)] * PARALLEL)
    assert _outcomes(results) == {"ok": 20, "Refused": PARALLEL - 20}
    # The budget is spent: a text of a few characters is refused, with today's message.
    with pytest.raises(RateLimited, match="审校字数过多（每分钟最多 200,000 字）"):
        proofreading.proofread_text(counted, reader, "关于做好防汛工作的通知。")
    # Another member's budget is their own.
    other = accounts.create_user(counted, OPERATOR, "o@example.cn", PASSWORD, Role.MEMBER)
    assert proofreading.proofread_text(counted, Viewer(other), "关于做好防汛工作的通知。")


def test_a_check_costs_its_characters(counted: Library, member: Member) -> None:
    limits.take(counted, "proofread.chars", str(member.id), 200_000 - 12)
    text = "关于做好防汛工作的通知。"  # 12 characters: exactly what is left
    proofreading.proofread_text(counted, Viewer(member), text)
    with pytest.raises(RateLimited, match="审校字数过多"):
        proofreading.proofread_text(counted, Viewer(member), "通知。")


def test_without_redis_two_workers_share_one_count(seeded: Library, tmp_path: Path) -> None:
    """Two workers (two libraries on one database, no Redis) allow the limit between them."""
    other = Library.open(replace(seeded.settings, index_dir=tmp_path / "other-index"))
    try:
        for worker in (seeded, other):
            worker.settings = replace(worker.settings, search_per_minute=6)
        client = Client("session-w", "10.3.0.3")
        work = [
            (lambda w=w: limits.take(w, "search.session", client.session))
            for w in [seeded, other] * (PARALLEL // 2)
        ]
        assert _outcomes(_at_once(work)) == {"ok": 6, "Refused": PARALLEL - 6}
    finally:
        other.close()


def test_with_redis_two_workers_share_one_count(
    seeded: Library, tmp_path: Path, redis_namespace: str
) -> None:
    other = Library.open(replace(seeded.settings, index_dir=tmp_path / "other-index"))
    try:
        for worker in (seeded, other):
            worker.limiter = Limiter(REDIS_URL, redis_namespace)
        work = [
            (lambda w=w: limits.take(w, "proofread.checks", "member-w"))
            for w in [seeded, other] * (PARALLEL // 2 + 5)
        ]
        assert _outcomes(_at_once(work)) == {"ok": 30, "Refused": 10}
    finally:
        other.close()


def test_redis_away_lets_per_minute_limits_through_but_never_the_durable_ones(
    seeded: Library, member: Member
) -> None:
    seeded.limiter = Limiter("redis://127.0.0.1:1/0", "gongwen-test-away")
    seeded.settings = replace(seeded.settings, search_per_minute=1, daily_download_limit=1)
    for _ in range(3):  # a search limit must never take the site down
        search_catalogue(seeded, Viewer(), "疫情", client=Client("session-r", "10.3.0.4"))
    viewer = _subscriber(seeded, member)
    downloads.download(seeded, viewer, 3, Format.TXT)
    with pytest.raises(RateLimited, match="上限"):
        downloads.download(seeded, viewer, 4, Format.TXT)


# Reports and appeals ----------------------------------------------------------------------------


def test_parallel_reports_from_one_address_stop_at_the_hourly_limit(seeded: Library) -> None:
    address = Client("", "192.0.2.50")
    work = [
        (
            lambda n=n: reports.submit(
                seeded, contact="t@example.org", link=f"https://x.cn/{n}", client=address
            )
        )
        for n in range(12)
    ]
    results = _at_once(work)
    assert _outcomes(results) == {"ok": 5, "Refused": 7}
    assert any("举报提交过于频繁" in str(r) for r in results)


def test_a_suspended_member_appeals_three_times_a_day(seeded: Library, member: Member) -> None:
    accounts.suspend(seeded, OPERATOR, member.id, "倒卖会员资料")
    for n in range(3):
        reports.appeal(seeded, member.email, PASSWORD, f"第{n + 1}次申诉：资料是本人撰写的。")
    with pytest.raises(RateLimited, match="每天最多 3 次"):
        reports.appeal(seeded, member.email, PASSWORD, "第4次申诉")


# The table --------------------------------------------------------------------------------------


def test_a_limit_of_two_windows_is_one_entry(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shaped like the coming "reads" limit (60 an hour, 200 a day), scaled down: both hold."""
    reads = Limit("reads", (Rate(3, HOUR), Rate(5, DAY)), "阅读过于频繁（最多 {amount} 篇）")
    monkeypatch.setitem(limits.LIMITS, "reads", reads)
    start = now()

    def at(moment: datetime) -> list[str]:
        monkeypatch.setattr(limits, "now", lambda: moment)
        outcomes = []
        for _ in range(4):
            try:
                limits.take(seeded, "reads", "7")
                outcomes.append("ok")
            except limits.Refused as refused:
                outcomes.append(str(refused))
        return outcomes

    assert at(start) == ["ok", "ok", "ok", "阅读过于频繁（最多 3 篇）"]
    assert at(start + timedelta(minutes=61)) == ["ok", "ok"] + ["阅读过于频繁（最多 5 篇）"] * 2
    assert at(start + timedelta(hours=24, minutes=1)) == ["ok"] * 3 + ["阅读过于频繁（最多 3 篇）"]


def test_a_forged_cookie_of_any_length_is_limited_like_any_other(seeded: Library) -> None:
    seeded.settings = replace(seeded.settings, search_per_minute=1)
    forged = Client("x" * 4000, "10.3.0.9")
    search_catalogue(seeded, Viewer(), "疫情", client=forged)
    with pytest.raises(RateLimited, match="每分钟最多 1 次"):
        search_catalogue(seeded, Viewer(), "疫情", client=forged)


def test_a_limit_of_zero_is_no_limit(seeded: Library) -> None:
    seeded.settings = replace(seeded.settings, search_per_minute=0)
    for _ in range(5):
        limits.take(seeded, "search.session", "session-z")


def test_old_counts_are_swept(seeded: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("a", "b"):
        limits.take(seeded, "search.session", key)
        limits.take(seeded, "copies.day", key)
    tomorrow = now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(limits, "now", lambda: tomorrow)
    limits.take(seeded, "proofread.checks", "c")
    with seeded.db.read() as conn:
        left = sql.rows(conn, "SELECT name, key FROM limit_hits ORDER BY id")
    assert [tuple(r) for r in left] == [("proofread.checks", "c")]


def test_counts_of_the_last_day_survive_the_upgrade(tmp_path: Path) -> None:
    """A database upgraded from 0011 keeps the day's copies and recent login failures."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from gongwen.store.db import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    recent = (now() - timedelta(minutes=5)).strftime(sql.SQLITE_TIME)
    old = (now() - timedelta(days=2)).strftime(sql.SQLITE_TIME)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0011")
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, role, suspended_reason)"
                " VALUES (5, 'm@example.cn', 'x', 'member', '')"
            )
        )
        for at in (recent, recent, old):
            conn.execute(
                text(
                    "INSERT INTO downloads (user_id, material_id, revision_id, format, at)"
                    " VALUES (5, 1, 1, 'txt', :at)"
                ),
                {"at": at},
            )
        for key in ("email:m@example.cn", "email:m@example.cn", "ip:10.0.0.1"):
            conn.execute(
                text("INSERT INTO login_failures (key, at) VALUES (:k, :at)"),
                {"k": key, "at": recent},
            )
    engine.dispose()
    lib = Library.open(Settings(db_url=url, daily_download_limit=3, login_attempts=3))
    try:
        limits.take(lib, "copies.day", "5")  # two of today's three were used before
        with pytest.raises(RateLimited):
            limits.take(lib, "copies.day", "5")
        limits.take(lib, "login.email", "m@example.cn")
        with pytest.raises(RateLimited):
            limits.take(lib, "login.email", "m@example.cn")
    finally:
        lib.close()
