"""Request-scoped helpers: who is asking, from where, CSRF, rendering. No SQL here.

CSRF: `require_csrf` guards every POST/PUT/PATCH/DELETE of the app (declared once, in
web/app.py); handlers never check the token themselves.

Handlers that touch the database, hash passwords, parse or render files are plain `def`:
FastAPI runs them in its thread pool, so the event loop (and every open live stream) never
waits for them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from gongwen.config import Settings
from gongwen.errors import CsrfError
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform.access import Client, Viewer
from gongwen.platform.accounts import touch, viewer_for_session
from gongwen.platform.site import info as site_info
from gongwen.web.errors import is_api

SESSION_COOKIE = "gw_session"
CSRF_COOKIE = "gw_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
# Methods that change nothing (RFC 9110 §9.2.1): the only ones answered without a token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def client_address(request: Request, settings: Settings) -> str:
    """The client's address. X-Forwarded-For is believed only when the connection comes from
    a configured proxy; then the nearest address not itself a trusted proxy is the client."""
    peer = request.client.host if request.client else ""
    if peer not in settings.trusted_proxies:
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in settings.trusted_proxies:
            return address
    return peer


@dataclass(slots=True)
class Ctx:
    """Everything a handler needs about the request: the library, the viewer, the CSRF token."""

    lib: Library
    request: Request
    viewer: Viewer
    csrf: str
    new_csrf_cookie: bool
    session_key: str

    @property
    def member(self) -> Member | None:
        return self.viewer.member

    @property
    def ip(self) -> str:
        return client_address(self.request, self.lib.settings)

    @property
    def client(self) -> Client:
        return Client(self.session_key, self.ip)

    def verify_csrf(self, token: str) -> None:
        """CsrfError unless `token` is this session's (a visitor's: their cookie's) token."""
        # Compared as bytes: a token with non-ASCII characters is simply wrong, not an error.
        given = token.encode("utf-8", "surrogatepass")
        if not token or not hmac.compare_digest(given, self.csrf.encode("utf-8", "surrogatepass")):
            raise CsrfError("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def get_ctx(request: Request) -> Ctx:
    """The request's Ctx, resolved once (the CSRF check may have resolved it already)."""
    known = getattr(request.state, "ctx", None)
    if isinstance(known, Ctx):
        return known
    request.state.ctx = ctx = _resolve(request)
    return ctx


def _resolve(request: Request) -> Ctx:
    lib: Library = request.app.state.lib
    cookie = request.cookies.get(SESSION_COOKIE)
    resolved = viewer_for_session(lib, cookie)
    if resolved is not None:
        viewer, csrf = resolved
        touch(lib, viewer.member)  # type: ignore[arg-type]
        key = hashlib.sha256((cookie or "").encode()).hexdigest()[:32]
        return Ctx(lib, request, viewer, csrf, False, key)
    # Visitors get a double-submit token: a random cookie that forms must echo.
    csrf = request.cookies.get(CSRF_COOKIE) or ""
    fresh = len(csrf) < 20 or not csrf.isascii()
    if fresh:
        csrf = secrets.token_urlsafe(24)
    return Ctx(lib, request, Viewer(), csrf, fresh, csrf)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


async def require_csrf(request: Request) -> None:
    """Every unsafe request carries the token: scripts (and the whole API) in the X-CSRF-Token
    header, a page's form in its `csrf` field.

    The body is never read here for the API (JSON and .docx bodies are streamed within their
    limits by their handlers) nor for anything but a form. A page's form is read through the
    route's own request, and Starlette keeps the parsed form on it, so the handler gets this
    same form and the body is read once: FastAPI has parsed it already when the handler takes
    Form fields; a route that reads its own form within its limits makes its request apply
    them whoever reads first (web/routes/proofread.py); any other route's form is parsed
    here without files. Safe requests cost nothing here (no session lookup for /healthz or
    the event stream)."""
    if request.method in SAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER, "")
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not token and not is_api(request) and content_type in _FORM_TYPES:
        field = (await request.form(max_files=0)).get(CSRF_FIELD)
        token = field if isinstance(field, str) else ""
    ctx = await run_in_threadpool(get_ctx, request)  # the database: off the event loop
    try:
        ctx.verify_csrf(token)
    except CsrfError:
        await request.close()  # the handler will not run: a form's spooled files go now
        raise


def render(ctx: Ctx, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    templates: Jinja2Templates = ctx.request.app.state.templates
    response = templates.TemplateResponse(
        ctx.request,
        template,
        {
            "member": ctx.member,
            "csrf": ctx.csrf,
            "viewer": ctx.viewer,
            "site": site_info(ctx.lib),
            **values,
        },
        status_code=status_code,
    )
    finish(ctx, response)
    return response


def finish(ctx: Ctx, response: Any) -> Any:
    """Set the visitor's CSRF cookie when it was just made."""
    if ctx.new_csrf_cookie:
        secure = ctx.lib.settings.secure_cookies
        response.set_cookie(CSRF_COOKIE, ctx.csrf, httponly=True, samesite="strict", secure=secure)
    return response


def set_session_cookie(ctx: Ctx, response: Any, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.lib.settings.secure_cookies,
        max_age=ctx.lib.settings.session_days * 86400,
    )
