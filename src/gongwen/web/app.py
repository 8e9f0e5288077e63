"""create_app(lib): the FastAPI application. Nothing is built at import time."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from gongwen.config import Settings
from gongwen.library import Library
from gongwen.platform import events, webhook
from gongwen.web import errors
from gongwen.web.app_support import local
from gongwen.web.live import Hub
from gongwen.web.routes import account, admin, api, catalogue, editor, live, requests

HERE = Path(__file__).parent


def create_app(lib: Library, *, base_url: str = "", live_updates: bool = True) -> FastAPI:
    hub = Hub(lib)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        events.add_listener(lib, hub.on_local_event)
        if lib.settings.webhook_url:
            events.add_listener(lib, webhook.listener(lib.settings.webhook_url, base_url))
        if live_updates:
            await hub.start()
        # Everything built so far lives as long as the process: keep it out of every future
        # collection, and collect less often (full collections of the page caches stalled
        # the event loop for 100+ ms).
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 20, 50)
        try:
            yield
        finally:
            await hub.stop()
            events.remove_listeners(lib)

    app = FastAPI(
        title="公文库 gongwen",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.lib = lib
    app.state.hub = hub
    app.state.base_url = base_url
    templates = Jinja2Templates(directory=HERE / "templates")
    # Readers are in China: times show in Beijing time, stored times stay UTC.
    templates.env.filters["dt"] = lambda v: local(v).strftime("%Y-%m-%d %H:%M") if v else ""
    templates.env.filters["d"] = lambda v: local(v).strftime("%Y-%m-%d") if v else ""
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (catalogue, account, editor, admin, requests, live, api):
        app.include_router(module.router)
    errors.install(app)
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` workers: settings from the environment."""
    import os

    return create_app(
        Library.open(Settings.from_env()), base_url=os.environ.get("GONGWEN_BASE_URL", "")
    )
