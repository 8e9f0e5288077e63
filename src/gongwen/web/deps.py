"""Request-scoped helpers: who is asking, from where, CSRF, rendering. No SQL here.

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

from gongwen.config import Settings
from gongwen.errors import CsrfError
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform.access import Client, Viewer
from gongwen.platform.accounts import touch, viewer_for_session
from gongwen.platform.site import info as site_info

SESSION_COOKIE = "gw_session"
CSRF_COOKIE = "gw_csrf"


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

    def check_csrf(self, submitted: str | None) -> None:
        """Forms carry the token in a field, scripts in the X-CSRF-Token header."""
        token = submitted or self.request.headers.get("x-csrf-token", "")
        # Compared as bytes: a token with non-ASCII characters is simply wrong, not an error.
        given = token.encode("utf-8", "surrogatepass")
        if not token or not hmac.compare_digest(given, self.csrf.encode("utf-8", "surrogatepass")):
            raise CsrfError("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def get_ctx(request: Request) -> Ctx:
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
