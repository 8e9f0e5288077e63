"""Live sharing inside a server process: events reach every open page through SSE.

Events come from three places, deduplicated by id: this process's own publications, Redis
pub/sub (other workers, when GONGWEN_REDIS is set) and a once-a-second read of the events table
(anything else, such as a `gongwen ingest` run; also the catch-up if Redis drops a message).
The stream is public, so it carries events as a visitor may see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from dataclasses import replace
from datetime import datetime
from typing import Any

from gongwen.library import Library
from gongwen.model.platform import Event
from gongwen.platform.access import Viewer
from gongwen.platform.events import events_after, latest_event_id

log = logging.getLogger(__name__)
CHANNEL = "gongwen:events"
PUBLIC = Viewer()


def public(event: Event) -> Event:
    """An event as everyone may see it: a request's answer may still be a draft."""
    return replace(event, material_id=None, revision_id=None) if event.kind == "request" else event


class Hub:
    """Fan-out to this process's SSE clients; every client has its own bounded queue."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.clients: set[asyncio.Queue[Event]] = set()
        self.seen: deque[int] = deque(maxlen=4096)
        self.last_id = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.redis: Any = None  # redis.asyncio.Redis when GONGWEN_REDIS is set
        self.tasks: list[asyncio.Task[None]] = []

    def subscribe(self) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=256)
        self.clients.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        self.clients.discard(queue)

    def deliver(self, event: Event) -> None:
        if event.id in self.seen:
            return
        self.seen.append(event.id)
        self.last_id = max(self.last_id, event.id)
        event = public(event)
        for queue in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled client misses, then catches up
                queue.put_nowait(event)

    def on_local_event(self, event: Event) -> None:
        """Listener for publications made in this process (from a worker thread)."""
        if self.loop is None:
            return
        event = public(event)
        self.loop.call_soon_threadsafe(self.deliver, event)
        if self.redis is not None:
            payload = json.dumps(event.as_json(), ensure_ascii=False)
            asyncio.run_coroutine_threadsafe(self._publish(payload), self.loop)

    async def _publish(self, payload: str) -> None:
        try:
            await self.redis.publish(CHANNEL, payload)
        except Exception as err:
            log.warning("redis publish failed: %s", err)

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.last_id = await asyncio.to_thread(latest_event_id, self.lib)
        self.seen.extend(range(max(0, self.last_id - 100), self.last_id + 1))
        self.lib.add_listener(self.on_local_event)
        if self.lib.settings.redis_url:
            import redis.asyncio as aioredis

            self.redis = aioredis.from_url(self.lib.settings.redis_url)
            self.tasks.append(asyncio.create_task(self._redis_loop()))
        self.tasks.append(asyncio.create_task(self._poll_loop()))

    async def stop(self) -> None:
        self.lib.remove_listener(self.on_local_event)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks = []
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None

    async def _redis_loop(self) -> None:
        while True:
            try:
                pubsub = self.redis.pubsub()
                await pubsub.subscribe(CHANNEL)
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    data = json.loads(message["data"])
                    self.deliver(
                        Event(
                            data["id"],
                            data["kind"],
                            data["title"],
                            datetime.fromisoformat(data["at"]),
                            data.get("material_id"),
                            None,
                            data.get("request_id"),
                        )
                    )
            except asyncio.CancelledError:
                raise
            except Exception as err:  # Redis went away: the poll loop still delivers
                log.warning("redis subscription lost: %s", err)
                await asyncio.sleep(2)

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self.lib.settings.live_poll_seconds)
            try:
                found = await asyncio.to_thread(events_after, self.lib, PUBLIC, self.last_id - 50)
                for event in found:
                    self.deliver(event)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                log.warning("event poll failed: %s", err)
