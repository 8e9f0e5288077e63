"""Backups: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL.

A backup is taken while the site runs (SQLite copies a consistent snapshot page by page;
pg_dump reads in one transaction). A restore refuses to overwrite a database that holds
materials or users unless forced, and checks that the file is a gongwen backup first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from gongwen.errors import ConfigError, InvalidInput
from gongwen.store.db import Database


@dataclass(frozen=True, slots=True)
class Done:
    path: Path
    bytes: int
    seconds: float

    def as_json(self) -> dict[str, object]:
        return {"path": str(self.path), "bytes": self.bytes, "seconds": round(self.seconds, 3)}


def backup(db: Database, path: Path) -> Done:
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    if db.dialect == "sqlite":
        tmp = path.with_name(path.name + ".partial")
        tmp.unlink(missing_ok=True)
        source = sqlite3.connect(db.path or "")
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target, pages=4096)  # other connections keep writing meanwhile
            finally:
                target.close()
        except sqlite3.OperationalError as err:  # the file cannot be written (the database opened)
            tmp.unlink(missing_ok=True)
            raise InvalidInput("path", f"{path}: 无法写入备份（{err}）") from None
        finally:
            source.close()
        os.replace(tmp, path)
    else:
        url, schema = libpq_url(db.url)
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", url]
        if schema:
            command.insert(1, f"--schema={schema}")
        _run(command, "pg_dump", path)
    return Done(path, path.stat().st_size, time.perf_counter() - started)


def restore(db: Database, path: Path, *, force: bool = False) -> Done:
    started = time.perf_counter()
    if not path.is_file():
        raise InvalidInput("path", f"{path}: 备份文件不存在")
    # The file first: a wrong file is the mistake to report, whatever the target holds.
    if db.dialect == "sqlite":
        _check_sqlite_backup(path)
    else:
        _run(["pg_restore", "--list", str(path)], "pg_restore", path)  # a readable dump
    if _has_data(db) and not force:
        raise InvalidInput("db", "目标数据库已有材料或用户；确认覆盖请加 --force")
    if db.dialect == "sqlite":
        db.close()
        target = Path(db.path or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            pass
        shutil.copyfile(path, tmp.name)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(tmp.name, target)
    else:
        url, _ = libpq_url(db.url)
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url}", str(path)],
            "pg_restore",
            path,
        )
    _forget_search_index(db)
    return Done(path, path.stat().st_size, time.perf_counter() - started)


def _forget_search_index(db: Database) -> None:
    """A restored database gets a new index identity: an index built before is rebuilt (a
    backup older than migration 0006 gets one when it is migrated)."""
    from gongwen.store.index import queue

    version = db.schema_version()
    if version is not None and version >= "0006":
        with db.write() as conn:
            queue.new_identity(conn)


def libpq_url(url: str) -> tuple[str, str | None]:
    """The libpq form of a SQLAlchemy PostgreSQL URL, and the schema its search_path names."""
    parts = urlsplit(url)
    scheme = "postgresql"
    query = parse_qs(parts.query)
    schema = None
    for option in query.get("options", []):
        for word in unquote(option).split():
            if word.startswith("-csearch_path="):
                schema = word.split("=", 1)[1].split(",")[0]
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, "")), schema


def _run(command: list[str], tool: str, path: Path) -> None:
    if shutil.which(command[0]) is None:
        raise ConfigError(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian: postgresql-client）")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise InvalidInput(
            "path", f"{path}: {tool} 失败：{reason[-1] if reason else done.returncode}"
        )


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            ok = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise InvalidInput("path", f"{path}: 不是 gongwen 的备份（{err}）") from None
    if version is None or ok is None or ok[0] != "ok":
        raise InvalidInput("path", f"{path}: 备份文件已损坏或不是 gongwen 的备份")


def _has_data(db: Database) -> bool:
    from gongwen.store import sql

    try:
        version = db.schema_version()
    except Exception:  # an unreachable or empty database has no data to lose
        return False
    if version is None:
        return False
    with db.read() as conn:
        return bool(
            sql.scalar(
                conn, "SELECT (SELECT count(*) FROM materials) + (SELECT count(*) FROM users)"
            )
        )
