"""Request-scoped helpers: who is asking, CSRF, rendering. No SQL here."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from gongwen.errors import CsrfError
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform.accounts import touch
from gongwen.platform.catalogue import Viewer, viewer_for_session

SESSION_COOKIE = "gw_session"
CSRF_COOKIE = "gw_csrf"


@dataclass(slots=True)
class Ctx:
    """Everything a handler needs about the request: the library, the viewer, the CSRF token."""

    lib: Library
    request: Request
    viewer: Viewer
    csrf: str
    new_csrf_cookie: bool

    @property
    def member(self) -> Member | None:
        return self.viewer.member

    @property
    def ip(self) -> str:
        return self.request.client.host if self.request.client else ""

    def check_csrf(self, submitted: str | None) -> None:
        """Forms carry the token in a field, scripts in the X-CSRF-Token header."""
        token = submitted or self.request.headers.get("x-csrf-token", "")
        if not token or not hmac.compare_digest(token, self.csrf):
            raise CsrfError("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


async def get_ctx(request: Request) -> Ctx:
    # async on purpose: a sync dependency would hop to the threadpool on every request.
    lib: Library = request.app.state.lib
    resolved = viewer_for_session(lib, request.cookies.get(SESSION_COOKIE))
    if resolved is not None:
        viewer, csrf = resolved
        touch(lib, viewer.member)  # type: ignore[arg-type]
        return Ctx(lib, request, viewer, csrf, False)
    # Visitors get a double-submit token: a random cookie that forms must echo.
    csrf = request.cookies.get(CSRF_COOKIE) or ""
    fresh = len(csrf) < 20
    if fresh:
        csrf = secrets.token_urlsafe(24)
    return Ctx(lib, request, Viewer(), csrf, fresh)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


def render(ctx: Ctx, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    templates: Jinja2Templates = ctx.request.app.state.templates
    response = templates.TemplateResponse(
        ctx.request,
        template,
        {"member": ctx.member, "csrf": ctx.csrf, "viewer": ctx.viewer, **values},
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
