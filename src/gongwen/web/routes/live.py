"""Server-sent events: every open page hears about publications as they happen."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent

from gongwen.model.platform import Event
from gongwen.platform.events import events_after
from gongwen.web.live import PUBLIC

router = APIRouter(include_in_schema=False)


def _message(event: Event) -> ServerSentEvent:
    # Chinese as UTF-8 on the wire, not \uXXXX escapes (half the bytes, readable in logs).
    data = json.dumps(event.as_json(), ensure_ascii=False)
    return ServerSentEvent(id=str(event.id), event=event.kind, raw_data=data)


@router.get("/events", response_class=EventSourceResponse)
async def stream(
    request: Request, last_event_id: Annotated[str, Header()] = ""
) -> AsyncIterator[ServerSentEvent]:
    """The public stream: `hello` once subscribed (the worker's pid lets operators and tests
    see the fan-out), then every event; a reconnecting page catches up from Last-Event-ID."""
    hub = request.app.state.hub
    queue = hub.subscribe()
    try:
        yield ServerSentEvent(event="hello", data={"worker": os.getpid()}, retry=2000)
        if last_event_id.isascii() and last_event_id.isdigit() and len(last_event_id) < 12:
            for event in await asyncio.to_thread(
                events_after, request.app.state.lib, PUBLIC, int(last_event_id)
            ):
                yield _message(event)
        while True:
            yield _message(await queue.get())
    finally:
        hub.unsubscribe(queue)
