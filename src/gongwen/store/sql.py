"""Running SQL text on either kind of connection the store hands out.

Reads are SQL text with `:name` parameters, so that they run on a bare `sqlite3` connection
(a command-line read never imports SQLAlchemy: it costs 0.4 s) as well as on a SQLAlchemy
connection (PostgreSQL, and reads inside a write transaction). Writes use SQLAlchemy Core.

Times are stored the way SQLAlchemy stores them: on SQLite as UTC text
'YYYY-MM-DD HH:MM:SS.ffffff' (see types.UTCDateTime), on PostgreSQL as timestamptz. Parameters
and results are converted here, so repositories see aware UTC datetimes on both.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"

Conn = Any  # a sqlite3.Connection, or a sqlalchemy.Connection


class InList(tuple[Any, ...]):
    """A parameter spliced into `IN (:name)` as one placeholder per value (never empty)."""


def in_list(values: Iterable[Any]) -> InList:
    return InList(values)


def sqlite_time(value: datetime) -> str:
    """How SQLAlchemy stores a datetime in SQLite; naive values are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime(SQLITE_TIME)


def when(value: object) -> datetime | None:
    """A stored time as an aware UTC datetime, whichever connection read it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def at(value: object) -> datetime:
    """A time from a NOT NULL column."""
    moment = when(value)
    if moment is None:
        raise ValueError("a NOT NULL time column held NULL")
    return moment


def _expand(sql: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    out = dict(params)
    for name, value in params.items():
        if isinstance(value, InList):
            del out[name]
            names = [f"{name}_{i}" for i in range(len(value))]
            out.update(zip(names, value, strict=True))
            spliced = ", ".join(f":{n}" for n in names) if names else "NULL"
            sql = re.sub(rf"(?<![:\w]):{name}\b", spliced, sql)
    return sql, out


def is_sqlite(conn: Conn) -> bool:
    if isinstance(conn, sqlite3.Connection):
        return True
    return bool(conn.dialect.name == "sqlite")


def rows(conn: Conn, sql: str, params: Mapping[str, Any] | None = None) -> Sequence[Any]:
    """Every row of a query (tuples: unpack them at once into named values)."""
    sql, bound = _expand(sql, params or {})
    if isinstance(conn, sqlite3.Connection):
        converted = {k: sqlite_time(v) if isinstance(v, datetime) else v for k, v in bound.items()}
        return conn.execute(sql, converted).fetchall()
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        bound = {k: sqlite_time(v) if isinstance(v, datetime) else v for k, v in bound.items()}
    return conn.execute(text(sql), bound).all()  # type: ignore[no-any-return]


def row(conn: Conn, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    """The first row, or None."""
    found = rows(conn, sql, params)
    return found[0] if found else None


def scalar(conn: Conn, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    found = row(conn, sql, params)
    return None if found is None else found[0]
