"""Settings: the only place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "sqlite:///var/gongwen.sqlite3"


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = DEFAULT_DB
    search_candidates: int = 1000  # matches ranked per query (newest first); see search/service.py
    var_dir: Path = Path("var")

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        return cls(db_url=db_url or os.environ.get("GONGWEN_DB") or DEFAULT_DB)
