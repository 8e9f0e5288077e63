"""Domain errors -> HTTP status, in one table. Pages get a Chinese error page, /api JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

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


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[-1] if loc else "")


def _validation_message(err: RequestValidationError) -> tuple[str, str]:
    """(field, reason) of the first problem, in Chinese."""
    problems = err.errors()
    if not problems:
        return "", "请求格式不正确"
    first = problems[0]
    field = _field(tuple(first.get("loc", ())))
    kind = str(first.get("type", ""))
    reasons = {
        "missing": "缺少此项",
        "int_parsing": "须为整数",
        "greater_than_equal": "数值过小",
        "less_than_equal": "数值过大",
        "string_too_long": "过长",
        "string_too_short": "过短",
        "json_invalid": "不是有效的 JSON",
        "value_error": "格式不正确",
        "model_attributes_type": "须为 JSON 对象",
        "dict_type": "须为 JSON 对象",
        "string_type": "须为文本",
    }
    reason = reasons.get(kind, "格式不正确")
    if kind == "value_error" and first.get("msg"):
        reason = str(first["msg"]).removeprefix("Value error, ")
    return field, reason


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
        if request.url.path.startswith("/api/"):
            body: dict[str, object] = {"error": type(err).__name__, "message": str(err)}
            if isinstance(err, errors.InvalidInput):
                body["field"] = err.field
            return JSONResponse(body, status_code=status)
        if status == 401 and request.method == "GET":
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return await page_error(request, status, str(err))

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, err: RequestValidationError) -> Response:
        field, reason = _validation_message(err)
        message = f"{field}: {reason}" if field else reason
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": "InvalidInput", "message": message, "field": field}, status_code=422
            )
        return await page_error(request, 400, f"请求参数有误（{message}）")
