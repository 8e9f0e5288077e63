"""JSON API under /api/v1: the same service calls as the pages, the same access rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, Response

from gongwen.export.render import parse_format
from gongwen.platform import catalogue, requests
from gongwen.platform.accounts import require_member
from gongwen.platform.events import events_after
from gongwen.web.deps import CtxDep
from gongwen.web.routes.catalogue import attachment, browse_args, search_filters

router = APIRouter(prefix="/api/v1", tags=["api"])


def _card(card: catalogue.Card) -> dict[str, Any]:
    out = asdict(card)
    out["published_at"] = card.published_at.isoformat() if card.published_at else None
    return out


@router.get("/me")
async def me(ctx: CtxDep) -> dict[str, Any]:
    member = require_member(ctx.member)
    sub = ctx.viewer.subscription
    return {
        "id": member.id,
        "email": member.email,
        "role": str(member.role),
        "subscription": None
        if sub is None
        else {
            "plan": sub.plan,
            "starts_at": sub.starts_at.isoformat(),
            "ends_at": sub.ends_at.isoformat(),
        },
    }


@router.get("/materials")
async def materials(
    ctx: CtxDep,
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    cards = catalogue.browse(
        ctx.lib,
        ctx.viewer,
        **browse_args(kind, type, year, period),
        limit=min(max(limit, 1), 200),
        offset=max(offset, 0),
    )
    return [_card(c) for c in cards]


@router.get("/materials/{material_id}")
async def material(ctx: CtxDep, material_id: int) -> dict[str, Any]:
    """A material: outline and preview for everyone; full text only for covered readers."""
    view = catalogue.material_view(ctx.lib, ctx.viewer, material_id)
    out: dict[str, Any] = {
        **_card(view.card),
        "revision": view.revision_number,
        "revisions": view.revisions,
        "outline": [asdict(s) for s in view.sections],
        "preview": view.preview,
        "readable": view.readable,
    }
    if view.readable:
        out["text"] = view.revision.text
        out["placeholders"] = [
            dict(zip(("text", "start", "end", "label", "unit"), p, strict=True))
            for p in view.revision.placeholders
        ]
    return out


@router.get("/search")
async def search(
    ctx: CtxDep,
    q: str,
    kind: str = "",
    type: str = "",
    year: str = "",
    period: str = "",
    section: str = "",
    limit: int = 20,
) -> dict[str, Any]:
    result = catalogue.search_catalogue(
        ctx.lib,
        ctx.viewer,
        q,
        search_filters(kind, type, year, period, section),
        limit=min(max(limit, 1), 50),
    )
    return result.as_json()


@router.get("/materials/{material_id}/download")
async def download(ctx: CtxDep, material_id: int, fmt: str = "txt") -> Response:
    return attachment(catalogue.download(ctx.lib, ctx.viewer, material_id, parse_format(fmt)))


@router.get("/requests")
async def request_list(ctx: CtxDep) -> list[dict[str, Any]]:
    return [
        {**asdict(r), "created_at": r.created_at.isoformat()}
        for r in requests.listing(ctx.lib, ctx.member)
    ]


@router.post("/requests", status_code=201)
async def request_post(ctx: CtxDep, payload: dict[str, str] = Body(...)) -> dict[str, int]:  # noqa: B008
    ctx.check_csrf(None)  # scripts send the X-CSRF-Token header
    request_id = requests.post(
        ctx.lib, require_member(ctx.member), payload.get("title", ""), payload.get("body", "")
    )
    return {"id": request_id}


@router.get("/events")
async def recent_events(ctx: CtxDep, after: int = 0) -> list[dict[str, Any]]:
    return [e.as_json() for e in events_after(ctx.lib, after)]
