"""Library: settings + database, opened once and passed explicitly to every service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from gongwen.config import Settings
from gongwen.store.db import make_engine, migrate


@dataclass(slots=True, eq=False)  # identity: a Library is a resource, usable as a cache key
class Library:
    settings: Settings
    engine: Engine

    @classmethod
    def open(cls, settings: Settings | None = None) -> Library:
        settings = settings or Settings.from_env()
        engine = make_engine(settings.db_url)
        migrate(engine)
        return cls(settings, engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()
