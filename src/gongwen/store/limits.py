"""Counting against limits: check and count in one step, in the database or in Redis.

Database: one row per hit in `limit_hits` (cost 0: the first refusal of a window, for the
audit log). A take serialises per key: on PostgreSQL an advisory lock per (limit, key), held
until the transaction ends; on SQLite the write transaction already holds the database's write
lock from BEGIN IMMEDIATE (`Database.write`). So the sum it reads cannot change before it adds
its own row, in whichever process.

Redis: one sorted set per (limit, key), a member per hit scored by its time, checked and added
by one Lua script (Redis runs a script alone), so workers sharing Redis share the count.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gongwen.store import sql

log = logging.getLogger(__name__)

_LOCK_SPACE = 0x4C4D  # the first key of limits' advisory locks ("LM"): apart from any other use
_REDIS_RETRY = 5.0  # seconds without trying Redis after it failed to answer
_SWEEP_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Claim:
    """`cost` more against (name, key), within each (amount, window); amounts are > 0."""

    name: str
    key: str
    cost: int
    rates: tuple[tuple[int, timedelta], ...]

    @property
    def longest(self) -> timedelta:
        return max(window for _, window in self.rates)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A claim that would pass `claim.rates[rate]`, having `used` of it: nothing was counted."""

    claim: Claim
    rate: int
    used: int
    first: bool  # the key's first refusal in that window (it is audited, the rest are not)


@dataclass(frozen=True, slots=True)
class Taken:
    """What was counted, to give back: rows in the database or (key, member) in Redis."""

    rows: tuple[int, ...] = ()
    members: tuple[tuple[str, str], ...] = ()


def bounded(key: str) -> str:
    """A key as stored: a key longer than any e-mail address (a forged cookie, an address as
    sent) by its SHA-256, so that the column (300 characters) holds every one."""
    if len(key) <= 254:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


# Database ---------------------------------------------------------------------------------------


