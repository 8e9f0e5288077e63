"""The database: SQLite (WAL, one writer) by default, PostgreSQL by URL.

`Database.read()` hands out a connection for queries: on SQLite a bare `sqlite3` connection
(importing SQLAlchemy takes 0.4 s on this class of machine, more than a whole command-line
search should), on PostgreSQL a SQLAlchemy one. `Database.write()` is a SQLAlchemy transaction.
Repositories (store/*.py) run their reads through `store.sql`, which accepts both.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongwen.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA_VERSION = "0013"  # the newest migration; tests check it against Alembic's head
_POOL_SIZE = 8  # idle SQLite read connections kept per process


def normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    if not url.startswith(("sqlite:", "postgresql+")):
        raise ConfigError(f"数据库地址无效: {url}（应为 sqlite:///路径 或 postgresql://…）")
    return url


def _sqlite_pragmas(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the one writer
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL keeps commits atomic; fsync at checkpoints
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


class Database:
    """Connections to one database, made on first use."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.dialect = "sqlite" if self.url.startswith("sqlite") else "postgresql"
        self.path: str | None = None
        if self.dialect == "sqlite":
            path = self.url.split("///", 1)[1] if "///" in self.url else ""
            self.path = path or ":memory:"
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._engine: Engine | None = None
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (writes, PostgreSQL, migrations)."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._make_engine()
        return self._engine

    def _make_engine(self) -> Engine:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError

        try:
            if self.dialect == "sqlite":
                engine = create_engine(self.url, connect_args={"timeout": 30})
                event.listen(engine, "connect", lambda conn, _record: _sqlite_pragmas(conn))
            else:
                engine = create_engine(self.url, pool_pre_ping=True)
        except (ArgumentError, ImportError) as err:
            raise ConfigError(f"数据库地址无效: {self.url} ({err})") from err
        return engine

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A connection for queries, inside one read transaction (a consistent snapshot)."""
        if self.dialect != "sqlite":
            with self.engine.connect() as conn:
                yield conn
            return
        raw = self._checkout()
        try:
            raw.execute("BEGIN")
            yield raw
        finally:
            try:
                raw.execute("ROLLBACK")
            except sqlite3.Error:  # a broken connection is not pooled again
                raw.close()
            else:
                self._checkin(raw)

    def _checkout(self) -> sqlite3.Connection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        conn = sqlite3.connect(
            self.path or ":memory:", timeout=30, isolation_level=None, check_same_thread=False
        )
        _sqlite_pragmas(conn)
        return conn

    def _checkin(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if len(self._idle) < _POOL_SIZE:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back if it raises.

        On SQLite it takes the write lock at its start (BEGIN IMMEDIATE): otherwise the reads
        before its first write run on a snapshot another writer may change meanwhile, and a
        check-then-write (a limit, a report's decision) loses updates."""
        if self.dialect != "sqlite":
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def schema_version(self) -> str | None:
        """The migration the database is at, or None for an empty database."""
        from gongwen.store import sql

        if self.dialect == "sqlite":
            with self.read() as conn:
                if not sql.scalar(
                    conn,
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :t",
                    {"t": "alembic_version"},
                ):
                    return None
                return sql.scalar(conn, "SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]
        from sqlalchemy import inspect

        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return sql.scalar(conn, "SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]

    def migrate(self, *, preview_chars: int = 300) -> bool:
        """Bring the schema to the newest migration; False when it already was (no Alembic
        import then: most commands start on a database that is up to date)."""
        if self.schema_version() == SCHEMA_VERSION:
            return False
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["preview_chars"] = preview_chars
            command.upgrade(cfg, "head")
        return True

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        if self._engine is not None:
            self._engine.dispose()
