"""Catalogue pages: home, browse, search, material, revisions, download."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from gongwen.errors import InvalidInput, QueryError, RateLimited
from gongwen.export import html
from gongwen.export.render import Rendered, parse_format
from gongwen.library import Library
from gongwen.model.material import CopyMarks, RevisionView
from gongwen.model.search import Filters
from gongwen.platform import browse as browsing
from gongwen.platform import downloads, favourites, reading, writing
from gongwen.platform.search import search_catalogue
from gongwen.web.deps import CtxDep, finish, render
from gongwen.web.schemas import PageNumber, RowId

router = APIRouter(include_in_schema=False)  # pages: the API is described under /api/v1
FormStr = Annotated[str, Form()]
PAGE_SIZE = 50
SECTION_KINDS = ("工作情况", "主要做法", "存在问题", "下步打算", "其他")
PER_PAGE = ("5", "10", "20", "50")  # materials per search page
DEFAULT_PER_PAGE = 10


def browse_args(kind: str, doc_type: str, year: str, period: str) -> dict[str, object]:
    """Query-string filters (empty = any) as service arguments."""
    return {
        "organisation_kind": kind or None,
        "doc_type": doc_type or None,
        "year": int(year) if year.isascii() and year.isdigit() and len(year) <= 4 else None,
        "period": period or None,
    }


def search_filters(kind: str, doc_type: str, year: str, period: str, section: str) -> Filters:
    return Filters(**browse_args(kind, doc_type, year, period), section_kind=section or None)  # type: ignore[arg-type]


@router.get("/", response_class=HTMLResponse)
def home(ctx: CtxDep) -> Response:
    page = browsing.home(ctx.lib, ctx.viewer)
    return render(ctx, "index.html", home=page, cards=page.latest, facets=browsing.facets(ctx.lib))


@router.get("/materials", response_class=HTMLResponse)
def browse(
    ctx: CtxDep,
    page: PageNumber = 1,
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
) -> Response:
    cards = browsing.browse(
        ctx.lib,
        ctx.viewer,
        **browse_args(kind, type, year, period),  # type: ignore[arg-type]
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render(
        ctx,
        "browse.html",
        cards=cards,
        facets=browsing.facets(ctx.lib),
        selected={"kind": kind, "type": type, "year": year, "period": period},
        page=page,
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    ctx: CtxDep,
    q: str = "",
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    section: str = "",
    page: PageNumber = 1,
    material: str = "",
    per: str = "",
) -> Response:
    result, error, status = None, "", 200
    per_page = int(per) if per in PER_PAGE else DEFAULT_PER_PAGE
    selected = {
        "kind": kind,
        "type": type,
        "year": year,
        "period": period,
        "section": section,
        "material": material
        if material.isascii() and material.isdigit() and len(material) < 10
        else "",
        "per": str(per_page) if per_page != DEFAULT_PER_PAGE else "",
    }
    if q.strip():
        try:
            result = search_catalogue(
                ctx.lib,
                ctx.viewer,
                q,
                search_filters(kind, type, year, period, section),
                limit=per_page,
                client=ctx.client,
                page=page,
                material_id=int(selected["material"]) if selected["material"] else None,
            )
        except QueryError as err:
            error = str(err)
        except RateLimited as err:
            error, status = str(err), 429

    def link(**changes: object) -> str:
        """This search with some parameters changed (a facet picked, another page)."""
        params = {"q": q, **selected, "page": page, **changes}
        if "page" not in changes or params["page"] == 1:
            params["page"] = ""  # a new filter starts at the first page
        return "/search?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    return render(
        ctx,
        "search.html",
        status_code=status,
        q=q,
        result=result,
        error=error,
        facets=browsing.facets(ctx.lib),
        sections=SECTION_KINDS,
        selected=selected,
        link=link,
    )


@router.get("/materials/{material_id}", response_class=HTMLResponse)
def material(ctx: CtxDep, material_id: RowId) -> Response:
    view = reading.material_view(ctx.lib, ctx.viewer, material_id)
    if not view.readable:
        body = Markup("")
    elif view.marks is not None:
        body = copy_html(view.marks)
    else:
        body = body_html(ctx.lib, view.revision)
    return render(
        ctx,
        "material.html",
        view=view,
        body=body,
        related=browsing.related(ctx.lib, ctx.viewer, material_id),
        kept=favourites.is_kept(ctx.lib, ctx.viewer, material_id),
    )


@router.post("/materials/{material_id}/favourite")
def favourite(ctx: CtxDep, material_id: RowId, action: FormStr = "keep") -> Response:
    """Keep or drop a material (a form on its page), then back to the page."""
    if action == "drop":
        favourites.drop(ctx.lib, ctx.viewer, material_id)
    else:
        favourites.keep(ctx.lib, ctx.viewer, material_id)
    return finish(ctx, RedirectResponse(f"/materials/{material_id}", status_code=303))


def body_html(lib: Library, revision: RevisionView) -> Markup:
    """The full text as HTML, made once per revision (revisions never change)."""
    key = ("body", revision.revision_id)  # an editor's page: the text as published
    return lib.caches.get(lib.caches.fragments, key, lambda: Markup(html.body_html(revision)))


@lru_cache(maxsize=4096)
def _escaped(word: str) -> str:
    """A variant wording as HTML: a few hundred per page from a catalogue of a few hundred."""
    return str(escape(word))


def copy_html(marks: CopyMarks) -> Markup:
    """A reader's copy as HTML: the revision's slotted HTML template (stored with its sites,
    platform/pages.py) with each slot filled with the reader's wording."""
    page = marks.template.format(*map(_escaped, marks.words))
    if marks.invisible:  # the operator's optional zero-width mark, at every paragraph
        page = page.replace("<p>", "<p>" + marks.invisible)
    return Markup(page)


