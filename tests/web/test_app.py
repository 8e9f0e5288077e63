"""The app as a server: blocking work never holds the event loop; addresses come from the
socket unless a trusted proxy forwards them; sign-ups are limited per address."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from gongwen.config import Settings
from gongwen.library import Library
from gongwen.model.member import OPERATOR
from gongwen.platform import accounts, audit
from gongwen.web.app import create_app

from .conftest import World, csrf_of

# No I/O at all; the live stream awaits a queue; the form handlers with field names of their own
# (f:<field>, p<section>) and the proofreader's (a file upload, a .docx body) only await the
# form or the body and hand everything else to the thread pool.
ASYNC_ALLOWED = {
    "healthz",
    "stream",
    "fill_page",
    "compose_search",
    "compose_draft",
    "proofread_check",
    "proofread_fixed",
    "proofread_docx",
    "proofread_docx_fixed",
}


def test_only_non_blocking_handlers_run_on_the_event_loop() -> None:
    """`async def` handlers run on the event loop; every other one runs in the thread pool."""
    from gongwen.web.app import ROUTE_MODULES

    routes = [
        route
        for module in ROUTE_MODULES
        for route in iter_route_contexts(module.router.routes)  # included routers too
        if isinstance(route.original_route, APIRoute)
    ]
    assert len(routes) > 30
    on_loop = {
        route.name
        for route in routes
        if inspect.iscoroutinefunction(route.endpoint) or inspect.isasyncgenfunction(route.endpoint)
    }
    assert on_loop == ASYNC_ALLOWED


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(Settings(db_url=f"sqlite:///{tmp_path / 'app.sqlite3'}"))
    yield lib
    lib.close()


def test_health_answers_while_a_password_is_being_hashed(
    fresh: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registration's argon2 hash is held open: if it ran on the event loop, /healthz could
    not be answered until it finished."""
    entered, release = threading.Event(), threading.Event()
    real_hash = accounts._hash

    def slow_hash(password: str) -> str:
        entered.set()
        release.wait(timeout=20)
        return real_hash(password)

    monkeypatch.setattr(accounts, "_hash", slow_hash)
    with TestClient(create_app(fresh, live_updates=False)) as client:
        client.get("/")
        form = {
            "email": "new@example.cn",
            "password": "a-long-password",
            "password2": "a-long-password",
            "csrf": client.cookies["gw_csrf"],
        }
        registering = threading.Thread(
            target=client.post, args=("/register",), kwargs={"data": form}
        )
        registering.start()
        try:
            assert entered.wait(timeout=10), "the registration should be hashing"
            answers: list[int] = []
            health = threading.Thread(
                target=lambda: answers.append(client.get("/healthz").status_code)
            )
            health.start()
            health.join(timeout=10)
            assert answers == [200], "/healthz waited for the password hash"
            assert not release.is_set()
        finally:
            release.set()
            registering.join(timeout=20)
    assert (
        accounts.authenticate(fresh, "new@example.cn", "a-long-password").email == "new@example.cn"
    )


def test_signups_from_one_address_are_limited(fresh: Library) -> None:
    fresh.settings = replace(fresh.settings, registrations_per_hour_per_address=2)
    with TestClient(create_app(fresh, live_updates=False), follow_redirects=False) as client:
        statuses = []
        for n in range(3):
            client.cookies.clear()
            client.get("/")
            response = client.post(
                "/register",
                data={
                    "email": f"r{n}@example.cn",
                    "password": "a-long-password",
                    "password2": "a-long-password",
                    "csrf": client.cookies["gw_csrf"],
                },
            )
            statuses.append(response.status_code)
        assert statuses == [303, 303, 429]
        assert "注册过于频繁" in response.text


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    fresh: Library, trusted: bool
) -> None:
    # TestClient's socket address is "testclient".
    fresh.settings = replace(
        fresh.settings, trusted_proxies=frozenset({"testclient"} if trusted else set())
    )
    with TestClient(create_app(fresh, live_updates=False), follow_redirects=False) as client:
        client.get("/")
        client.post(
            "/login",
            data={
                "email": "x@example.cn",
                "password": "wrong-password",
                "csrf": client.cookies["gw_csrf"],
            },
            headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
        )
    [entry] = audit.entries(fresh, OPERATOR, action="login.failed")
    assert entry.detail["ip"] == ("203.0.113.9" if trusted else "testclient")


def test_the_live_stream_says_hello_once_subscribed(world: World) -> None:
    """The first frame is sent after the page is subscribed to the hub: a page (or a test)
    that has seen `hello` misses nothing published afterwards."""
    client = world.client(None)
    csrf_of(world.client("covered"))  # the world is up
    with client.stream("GET", "/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.iter_lines()
        first = [next(lines) for _ in range(3)]
    assert first[0] == "event: hello" and first[1].startswith('data: {"worker":')


def test_public_events_never_name_a_retired_or_unpublished_material(fresh: Library) -> None:
    """The API, the live stream's catch-up and the requests board, over HTTP."""
    from gongwen.model.member import Role
    from gongwen.platform import publishing, requests
    from gongwen.platform.accounts import create_user

    editor = create_user(fresh, OPERATOR, "editor@example.cn", "a-long-password", Role.EDITOR)
    text = "2021年工作计划（{}）\n一、总体思路\n推进档案数字化。\n"
    [kept] = publishing.publish_upload(fresh, editor, "a.txt", text.format("档案局").encode())
    [gone] = publishing.publish_upload(fresh, editor, "b.txt", text.format("保密局").encode())
    [draft] = publishing.publish_upload(
        fresh, editor, "c.txt", text.format("机要局").encode(), publish_at=None
    )
    publishing.retire(fresh, editor, gone.material_id)
    rid = requests.post(fresh, editor, "需要机要工作计划范文")
    requests.set_status(fresh, editor, rid, "planned", draft.material_id)
    with TestClient(create_app(fresh, live_updates=False)) as client:
        api = client.get("/api/v1/events").text
        board = client.get("/requests").text + client.get("/api/v1/requests").text
        with client.stream("GET", "/events", headers={"Last-Event-ID": "0"}) as response:
            lines = response.iter_lines()
            catch_up = "\n".join(next(lines) for _ in range(9))  # hello, then two events
    for public in (api, catch_up):
        assert "档案局" in public
        assert "保密局" not in public and "机要局" not in public
    assert "需要机要工作计划范文" in board and "机要局" not in board
    assert f"/materials/{draft.material_id}" not in board
