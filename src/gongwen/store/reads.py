"""The read log: every member's copy shown on a page, in the API or as a search passage
(`copy_reads`), written in batches so that a page view costs no write of its own.

A process keeps its reads in a `ReadLog` and writes them in one statement when 256 are waiting,
when the oldest has waited a second (a daemon thread, started with the first read, wakes for
that), before a leak is traced (`flush`), and when the library closes. A process killed
outright loses at most its last second of reads.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gongwen.store.db import Database

log = logging.getLogger(__name__)

BATCH = 256
MAX_WAIT = 1.0  # seconds a read may wait in memory
MAX_PENDING = 100_000  # reads kept while the database does not take them
KINDS = ("page", "api", "passage", "tool", "editor")  # tool: a writing tool's preview


@dataclass(frozen=True, slots=True)
class CopyRead:
    user_id: int
    material_id: int
    revision_id: int
    sites_version: str
    kind: str  # one of KINDS
    at: datetime


class ReadLog:
    """Reads waiting to be written, and the thread that writes them when they have waited."""

    def __init__(self) -> None:
        self._pending: list[CopyRead] = []
        self._oldest = 0.0
        self._lock = threading.Lock()
        self._flushing = threading.Lock()  # one writer at a time keeps reads in order
        self._wake = threading.Event()
        self._db: Database | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, db: Database, read: CopyRead) -> None:
        if read.kind not in KINDS:
            raise ValueError(f"unknown read kind {read.kind!r}")
        with self._lock:
            if not self._pending:
                self._oldest = time.monotonic()
            self._pending.append(read)
            full = len(self._pending) >= BATCH
            self._db = db
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._run, name="gongwen-read-log", daemon=True
                )
                self._thread.start()
        if full:
            try:
                self.flush(db)
            except Exception:  # the reads wait for the next write; the page is still served
                log.exception("writing the read log failed")
        else:
            self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self, db: Database) -> int:
        """Write every waiting read now; how many were written."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, []
            if batch:
                try:
                    with db.write() as conn:
                        insert_many(conn, batch)
                except Exception:
                    with self._lock:  # kept for the next write (at most MAX_PENDING)
                        self._pending = (batch + self._pending)[-MAX_PENDING:]
                    raise
            return len(batch)

    def close(self, db: Database) -> None:
        with self._lock:
            self._closed = True
        self._wake.set()
        self.flush(db)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                if self._closed:
                    return
                waiting = bool(self._pending)
                due = self._oldest + MAX_WAIT - time.monotonic()
                db = self._db
                if not waiting:
                    self._wake.clear()
            if not waiting or db is None:
                continue
            if due > 0:
                time.sleep(min(due, MAX_WAIT))
                continue
            try:
                self.flush(db)
            except Exception:  # the database is away: keep the thread, try again later
                log.exception("writing the read log failed")
                time.sleep(MAX_WAIT)


def insert_many(conn: Any, batch: list[CopyRead]) -> None:
    from sqlalchemy import insert

    from gongwen.store.platform_schema import copy_reads

    conn.execute(
        insert(copy_reads),
        [
            {
                "user_id": r.user_id,
                "material_id": r.material_id,
                "revision_id": r.revision_id,
                "sites_version": r.sites_version,
                "kind": r.kind,
                "at": r.at,
            }
            for r in batch
        ],
    )
