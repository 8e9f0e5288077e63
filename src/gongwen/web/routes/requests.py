"""Material requests: post, upvote, and (editors) plan or answer them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import InvalidInput
from gongwen.platform import requests as service
from gongwen.platform.accounts import require_editor, require_member
from gongwen.web.deps import CtxDep, render

router = APIRouter(prefix="/requests")
FormStr = Annotated[str, Form()]


@router.get("", response_class=HTMLResponse)
async def listing(ctx: CtxDep, error: str = "") -> Response:
    return render(
        ctx,
        "requests.html",
        items=service.listing(ctx.lib, ctx.member),
        statuses=service.STATUSES,
        error=error,
    )


@router.post("", response_class=HTMLResponse)
async def post(ctx: CtxDep, title: FormStr, body: FormStr = "", csrf: FormStr = "") -> Response:
    ctx.check_csrf(csrf)
    member = require_member(ctx.member)
    try:
        service.post(ctx.lib, member, title, body)
    except InvalidInput as err:
        return render(
            ctx,
            "requests.html",
            status_code=400,
            items=service.listing(ctx.lib, member),
            statuses=service.STATUSES,
            error=err.reason,
        )
    return RedirectResponse("/requests", status_code=303)


@router.post("/{request_id}/vote")
async def vote(ctx: CtxDep, request_id: int, csrf: FormStr = "") -> Response:
    ctx.check_csrf(csrf)
    service.toggle_vote(ctx.lib, require_member(ctx.member), request_id)
    return RedirectResponse("/requests", status_code=303)


@router.post("/{request_id}/status")
async def status(
    ctx: CtxDep, request_id: int, status: FormStr, material_id: FormStr = "", csrf: FormStr = ""
) -> Response:
    ctx.check_csrf(csrf)
    service.set_status(
        ctx.lib,
        require_editor(ctx.member),
        request_id,
        status,
        int(material_id) if material_id.strip().isdigit() else None,
    )
    return RedirectResponse("/requests", status_code=303)
