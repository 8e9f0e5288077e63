"""Catalogue pages: home, browse, search, material, revisions, download."""

from __future__ import annotations

from collections import OrderedDict
from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from gongwen.errors import QueryError
from gongwen.export.render import Rendered, parse_format
from gongwen.platform import catalogue as service
from gongwen.search.service import Filters
from gongwen.web.deps import CtxDep, finish, render

router = APIRouter()


def browse_args(kind: str, doc_type: str, year: str, period: str) -> service.BrowseFilters:
    """Query-string filters (empty = any) as service arguments."""
    return {
        "organisation_kind": kind or None,
        "doc_type": doc_type or None,
        "year": int(year) if year.isdigit() else None,
        "period": period or None,
    }


def search_filters(kind: str, doc_type: str, year: str, period: str, section: str) -> Filters:
    return Filters(**browse_args(kind, doc_type, year, period), section_kind=section or None)


@router.get("/", response_class=HTMLResponse)
async def home(ctx: CtxDep) -> Response:
    cards = service.browse(ctx.lib, ctx.viewer, limit=20)
    return render(ctx, "index.html", cards=cards, facets=service.facets(ctx.lib))


@router.get("/materials", response_class=HTMLResponse)
async def browse(
    ctx: CtxDep, kind: str = "", type: str = "", year: str = "", period: str = "", page: int = 1
) -> Response:
    page = max(1, page)
    cards = service.browse(
        ctx.lib,
        ctx.viewer,
        **browse_args(kind, type, year, period),
        limit=50,
        offset=(page - 1) * 50,
    )
    return render(
        ctx,
        "browse.html",
        cards=cards,
        facets=service.facets(ctx.lib),
        selected={"kind": kind, "type": type, "year": year, "period": period},
        page=page,
    )


@router.get("/search", response_class=HTMLResponse)
async def search(
    ctx: CtxDep,
    q: str = "",
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    section: str = "",
) -> Response:
    result, error = None, ""
    if q.strip():
        try:
            result = service.search_catalogue(
                ctx.lib, ctx.viewer, q, search_filters(kind, type, year, period, section)
            )
        except QueryError as err:
            error = str(err)
    return render(
        ctx,
        "search.html",
        q=q,
        result=result,
        error=error,
        facets=service.facets(ctx.lib),
        selected={"kind": kind, "type": type, "year": year, "period": period, "section": section},
    )


@router.get("/materials/{material_id}", response_class=HTMLResponse)
async def material(ctx: CtxDep, material_id: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    body = _body_html(id(ctx.lib), view.revision) if view.readable else ""
    return render(ctx, "material.html", view=view, body=body)


_BODY_CACHE: OrderedDict[tuple[int, int], Markup] = OrderedDict()
_BODY_CACHE_SIZE = 8192


def _body_html(library_id: int, revision: service.RevisionView) -> Markup:
    """The full text as HTML, made once per revision (revisions never change)."""
    key = (library_id, revision.revision_id)
    cached = _BODY_CACHE.get(key)
    if cached is not None:
        _BODY_CACHE.move_to_end(key)
        return cached
    parts = []
    for kind, level, text in revision.blocks:
        if kind == "heading":
            tag = f"h{min(level + 2, 4)}"
            parts.append(f"<{tag}>{escape(text)}</{tag}>")
        else:
            parts.append(f"<p>{escape(text)}</p>")
    html = _BODY_CACHE[key] = Markup("\n".join(parts))
    if len(_BODY_CACHE) > _BODY_CACHE_SIZE:
        _BODY_CACHE.popitem(last=False)
    return html


@router.get("/materials/{material_id}/download")
async def download(ctx: CtxDep, material_id: int, fmt: str = "txt") -> Response:
    rendered = service.download(ctx.lib, ctx.viewer, material_id, parse_format(fmt))
    return finish(ctx, attachment(rendered))


def attachment(rendered: Rendered) -> Response:
    """A member's copy as a download (never cached by a proxy)."""
    disposition = f"attachment; filename*=UTF-8''{quote(rendered.filename)}"
    return Response(
        rendered.data,
        media_type=rendered.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/materials/{material_id}/revisions", response_class=HTMLResponse)
async def revisions(ctx: CtxDep, material_id: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    return render(
        ctx,
        "revisions.html",
        view=view,
        revisions=service.revision_list(ctx.lib, ctx.viewer, material_id),
    )


@router.get("/materials/{material_id}/revisions/{number}", response_class=HTMLResponse)
async def revision_diff(ctx: CtxDep, material_id: int, number: int) -> Response:
    view = service.material_view(ctx.lib, ctx.viewer, material_id)
    diff = service.revision_diff(ctx.lib, ctx.viewer, material_id, number)
    return render(ctx, "diff.html", view=view, diff=diff)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
