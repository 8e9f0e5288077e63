"""Register, log in and out, the member's own page: password, redeem codes, feed, new items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from gongwen.errors import AccessError, InvalidInput, RateLimited
from gongwen.model.member import Member
from gongwen.platform import accounts, downloads, favourites, feeds, subscriptions
from gongwen.platform.access import require_member
from gongwen.web.app_support import local
from gongwen.web.deps import SESSION_COOKIE, CtxDep, render, set_session_cookie

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]


def _safe_next(target: str) -> str:
    # Only same-site paths: never an open redirect to another host.
    # ("/\\evil.example" is "//evil.example" to a browser; a target with control characters
    # goes home too.)
    safe = target.startswith("/") and not target.startswith("//")
    safe = safe and "\\" not in target and target.isprintable()
    return target if safe else "/"


def _logged_in(ctx: CtxDep, member: Member, target: str) -> Response:
    token, _ = accounts.start_session(ctx.lib, member)
    response = RedirectResponse(_safe_next(target), status_code=303)
    set_session_cookie(ctx, response, token)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(ctx: CtxDep) -> Response:
    return render(ctx, "register.html", error="", email="")


@router.post("/register", response_class=HTMLResponse)
def register(ctx: CtxDep, email: FormStr, password: FormStr, password2: FormStr) -> Response:
    try:
        if password != password2:
            raise InvalidInput("password2", "两次输入的密码不一致")
        member = accounts.register(ctx.lib, email, password, ctx.client)
    except InvalidInput as err:
        return render(ctx, "register.html", status_code=400, error=err.reason, email=email)
    except RateLimited as err:
        return render(ctx, "register.html", status_code=429, error=str(err), email=email)
    return _logged_in(ctx, member, "/account")


@router.get("/login", response_class=HTMLResponse)
def login_form(ctx: CtxDep, next: str = "/") -> Response:
    return render(ctx, "login.html", error="", email="", next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(ctx: CtxDep, email: FormStr, password: FormStr, next: FormStr = "/") -> Response:
    try:
        member = accounts.authenticate(ctx.lib, email, password, ctx.client)
    except AccessError as err:
        status = 429 if isinstance(err, RateLimited) else 401
        return render(
            ctx,
            "login.html",
            status_code=status,
            error=str(err),
            email=email,
            next=_safe_next(next),
        )
    return _logged_in(ctx, member, next)


@router.post("/logout")
def logout(ctx: CtxDep) -> Response:
    accounts.end_session(ctx.lib, ctx.request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _account_page(ctx: CtxDep, message: str = "", error: str = "", feed_url: str = "") -> Response:
    member = require_member(ctx.member)
    return render(
        ctx,
        "account.html",
        subscription=ctx.viewer.subscription,
        notifications=feeds.notifications_for(ctx.lib, member),
        message=message,
        error=error,
        feed_url=feed_url,
    )


@router.get("/account", response_class=HTMLResponse)
def account(ctx: CtxDep, redeemed: str = "") -> Response:
    sub = ctx.viewer.subscription
    if redeemed and sub is not None:
        return _account_page(ctx, message=f"兑换成功，订阅有效期至 {local(sub.ends_at):%Y-%m-%d}")
    return _account_page(ctx)


@router.post("/account/redeem", response_class=HTMLResponse)
def redeem(ctx: CtxDep, code: FormStr) -> Response:
    member = require_member(ctx.member)
    try:
        subscriptions.redeem(ctx.lib, member, code)
    except InvalidInput as err:
        return _account_page(ctx, error=err.reason)
    # Redirect after the post: a reload must not submit the code again.
    return RedirectResponse("/account?redeemed=1", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(ctx: CtxDep, old_password: FormStr, new_password: FormStr) -> Response:
    member = require_member(ctx.member)
    try:
        accounts.change_password(ctx.lib, member, old_password, new_password)
    except InvalidInput as err:
        return _account_page(ctx, error=err.reason)
    return _logged_in(ctx, member, "/account")  # other sessions ended; this one starts afresh


@router.post("/account/feed", response_class=HTMLResponse)
def rotate_feed(ctx: CtxDep) -> Response:
    token = feeds.rotate_feed_token(ctx.lib, require_member(ctx.member))
    base = ctx.lib.settings.base_url or str(ctx.request.base_url).rstrip("/")
    return _account_page(
        ctx,
        feed_url=f"{base}/feed/{token}.atom",
        message="新的订阅源地址如下（只显示这一次，旧地址已失效）",
    )


@router.post("/account/feed/revoke", response_class=HTMLResponse)
def revoke_feed(ctx: CtxDep) -> Response:
    feeds.revoke_feed_token(ctx.lib, require_member(ctx.member))
    return _account_page(ctx, message="订阅源地址已撤销")


@router.get("/account/favourites", response_class=HTMLResponse)
def favourite_list(ctx: CtxDep) -> Response:
    return render(ctx, "favourites.html", cards=favourites.listing(ctx.lib, ctx.viewer))


@router.get("/account/downloads", response_class=HTMLResponse)
def download_history(ctx: CtxDep) -> Response:
    return render(ctx, "downloads.html", records=downloads.history(ctx.lib, ctx.viewer))


@router.get("/new", response_class=HTMLResponse)
def new_items(ctx: CtxDep) -> Response:
    member = require_member(ctx.member)
    cards = feeds.new_since_last_visit(ctx.lib, member)
    notes = feeds.notifications_for(ctx.lib, member, unread_only=True)
    feeds.mark_read(ctx.lib, member)
    return render(ctx, "new.html", cards=cards, notifications=notes)


@router.get("/feed/{token}.atom")
def atom(ctx: CtxDep, token: str) -> Response:
    base = ctx.lib.settings.base_url or str(ctx.request.base_url).rstrip("/")
    try:
        body = feeds.atom(ctx.lib, token, base)
    except AccessError:  # feed readers cannot log in: an unknown token is simply not there
        return Response(
            "订阅源地址无效或已撤销", status_code=404, media_type="text/plain; charset=utf-8"
        )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
