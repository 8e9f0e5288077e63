"""JSON API under /api/v1: the same service calls as the pages, the same access rules.

Every operation declares its answer (gongwen.web.schemas) and the errors it can give; errors
are `{"error": …, "message": …, "field"?: …}` (gongwen.web.errors). schemathesis checks the
document against the running app in tests/web/test_api_schema.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from gongwen.export.render import MEDIA_TYPES, Format
from gongwen.platform import browse, compose, downloads, favourites, reading, requests, writing
from gongwen.platform.access import require_member
from gongwen.platform.events import events_after
from gongwen.platform.search import search_catalogue
from gongwen.web import deps
from gongwen.web.deps import CtxDep
from gongwen.web.routes import api_proofread
from gongwen.web.routes.catalogue import attachment, browse_args, search_filters
from gongwen.web.schemas import (
    CSRF_PARAMETER,
    CardOut,
    ComposeIn,
    CreatedOut,
    DownloadOut,
    EventId,
    EventOut,
    Facet,
    FieldOut,
    FillIn,
    FillOut,
    HitOut,
    KeptOut,
    MaterialId,
    MaterialOut,
    MeOut,
    Offset,
    OutlineEntryOut,
    PlaceholderOut,
    RequestIn,
    RequestOut,
    SearchOut,
    SearchQuery,
    SectionOut,
    SubscriptionOut,
    TemplateOut,
    VersionOut,
    Year,
    errors,
)


def _one_value_each(request: Request) -> None:
    """A parameter given twice is refused (422): FastAPI would keep the last value silently."""
    route = request.scope.get("route")
    declared = (
        {p.alias for p in route.dependant.query_params} if isinstance(route, APIRoute) else set()
    )
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name in declared and name in seen:
            raise RequestValidationError(
                [
                    {
                        "type": "repeated",
                        "loc": ("query", name),
                        "msg": "只能给一个值",
                        "input": request.query_params.getlist(name),
                    }
                ]
            )
        seen.add(name)


router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    dependencies=[Depends(_one_value_each)],
    responses=errors(422),
)
_DOWNLOAD_TYPES = {
    media: {"schema": {"type": "string", **({"format": "binary"} if fmt is Format.DOCX else {})}}
    for fmt, media in MEDIA_TYPES.items()
}


@router.get("/me", responses=errors(401, 403))
def me(ctx: CtxDep) -> MeOut:
    member = require_member(ctx.member)
    sub = ctx.viewer.subscription
    return MeOut(
        id=member.id,
        email=member.email,
        role=member.role,
        subscription=None
        if sub is None
        else SubscriptionOut(plan=sub.plan, starts_at=sub.starts_at, ends_at=sub.ends_at),
    )


@router.get("/materials")
def materials(
    ctx: CtxDep,
    kind: Facet = "",
    type: Facet = "",
    year: Year = "",
    period: Facet = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> list[CardOut]:
    cards = browse.browse(
        ctx.lib,
        ctx.viewer,
        **browse_args(kind, type, year, period),  # type: ignore[arg-type]
        limit=limit,
        offset=offset,
    )
    return [CardOut.model_validate(c) for c in cards]


@router.get(
    "/materials/{material_id}", responses=errors(404, 429), response_model_exclude_unset=True
)
def material(ctx: CtxDep, material_id: MaterialId) -> MaterialOut:
    """A material: outline and preview for everyone; full text only for covered readers (their
    own copy, recorded and counted: 429 past the reading limit)."""
    view = reading.material_view(ctx.lib, ctx.viewer, material_id, with_text=True, kind="api")
    out = MaterialOut(
        **CardOut.model_validate(view.card).model_dump(),
        revision=view.revision_number,
        revisions=view.revisions,
        outline=[SectionOut.model_validate(s) for s in view.sections],
        preview=view.preview,
        versions=[VersionOut.model_validate(v) for v in view.versions],
        related=[
            CardOut.model_validate(c) for c in browse.related(ctx.lib, ctx.viewer, material_id)
        ],
        favourite=favourites.is_kept(ctx.lib, ctx.viewer, material_id),
    )
    if view.readable:  # a member's copy (their wording at the variant sites), as on the page
        text, places = (
            (view.marks.text, view.marks.placeholders)
            if view.marks is not None
            else (view.revision.text, view.revision.placeholders)
        )
        out.text = text
        out.placeholders = [PlaceholderOut.model_validate(p) for p in places]
    return out


@router.get("/search", responses=errors(400, 429))
def search(
    ctx: CtxDep,
    q: SearchQuery,
    kind: Facet = "",
    type: Facet = "",
    year: Year = "",
    period: Facet = "",
    section: Facet = "",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
    limit: Annotated[int, Query(ge=1, le=50, description="Materials per page")] = 10,
    material: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Search one material")
    ] = None,
) -> SearchOut:
    """Matching materials, best first, grouped (one entry per material with its best passages),
    paged, with facet counts over all matches. Materials the viewer may not read match by their
    title, outline and preview only (see platform.search); searches are limited per session and
    per address."""
    result = search_catalogue(
        ctx.lib,
        ctx.viewer,
        q,
        search_filters(kind, type, year, period, section),
        limit=limit,
        client=ctx.client,
        page=page,
        material_id=material,
    )
    return SearchOut.model_validate(result.as_json())


@router.get(
    "/materials/{material_id}/download",
    response_class=Response,
    responses={
        200: {"description": "材料文件（附件）", "content": _DOWNLOAD_TYPES},
        **errors(401, 403, 404, 429),
    },
)
def download(ctx: CtxDep, material_id: MaterialId, fmt: Format = Format.TXT) -> Response:
    return attachment(downloads.download(ctx.lib, ctx.viewer, material_id, fmt))


@router.get("/materials/{material_id}/template", responses=errors(401, 403, 404))
def material_template(ctx: CtxDep, material_id: MaterialId) -> TemplateOut:
    """The material's fields to fill in, each with every place and its context (readers only:
    the context is the material's text)."""
    detail, fields = writing.template(ctx.lib, ctx.viewer, material_id)
    return TemplateOut(
        material_id=material_id,
        title=detail.summary.title,
        fields=[FieldOut.model_validate(f.as_json()) for f in fields],
    )


