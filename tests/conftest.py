"""Shared fixtures: a library per test, on SQLite and on PostgreSQL, copied from a template.

A template is a library made once per session and per backend, with its search index: migrated
(`empty`: `lib`, `sqlite_lib`, `pg_lib`), or with the seed ingested too (`seeded`). Every test
gets its own copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL, plus a
copy of the index directory. The index names the database it was built for by the identity
stored in that database (`search_identity`), which the copy keeps: the copied index is the
copy's own and is not rebuilt.

Passwords are hashed at argon2's cheapest in tests (production's cost is ~0.15 s a hash);
tests/platform/test_password_hashing.py checks production's parameters.

PostgreSQL tests skip when no server answers, unless GONGWEN_REQUIRE_POSTGRES=1 (set by .ci/run),
in which case they fail: CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import queue
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from gongwen.library import Library

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "000_e1677e278ead848c.txt"
SHARED = ROOT.parent / "shared" / "data"
PG_URL = os.environ.get("GONGWEN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("GONGWEN_REQUIRE_POSTGRES") == "1"
PG_SCHEMA = "gongwen"  # every PostgreSQL library of the tests lives in a schema of this name

# Fills a migrated template library; what it returns is handed out with every copy.
Build = Callable[["Library"], Any]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


# --- passwords -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def production_hasher() -> Callable[[], PasswordHasher]:
    """The password hasher factory production uses (taken before the tests' cheap one)."""
    from gongwen.platform import accounts

    return accounts._hasher


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing(production_hasher: Callable[[], PasswordHasher]) -> Iterator[None]:
    """Still argon2id, at its lowest cost: tests create hundreds of accounts and log in as many
    times, and production's parameters cost ~0.15 s a hash."""
    from argon2 import PasswordHasher

    from gongwen.platform import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", lambda: cheap)
        yield


# --- templates -------------------------------------------------------------------------------


def _migrated(lib: Library) -> None:
    """The empty template: migrated (Library.open did it), nothing else."""


def _with_seed(lib: Library) -> None:
    from gongwen.ingest.service import ingest

    # The seed is back catalogue: published, not announced, so tests see only their own events.
    assert all(r.ok for r in ingest(lib, [SEED], announce=False))


TEMPLATES: dict[str, Build] = {"empty": _migrated, "seeded": _with_seed}


@pytest.fixture
def from_seeded_template() -> None:
    """Asked for by a fixture (`seeded`): the test's `lib` (`sqlite_lib`, `pg_lib`) is then a
    copy of the seeded template instead of the empty one."""


def _template_of(request: pytest.FixtureRequest) -> str:
    # The fixtures a test uses are known before any is set up: `lib` can tell whether the test
    # (through any fixture) asked for the seed, and `seeded` stays the very same library.
    return "seeded" if "from_seeded_template" in request.fixturenames else "empty"


def _finish(lib: Library, build: Build) -> Any:
    from gongwen.store.index import queue as search_queue

    made = build(lib)
    lib.index.sync(lib.db)  # the index is part of the template: no copy builds its own
    with lib.db.read() as conn:
        assert search_queue.size(conn, 1) == 0, "the template's index should hold everything"
    return made


class SqliteTemplates:
    """Template libraries in SQLite files; a copy is a copy of the file and of its index."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, tuple[Path, Any]] = {}

    def _template(self, name: str, build: Build) -> tuple[Path, Any]:
        if name not in self.made:
            from gongwen.config import Settings
            from gongwen.library import Library

            path = self.root / name / "gw.sqlite3"
            shutil.rmtree(path.parent, ignore_errors=True)  # what a failed attempt left
            lib = Library.open(Settings(db_url=f"sqlite:///{path}"))
            try:
                made = _finish(lib, build)
            finally:
                lib.close()
            # One self-contained file (the write-ahead log folded in); each copy's first
            # connection turns WAL on again.
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA journal_mode=DELETE")
            conn.close()
            self.made[name] = (path, made)
        return self.made[name]

    def open(self, name: str, build: Build, folder: Path) -> tuple[Library, Any]:
        from gongwen.config import Settings
        from gongwen.library import Library

        source, made = self._template(name, build)
        target = folder / source.name
        shutil.copyfile(source, target)
        shutil.copytree(f"{source}.index", f"{target}.index")  # where Library.open looks
        return Library.open(Settings(db_url=f"sqlite:///{target}")), made

    def close(self, lib: Library) -> None:
        lib.close()


class PostgresTemplates:
    """Template databases on the server; a copy is `CREATE DATABASE … TEMPLATE` (the server
    copies the files: ~0.05 s on a quiet machine, where migrating costs ~0.3 s and the seed as
    much again) and a copy of the index directory. Every database this session makes is named
    after it.

    A copy is dropped by a thread of its own: DROP DATABASE waits for a checkpoint (0.1 s on a
    quiet machine, seconds on a busy one), which need not hold up the next test."""

    def __init__(self, url: str, root: Path) -> None:
        from sqlalchemy import create_engine

        self.root = root
        base, _, query = url.partition("?")
        self.server = base.rsplit("/", 1)[0]
        self.query = f"{query}&" if query else ""
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.session = uuid.uuid4().hex[:8]
        self.made: dict[str, tuple[str, Path, Any]] = {}
        self.templates: list[str] = []
        self.copies: dict[int, str] = {}  # id(library) -> its database
        # Bounded: the copies waiting to be dropped take disk (~8 MB each).
        self.doomed: queue.Queue[str | None] = queue.Queue(maxsize=16)
        self.failures: list[str] = []
        self.dropper = threading.Thread(target=self._drop_doomed, name="gw-dropdb", daemon=True)
        self.dropper.start()

    def url(self, database: str) -> str:
        return f"{self.server}/{database}?{self.query}options=-csearch_path%3D{PG_SCHEMA}"

    def _execute(self, statement: str, url: str | None = None) -> None:
        from sqlalchemy import create_engine, text

        engine = self.admin if url is None else create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            if url is not None:
                engine.dispose()

    def _drop(self, database: str) -> None:
        # FORCE: a connection a test left behind (a background thread's) does not keep it.
        self._execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    def _drop_doomed(self) -> None:
        while (database := self.doomed.get()) is not None:
            try:
                self._drop(database)
            except Exception as err:  # reported when the session ends
                self.failures.append(f"{database}: {err}")

    def _template(self, name: str, build: Build) -> tuple[str, Path, Any]:
        if name not in self.made:
            from gongwen.config import Settings
            from gongwen.library import Library

            database = f"gw_tpl_{self.session}_{name}"
            self._execute(f"CREATE DATABASE {database}")
            self.templates.append(database)  # dropped at the end, even if half made
            self._execute(f"CREATE SCHEMA {PG_SCHEMA}", self.url(database))
            index = self.root / name / "index"
            lib = Library.open(Settings(db_url=self.url(database), index_dir=index))
            try:
                made = _finish(lib, build)
            finally:
                lib.close()  # no connection may stay on a template while it is copied
            self.made[name] = (database, index, made)
        return self.made[name]

    def open(self, name: str, build: Build, folder: Path) -> tuple[Library, Any]:
        from gongwen.config import Settings
        from gongwen.library import Library

        template, index, made = self._template(name, build)
        database = f"gw_{self.session}_{uuid.uuid4().hex[:12]}"
        self._execute(f"CREATE DATABASE {database} TEMPLATE {template}")
        try:
            target = folder / "pg-index"
            shutil.copytree(index, target)
            lib = Library.open(Settings(db_url=self.url(database), index_dir=target))
        except BaseException:
            self._drop(database)
            raise
        self.copies[id(lib)] = database
        return lib, made

    def close(self, lib: Library) -> None:
        lib.close()
        self.doomed.put(self.copies.pop(id(lib)))

    def dispose(self) -> None:
        self.doomed.put(None)
        self.dropper.join()
        for database in self.templates:
            self._drop(database)
        self.admin.dispose()
        assert not self.failures, f"test databases left on the server: {self.failures}"


@pytest.fixture(scope="session")
def sqlite_templates(
    tmp_path_factory: pytest.TempPathFactory, cheap_password_hashing: None
) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def pg_templates(
    pg_url: str, tmp_path_factory: pytest.TempPathFactory, cheap_password_hashing: None
) -> Iterator[PostgresTemplates]:
    templates = PostgresTemplates(pg_url, tmp_path_factory.mktemp("pg-templates"))
    yield templates
    templates.dispose()


# --- libraries -------------------------------------------------------------------------------


@pytest.fixture
def sqlite_lib(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_templates: SqliteTemplates
) -> Iterator[Library]:
    name = _template_of(request)
    lib, _ = sqlite_templates.open(name, TEMPLATES[name], tmp_path)
    yield lib
    sqlite_templates.close(lib)


def _pg_available() -> str | None:
    from sqlalchemy import create_engine, text

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
def pg_lib(
    request: pytest.FixtureRequest, tmp_path: Path, pg_templates: PostgresTemplates
) -> Iterator[Library]:
    """A library in a database of its own (and a search index of its own), dropped afterwards."""
    name = _template_of(request)
    lib, _ = pg_templates.open(name, TEMPLATES[name], tmp_path)
    yield lib
    pg_templates.close(lib)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def lib(request: pytest.FixtureRequest) -> Library:
    """The same test on the embedded default and on PostgreSQL."""
    name = "sqlite_lib" if request.param == "sqlite" else "pg_lib"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def seeded(from_seeded_template: None, lib: Library) -> Library:
    """The library holding the seed as back catalogue (published, not announced), so tests see
    only their own events: `lib` is then a copy of the seeded template."""
    return lib


@pytest.fixture
def checkers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every checker replaced by a spy that records the length of the text it is given."""
    given: list[int] = []

    def spy(text: str, *args: object) -> list[object]:
        given.append(len(text))
        return []

    for where in ("gongwen.proofread.catalogue", "gongwen.proofread.documents"):
        monkeypatch.setattr(f"{where}.check", spy)
        monkeypatch.setattr(f"{where}.lines_check", spy)
    return given


REDIS_URL = os.environ.get("GONGWEN_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis (GONGWEN_TEST_REDIS), once it answers; mandatory where PostgreSQL is."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(REDIS_URL)
    host, port = where.hostname or "127.0.0.1", where.port or 6379
    try:
        with socket.create_connection((host, port), timeout=1):
            return REDIS_URL
    except OSError:
        if REQUIRE_PG:
            pytest.fail(f"Redis is required but {host}:{port} does not answer")
        pytest.skip(f"no Redis on {host}:{port}")
