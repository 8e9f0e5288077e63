"""Settings: the only place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from gongwen.errors import ConfigError

DEFAULT_DB = "sqlite:///var/gongwen.sqlite3"


def _int(env: dict[str, str] | os._Environ[str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"环境变量 {name} 须为整数，收到 {raw!r}") from None


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = DEFAULT_DB
    var_dir: Path = Path("var")
    # The search index (tantivy), derived from the database; default: beside an SQLite file,
    # else var/index/<hash of the URL>.
    index_dir: Path | None = None
    base_url: str = ""  # how members reach the site (links in feeds and the group bot)
    # Set: live events reach every worker at once, and per-minute limits are counted in Redis
    # (else in the database; limits are always shared across workers: platform/limits.py).
    redis_url: str = ""
    webhook_url: str = ""  # members' group bot (WeCom/DingTalk style JSON POST)
    # This and the other limits below (platform/limits.py reads them): 0 means no limit.
    daily_download_limit: int = 30  # per member; more is bulk downloading, refused and flagged
    preview_chars: int = 300  # what visitors see of a material
    session_days: int = 14
    secure_cookies: bool = False  # set when served over HTTPS
    login_attempts: int = 5  # failures per email per 15 minutes before login is refused
    live_poll_seconds: int = 1  # how often each worker reads new events from the database
    # Searches per minute, per session (or visitor cookie) and per client address; 0 = no limit.
    # A writer searches a few times a minute; a script rebuilding hidden text needs thousands.
    search_per_minute: int = 30
    search_per_minute_per_address: int = 120
    registrations_per_hour_per_address: int = 5
    # Full texts a member reads (pages and API text) per hour and per day: a heavy writer reads
    # a few dozen a day; a script copying the library reads thousands.
    reads_per_hour: int = 60
    reads_per_day: int = 200
    # Leak tracing's optional invisible marks in web copies (trace/zerowidth.py): off.
    zero_width_marks: bool = False
    # Reverse proxies whose X-Forwarded-For is believed (exact addresses); nobody else's is.
    trusted_proxies: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_env(cls, db_url: str | None = None) -> Settings:
        env = os.environ
        proxies = frozenset(p.strip() for p in env.get("GONGWEN_TRUSTED_PROXIES", "").split(","))
        return cls(
            db_url=db_url or env.get("GONGWEN_DB") or DEFAULT_DB,
            index_dir=Path(env["GONGWEN_INDEX_DIR"]) if env.get("GONGWEN_INDEX_DIR") else None,
            base_url=env.get("GONGWEN_BASE_URL", "").rstrip("/"),
            redis_url=env.get("GONGWEN_REDIS", ""),
            webhook_url=env.get("GONGWEN_WEBHOOK", ""),
            daily_download_limit=_int(env, "GONGWEN_DAILY_DOWNLOADS", 30),
            secure_cookies=env.get("GONGWEN_SECURE_COOKIES", "") == "1",
            live_poll_seconds=max(1, _int(env, "GONGWEN_LIVE_POLL", 1)),
            search_per_minute=_int(env, "GONGWEN_SEARCH_PER_MINUTE", 30),
            search_per_minute_per_address=_int(env, "GONGWEN_SEARCH_PER_MINUTE_PER_ADDRESS", 120),
            registrations_per_hour_per_address=_int(env, "GONGWEN_REGISTRATIONS_PER_HOUR", 5),
            reads_per_hour=_int(env, "GONGWEN_READS_PER_HOUR", 60),
            reads_per_day=_int(env, "GONGWEN_READS_PER_DAY", 200),
            trusted_proxies=proxies - {""},
            zero_width_marks=env.get("GONGWEN_ZERO_WIDTH_MARKS", "") == "1",
        )
