"""Live sharing with two `gongwen serve` workers over one PostgreSQL, fanned out through Redis.

Open pages on both workers hear a publication made through either; a session made on one
worker is valid on every worker.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

PLAN = "2020年下半年工作计划（市场监管局）\n一、总体思路\n坚持监管与服务并重。\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(pg_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    schema = f"gw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    db = f"{pg_url}?options=-csearch_path%3D{schema}"
    port = _free_port()
    # The database poll is slowed to a minute, so only Redis can deliver within the test's 10 s.
    env = {**os.environ, "GONGWEN_REDIS": redis_url, "GONGWEN_LIVE_POLL": "60"}
    gw = [sys.executable, "-m", "gongwen", "--db", db]
    seed = Path(__file__).resolve().parents[2] / "examples"
    subprocess.run(
        [*gw, "ingest", "--no-announce", str(seed)], check=True, env=env, capture_output=True
    )
    for email, role in (("editor@example.cn", "editor"), ("reader@example.cn", "member")):
        subprocess.run(
            [*gw, "user", "add", email, "--role", role],
            input="正确的密码-correct-horse\n",
            text=True,
            check=True,
            env=env,
            capture_output=True,
        )
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*gw, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {log.read_text()}")
    yield base
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _login(base: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    client.get("/")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": "正确的密码-correct-horse",
            "csrf": client.cookies["gw_csrf"],
        },
    )
    assert response.status_code == 303
    return client


def _listen(
    base: str, frames: list[dict[str, object]], pids: set[str], clients: list[httpx.Client]
) -> None:
    client = httpx.Client(timeout=httpx.Timeout(5, read=30))
    clients.append(client)
    try:
        with client.stream("GET", f"{base}/events") as response:
            hello = False
            for line in response.iter_lines():
                if line == "event: hello":
                    hello = True  # the next data line names the worker that holds the page
                elif line.startswith("data: ") and hello:
                    pids.add(str(json.loads(line[6:])["worker"]))
                    hello = False
                elif line.startswith("data: "):
                    frames.append(json.loads(line[6:]))
    except (httpx.HTTPError, RuntimeError, ValueError):
        pass  # closed by the test when it is done listening


@pytest.mark.postgres
def test_publication_reaches_pages_on_every_worker(server: str) -> None:
    # Open pages until both workers hold at least one (connections land on either worker).
    listeners: list[tuple[list[dict[str, object]], set[str]]] = []
    clients: list[httpx.Client] = []
    threads: list[threading.Thread] = []
    seen: set[str] = set()
    for _ in range(24):
        frames: list[dict[str, object]] = []
        pids: set[str] = set()
        thread = threading.Thread(target=_listen, args=(server, frames, pids, clients), daemon=True)
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while not pids and time.monotonic() < deadline:
            time.sleep(0.02)
        listeners.append((frames, pids))
        seen |= pids
        if len(seen) >= 2 and len(listeners) >= 4:
            break
    assert len(seen) == 2, f"pages should be open on both workers, saw {seen}"

    editor = _login(server, "editor@example.cn")
    try:
        page = editor.get("/editor").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        response = editor.post(
            "/editor/upload",
            data={"csrf": csrf, "publish_at": "", "note": ""},
            files={"files": ("plan.txt", PLAN.encode("utf-8"), "text/plain")},
            follow_redirects=True,
        )
    finally:
        editor.close()
    assert response.status_code == 200 and "新材料" in response.text

    deadline = time.monotonic() + 10
    title = "2020年下半年工作计划（市场监管局）"
    while time.monotonic() < deadline and not all(
        any(f.get("title") == title for f in frames) for frames, _ in listeners
    ):
        time.sleep(0.05)
    for client in clients:
        client.close()
    for thread in threads:
        thread.join(timeout=5)
    for frames, pids in listeners:
        assert any(f.get("title") == title and f.get("kind") == "published" for f in frames), pids


@pytest.mark.postgres
def test_a_session_is_valid_on_every_worker(server: str) -> None:
    reader = _login(server, "reader@example.cn")
    try:
        statuses = {reader.get("/account").status_code for _ in range(30)}
        me = reader.get("/api/v1/me").json()
    finally:
        reader.close()
    assert statuses == {200}
    assert me["email"] == "reader@example.cn"