@router.get("/materials/{material_id}/download")
def download(ctx: CtxDep, material_id: RowId, fmt: str = "txt") -> Response:
    rendered = downloads.download(ctx.lib, ctx.viewer, material_id, parse_format(fmt))
    return finish(ctx, attachment(rendered))


def attachment(rendered: Rendered) -> Response:
    """A member's copy as a download (never cached by a proxy)."""
    disposition = f"attachment; filename*=UTF-8''{quote(rendered.filename)}"
    return Response(
        rendered.data,
        media_type=rendered.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@router.get("/materials/{material_id}/template", response_class=HTMLResponse)
def template_page(ctx: CtxDep, material_id: RowId) -> Response:
    """The material's fields as a form: fill in your figures, check them, take the .docx."""
    detail, fields = writing.template(ctx.lib, ctx.viewer, material_id)
    return render(
        ctx, "template.html", detail=detail, fields=fields, values={}, result=None, error=""
    )


@router.post("/materials/{material_id}/fill", response_class=HTMLResponse)
async def fill_page(ctx: CtxDep, material_id: RowId, request: Request) -> Response:
    """action=check shows what is left and what does not add up; action=download takes the
    filled .docx (a counted, logged copy)."""
    async with request.form() as form:  # read once (the CSRF check read it), then closed
        values: dict[str, object] = {
            str(k)[2:]: str(v)
            for k, v in form.multi_items()
            if str(k).startswith("f:") and str(v).strip()
        }
        action = str(form.get("action", "check"))
    return await run_in_threadpool(_fill, ctx, material_id, values, action)


def _fill(ctx: CtxDep, material_id: int, values: dict[str, object], action: str) -> Response:
    detail, fields = writing.template(ctx.lib, ctx.viewer, material_id)
    try:
        if action == "download":
            return finish(
                ctx, attachment(writing.filled_copy(ctx.lib, ctx.viewer, material_id, values))
            )
        result = writing.check(ctx.lib, ctx.viewer, material_id, values)
    except InvalidInput as err:
        return render(
            ctx,
            "template.html",
            status_code=400,
            detail=detail,
            fields=fields,
            values=values,
            result=None,
            error=f"{err.field}：{err.reason}",
        )
    return render(
        ctx, "template.html", detail=detail, fields=fields, values=values, result=result, error=""
    )


@router.post("/materials/{material_id}/redate")
def redate_download(
    ctx: CtxDep,
    material_id: RowId,
    year: FormStr = "",
    period: FormStr = "",
    action: FormStr = "preview",
) -> Response:
    """Last year's report as this year's draft: action=preview shows what changed and what to
    review; action=download takes the .docx (a counted copy)."""
    if not (year.isascii() and year.isdigit() and 1949 <= int(year) <= 2100):
        raise InvalidInput("year", "年份应为 1949–2100 的四位数字")
    chosen = period if period in ("上半年", "下半年", "全年") else None
    if action == "download":
        rendered = writing.redated_copy(ctx.lib, ctx.viewer, material_id, int(year), chosen)
        return finish(ctx, attachment(rendered))
    draft = writing.redated_preview(ctx.lib, ctx.viewer, material_id, int(year), chosen)
    return render(
        ctx, "redate.html", material_id=material_id, draft=draft, year=year, period=period or ""
    )


@router.get("/materials/{material_id}/revisions", response_class=HTMLResponse)
def revisions(ctx: CtxDep, material_id: RowId) -> Response:
    view = reading.material_view(ctx.lib, ctx.viewer, material_id, kind="outline")
    return render(
        ctx,
        "revisions.html",
        view=view,
        revisions=reading.revision_list(ctx.lib, ctx.viewer, material_id),
    )


@router.get("/materials/{material_id}/revisions/{number}", response_class=HTMLResponse)
def revision_diff(ctx: CtxDep, material_id: RowId, number: RowId) -> Response:
    view = reading.material_view(ctx.lib, ctx.viewer, material_id, kind="outline")
    diff = reading.revision_diff(ctx.lib, ctx.viewer, material_id, number)
    return render(ctx, "diff.html", view=view, diff=diff)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
