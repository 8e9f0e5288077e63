"""Catalogue pages: home, browse, search, material, revisions, download."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from gongwen.errors import QueryError
from gongwen.export.render import parse_format
from gongwen.materials import body_blocks
from gongwen.platform import catalogue as service
from gongwen.search.service import Filters
from gongwen.web.deps import CtxDep, finish, render

router = APIRouter()


def _filters(kind: str, doc_type: str, year: str, period: str, section: str) -> Filters:
    return Filters(kind or None, doc_type or None, int(year) if year.isdigit() else None,
                   period or None, section or None)


@router.get("/", response_class=HTMLResponse)
async def home(ctx: CtxDep) -> Response:
    cards = service.browse(ctx.lib, ctx.viewer, limit=20)
    return render(ctx, "index.html", cards=cards, facets=service.facets(ctx.lib))


@router.get("/materials", response_class=HTMLResponse)
async def browse(ctx: CtxDep, kind: str = "", type: str = "", year: str = "", period: str = "",
                 page: int = 1) -> Response:
    page = max(1, page)
    cards = service.browse(ctx.lib, ctx.viewer, organisation_kind=kind or None,
                           doc_type=type or None, year=int(year) if year.isdigit() else None,
                           period=period or None, limit=50, offset=(page - 1) * 50)
    return render(ctx, "browse.html", cards=cards, facets=service.facets(ctx.lib),
                  selected={"kind": kind, "type": type, "year": year, "period": period}, page=page)


@router.get("/search", response_class=HTMLResponse)
async def search(ctx: CtxDep, q: str = "", kind: str = "", type: str = "", year: str = "",
                 period: str = "", section: str = "") -> Response:
    result, error = None, ""
    if q.strip():
        try:
            result = service.search_catalogue(ctx.lib, ctx.viewer, q,
                                              _filters(kind, type, year, period, section))
        except QueryError as err:
            error = str(err)
    return render(ctx, "search.html", q=q, result=result, error=error,
                  facets=service.facets(ctx.lib),
                  selected={"kind": kind, "type": type, "year": year, "period": period,
                            "section": section})


@router.get("/materials/{material_id}", response_class=HTMLResponse)
async def material(ctx: CtxDep, material_id: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    blocks = body_blocks(view.detail) if view.detail is not None else []
    return render(ctx, "material.html", view=view, blocks=blocks)


@router.get("/materials/{material_id}/download")
async def download(ctx: CtxDep, material_id: int, fmt: str = "txt") -> Response:
    rendered = service.download(ctx.lib, ctx.viewer, material_id, parse_format(fmt))
    disposition = f"attachment; filename*=UTF-8''{quote(rendered.filename)}"
    response = Response(rendered.data, media_type=rendered.media_type,
                        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})
    return finish(ctx, response)


@router.get("/materials/{material_id}/revisions", response_class=HTMLResponse)
async def revisions(ctx: CtxDep, material_id: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    return render(ctx, "revisions.html", view=view,
                  revisions=service.revision_list(ctx.lib, ctx.viewer, material_id))


@router.get("/materials/{material_id}/revisions/{number}", response_class=HTMLResponse)
async def revision_diff(ctx: CtxDep, material_id: int, number: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    diff = service.revision_diff(ctx.lib, ctx.viewer, material_id, number)
    return render(ctx, "diff.html", view=view, diff=diff)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
