"""Admins: users and roles, subscriptions, redeem codes, the audit log, the site's texts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import InvalidInput
from gongwen.model.member import Role
from gongwen.platform import accounts, audit, site, subscriptions
from gongwen.platform.access import require_admin
from gongwen.web.deps import CtxDep, render
from gongwen.web.schemas import RowId

router = APIRouter(prefix="/admin", include_in_schema=False)
FormStr = Annotated[str, Form()]


def _admin_page(ctx: CtxDep, new_codes: list[str]) -> Response:
    admin = require_admin(ctx.member)
    return render(
        ctx,
        "admin.html",
        members=accounts.list_members(ctx.lib, admin),
        subs=subscriptions.active_by_user(ctx.lib, admin),
        new_codes=new_codes,
        codes=subscriptions.code_status(ctx.lib, admin),
    )


@router.get("", response_class=HTMLResponse)
def dashboard(ctx: CtxDep) -> Response:
    require_admin(ctx.member)
    return _admin_page(ctx, [])


@router.get("/site", response_class=HTMLResponse)
def site_form(ctx: CtxDep) -> Response:
    require_admin(ctx.member)
    return render(ctx, "admin_site.html", error="", saved=False, values=site.info(ctx.lib))


@router.post("/site", response_class=HTMLResponse)
def site_save(
    ctx: CtxDep,
    name: FormStr = "",
    tagline: FormStr = "",
    notice: FormStr = "",
) -> Response:
    """The site's name, tagline and notice (shown on every page)."""
    admin = require_admin(ctx.member)
    try:
        values = site.update(ctx.lib, admin, name, tagline, notice)
    except InvalidInput as err:
        typed = {"name": name, "tagline": tagline, "notice": notice}
        return render(
            ctx,
            "admin_site.html",
            status_code=400,
            error=f"{err.field}：{err.reason}",
            saved=False,
            values=typed,
        )
    return render(ctx, "admin_site.html", error="", saved=True, values=values)


@router.post("/users/{user_id}/role")
def set_role(ctx: CtxDep, user_id: RowId, role: FormStr) -> Response:
    try:
        accounts.set_role(ctx.lib, require_admin(ctx.member), user_id, Role(role))
    except ValueError:
        raise InvalidInput("role", "角色只能是 member、editor 或 admin") from None
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{user_id}/subscription")
def grant(ctx: CtxDep, user_id: RowId, plan: FormStr, start: FormStr = "") -> Response:
    admin = require_admin(ctx.member)
    starts = None
    if start.strip():
        try:
            starts = datetime.fromisoformat(start.strip()).replace(tzinfo=UTC)
        except ValueError:
            raise InvalidInput("start", "开始日期格式应为 2026-01-31") from None
    subscriptions.grant(ctx.lib, admin, user_id, plan, start=starts)
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{user_id}/revoke")
def revoke(ctx: CtxDep, user_id: RowId) -> Response:
    subscriptions.revoke(ctx.lib, require_admin(ctx.member), user_id)
    return RedirectResponse("/admin", status_code=303)


@router.post("/users/{user_id}/suspend")
def suspend(ctx: CtxDep, user_id: RowId, reason: FormStr = "") -> Response:
    accounts.suspend(ctx.lib, require_admin(ctx.member), user_id, reason or "管理员停用")
    return RedirectResponse("/admin", status_code=303)


@router.post("/codes", response_class=HTMLResponse)
def create_codes(ctx: CtxDep, plan: FormStr, count: FormStr = "10") -> Response:
    admin = require_admin(ctx.member)
    if not (count.isascii() and count.isdigit() and len(count) <= 5):
        raise InvalidInput("count", "数量须为 1 到 10000 之间的数字")
    new_codes = subscriptions.create_codes(ctx.lib, admin, plan, int(count))
    return _admin_page(ctx, new_codes)  # shown once: only their hashes are stored


@router.get("/audit", response_class=HTMLResponse)
def audit_log(ctx: CtxDep, action: str = "", flagged: str = "") -> Response:
    entries = audit.entries(
        ctx.lib, require_admin(ctx.member), action=action or None, flagged=True if flagged else None
    )
    return render(ctx, "audit.html", entries=entries, action=action, flagged=flagged)
