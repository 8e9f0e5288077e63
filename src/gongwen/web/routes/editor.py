"""Editors: upload and publish, revise with a note, edit metadata, schedule, retire."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import GongwenError, InvalidInput
from gongwen.platform import browse, publishing, reading
from gongwen.platform.access import require_editor
from gongwen.util.clock import now
from gongwen.web.app_support import BEIJING
from gongwen.web.deps import CtxDep, render
from gongwen.web.schemas import RowId

router = APIRouter(prefix="/editor", include_in_schema=False)
FormStr = Annotated[str, Form()]


def _when(value: str) -> datetime | None | Literal["now"]:
    """The schedule field: empty = now; "draft" = unpublished; else a Beijing date-time (the
    time the pages show)."""
    value = value.strip()
    if not value:
        return "now"
    if value == "draft":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("publish_at", "发布时间格式应为 2026-12-01T09:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


@router.get("", response_class=HTMLResponse)
def dashboard(ctx: CtxDep, message: str = "", error: str = "") -> Response:
    require_editor(ctx.member)
    cards = browse.browse(ctx.lib, ctx.viewer, limit=200)
    return render(ctx, "editor.html", cards=cards, message=message, error=error)


@router.post("/upload", response_class=HTMLResponse)
def upload(
    ctx: CtxDep,
    files: Annotated[list[UploadFile], File()],
    publish_at: FormStr = "",
    note: FormStr = "",
) -> Response:
    editor = require_editor(ctx.member)
    when = _when(publish_at)
    lines, errors = [], []
    for upload_file in files:  # a batch goes on past a bad file
        name = upload_file.filename or "upload"
        try:
            saved = publishing.publish_upload(
                ctx.lib,
                editor,
                name,
                upload_file.file.read(publishing.MAX_UPLOAD_BYTES + 1),
                publish_at=when,
                note=note,
            )
        except GongwenError as err:
            errors.append(f"{name}：{getattr(err, 'reason', str(err))}")
            continue
        lines += [
            f"{name}：{s.title}（{ {'new': '新材料', 'revision': '新版本', 'unchanged': '未变'}[s.status] }）"
            for s in saved
        ]
    # Redirect after the post, so that a reload does not upload the files again.
    query = urlencode({"message": "；".join(lines), "error": "；".join(errors)})
    return RedirectResponse(f"/editor?{query}", status_code=303)


@router.get("/materials/{material_id}", response_class=HTMLResponse)
def edit(ctx: CtxDep, material_id: RowId) -> Response:
    editor = require_editor(ctx.member)
    view = reading.material_view(ctx.lib, ctx.viewer, material_id)
    return render(
        ctx,
        "editor_material.html",
        view=view,
        text=publishing.material_text(ctx.lib, editor, material_id),
    )


@router.post("/materials/{material_id}/metadata")
def metadata(
    ctx: CtxDep,
    material_id: RowId,
    title: FormStr,
    organisation: FormStr = "",
    organisation_kind: FormStr = "",
    year: FormStr = "",
    period: FormStr = "",
    doc_type: FormStr = "",
) -> Response:
    publishing.edit_metadata(
        ctx.lib,
        require_editor(ctx.member),
        material_id,
        title=title,
        organisation=organisation,
        organisation_kind=organisation_kind,
        year=year or None,
        period=period,
        doc_type=doc_type,
    )
    return RedirectResponse(f"/editor/materials/{material_id}", status_code=303)


@router.post("/materials/{material_id}/revision")
def revise(ctx: CtxDep, material_id: RowId, text: FormStr, note: FormStr = "") -> Response:
    publishing.publish_revision(ctx.lib, require_editor(ctx.member), material_id, text, note)
    return RedirectResponse(f"/materials/{material_id}/revisions", status_code=303)


@router.post("/materials/{material_id}/schedule")
def schedule(ctx: CtxDep, material_id: RowId, publish_at: FormStr = "") -> Response:
    when = _when(publish_at)
    publishing.schedule(
        ctx.lib, require_editor(ctx.member), material_id, now() if when == "now" else when
    )
    return RedirectResponse(f"/editor/materials/{material_id}", status_code=303)


@router.post("/materials/{material_id}/retire")
def retire(ctx: CtxDep, material_id: RowId) -> Response:
    publishing.retire(ctx.lib, require_editor(ctx.member), material_id)
    return RedirectResponse("/editor", status_code=303)
