"""Limits: how much a key (an e-mail, an address, a session, a member) may do in a window.

Every limit is one entry in `LIMITS`: its amounts and windows (read from Settings where a
setting names it; 0 or less: no limit) and its refusal. `take(lib, name, key, cost)` checks
and counts in one step, atomically: however many requests arrive at once, in however many
workers, no more than the amount pass. A refusal counts nothing and raises `Refused` (a
`RateLimited`) that says whether it is the key's first in the window, so a caller audits
refusals once per window, not once per request.

Where they are counted (store/limits.py):
- durable limits, in the database always: they must survive a restart, every worker must see
  them, and they are few (login failures, copies, sign-ups, reports, appeals);
- per-minute limits, in Redis when it is configured (a search or a check should not write to
  the database), else in the database (memory is per process: two workers would each allow
  the whole amount). When Redis does not answer they let requests through, logged: a search
  limit must never take the site down. The durable ones never depend on Redis.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from gongwen.config import Settings
from gongwen.errors import RateLimited
from gongwen.library import Library
from gongwen.store import limits as store
from gongwen.util.clock import now

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Rate:
    amount: int | str  # a number, or the name of the Settings field that holds it
    window: timedelta

    def of(self, settings: Settings) -> int:
        return self.amount if isinstance(self.amount, int) else int(getattr(settings, self.amount))


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    rates: tuple[Rate, ...]
    message: str  # the refusal; "{amount}" is the amount of the window passed
    durable: bool = True  # in the database always; False: in Redis when configured


LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        # Failed logins per e-mail and per address (a right password gives its attempt back).
        Limit(
            "login.email",
            (Rate("login_attempts", timedelta(minutes=15)),),
            "登录尝试过于频繁，请 15 分钟后再试",
        ),
        Limit("login.ip", (Rate(30, timedelta(minutes=15)),), "登录尝试过于频繁，请 15 分钟后再试"),
        Limit(
            "register.address",
            (Rate("registrations_per_hour_per_address", HOUR),),
            "该网络地址注册过于频繁，请一小时后再试",
        ),
        # Copies a member receives (downloads, diffs, composed drafts): more is bulk downloading.
        Limit(
            "copies.day",
            (Rate("daily_download_limit", DAY),),
            "24 小时内下载已达上限（{amount} 份），请明天再试；如有需要请联系管理员",
        ),
        # Full texts read (pages, the API's text): a member who reads is a recipient like one who
        # downloads (every read is a copy served); reading the library through is bulk copying.
        # Counted in Redis when configured: a page view writes nothing to the database.
        Limit(
            "reads.member",
            (Rate("reads_per_hour", HOUR), Rate("reads_per_day", DAY)),
            "阅读全文过于频繁（已达 {amount} 篇的上限），请稍后再试；如需大量阅读请联系管理员",
            durable=False,
        ),
        Limit(
            "search.session",
            (Rate("search_per_minute", MINUTE),),
            "检索过于频繁（每分钟最多 {amount} 次），请稍后再试",
            durable=False,
        ),
        Limit(
            "search.address",
            (Rate("search_per_minute_per_address", MINUTE),),
            "检索过于频繁（每分钟最多 {amount} 次），请稍后再试",
            durable=False,
        ),
        # A check at the character limit costs ~1.5 s of a core; 200,000 characters a minute
        # is ~5 s: no member can keep a worker busy (bench/resources.py).
        Limit(
            "proofread.checks",
            (Rate(30, MINUTE),),
            "审校过于频繁（每分钟最多 {amount} 次），请稍后再试",
            durable=False,
        ),
        Limit(
            "proofread.chars",
            (Rate(200_000, MINUTE),),
            "审校字数过多（每分钟最多 {amount:,} 字），请稍后再试",
            durable=False,
        ),
        Limit("report.address", (Rate(5, HOUR),), "举报提交过于频繁，请稍后再试"),
        Limit(
            "appeal.member", (Rate(3, DAY),), "申诉提交过于频繁（每天最多 {amount} 次），请明天再试"
        ),
    )
}


class Refused(RateLimited):
    """A limit would be passed; nothing was counted."""

    def __init__(
        self, limit: Limit, key: str, amount: int, used: int, cost: int, first: bool
    ) -> None:
        super().__init__(limit.message.format(amount=amount))
        self.limit = limit
        self.key = key
        self.amount = amount
        self.used = used  # already counted in the window passed
        self.cost = cost
        self.first = first  # the key's first refusal in that window: audit this one

    @property
    def left(self) -> int:
        return max(0, self.amount - self.used)


@dataclass(frozen=True, slots=True)
class Allowed:
    """What a take counted (nothing for limits that are off, or Redis away)."""

    taken: store.Taken = store.Taken()


def take(lib: Library, name: str, key: str, cost: int = 1) -> Allowed:
    """Count `cost` against the limit `name` for `key`, or raise Refused (counting nothing).
    An empty key (a request without an address) is not limited."""
    return take_all(lib, (name, key), cost=cost)


def take_all(lib: Library, *wanted: tuple[str, str], cost: int = 1) -> Allowed:
    """Count against every (name, key), or against none when one would be passed."""
    if cost < 1:
        raise ValueError("a take costs at least 1")
    claims: list[store.Claim] = []
    for name, key in wanted:
        rates = tuple(
            (amount, rate.window)
            for rate in LIMITS[name].rates
            if (amount := rate.of(lib.settings)) > 0
        )
        if key and rates:
            claims.append(store.Claim(name, store.bounded(key), cost, rates))
    if not claims:
        return Allowed()
    at = now()
    if lib.limiter.shared and not any(LIMITS[c.name].durable for c in claims):
        outcome = lib.limiter.take(claims, at)
        if outcome is None:  # Redis away: per-minute limits let the request through (logged)
            return Allowed()
    else:
        with lib.db.write() as conn:
            outcome = store.take(conn, claims, at)
        if lib.limiter.sweep_due(at):
            _sweep(lib)
    if isinstance(outcome, store.Refusal):
        claim = outcome.claim
        amount = claim.rates[outcome.rate][0]
        limit = LIMITS[claim.name]
        raise Refused(limit, claim.key, amount, outcome.used, claim.cost, outcome.first)
    return Allowed(outcome)


def give_back(lib: Library, allowed: Allowed) -> None:
    """Un-count a take whose work was not done (a copy that failed to be made)."""
    if allowed.taken.rows:
        with lib.db.write() as conn:
            store.give_back(conn, allowed.taken.rows)
    lib.limiter.give_back(allowed.taken.members)


def forget(lib: Library, name: str, key: str) -> None:
    """Everything counted against (name, key): a successful login clears its e-mail's failures."""
    key = store.bounded(key)
    if lib.limiter.shared and not LIMITS[name].durable:
        lib.limiter.forget(name, key)
        return
    with lib.db.write() as conn:
        store.forget(conn, name, key)


def _sweep(lib: Library) -> None:
    """Rows no window reaches any more (each take also drops its own key's old rows)."""
    at = now()
    longest = {name: max(r.window for r in limit.rates) for name, limit in LIMITS.items()}
    with lib.db.write() as conn:
        store.sweep(
            conn,
            {name: at - window for name, window in longest.items()},
            at - max(longest.values()),
        )
