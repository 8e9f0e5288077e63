"""A small world for HTTP tests: the seed corpus, users of every kind, subscriptions.

Materials: #1 published 5 years ago (older than any back catalogue here), #2 published 2 years
ago (inside a new subscription's 3-year back catalogue), #3–#6 published now.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text, update

from gongwen.config import Settings
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Role
from gongwen.platform.accounts import create_user
from gongwen.platform.plans import add_months
from gongwen.platform.subscriptions import grant
from gongwen.store.schema import materials
from gongwen.util.clock import now
from gongwen.web.app import create_app

from ..conftest import PG_URL, REQUIRE_PG, SEED, _pg_available

PASSWORD = "正确的密码-correct-horse"
USERS = {
    "nosub": Role.MEMBER,
    "covered": Role.MEMBER,
    "expired": Role.MEMBER,
    "other": Role.MEMBER,
    "editor": Role.EDITOR,
    "admin": Role.ADMIN,
}


@dataclass
class World:
    lib: Library
    app: object
    ids: dict[str, int]
    deep: dict[int, str]  # material id -> a sentence far beyond its preview

    def client(self, who: str | None = None, address: str = "testclient") -> TestClient:
        client = TestClient(  # type: ignore[arg-type]
            self.app, follow_redirects=False, client=(address, 50000)
        )
        client.get("/")  # receive the visitor CSRF cookie
        if who is not None:
            response = client.post(
                "/login",
                data={
                    "email": f"{who}@example.cn",
                    "password": PASSWORD,
                    "csrf": client.cookies["gw_csrf"],
                },
            )
            assert response.status_code == 303, response.text
        return client


def csrf_of(client: TestClient, page: str = "/account") -> str:
    html = client.get(page).text
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page should carry a CSRF token"
    return match.group(1)


def _build(lib: Library) -> World:
    assert all(r.ok for r in ingest(lib, [SEED]))
    with lib.engine.begin() as conn:
        conn.execute(
            update(materials).where(materials.c.id == 1).values(published_at=add_months(now(), -60))
        )
        conn.execute(
            update(materials).where(materials.c.id == 2).values(published_at=add_months(now(), -24))
        )
    ids = {
        name: create_user(lib, OPERATOR, f"{name}@example.cn", PASSWORD, role).id
        for name, role in USERS.items()
    }
    grant(lib, OPERATOR, ids["covered"], "year")
    grant(lib, OPERATOR, ids["other"], "year")
    grant(lib, OPERATOR, ids["expired"], "month", start=add_months(now(), -3))
    deep = {}
    with lib.engine.connect() as conn:
        for mid in range(1, 7):
            texts = (
                conn.execute(
                    text(
                        "SELECT p.text FROM paragraphs p JOIN materials m ON m.current_revision_id = p.revision_id "
                        "WHERE m.id = :m AND p.kind = 'body' ORDER BY p.ord DESC"
                    ),
                    {"m": mid},
                )
                .scalars()
                .all()
            )
            deep[mid] = next(t for t in texts if len(t) > 40)[:30]
    app = create_app(lib, live_updates=False)
    return World(lib, app, ids, deep)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        lib = Library.open(
            Settings(db_url=f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite3'}")
        )
        yield _build(lib)
        lib.close()
        return
    problem = _pg_available()
    if problem:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required but: {problem}")
        pytest.skip(f"no PostgreSQL server: {problem}")
    schema = f"gw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    lib = Library.open(
        Settings(
            db_url=f"{PG_URL}?options=-csearch_path%3D{schema}",
            index_dir=tmp_path_factory.mktemp("pg-index"),
        )
    )
    yield _build(lib)
    lib.close()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


__all__ = ["World", "csrf_of", "timedelta"]