def _lock_id(name: str, key: str) -> int:
    digest = hashlib.sha256(f"{name}\0{key}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def take(conn: Any, claims: Sequence[Claim], at: datetime) -> Taken | Refusal:
    """Count every claim, or none of them when one would pass a limit (inside `Database.write`)."""
    from sqlalchemy import insert, text

    from gongwen.store.platform_schema import limit_hits

    if not sql.is_sqlite(conn):
        # In one order (the lock ids'), so two takes of overlapping keys cannot deadlock.
        for lock in sorted({_lock_id(c.name, c.key) for c in claims}):
            conn.execute(
                text("SELECT pg_advisory_xact_lock(:space, :lock)"),
                {"space": _LOCK_SPACE, "lock": lock},
            )
    for claim in claims:
        for index, (amount, window) in enumerate(claim.rates):
            used = _used(conn, claim.name, claim.key, at - window)
            if used + claim.cost > amount:
                return Refusal(claim, index, used, _first_refusal(conn, claim, at, window))
    rows = []
    for claim in claims:
        _expire(conn, claim.name, claim.key, at - claim.longest)
        rows.append(
            conn.execute(
                insert(limit_hits)
                .values(name=claim.name, key=claim.key, at=at, cost=claim.cost)
                .returning(limit_hits.c.id)
            ).scalar_one()
        )
    return Taken(rows=tuple(rows))


def _used(conn: Any, name: str, key: str, since: datetime) -> int:
    return int(
        sql.scalar(
            conn,
            "SELECT coalesce(sum(cost), 0) FROM limit_hits"
            " WHERE name = :name AND key = :key AND at > :since",
            {"name": name, "key": key, "since": since},
        )
    )


def _first_refusal(conn: Any, claim: Claim, at: datetime, window: timedelta) -> bool:
    from sqlalchemy import insert

    from gongwen.store.platform_schema import limit_hits

    noted = sql.scalar(
        conn,
        "SELECT 1 FROM limit_hits WHERE name = :name AND key = :key AND cost = 0"
        " AND at > :since LIMIT 1",
        {"name": claim.name, "key": claim.key, "since": at - window},
    )
    if noted:
        return False
    conn.execute(insert(limit_hits).values(name=claim.name, key=claim.key, at=at, cost=0))
    return True


def _expire(conn: Any, name: str, key: str, before: datetime) -> None:
    from sqlalchemy import delete

    from gongwen.store.platform_schema import limit_hits

    t = limit_hits.c
    conn.execute(delete(limit_hits).where(t.name == name, t.key == key, t.at <= before))


def give_back(conn: Any, rows: Sequence[int]) -> None:
    from sqlalchemy import delete

    from gongwen.store.platform_schema import limit_hits

    if rows:
        conn.execute(delete(limit_hits).where(limit_hits.c.id.in_(list(rows))))


def forget(conn: Any, name: str, key: str) -> None:
    """Everything counted against (name, key), refusals included."""
    from sqlalchemy import delete

    from gongwen.store.platform_schema import limit_hits

    conn.execute(delete(limit_hits).where(limit_hits.c.name == name, limit_hits.c.key == key))


def sweep(conn: Any, before: Mapping[str, datetime], oldest: datetime) -> None:
    """Rows past their limit's window (`before`, by name), and any row older than `oldest` (a
    limit no longer in the table)."""
    from sqlalchemy import delete

    from gongwen.store.platform_schema import limit_hits

    t = limit_hits.c
    for name, moment in before.items():
        conn.execute(delete(limit_hits).where(t.name == name, t.at <= moment))
    conn.execute(delete(limit_hits).where(t.at <= oldest))


# Redis ------------------------------------------------------------------------------------------

# KEYS: per claim, its hits (a sorted set) and its refusal mark. ARGV: now (ms), then per
# claim: member, cost, number of rates, (amount, window in ms) per rate. A member is
# "<random>:<cost>". Returns {0} when every claim was counted, else {claim, rate, used, first}
# (1-based) and counts nothing.
_TAKE = """
local now = tonumber(ARGV[1])
local claims, pos = {}, 2
for i = 1, #KEYS / 2 do
  local claim = {member = ARGV[pos], cost = tonumber(ARGV[pos + 1]), rates = {}, longest = 0}
  local n = tonumber(ARGV[pos + 2])
  pos = pos + 3
  for r = 1, n do
    local amount, window = tonumber(ARGV[pos]), tonumber(ARGV[pos + 1])
    claim.rates[r] = {amount, window}
    if window > claim.longest then claim.longest = window end
    pos = pos + 2
  end
  claims[i] = claim
end
for i, claim in ipairs(claims) do
  local hits = KEYS[2 * i - 1]
  redis.call('ZREMRANGEBYSCORE', hits, '-inf', now - claim.longest)
  for r, rate in ipairs(claim.rates) do
    local used = 0
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', hits, '(' .. (now - rate[2]), '+inf')) do
      used = used + tonumber(string.match(member, ':(%d+)$'))
    end
    if used + claim.cost > rate[1] then
      local first = redis.call('SET', KEYS[2 * i], '1', 'NX', 'PX', rate[2])
      return {i, r, used, first and 1 or 0}
    end
  end
end
for i, claim in ipairs(claims) do
  redis.call('ZADD', KEYS[2 * i - 1], now, claim.member)
  redis.call('PEXPIRE', KEYS[2 * i - 1], claim.longest)
end
return {0}
"""


def _ms(value: timedelta) -> int:
    return int(value.total_seconds() * 1000)


class Limiter:
    """What the limits keep per process: the Redis connection (when configured), and when
    this process last swept old rows from the database."""

    def __init__(self, redis_url: str = "", namespace: str = "gongwen") -> None:
        self.redis_url = redis_url
        self.namespace = namespace
        self._client: Any = None
        self._script: Any = None
        self._down_until = 0.0
        self._swept_at: datetime | None = None
        self._lock = threading.Lock()

    @property
    def shared(self) -> bool:
        """Whether per-minute limits are counted in Redis."""
        return bool(self.redis_url)

    def _keys(self, name: str, key: str) -> tuple[str, str]:
        return (
            f"{self.namespace}:limit-hits:{name}:{key}",
            f"{self.namespace}:limit-refused:{name}:{key}",
        )

    def _redis(self) -> Any:
        with self._lock:
            if self._client is None:
                import redis

                # Short timeouts: an unreachable Redis must not hold a request up.
                self._client = redis.Redis.from_url(
                    self.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
                )
                self._script = self._client.register_script(_TAKE)
            return self._client

    def _call(self, what: str, work: Any) -> Any:
        """`work(client)`, or None when Redis does not answer (logged; not tried again for a
        few seconds, so that requests do not each wait for the timeout)."""
        import redis

        if time.monotonic() < self._down_until:
            return None
        try:
            return work(self._redis())
        except (redis.RedisError, OSError) as err:
            self._down_until = time.monotonic() + _REDIS_RETRY
            log.warning("limits: Redis unavailable (%s): %s", what, err)
            return None

    def take(self, claims: Sequence[Claim], at: datetime) -> Taken | Refusal | None:
        """Count every claim in Redis, or none; None when Redis does not answer."""
        keys: list[str] = []
        args: list[int | str] = [int(at.timestamp() * 1000)]
        members: list[tuple[str, str]] = []
        for claim in claims:
            hits, refused = self._keys(claim.name, claim.key)
            member = f"{secrets.token_hex(8)}:{claim.cost}"
            keys += [hits, refused]
            members.append((hits, member))
            args += [member, claim.cost, len(claim.rates)]
            for amount, window in claim.rates:
                args += [amount, _ms(window)]
        found = self._call("take", lambda _client: self._script(keys=keys, args=args))
        if found is None:
            return None
        if int(found[0]) == 0:
            return Taken(members=tuple(members))
        index, rate, used, first = (int(v) for v in found)
        return Refusal(claims[index - 1], rate - 1, used, bool(first))

    def give_back(self, members: Sequence[tuple[str, str]]) -> None:
        def remove(client: Any) -> None:
            for hits, member in members:
                client.zrem(hits, member)

        if members:
            self._call("give back", remove)

    def forget(self, name: str, key: str) -> None:
        self._call("forget", lambda client: client.delete(*self._keys(name, key)))

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def sweep_due(self, at: datetime) -> bool:
        """True once every few minutes per process: the time to sweep the database."""
        with self._lock:
            if self._swept_at is not None and at - self._swept_at < _SWEEP_EVERY:
                return False
            self._swept_at = at
            return True
