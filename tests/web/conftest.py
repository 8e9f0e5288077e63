"""A small world for HTTP tests: the seed corpus, users of every kind, subscriptions.

Materials: #1 published 5 years ago (older than any back catalogue here), #2 published 2 years
ago (inside a new subscription's 3-year back catalogue), #3–#6 published now.

The world is made once per session and per database (a template, tests/conftest.py); each test
module gets its own copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from gongwen.model.member import Role

from ..conftest import SEED

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from gongwen.library import Library

    from ..conftest import PostgresTemplates, SqliteTemplates

PASSWORD = "正确的密码-correct-horse"
TEMPLATE_FIXTURES = {"sqlite": "sqlite_templates", "postgres": "pg_templates"}  # tests/conftest.py
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
        from fastapi.testclient import TestClient

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


def _fill(lib: Library) -> tuple[dict[str, int], dict[int, str]]:
    """The world's data in a migrated library: its users' ids, and a deep sentence of each
    material."""
    from sqlalchemy import text, update

    from gongwen.ingest.service import ingest
    from gongwen.model.member import OPERATOR
    from gongwen.platform.accounts import create_user
    from gongwen.platform.plans import add_months
    from gongwen.platform.subscriptions import grant
    from gongwen.store.schema import materials
    from gongwen.util.clock import now

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
    return ids, deep


def _world(lib: Library, ids: dict[str, int], deep: dict[int, str]) -> World:
    from gongwen.web.app import create_app

    return World(lib, create_app(lib, live_updates=False), dict(ids), dict(deep))


def _build(lib: Library) -> World:
    """The world in a migrated library of the caller's."""
    return _world(lib, *_fill(lib))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A copy of the world's template (tests/conftest.py) for this module."""
    templates: SqliteTemplates | PostgresTemplates = request.getfixturevalue(
        TEMPLATE_FIXTURES[request.param]
    )
    lib, (ids, deep) = templates.open("world", _fill, tmp_path_factory.mktemp("web"))
    try:
        yield _world(lib, ids, deep)
    finally:
        templates.close(lib)


__all__ = ["World", "csrf_of", "timedelta"]
