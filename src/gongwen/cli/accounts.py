"""The platform's accounts: user, subscription, codes, bootstrap (acting as the operator)."""

from __future__ import annotations

import sys

import click

from gongwen.cli.output import consoles, emit_json, library
from gongwen.cli.params import json_option
from gongwen.errors import GongwenError


@click.group("user")
def user_app() -> None:
    """用户管理"""


@click.group("subscription")
def subscription_app() -> None:
    """订阅管理"""


@click.group("codes")
def codes_app() -> None:
    """卡密（兑换码）"""


def _new_password() -> str:
    import secrets

    return secrets.token_urlsafe(12)


@user_app.command("add")
@click.argument("email")
@click.option("--role", default="member", help="member | editor | admin")
@json_option
def user_add(email: str, role: str, as_json: bool) -> None:
    """添加用户。密码从标准输入读取；没有输入时生成一个并只打印这一次。"""
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform.accounts import create_user

    try:
        role_value = Role(role)
    except ValueError:
        raise GongwenError(f"--role 只能是 member、editor 或 admin，收到 {role!r}") from None
    password = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline().strip()
    generated = not password
    password = password or _new_password()
    member = create_user(library(), OPERATOR, email, password, role_value)
    if as_json:
        emit_json(
            {
                "id": member.id,
                "email": member.email,
                "role": str(member.role),
                "password": password if generated else None,
            }
        )
    else:
        consoles.out.print(f"已添加 {member.email}（{member.role}）")
        if generated:
            consoles.out.print(f"密码（只显示这一次）：{password}")


@subscription_app.command("grant")
@click.argument("email")
@click.option("--plan", default="year", help="month | quarter | year")
@click.option("--start", help="开始日期 YYYY-MM-DD（默认现在；有效订阅则顺延）")
@json_option
def subscription_grant(email: str, plan: str, start: str | None, as_json: bool) -> None:
    """开通或延长订阅。"""
    from datetime import UTC, datetime

    from gongwen.model.member import OPERATOR
    from gongwen.platform.accounts import find_member
    from gongwen.platform.subscriptions import grant

    try:
        starts = datetime.fromisoformat(start).replace(tzinfo=UTC) if start else None
    except ValueError:
        raise GongwenError(f"--start 应为 YYYY-MM-DD，收到 {start!r}") from None
    # A plan added to year 9999 would run past the calendar's end.
    if starts is not None and not 1970 <= starts.year <= 2100:
        raise GongwenError(f"--start 应在 1970 到 2100 年之间，收到 {start!r}")
    member = find_member(library(), OPERATOR, email)
    sub = grant(library(), OPERATOR, member.id, plan, start=starts)
    if as_json:
        emit_json(
            {
                "email": member.email,
                "plan": sub.plan,
                "starts_at": sub.starts_at.isoformat(),
                "ends_at": sub.ends_at.isoformat(),
            }
        )
    else:
        consoles.out.print(
            f"{member.email}：{sub.plan}，{sub.starts_at:%Y-%m-%d} 至 {sub.ends_at:%Y-%m-%d}"
        )


@codes_app.command("create")
@click.option("--plan", default="year", help="month | quarter | year")
@click.option("--count", type=int, default=10, help="数量")
@json_option
def codes_create(plan: str, count: int, as_json: bool) -> None:
    """生成一次性卡密（只显示这一次，库中只存摘要）。"""
    from gongwen.model.member import OPERATOR
    from gongwen.platform.subscriptions import create_codes

    codes = create_codes(library(), OPERATOR, plan, count)
    if as_json:
        emit_json({"plan": plan, "codes": codes})
    else:
        for code in codes:
            consoles.out.print(code)


@codes_app.command("redeem")
@click.argument("email")
@click.argument("code")
@json_option
def codes_redeem(email: str, code: str, as_json: bool) -> None:
    """替会员兑换卡密。"""
    from gongwen.model.member import OPERATOR
    from gongwen.platform.accounts import find_member
    from gongwen.platform.subscriptions import redeem

    sub = redeem(library(), find_member(library(), OPERATOR, email), code)
    if as_json:
        emit_json({"email": email, "plan": sub.plan, "ends_at": sub.ends_at.isoformat()})
    else:
        consoles.out.print(f"{email}：订阅至 {sub.ends_at:%Y-%m-%d}")


@click.command()
def bootstrap() -> None:
    """确保有一个管理员账号（首次运行时创建，并打印它的密码，同时写入 var/first-admin.txt）。"""
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform.accounts import create_user, first_admin

    lib = library()
    out = consoles.out
    admin = first_admin(lib)
    note = lib.settings.var_dir / "first-admin.txt"
    if admin is not None:
        out.print(f"管理员：{admin.email}" + (f"（初始密码见 {note}）" if note.exists() else ""))
        return
    password = _new_password()
    member = create_user(lib, OPERATOR, "admin@gongwen.local", password, Role.ADMIN)
    lib.settings.var_dir.mkdir(parents=True, exist_ok=True)
    note.write_text(f"{member.email}\n{password}\n", encoding="utf-8")
    note.chmod(0o600)
    out.print(f"[bold]首个管理员[/bold]：{member.email}  密码：{password}（也写在 {note}）")
