"""Reseller reports (anyone), their review (editors), appeals (suspended members)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import GongwenError, InvalidInput, RateLimited
from gongwen.model.member import Member
from gongwen.platform import marking, tracing
from gongwen.platform import reports as service
from gongwen.platform.access import require_editor
from gongwen.util.text import plain_text
from gongwen.web.deps import Ctx, CtxDep, render
from gongwen.web.schemas import RowId

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


@router.get("/report", response_class=HTMLResponse)
def form(ctx: CtxDep) -> Response:
    return render(ctx, "report.html", error="", values={})


@router.post("/report", response_class=HTMLResponse)
def submit(
    ctx: CtxDep,
    contact: FormStr = "",
    text: FormStr = "",
    link: FormStr = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        filename = _file_name(file)  # before anything is read, traced or counted
        data = file.file.read(service.MAX_FILE_BYTES + 1) if file and filename else None
        _, token = service.submit(
            ctx.lib,
            contact=contact,
            text=text,
            link=link,
            data=data,
            filename=filename,
            reporter=ctx.member,
            client=ctx.client,
        )
    except GongwenError as err:
        values = {"contact": contact, "text": text, "link": link}
        return render(
            ctx,
            "report.html",
            status_code=429 if isinstance(err, RateLimited) else 400,
            error=getattr(err, "reason", str(err)),
            values=values,
        )
    return RedirectResponse(f"/report/status/{token}", status_code=303)


def _file_name(file: UploadFile | None) -> str:
    """The uploaded file's name, refused if it holds a control character: it is stored with
    the report, and PostgreSQL cannot store a NUL."""
    try:
        return plain_text("file", (file.filename or "") if file else "")
    except InvalidInput as err:
        raise InvalidInput("file", f"文件名{err.reason}") from None


@router.get("/report/status/{token}", response_class=HTMLResponse)
def status(ctx: CtxDep, token: str) -> Response:
    return render(ctx, "report_status.html", status=service.public_status(ctx.lib, token))


@router.get("/admin/reports", response_class=HTMLResponse)
def listing(ctx: CtxDep) -> Response:
    editor = require_editor(ctx.member)
    return render(ctx, "admin_reports.html", reports=service.listing(ctx.lib, editor))


@router.get("/admin/reports/{report_id}", response_class=HTMLResponse)
def detail(ctx: CtxDep, report_id: RowId, error: str = "") -> Response:
    view = service.detail(ctx.lib, require_editor(ctx.member), report_id)
    return render(ctx, "admin_report.html", view=view, error=error)


@router.post("/admin/reports/{report_id}/confirm", response_class=HTMLResponse)
def confirm(
    ctx: CtxDep,
    report_id: RowId,
    reason: FormStr = "",
    leaker_email: FormStr = "",
) -> Response:
    return _decide(
        ctx, report_id, lambda e: service.confirm(ctx.lib, e, report_id, reason, leaker_email)
    )


@router.post("/admin/reports/{report_id}/combine", response_class=HTMLResponse)
def combine(ctx: CtxDep, report_id: RowId, others: FormStr = "") -> Response:
    """Combine reports of one leak (other report numbers, separated by commas or spaces)."""
    numbers = [int(n) for n in re.findall(r"\d{1,9}", others)]
    return _decide(ctx, report_id, lambda e: service.combine(ctx.lib, e, report_id, numbers))


@router.post("/admin/reports/{report_id}/reject", response_class=HTMLResponse)
def reject(ctx: CtxDep, report_id: RowId, reason: FormStr = "") -> Response:
    return _decide(ctx, report_id, lambda e: service.reject(ctx.lib, e, report_id, reason))


def _decide(ctx: Ctx, report_id: int, decision: Callable[[Member], object]) -> Response:
    """An editor's decision on a report: back to it, or its page again with the reason why not."""
    editor = require_editor(ctx.member)
    try:
        decision(editor)
    except GongwenError as err:
        view = service.detail(ctx.lib, editor, report_id)
        return render(
            ctx, "admin_report.html", status_code=400, view=view, error=getattr(err, "reason", "")
        )
    return RedirectResponse(f"/admin/reports/{report_id}", status_code=303)


@router.get("/appeal", response_class=HTMLResponse)
def appeal_form(ctx: CtxDep) -> Response:
    return render(ctx, "appeal.html", error="", done=False)


@router.post("/appeal", response_class=HTMLResponse)
def appeal(
    ctx: CtxDep, email: FormStr = "", password: FormStr = "", text: FormStr = ""
) -> Response:
    try:
        service.appeal(ctx.lib, email, password, text, ctx.client)
    except GongwenError as err:
        status = 429 if isinstance(err, RateLimited) else 400  # appeals are limited (3 a day)
        return render(
            ctx,
            "appeal.html",
            status_code=status,
            error=getattr(err, "reason", str(err)),
            done=False,
        )
    return render(ctx, "appeal.html", error="", done=True)


@router.get("/admin/trace", response_class=HTMLResponse)
def trace_form(ctx: CtxDep) -> Response:
    require_editor(ctx.member)
    return render(ctx, "admin_trace.html", report=None, error="")


@router.post("/admin/trace", response_class=HTMLResponse)
def trace_run(
    ctx: CtxDep,
    text: FormStr = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Trace a leaked file or pasted text (the same service as `gongwen trace`)."""
    editor = require_editor(ctx.member)
    data = file.file.read(service.MAX_FILE_BYTES + 1) if file and file.filename else None
    try:
        report = tracing.trace(
            ctx.lib, editor, data=data, filename=(file.filename or "") if file else "", text=text
        )
    except GongwenError as err:
        return render(
            ctx,
            "admin_trace.html",
            status_code=400,
            report=None,
            error=getattr(err, "reason", str(err)),
        )
    return render(ctx, "admin_trace.html", report=report, error="")


@router.get("/editor/materials/{material_id}/variants", response_class=HTMLResponse)
def variants(ctx: CtxDep, material_id: RowId, error: str = "", saved: int = 0) -> Response:
    view = marking.variants(ctx.lib, require_editor(ctx.member), material_id)
    return render(ctx, "variants.html", view=view, error=error, saved=bool(saved))


@router.post("/editor/materials/{material_id}/variants", response_class=HTMLResponse)
def veto(
    ctx: CtxDep,
    material_id: RowId,
    veto: Annotated[list[int] | None, Form()] = None,
) -> Response:
    editor = require_editor(ctx.member)
    try:
        marking.set_vetoes(ctx.lib, editor, material_id, set(veto or []))
    except GongwenError as err:
        view = marking.variants(ctx.lib, editor, material_id)
        return render(
            ctx, "variants.html", status_code=400, view=view, error=getattr(err, "reason", "")
        )
    return RedirectResponse(f"/editor/materials/{material_id}/variants?saved=1", status_code=303)


@router.post("/editor/variants/pairs", response_class=HTMLResponse)
def add_pair(
    ctx: CtxDep, form_a: FormStr = "", form_b: FormStr = "", back: FormStr = ""
) -> Response:
    marking.add_pair(ctx.lib, require_editor(ctx.member), form_a, form_b)
    target = back if back.startswith("/editor/materials/") else "/editor"
    return RedirectResponse(target, status_code=303)
