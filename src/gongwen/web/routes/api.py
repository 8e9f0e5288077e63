"""JSON API under /api/v1: the same service calls as the pages, the same access rules.

Every route declares its response model and the error statuses it can answer with
(`{"error", "message", "field"?}`); schemathesis checks both in the test suite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import AfterValidator, BaseModel, Field

from gongwen.export.render import MEDIA_TYPES, Format, parse_format
from gongwen.model.material import Card
from gongwen.platform import browse, downloads, reading, requests
from gongwen.platform.access import require_member
from gongwen.platform.events import events_after
from gongwen.platform.search import search_catalogue
from gongwen.web.deps import MAX_ID, CtxDep, Id
from gongwen.web.routes.catalogue import attachment, browse_args, search_filters


class ErrorOut(BaseModel):
    error: str = Field(description="错误类别，如 NotFound、NotEntitled、InvalidInput")
    message: str = Field(description="给用户看的中文说明")
    field: str | None = Field(default=None, description="出错的字段（输入错误时）")


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "请求内容有误",
        401: "需要登录",
        403: "无权访问（订阅不包含、角色不符、CSRF 校验失败或账号停用）",
        404: "没有这项内容",
        422: "参数格式不正确",
        429: "请求过于频繁",
    }
    return {code: {"model": ErrorOut, "description": text[code]} for code in codes}


router = APIRouter(prefix="/api/v1", tags=["api"], responses=_errors(422))


def _plain_text(value: str) -> str:
    """Text fields must be valid Unicode text: a lone surrogate cannot be stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("含有无效字符（孤立的代理码位）") from None
    return value


Text = Annotated[str, AfterValidator(_plain_text)]


class SubscriptionOut(BaseModel):
    plan: str
    starts_at: datetime
    ends_at: datetime


class MeOut(BaseModel):
    id: int
    email: str
    role: str
    subscription: SubscriptionOut | None


class CardOut(BaseModel):
    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    published_at: datetime | None
    readable: bool = Field(description="当前用户能否阅读全文")
    status: str = Field(description="published | scheduled | draft | retired")

    @classmethod
    def of(cls, card: Card) -> CardOut:
        return cls.model_validate(card, from_attributes=True)


class SectionModel(BaseModel):
    start: int
    level: int
    label: str
    heading: str
    kind: str


class PlaceholderModel(BaseModel):
    text: str
    start: int
    end: int
    label: str
    unit: str


class MaterialOut(CardOut):
    revision: int
    revisions: int
    outline: list[SectionModel]
    preview: str
    text: str | None = Field(default=None, description="全文，仅限可阅读的用户")
    placeholders: list[PlaceholderModel] | None = None


class HitOut(BaseModel):
    material_id: int
    revision_id: int
    paragraph_id: int
    kind: str = Field(description="命中段落类别：body 正文, title 标题, heading 提纲, preview 预览")
    title: str
    heading_path: list[str]
    snippet: str
    highlights: list[tuple[str, bool]]
    score: float


class SearchOut(BaseModel):
    query: str
    candidates: int
    capped: bool
    took_ms: float
    hits: list[HitOut]


class RequestOut(BaseModel):
    id: int
    title: str
    body: str
    status: str
    votes: int
    material_id: int | None
    material_title: str
    created_at: datetime
    mine: bool
    voted: bool


class RequestIn(BaseModel):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(max_length=2000)] = ""


class CreatedOut(BaseModel):
    id: int


class EventOut(BaseModel):
    id: int
    kind: str
    title: str
    at: datetime
    material_id: int | None
    request_id: int | None


Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/me", responses=_errors(401, 403))
def me(ctx: CtxDep) -> MeOut:
    member = require_member(ctx.member)
    sub = ctx.viewer.subscription
    return MeOut(
        id=member.id,
        email=member.email,
        role=str(member.role),
        subscription=None
        if sub is None
        else SubscriptionOut(plan=sub.plan, starts_at=sub.starts_at, ends_at=sub.ends_at),
    )


@router.get("/materials")
def materials(
    ctx: CtxDep,
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[CardOut]:
    cards = browse.browse(
        ctx.lib,
        ctx.viewer,
        **browse_args(kind, type, year, period),  # type: ignore[arg-type]
        limit=limit,
        offset=offset,
    )
    return [CardOut.of(c) for c in cards]


@router.get("/materials/{material_id}", responses=_errors(404), response_model_exclude_unset=True)
def material(ctx: CtxDep, material_id: Id) -> MaterialOut:
    """A material: outline and preview for everyone; full text only for covered readers."""
    view = reading.material_view(ctx.lib, ctx.viewer, material_id)
    out = MaterialOut(
        **CardOut.of(view.card).model_dump(),
        revision=view.revision_number,
        revisions=view.revisions,
        outline=[SectionModel.model_validate(s, from_attributes=True) for s in view.sections],
        preview=view.preview,
    )
    if view.readable:
        out.text = view.revision.text
        out.placeholders = [
            PlaceholderModel(text=t, start=s, end=e, label=label, unit=unit)
            for t, s, e, label, unit in view.revision.placeholders
        ]
    return out


@router.get("/search", responses=_errors(400, 429))
def search(
    ctx: CtxDep,
    q: Annotated[str, Query(max_length=200, description="检索词：空格分隔的词须同时出现")],
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    section: str = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> SearchOut:
    """Hits in materials the viewer may not read come from their title, outline and preview
    only (see platform.search)."""
    result = search_catalogue(
        ctx.lib,
        ctx.viewer,
        q,
        search_filters(kind, type, year, period, section),
        limit=limit,
        client=ctx.client,
    )
    return SearchOut.model_validate(result.as_json())


@router.get(
    "/materials/{material_id}/download",
    response_class=Response,
    responses={
        200: {
            "description": "材料文件（带下载者标记）",
            "content": {media: {} for media in MEDIA_TYPES.values()},
        },
        **_errors(400, 401, 403, 404, 429),
    },
)
def download(
    ctx: CtxDep,
    material_id: Id,
    fmt: Annotated[str, Query(description="txt | md | docx")] = "txt",
) -> Response:
    fmt_value: Format = parse_format(fmt)
    return attachment(downloads.download(ctx.lib, ctx.viewer, material_id, fmt_value))


@router.get("/requests")
def request_list(ctx: CtxDep) -> list[RequestOut]:
    return [
        RequestOut.model_validate(r, from_attributes=True)
        for r in requests.listing(ctx.lib, ctx.viewer)
    ]


@router.post("/requests", status_code=201, responses=_errors(400, 401, 403))
def request_post(ctx: CtxDep, payload: RequestIn) -> CreatedOut:
    """Post a material request (members; send the session's CSRF token as X-CSRF-Token)."""
    member = require_member(ctx.member)
    ctx.check_csrf(None)
    return CreatedOut(id=requests.post(ctx.lib, member, payload.title, payload.body))


@router.get("/events")
def recent_events(ctx: CtxDep, after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0) -> list[EventOut]:
    """Events after an id, as the viewer may see them (drafts, scheduled and retired
    materials are never named)."""
    return [
        EventOut.model_validate(e, from_attributes=True)
        for e in events_after(ctx.lib, ctx.viewer, after)
    ]
