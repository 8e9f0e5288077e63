"""Rate limits with the `limits` library: in this process's memory, or in Redis (all workers).

A limit is "N per minute" (or per hour) for a key such as a session or an address, counted in
a moving window. Redis failures let requests through (and are logged): a rate limit must never
take the site down.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


class RateLimiter:
    def __init__(self, redis_url: str = "") -> None:
        self.redis_url = redis_url
        self._strategy: Any = None
        self._items: dict[tuple[int, str], Any] = {}
        self._lock = threading.Lock()

    def _limiter(self) -> Any:
        if self._strategy is None:
            with self._lock:
                if self._strategy is None:
                    from limits import storage, strategies

                    backend = storage.storage_from_string(self.redis_url or "memory://")
                    self._strategy = strategies.MovingWindowRateLimiter(backend)
        return self._strategy

    def _item(self, amount: int, per: str) -> Any:
        key = (amount, per)
        if key not in self._items:
            from limits import parse

            self._items[key] = parse(f"{amount}/{per}")
        return self._items[key]

    def hit(self, namespace: str, key: str, amount: int, per: str = "minute") -> bool:
        """Count one hit; False when the key is over `amount` per `per` (0 = no limit)."""
        if amount <= 0:
            return True
        try:
            return bool(self._limiter().hit(self._item(amount, per), namespace, key))
        except Exception as err:  # Redis away: let the request through
            log.warning("rate limiter unavailable: %s", err)
            return True

    def first_refusal(self, namespace: str, key: str) -> bool:
        """True once per minute per key: refusals are audited once, not once per request."""
        return self.hit(f"{namespace}:refused", key, 1, "minute")