@router.post("/materials/{material_id}/fill", responses=errors(400, 401, 403, 404))
def material_fill(ctx: CtxDep, material_id: MaterialId, payload: FillIn) -> FillOut:
    """Check values against the template: what is filled, what is left, what does not add up
    (F001–F005). Takes no copy away; the .docx is POST …/fill.docx."""
    result = writing.check(ctx.lib, ctx.viewer, material_id, dict(payload.values))
    return FillOut.model_validate(result.as_json())


@router.post(
    "/materials/{material_id}/fill.docx",
    response_class=Response,
    responses={
        200: {"description": "填写稿（附件）", "content": {MEDIA_TYPES[Format.DOCX]: {}}},
        **errors(400, 401, 403, 404, 429),
    },
)
def material_fill_docx(ctx: CtxDep, material_id: MaterialId, payload: FillIn) -> Response:
    """The filled .docx (GB/T 9704-2012), a counted and logged copy like a download."""
    return attachment(writing.filled_copy(ctx.lib, ctx.viewer, material_id, dict(payload.values)))


@router.get("/compose/outline", responses=errors(401, 403))
def compose_outline(
    ctx: CtxDep, type: Facet = "工作总结", kind: Facet = "", period: Facet = ""
) -> list[OutlineEntryOut]:
    """The top-level sections most of the library's reports of this kind have, in order."""
    require_member(ctx.member)
    outline = compose.propose_outline(ctx.lib, ctx.viewer, type, kind or None, period or None)
    return [OutlineEntryOut.model_validate(e) for e in outline]


