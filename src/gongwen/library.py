"""Library: settings, database, search index, and the state that lives as long as they do.

Opened once and passed explicitly to every service. What it owns, nothing else keeps in module
globals: event listeners, caches, the limits' Redis connection, the read log (its writer thread
starts with the first read). Nothing else here starts a thread or a loop; the server (and the
tests) start the scheduler and the live hub themselves.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from cachetools import LRUCache, TTLCache

from gongwen.config import Settings
from gongwen.store.db import Database
from gongwen.store.index import SearchIndex, index_path
from gongwen.store.limits import Limiter
from gongwen.store.reads import ReadLog

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from gongwen.model.platform import Event

log = logging.getLogger(__name__)
T = TypeVar("T")
Listener = Callable[["Event"], None]


class Caches:
    """Per-process caches, with one lock: revisions never change, so what is built from one
    revision (page data, rendered HTML) is kept; browse facets, the site's texts and the home
    page's sections are kept a minute (a change made in another process shows within it)."""

    def __init__(self) -> None:
        self.revisions: LRUCache[Hashable, Any] = LRUCache(maxsize=8192)
        self.fragments: LRUCache[Hashable, Any] = LRUCache(maxsize=8192)
        # Browse facets, the site's texts, the library's size.
        self.facets: TTLCache[Hashable, Any] = TTLCache(maxsize=16, ttl=60)
        # Related materials of a material (ids; the rows are read fresh on every page).
        self.related: TTLCache[Hashable, Any] = TTLCache(maxsize=16384, ttl=600)
        self._lock = threading.Lock()

    def get(self, cache: Any, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        value = make()  # outside the lock: two threads may both build it, both get the same
        with self._lock:
            cache[key] = value
        return value

    def peek(self, cache: Any, key: Hashable) -> Any:
        """What is kept under `key`, or None (nothing is built)."""
        with self._lock:
            return cache.get(key)

    def forget(self, cache: Any, key: Hashable) -> None:
        with self._lock:
            cache.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self.revisions.clear()
            self.fragments.clear()
            self.facets.clear()
            self.related.clear()


_MISSING = object()


@dataclass(eq=False)  # identity: a Library is a resource
class Library:
    settings: Settings
    db: Database
    index: SearchIndex
    listeners: list[Listener] = field(default_factory=list)
    caches: Caches = field(default_factory=Caches)
    limiter: Limiter = field(default_factory=Limiter)  # per-minute limits in Redis, if set
    reads: ReadLog = field(default_factory=ReadLog)  # copies shown, written in batches

    @classmethod
    def open(cls, settings: Settings | None = None) -> Library:
        """Open the database, migrating it only if its schema is not the newest."""
        settings = settings or Settings.from_env()
        db = Database(settings.db_url)
        db.migrate(preview_chars=settings.preview_chars)
        index = SearchIndex(settings.index_dir or index_path(db.url, db.path, settings.var_dir))
        # Libraries sharing one Redis count apart unless they share the database.
        namespace = "gongwen:" + hashlib.sha256(db.url.encode()).hexdigest()[:12]
        return cls(settings, db, index, limiter=Limiter(settings.redis_url, namespace))

    @property
    def engine(self) -> Engine:
        return self.db.engine

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def add_listener(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def dispatch(self, events: list[Event]) -> None:
        """Hand committed events to the listeners; their failures are logged, never raised."""
        for event in events:
            for listener in list(self.listeners):
                try:
                    listener(event)
                except Exception:  # a broken listener must not break publishing
                    log.exception("event listener failed for event %s", event.id)

    def close(self) -> None:
        self.reads.close(self.db)
        self.limiter.close()
        self.index.close()
        self.db.close()
