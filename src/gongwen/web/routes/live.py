"""Server-sent events: every open page hears about publications as they happen."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from gongwen.platform.events import Event, events_after

router = APIRouter()
HEARTBEAT_S = 15


def _frame(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.kind}\ndata: {json.dumps(event.as_json(), ensure_ascii=False)}\n\n"


@router.get("/events")
async def stream(request: Request) -> StreamingResponse:
    hub = request.app.state.hub
    lib = request.app.state.lib
    last = request.headers.get("last-event-id", "")

    async def frames() -> AsyncIterator[str]:
        queue = hub.subscribe()
        try:
            # The worker's pid, as a comment: it lets operators (and tests) see the fan-out.
            yield f"retry: 2000\n: worker {os.getpid()}\n\n"
            if last.isdigit():  # a reconnecting page catches up on what it missed
                for event in await asyncio.to_thread(events_after, lib, int(last)):
                    yield _frame(event)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                yield _frame(event)
        finally:
            hub.unsubscribe(queue)

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
