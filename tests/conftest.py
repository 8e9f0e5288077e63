"""Shared fixtures: a fresh SQLite library per test, and a PostgreSQL schema per test.

PostgreSQL tests skip when no server answers, unless GONGWEN_REQUIRE_POSTGRES=1 (set by .ci/run),
in which case they fail: CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gongwen.config import Settings
from gongwen.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "000_e1677e278ead848c.txt"
SHARED = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("GONGWEN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("GONGWEN_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def sqlite_lib(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(Settings(db_url=f"sqlite:///{tmp_path / 'gw.sqlite3'}"))
    yield lib
    lib.close()


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as err:  # any failure to connect means "no server here"
        return str(err).splitlines()[0]


@pytest.fixture(scope="session")
def pg_url() -> str:
    problem = _pg_available()
    if problem:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL is required (GONGWEN_REQUIRE_POSTGRES=1) but: {problem}")
        pytest.skip(f"no PostgreSQL server: {problem}")
    return PG_URL


@pytest.fixture
def pg_lib(pg_url: str, tmp_path: Path) -> Iterator[Library]:
    """A library in a schema of its own (and a search index of its own), dropped afterwards."""
    schema = f"gw_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    lib = Library.open(Settings(db_url=url, index_dir=tmp_path / "pg-index"))
    yield lib
    lib.close()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def lib(request: pytest.FixtureRequest) -> Library:
    """The same test on the embedded default and on PostgreSQL."""
    name = "sqlite_lib" if request.param == "sqlite" else "pg_lib"
    return request.getfixturevalue(name)