@router.get("/compose/suggest", responses=errors(400, 401, 403, 429))
def compose_suggest(ctx: CtxDep, section: Facet, q: SearchQuery) -> list[HitOut]:
    """Paragraphs in sections of that kind holding the query, from materials the member reads."""
    return [
        HitOut.model_validate(h.as_json())
        for h in compose.suggest(ctx.lib, ctx.viewer, section, q, client=ctx.client)
    ]


@router.post(
    "/compose/draft.docx",
    response_class=Response,
    responses={
        200: {"description": "组稿草稿（附件）", "content": {MEDIA_TYPES[Format.DOCX]: {}}},
        **errors(400, 401, 403, 404, 429),
    },
)
def compose_draft(ctx: CtxDep, payload: ComposeIn) -> Response:
    """The draft as a GB/T 9704 .docx; logged once for every material it borrows from."""
    plan = [(s.heading, list(s.paragraphs)) for s in payload.sections]
    _, rendered = compose.draft_copy(ctx.lib, ctx.viewer, payload.title, plan, payload.doc_type)
    return attachment(rendered)


@router.get("/favourites", responses=errors(401, 403))
def favourite_list(ctx: CtxDep) -> list[CardOut]:
    """The member's favourites (收藏), most recently kept first; materials no longer published
    drop out."""
    return [CardOut.model_validate(c) for c in favourites.listing(ctx.lib, ctx.viewer)]


@router.put("/favourites/{material_id}", responses=errors(401, 403, 404))
def favourite_keep(ctx: CtxDep, material_id: MaterialId) -> KeptOut:
    """Keep a material (members; send the session's CSRF token as X-CSRF-Token)."""
    changed = favourites.keep(ctx.lib, ctx.viewer, material_id)
    return KeptOut(material_id=material_id, kept=True, changed=changed)


@router.delete("/favourites/{material_id}", responses=errors(401, 403))
def favourite_drop(ctx: CtxDep, material_id: MaterialId) -> KeptOut:
    """Stop keeping a material (members; X-CSRF-Token as above)."""
    changed = favourites.drop(ctx.lib, ctx.viewer, material_id)
    return KeptOut(material_id=material_id, kept=False, changed=changed)


@router.get("/downloads", responses=errors(401, 403))
def download_history(ctx: CtxDep) -> list[DownloadOut]:
    """The member's own downloads, newest first."""
    return [DownloadOut.model_validate(d) for d in downloads.history(ctx.lib, ctx.viewer)]


@router.get("/requests")
def request_list(ctx: CtxDep) -> list[RequestOut]:
    return [RequestOut.model_validate(r) for r in requests.listing(ctx.lib, ctx.viewer)]


@router.post("/requests", status_code=201, responses=errors(400, 401, 403))
def request_post(ctx: CtxDep, payload: RequestIn) -> CreatedOut:
    """Post a material request (members; send the session's CSRF token as X-CSRF-Token)."""
    member = require_member(ctx.member)
    return CreatedOut(id=requests.post(ctx.lib, member, payload.title, payload.body))


@router.get("/events")
def recent_events(ctx: CtxDep, after: EventId = 0) -> list[EventOut]:
    """Events after an id, as the viewer may see them (drafts, scheduled and retired
    materials are never named)."""
    return [EventOut.model_validate(e) for e in events_after(ctx.lib, ctx.viewer, after)]


router.include_router(api_proofread.router)  # the proofreader's operations


def openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, made once: every unsafe operation names the X-CSRF-Token
    header that the app-wide check (web/deps.py require_csrf) reads, and its 403."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = FastAPI.openapi(app)  # made and kept as app.openapi_schema
    refused = {
        "description": errors(403)[403]["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() not in deps.SAFE_METHODS:
                operation.setdefault("parameters", []).append(dict(CSRF_PARAMETER))
                operation["responses"].setdefault("403", refused)
    return document
