"""Composing a report on the website: the usual outline, paragraphs found per section, the draft."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from gongwen.errors import InvalidInput, QueryError, RateLimited
from gongwen.platform import browse as browsing
from gongwen.platform import compose as composing
from gongwen.platform.access import require_member
from gongwen.web.deps import CtxDep, finish, render
from gongwen.web.routes.catalogue import attachment

router = APIRouter(include_in_schema=False)
MAX_SECTIONS = 10
_PARAGRAPH_KEY = re.compile(r"^p\d{1,2}$")  # p<section>: a chosen paragraph's id


@router.get("/compose", response_class=HTMLResponse)
def compose_page(ctx: CtxDep, type: str = "工作总结", kind: str = "", period: str = "") -> Response:
    require_member(ctx.member)
    outline = composing.propose_outline(ctx.lib, ctx.viewer, type, kind or None, period or None)
    sections = [
        {"heading": e.heading, "kind": e.section_kind, "query": "", "chosen": [], "hits": []}
        for e in outline
    ]
    return _page(ctx, type, kind, period, "", sections, "")


@router.post("/compose", response_class=HTMLResponse)
async def compose_search(ctx: CtxDep, request: Request) -> Response:
    """Search each section's query among the sections of its kind; keep what was chosen."""
    fields, chosen = await _form(request)
    return await run_in_threadpool(_search, ctx, fields, chosen)


@router.post("/compose/draft")
async def compose_draft(ctx: CtxDep, request: Request) -> Response:
    fields, chosen = await _form(request)
    plan = [
        (fields.get(f"h{i}", "").strip(), chosen.get(i, []))
        for i in range(MAX_SECTIONS)
        if fields.get(f"h{i}", "").strip()
    ]
    if not any(ids for _, ids in plan):
        raise InvalidInput("paragraphs", "请至少为一节选择一段")
    _, rendered = await run_in_threadpool(
        composing.draft_copy,
        ctx.lib,
        ctx.viewer,
        fields.get("title", ""),
        plan,
        fields.get("type", ""),
    )
    return finish(ctx, attachment(rendered))


async def _form(request: Request) -> tuple[dict[str, str], dict[int, list[int]]]:
    """The form's fields and the paragraphs chosen for each section; read once (the CSRF
    check read it), then closed."""
    async with request.form() as form:
        fields = {k: str(v) for k, v in form.multi_items() if not _PARAGRAPH_KEY.match(k)}
        return fields, _chosen(form)


def _chosen(form: object) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for key, value in form.multi_items():  # type: ignore[attr-defined]
        if _PARAGRAPH_KEY.match(key) and str(value).isascii() and str(value).isdigit():
            out.setdefault(int(key[1:]), []).append(int(str(value)))
    return out


def _search(ctx: CtxDep, fields: dict[str, str], chosen: dict[int, list[int]]) -> Response:
    require_member(ctx.member)
    sections = []
    error = ""
    for i in range(MAX_SECTIONS):
        heading = fields.get(f"h{i}", "").strip()
        if not heading:
            continue
        kind, query = fields.get(f"k{i}", "其他"), fields.get(f"q{i}", "").strip()
        hits = []
        if query:
            try:
                hits = composing.suggest(ctx.lib, ctx.viewer, kind, query, client=ctx.client)
            except (QueryError, RateLimited) as err:
                error = str(err)
        sections.append(
            {
                "heading": heading,
                "kind": kind,
                "query": query,
                "chosen": chosen.get(i, []),
                "hits": hits,
            }
        )
    return _page(
        ctx,
        fields.get("type", ""),
        fields.get("kind", ""),
        fields.get("period", ""),
        fields.get("title", ""),
        sections,
        error,
    )


def _page(
    ctx: CtxDep, type: str, kind: str, period: str, title: str, sections: list[dict], error: str
) -> Response:
    return render(
        ctx,
        "compose.html",
        doc_type=type,
        kind=kind,
        period=period,
        title=title,
        sections=sections,
        error=error,
        facets=browsing.facets(ctx.lib),
    )
