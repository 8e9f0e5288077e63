"""Errors -> HTTP status, in one table. Pages get a Chinese error page, /api JSON.

Under /api/ every error is `{"error": kind, "message": text, "field"?: name}` (schemas.ErrorOut):
domain errors, invalid parameters or bodies (422, kind InvalidInput), and the framework's own
answers (400 for a body that cannot be parsed, 404 for no such path, 405 for a method the path
does not have, with every method it does have in Allow).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

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
_REASONS = {
    "missing": "缺少此项",
    "int_parsing": "须为整数",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "string_pattern_mismatch": "含有不允许的字符，或首尾有空白",
    "string_unicode": "含有无效字符（孤立的代理码位）",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
    "string_type": "须为文本",
    "bool_type": "须为 true 或 false",
    "int_type": "须为整数",
    "float_type": "须为数字",
    "list_type": "须为 JSON 数组",
    "enum": "取值无效",
    "repeated": "只能给一个值",
}
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def status_for(err: errors.GongwenError) -> int:
    return next(code for cls, code in STATUS if isinstance(err, cls))


def is_api(request: Request) -> bool:
    """Whether the request is the API's (JSON errors; the CSRF token only in the header)."""
    return request.url.path.startswith("/api/")


def _api_error(
    status: int,
    error: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": error, "message": message}
    if field is not None:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


def _field(error: dict[str, Any]) -> str:
    """The parameter or body field a validation error is about: ("query", "limit") -> limit,
    ("body", "title") -> title, the body as a whole -> body."""
    loc = [str(part) for part in error.get("loc") or ()]
    if error.get("type") == "json_invalid" or loc[1:] == []:
        return loc[0] if loc else "body"
    return ".".join(loc[1:])


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path. Starlette's 405 names only the methods of
    the first route whose path matches (GET for /api/v1/requests, which has POST as well)."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]  # /static: any
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


def install(app: FastAPI) -> None:
    async def page_error(request: Request, status: int, message: str) -> Response:
        from gongwen.web.deps import get_ctx, render

        ctx = await run_in_threadpool(get_ctx, request)
        return await run_in_threadpool(
            render, ctx, "error.html", status, message=message, status=status
        )

    @app.exception_handler(errors.GongwenError)
    async def on_domain_error(request: Request, err: errors.GongwenError) -> Response:
        status = status_for(err)
        if is_api(request):
            field = err.field if isinstance(err, errors.InvalidInput) else None
            return _api_error(status, type(err).__name__, str(err), field)
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return await page_error(request, status, str(err))

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, err: RequestValidationError) -> Response:
        problems = err.errors()
        first = dict(problems[0]) if problems else {"loc": ("body",), "type": "value_error"}
        field = _field(first)
        reason = _REASONS.get(str(first.get("type")), str(first.get("msg") or "格式不正确"))
        if is_api(request):
            return _api_error(422, "InvalidInput", f"{field}: {reason}", field)
        return await page_error(request, 400, f"请求参数有误（{field}: {reason}）")

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, err: HTTPException) -> Response:
        headers = dict(err.headers or {})
        if err.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = allowed
        if not is_api(request):
            err.headers = headers
            return await http_exception_handler(request, err)
        try:
            kind = HTTPStatus(err.status_code).phrase.replace(" ", "").replace("-", "")
        except ValueError:
            kind = "HTTPError"
        # The framework's only 400 is a body it could not parse (e.g. bytes that are not UTF-8).
        field = "body" if err.status_code == 400 else None
        return _api_error(err.status_code, kind, str(err.detail), field, headers or None)
