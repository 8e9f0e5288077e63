"""Material requests: post, upvote, and (editors) plan or answer them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import InvalidInput
from gongwen.platform import requests as service
from gongwen.platform.access import require_editor, require_member
from gongwen.web.deps import CtxDep, render
from gongwen.web.schemas import INT32_MAX, RowId

router = APIRouter(prefix="/requests", include_in_schema=False)
FormStr = Annotated[str, Form()]


@router.get("", response_class=HTMLResponse)
def listing(ctx: CtxDep, error: str = "") -> Response:
    return render(
        ctx,
        "requests.html",
        items=service.listing(ctx.lib, ctx.viewer),
        statuses=service.STATUSES,
        error=error,
    )


@router.post("", response_class=HTMLResponse)
def post(ctx: CtxDep, title: FormStr, body: FormStr = "") -> Response:
    member = require_member(ctx.member)
    try:
        service.post(ctx.lib, member, title, body)
    except InvalidInput as err:
        return render(
            ctx,
            "requests.html",
            status_code=400,
            items=service.listing(ctx.lib, ctx.viewer),
            statuses=service.STATUSES,
            error=err.reason,
        )
    return RedirectResponse("/requests", status_code=303)


@router.post("/{request_id}/vote")
def vote(ctx: CtxDep, request_id: RowId) -> Response:
    service.toggle_vote(ctx.lib, require_member(ctx.member), request_id)
    return RedirectResponse("/requests", status_code=303)


@router.post("/{request_id}/status")
def status(ctx: CtxDep, request_id: RowId, status: FormStr, material_id: FormStr = "") -> Response:
    service.set_status(
        ctx.lib,
        require_editor(ctx.member),
        request_id,
        status,
        _material_id(material_id),
    )
    return RedirectResponse("/requests", status_code=303)


def _material_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 10) or not (
        1 <= int(value) <= INT32_MAX
    ):
        raise InvalidInput("material_id", "材料编号须为正整数")
    return int(value)
