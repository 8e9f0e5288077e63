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
    redis_url: str = ""  # set: live events fan out through Redis pub/sub across workers
    webhook_url: str = ""  # members' group bot (WeCom/DingTalk style JSON POST)
    daily_download_limit: int = 30  # per member; more is bulk downloading, refused and flagged
    preview_chars: int = 300  # what visitors see of a material
    session_days: int = 14
    secure_cookies: bool = False  # set when served over HTTPS
    login_attempts: int = 5  # failures per email per 15 minutes before login is refused
    live_poll_seconds: int = 1  # how often each worker reads new events from the database

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        env = os.environ
        return cls(
            db_url=db_url or env.get("GONGWEN_DB") or DEFAULT_DB,
            redis_url=env.get("GONGWEN_REDIS", ""),
            webhook_url=env.get("GONGWEN_WEBHOOK", ""),
            daily_download_limit=int(env.get("GONGWEN_DAILY_DOWNLOADS", "30")),
            secure_cookies=env.get("GONGWEN_SECURE_COOKIES", "") == "1",
            live_poll_seconds=int(env.get("GONGWEN_LIVE_POLL", "1")),
        )
