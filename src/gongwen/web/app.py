"""create_app(lib): the FastAPI application. Nothing is built at import time."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from gongwen.config import Settings
from gongwen.library import Library
from gongwen.platform import copies, report_tracer, webhook
from gongwen.platform.scheduler import Scheduler
from gongwen.web import errors
from gongwen.web.app_support import local
from gongwen.web.deps import require_csrf
from gongwen.web.live import Hub
from gongwen.web.routes import (
    account,
    admin,
    api,
    catalogue,
    compose,
    editor,
    live,
    proofread,
    reports,
    requests,
)

HERE = Path(__file__).parent
# Every router of the site, in the order they are matched.
ROUTE_MODULES = (
    catalogue,
    account,
    compose,
    proofread,
    editor,
    admin,
    requests,
    reports,
    live,
    api,
)


def create_app(lib: Library, *, live_updates: bool = True) -> FastAPI:
    """The site and its API over `lib`. With `live_updates`, the app's lifespan runs the live
    hub (SSE fan-out, Redis, event poll) and the scheduler; tests that drive those themselves
    turn it off."""
    hub = Hub(lib)
    scheduler = Scheduler(lib)
    base_url = lib.settings.base_url

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bot = (
            webhook.listener(lib.settings.webhook_url, base_url)
            if lib.settings.webhook_url
            else None
        )
        if bot is not None:
            lib.add_listener(bot)
        if live_updates:
            await hub.start()
            scheduler.start()
        # Leak reports an earlier process left untraced are traced in the background.
        report_tracer.resume_traces(lib)
        # Everything built so far lives as long as the process: keep it out of every future
        # collection, and collect less often (full collections of the page caches stalled
        # the event loop for 100+ ms).
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 20, 50)
        try:
            yield
        finally:
            scheduler.stop()
            await hub.stop()
            if bot is not None:
                lib.remove_listener(bot)
            # The reads still waiting in memory: a worker that stops loses none of them.
            await run_in_threadpool(copies.flush_reads, lib)

    app = FastAPI(
        title="公文库 gongwen",
        version="0.2.0",
        description="公文库会员平台的 JSON 接口。页面（HTML）不在此文档中。",
        lifespan=lifespan,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        # Declared once for every route: each POST/PUT/PATCH/DELETE needs the CSRF token
        # (web/route_table.py lists them; tests/web/test_routes.py proves it of each).
        dependencies=[Depends(require_csrf)],
    )
    app.state.lib = lib
    app.state.hub = hub
    app.state.scheduler = scheduler
    templates = Jinja2Templates(directory=HERE / "templates")
    # Readers are in China: times show in Beijing time, stored times stay UTC.
    templates.env.filters["dt"] = lambda v: local(v).strftime("%Y-%m-%d %H:%M") if v else ""
    templates.env.filters["d"] = lambda v: local(v).strftime("%Y-%m-%d") if v else ""
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in ROUTE_MODULES:
        app.include_router(module.router)
    errors.install(app)
    app.openapi = functools.partial(api.openapi, app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` workers: settings from the environment."""
    return create_app(Library.open(Settings.from_env()))
