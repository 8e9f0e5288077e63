"""Domain errors -> HTTP status, in one table. Pages get a Chinese error page, /api JSON."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gongwen import errors

STATUS: list[tuple[type[errors.GongwenError], int]] = [
    (errors.NotAuthenticated, 401),
    (errors.NotEntitled, 403),
    (errors.Forbidden, 403),
    (errors.AccountSuspended, 403),
    (errors.CsrfError, 403),
    (errors.RateLimited, 429),
    (errors.NotFound, 404),
    (errors.InvalidInput, 400),
    (errors.QueryError, 400),
    (errors.ReadError, 400),
    (errors.GongwenError, 400),
]


def status_for(err: errors.GongwenError) -> int:
    return next(code for cls, code in STATUS if isinstance(err, cls))


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.GongwenError)
    async def on_domain_error(request: Request, err: errors.GongwenError) -> Response:
        status = status_for(err)
        if request.url.path.startswith("/api/"):
            body: dict[str, object] = {"error": type(err).__name__, "message": str(err)}
            if isinstance(err, errors.InvalidInput):
                body["field"] = err.field
            return JSONResponse(body, status_code=status)
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        from gongwen.web.deps import get_ctx, render

        ctx = await get_ctx(request)
        return render(ctx, "error.html", status_code=status, message=str(err), status=status)
