"""The `gongwen` command: parse arguments, make one service call, print (or --json).

Start-up is kept short (a search from the shell should take a fraction of a second): heavy
modules (rich, SQLAlchemy, Alembic, jieba, the web stack) are imported inside the commands that
need them, and the database is migrated only when its schema is not the newest. Commands that
change users, subscriptions or codes act as the operator (model.member.OPERATOR): whoever runs
`gongwen` on the server owns the database anyway.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gongwen.config import Settings
from gongwen.errors import GongwenError

if TYPE_CHECKING:
    from rich.console import Console

    from gongwen.library import Library

app = typer.Typer(
    help="公文库 gongwen: 公文范文库的入库、结构解析与检索。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON（格式见 docs/cli.md）")]


class _Consoles:
    """rich consoles, made on first use (importing rich costs 0.1 s)."""

    _out: Console | None = None
    _err: Console | None = None

    @property
    def out(self) -> Console:
        if self._out is None:
            from rich.console import Console

            self._out = Console(highlight=False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False)
        return self._err


consoles = _Consoles()


class State:
    db: str | None = None
    lib: Library | None = None


state = State()


def library() -> Library:
    if state.lib is None:
        from gongwen.library import Library

        state.lib = Library.open(Settings.from_env(state.db))
    return state.lib


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option("--db", help="数据库地址；默认 $GONGWEN_DB 或 sqlite:///var/gongwen.sqlite3"),
    ] = None,
) -> None:
    state.db = db


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（递归）")],
    announce: Annotated[
        bool, typer.Option(help="新材料向会员推送通知（批量导入往期资料时用 --no-announce）")
    ] = True,
    batch_files: Annotated[int, typer.Option(min=1, help="每个事务提交的文件数")] = 64,
    as_json: JsonOpt = False,
) -> None:
    """入库 .txt/.md/.docx/.pdf/.jsonl/.csv 文件；坏文件逐个报告，其余照常入库。"""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from gongwen.ingest.service import expand_paths
    from gongwen.ingest.service import ingest as run_ingest

    lib = library()
    out, err = consoles.out, consoles.err
    files = expand_paths(paths)
    results = []
    failed = 0
    with Progress(
        TextColumn("[bold]入库"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        disable=as_json or not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=len(files))
        for result in run_ingest(lib, files, announce=announce, batch_files=batch_files):
            progress.advance(task)
            results.append(result)
            if not result.ok:
                failed += 1
                err.print(f"[red]失败[/red] {result.error}", markup=True)
            elif not as_json:
                for d in result.documents:
                    status = {"new": "新增", "revision": "新版本", "unchanged": "未变"}[d.status]
                    out.print(f"{status} #{d.material_id} {d.title}", markup=False)
    counts = {
        s: sum(d.status == s for r in results for d in r.documents)
        for s in ("new", "revision", "unchanged")
    }
    if as_json:
        emit_json(
            {
                "files": len(results),
                "failed": failed,
                "documents": counts,
                "results": [r.as_json() for r in results],
            }
        )
    else:
        out.print(
            f"{len(results)} 个文件：新增 {counts['new']}，新版本 {counts['revision']}，"
            f"未变 {counts['unchanged']}，失败 {failed}"
        )
    if failed:
        raise typer.Exit(1)


@app.command("list")
def list_cmd(
    kind: Annotated[str | None, typer.Option(help="机构类别，如 科技局、事业单位")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="文种，如 工作总结")] = None,
    year: Annotated[int | None, typer.Option(help="年份")] = None,
    period: Annotated[str | None, typer.Option(help="时段，如 上半年")] = None,
    limit: Annotated[int, typer.Option(help="最多列出条数")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """列出材料。"""
    from dataclasses import asdict

    from gongwen.materials import list_materials

    rows = list_materials(
        library(), organisation_kind=kind, doc_type=doc_type, year=year, period=period, limit=limit
    )
    if as_json:
        emit_json([asdict(r) for r in rows])
        return
    from rich.table import Table

    table = Table("编号", "标题", "机构", "类别", "年份", "时段", "文种", "版本")
    for r in rows:
        table.add_row(
            str(r.id),
            r.title,
            r.organisation,
            r.organisation_kind,
            str(r.year or ""),
            r.period,
            r.doc_type,
            str(r.revisions),
        )
    consoles.out.print(table)


@app.command()
def show(
    material_id: Annotated[int, typer.Argument(help="材料编号")],
    fmt: Annotated[str, typer.Option("--format", help="txt | md | json")] = "txt",
    revision: Annotated[int | None, typer.Option(help="版本号（默认最新）")] = None,
) -> None:
    """显示一篇材料的全文。"""
    from gongwen.materials import material_detail

    if fmt not in ("txt", "md", "json"):
        raise GongwenError(f"--format 只能是 txt、md 或 json，收到 {fmt!r}")
    detail = material_detail(library(), material_id, revision)
    if fmt == "json":
        emit_json(detail.as_json())
    elif fmt == "md":
        from gongwen.export.render import render_markdown

        sys.stdout.write(render_markdown(detail))
    else:
        sys.stdout.write(detail.text if detail.text.endswith("\n") else detail.text + "\n")


@app.command()
def outline(
    material_id: Annotated[int, typer.Argument(help="材料编号")],
    as_json: JsonOpt = False,
) -> None:
    """显示材料的标题层级（提纲）与占位符。"""
    from dataclasses import asdict

    from gongwen.materials import material_detail

    detail = material_detail(library(), material_id)
    if as_json:
        emit_json(
            {
                "id": material_id,
                "title": detail.summary.title,
                "sections": [asdict(s) for s in detail.sections],
                "placeholders": [asdict(p) for p in detail.placeholders],
            }
        )
        return
    out = consoles.out
    out.print(f"[bold]{detail.summary.title}[/bold]")
    for s in detail.sections:
        out.print(f"{'  ' * s.level}{s.label}{s.heading}  [dim]{s.kind}[/dim]")
    if detail.placeholders:
        labels = sorted(
            {f"{p.label}" + (f"（{p.unit}）" if p.unit else "") for p in detail.placeholders}
        )
        out.print(f"占位符 {len(detail.placeholders)} 处：" + "、".join(labels))


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help='检索词；空格分隔的多个词须同时出现，"…" 表示含空格的短语')
    ],
    kind: Annotated[str | None, typer.Option(help="机构类别")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="文种")] = None,
    year: Annotated[int | None, typer.Option(help="年份")] = None,
    period: Annotated[str | None, typer.Option(help="时段")] = None,
    section: Annotated[
        str | None, typer.Option(help="段落类别：工作情况/主要做法/存在问题/下步打算/其他")
    ] = None,
    limit: Annotated[int, typer.Option(help="返回条数")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """全文检索：精确短语，多词同时出现，可按类别过滤。"""
    from gongwen.model.search import Filters
    from gongwen.search.service import search as run_search

    result = run_search(library(), query, Filters(kind, doc_type, year, period, section), limit)
    if as_json:
        emit_json(result.as_json())
        return
    out = consoles.out
    more = "+" if result.capped else ""
    out.print(f"“{query}”：{result.candidates}{more} 段命中，用时 {result.took_ms:.1f} ms")
    for h in result.hits:
        path = " › ".join(h.heading_path)
        out.print(
            f"[bold]#{h.material_id} {h.title}[/bold]" + (f"  [dim]{path}[/dim]" if path else "")
        )
        out.print(
            "  "
            + "".join(
                f"[reverse]{t}[/reverse]" if hit else t.replace("[", "\\[") for t, hit in h.snippet
            )
        )


@app.command()
def demo() -> None:
    """打印库概况和一次示例检索（网站上线前 make run 的主任务）。"""
    from gongwen.materials import count_materials, list_materials

    lib = library()
    out = consoles.out
    out.print(
        f"[bold]公文库[/bold] 数据库：{lib.settings.db_url}，共 {count_materials(lib)} 篇材料"
    )
    for r in list_materials(lib, limit=10):
        out.print(
            f"  #{r.id} {r.title}  {r.organisation_kind} {r.year or ''} {r.period} {r.doc_type}"
        )
    out.print("\n示例检索：gongwen search 疫情 --section 存在问题")
    search("疫情", None, None, None, None, "存在问题", 5, False)


user_app = typer.Typer(help="用户管理", no_args_is_help=True)
subscription_app = typer.Typer(help="订阅管理", no_args_is_help=True)
codes_app = typer.Typer(help="卡密（兑换码）", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(subscription_app, name="subscription")
app.add_typer(codes_app, name="codes")


def _new_password() -> str:
    import secrets

    return secrets.token_urlsafe(12)


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="邮箱")],
    role: Annotated[str, typer.Option(help="member | editor | admin")] = "member",
    as_json: JsonOpt = False,
) -> None:
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
def subscription_grant(
    email: Annotated[str, typer.Argument(help="会员邮箱")],
    plan: Annotated[str, typer.Option(help="month | quarter | year")] = "year",
    start: Annotated[
        str | None, typer.Option(help="开始日期 YYYY-MM-DD（默认现在；有效订阅则顺延）")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """开通或延长订阅。"""
    from datetime import UTC, datetime

    from gongwen.model.member import OPERATOR
    from gongwen.platform.accounts import find_member
    from gongwen.platform.subscriptions import grant

    try:
        starts = datetime.fromisoformat(start).replace(tzinfo=UTC) if start else None
    except ValueError:
        raise GongwenError(f"--start 应为 YYYY-MM-DD，收到 {start!r}") from None
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
def codes_create(
    plan: Annotated[str, typer.Option(help="month | quarter | year")] = "year",
    count: Annotated[int, typer.Option(help="数量")] = 10,
    as_json: JsonOpt = False,
) -> None:
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
def codes_redeem(
    email: Annotated[str, typer.Argument(help="会员邮箱")],
    code: Annotated[str, typer.Argument(help="卡密")],
    as_json: JsonOpt = False,
) -> None:
    """替会员兑换卡密。"""
    from gongwen.model.member import OPERATOR
    from gongwen.platform.accounts import find_member
    from gongwen.platform.subscriptions import redeem

    sub = redeem(library(), find_member(library(), OPERATOR, email), code)
    if as_json:
        emit_json({"email": email, "plan": sub.plan, "ends_at": sub.ends_at.isoformat()})
    else:
        consoles.out.print(f"{email}：订阅至 {sub.ends_at:%Y-%m-%d}")


@app.command()
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


@app.command()
def backup(
    path: Annotated[
        Path,
        typer.Argument(
            help="备份文件路径（SQLite 为数据库副本，PostgreSQL 为 pg_dump 自定义格式）"
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """在线备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump），不停服务。"""
    from gongwen.store.backup import backup as run_backup

    done = run_backup(library().db, path)
    if as_json:
        emit_json(done.as_json())
    else:
        consoles.out.print(f"已备份到 {done.path}（{done.bytes:,} 字节，{done.seconds:.1f} 秒）")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="gongwen backup 生成的备份文件")],
    force: Annotated[bool, typer.Option("--force", help="目标数据库不为空时也覆盖")] = False,
    as_json: JsonOpt = False,
) -> None:
    """把备份恢复到 --db 指定的数据库（默认拒绝覆盖已有数据）。"""
    from gongwen.store.backup import restore as run_restore
    from gongwen.store.db import Database

    target = Database(Settings.from_env(state.db).db_url)
    try:
        done = run_restore(target, path, force=force)
    finally:
        target.close()
    if as_json:
        emit_json(done.as_json())
    else:
        consoles.out.print(f"已从 {done.path} 恢复（{done.seconds:.1f} 秒）")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[int, typer.Option(help="进程数（每核一个）")] = 1,
) -> None:
    """启动网站（FastAPI + uvicorn）。多进程时通过 Redis（GONGWEN_REDIS）或数据库轮询同步实时推送。"""
    import os

    import uvicorn

    os.environ["GONGWEN_DB"] = Settings.from_env(state.db).db_url
    os.environ.setdefault("GONGWEN_BASE_URL", f"http://{host}:{port}")
    library()  # migrate once, before the workers start
    consoles.out.print(
        f"公文库网站：http://{host}:{port}/  （{workers} 个进程，数据库 {os.environ['GONGWEN_DB']}）"
    )
    uvicorn.run(
        "gongwen.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # The app decides which forwarded addresses to believe (GONGWEN_TRUSTED_PROXIES).
        proxy_headers=False,
        timeout_graceful_shutdown=3,  # open live streams never end by themselves
    )


def main() -> None:
    try:
        app()
    except GongwenError as e:
        consoles.err.print(f"[red]错误[/red] {e}", markup=True, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
