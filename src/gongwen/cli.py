"""The `gongwen` command: parse arguments, make one service call, print (or --json).

Start-up is kept short (a search from the shell should take a fraction of a second): the
command line is plain click (typer 0.29 builds a pydantic TypeAdapter per parameter, 0.3 s of
CPU per start on this machine), heavy modules (rich, SQLAlchemy, Alembic, jieba, the web stack)
are imported inside the commands that need them, and the database is migrated only when its
schema is not the newest. Commands that change users, subscriptions or codes act as the
operator (model.member.OPERATOR): whoever runs `gongwen` on the server owns the database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gongwen.config import Settings
from gongwen.errors import GongwenError

if TYPE_CHECKING:
    from rich.console import Console

    from gongwen.library import Library

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="输出 JSON（格式见 docs/cli.md）")(
        f
    )


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


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A plain aligned table (rich would cost 0.1 s of start-up for the same thing)."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    click.secho(line(header).rstrip(), bold=True)
    for row in rows:
        click.echo(line(row).rstrip())


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@click.group(context_settings=CONTEXT)
@click.option("--db", help="数据库地址；默认 $GONGWEN_DB 或 sqlite:///var/gongwen.sqlite3")
def app(db: str | None) -> None:
    """公文库 gongwen: 公文范文库的入库、结构解析与检索，以及会员平台。"""
    state.db = db


@app.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--announce/--no-announce",
    default=True,
    help="新材料向会员推送通知（批量导入往期资料时用 --no-announce）",
)
@click.option("--batch-files", type=click.IntRange(min=1), default=64, help="每个事务提交的文件数")
@json_option
def ingest(paths: tuple[Path, ...], announce: bool, batch_files: int, as_json: bool) -> None:
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
    files = expand_paths(list(paths))
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

        def indexed(done: int, total: int) -> None:
            progress.update(task, description=f"建立检索索引 {done}/{total}")

        for result in run_ingest(
            lib, files, announce=announce, batch_files=batch_files, on_index=indexed
        ):
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
        sys.exit(1)


@app.command("list")
@click.option("--kind", help="机构类别，如 科技局、事业单位")
@click.option("--type", "doc_type", help="文种，如 工作总结")
@click.option("--year", type=int, help="年份")
@click.option("--period", help="时段，如 上半年")
@click.option("--limit", type=click.IntRange(min=1), default=200, help="最多列出条数")
@json_option
def list_cmd(
    kind: str | None,
    doc_type: str | None,
    year: int | None,
    period: str | None,
    limit: int,
    as_json: bool,
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
    print_table(
        ("编号", "标题", "机构", "类别", "年份", "时段", "文种", "版本"),
        [
            (
                str(r.id),
                r.title,
                r.organisation,
                r.organisation_kind,
                str(r.year or ""),
                r.period,
                r.doc_type,
                str(r.revisions),
            )
            for r in rows
        ],
    )


@app.command()
@click.argument("material_id", type=int)
@click.option("--format", "fmt", default="txt", help="txt | md | json")
@click.option("--revision", type=int, help="版本号（默认最新）")
def show(material_id: int, fmt: str, revision: int | None) -> None:
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
@click.argument("material_id", type=int)
@json_option
def outline(material_id: int, as_json: bool) -> None:
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
    click.secho(detail.summary.title, bold=True)
    for s in detail.sections:
        click.echo(f"{'  ' * s.level}{s.label}{s.heading}  " + click.style(s.kind, dim=True))
    if detail.placeholders:
        labels = sorted(
            {f"{p.label}" + (f"（{p.unit}）" if p.unit else "") for p in detail.placeholders}
        )
        click.echo(f"占位符 {len(detail.placeholders)} 处：" + "、".join(labels))


@app.command()
@click.argument("query")
@click.option("--kind", help="机构类别")
@click.option("--type", "doc_type", help="文种")
@click.option("--year", type=int, help="年份")
@click.option("--period", help="时段")
@click.option("--section", help="段落类别：工作情况/主要做法/存在问题/下步打算/其他")
@click.option("--limit", type=click.IntRange(min=1, max=100), default=10, help="每页材料篇数")
@click.option("--page", type=click.IntRange(min=1, max=500), default=1, help="页码")
@click.option("--material", "material_id", type=int, help="只在这篇材料内检索（列出更多段落）")
@json_option
def search(
    query: str,
    kind: str | None,
    doc_type: str | None,
    year: int | None,
    period: str | None,
    section: str | None,
    limit: int,
    page: int,
    material_id: int | None,
    as_json: bool,
) -> None:
    """全文检索 QUERY：精确短语，空格分隔的多个词须同时出现，"…" 表示含空格的短语。

    结果按材料归并、按相关度排序（全部命中都参与排序），每篇给出最相关的段落。
    """
    from gongwen.model.search import Filters
    from gongwen.search.service import search as run_search

    result = run_search(
        library(),
        query,
        Filters(kind, doc_type, year, period, section),
        limit,
        page=page,
        material_id=material_id,
    )
    if as_json:
        emit_json(result.as_json())
        return
    click.echo(
        f"“{query}”：{result.total} 篇材料命中，第 {result.page}/{result.pages} 页，"
        f"用时 {result.took_ms:.1f} ms"
    )
    if result.hint:
        click.secho(result.hint, fg="yellow")
    for name, label in (("doc_type", "文种"), ("organisation_kind", "机构"), ("year", "年份")):
        if result.facets.get(name):
            top = "  ".join(f"{v or '未定'} {n}" for v, n in result.facets[name][:8])
            click.echo(click.style(f"{label}：", dim=True) + top)
    for m in result.materials:
        meta = " ".join(x for x in (m.doc_type, m.organisation, m.doc_date) if x)
        click.echo(
            click.style(f"#{m.material_id} {m.title}", bold=True)
            + click.style(f"  {meta}", dim=True)
        )
        for h in m.passages:
            path = " › ".join(h.heading_path)
            if path:
                click.echo(click.style(f"  {path}", dim=True))
            # click.echo drops the styles when the output is not a terminal.
            click.echo(
                "    " + "".join(click.style(t, reverse=True) if hit else t for t, hit in h.snippet)
            )
        if m.more:
            click.echo(
                click.style(f"    本篇另有 {m.more} 段命中（--material {m.material_id}）", dim=True)
            )


@app.command()
def demo() -> None:
    """打印库概况和一次示例检索（网站上线前 make run 的主任务）。"""
    from gongwen.materials import count_materials, list_materials

    lib = library()
    click.echo(
        click.style("公文库", bold=True)
        + f" 数据库：{lib.settings.db_url}，共 {count_materials(lib)} 篇材料"
    )
    for r in list_materials(lib, limit=10):
        click.echo(
            f"  #{r.id} {r.title}  {r.organisation_kind} {r.year or ''} {r.period} {r.doc_type}"
        )
    click.echo("\n示例检索：gongwen search 疫情 --section 存在问题")
    assert search.callback is not None
    search.callback("疫情", None, None, None, None, "存在问题", 5, 1, None, False)


@app.group("user")
def user_app() -> None:
    """用户管理"""


@app.group("subscription")
def subscription_app() -> None:
    """订阅管理"""


@app.group("codes")
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
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def backup(path: Path, as_json: bool) -> None:
    """在线备份数据库到 PATH（SQLite 为数据库副本；PostgreSQL 用 pg_dump 自定义格式），不停服务。"""
    from gongwen.store.backup import backup as run_backup

    done = run_backup(library().db, path)
    if as_json:
        emit_json(done.as_json())
    else:
        consoles.out.print(f"已备份到 {done.path}（{done.bytes:,} 字节，{done.seconds:.1f} 秒）")


@app.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="目标数据库不为空时也覆盖")
@json_option
def restore(path: Path, force: bool, as_json: bool) -> None:
    """把 gongwen backup 生成的备份 PATH 恢复到 --db 指定的数据库（默认拒绝覆盖已有数据）。"""
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


def counted(label: str, as_json: bool, work: Any) -> tuple[Any, float]:
    """Run `work(progress)` under a progress bar on stderr (none with --json or off a terminal),
    where progress(done, total) moves the bar; (what it returned, seconds it took)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    started = time.perf_counter()
    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=consoles.err,
        disable=as_json or not consoles.err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)
        result = work(lambda done, total: progress.update(task, completed=done, total=total))
    return result, time.perf_counter() - started


@app.command()
@json_option
def reindex(as_json: bool) -> None:
    """从数据库重建检索索引（索引目录损坏或被删除时；平时它自动跟上数据库）。"""
    lib = library()
    revisions, seconds = counted("重建检索索引", as_json, lambda p: lib.index.rebuild(lib.db, p))
    if as_json:
        emit_json({"revisions": revisions, "path": str(lib.index.path), "seconds": seconds})
    else:
        consoles.out.print(f"已为 {revisions} 篇材料重建索引（{lib.index.path}，{seconds:.1f} 秒）")


@app.command()
@click.option("--host", default="127.0.0.1", help="监听地址")
@click.option("--port", type=int, default=8000, help="端口")
@click.option("--workers", type=click.IntRange(min=1), default=1, help="进程数（每核一个）")
def serve(host: str, port: int, workers: int) -> None:
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


# The writing tools and leak tracing have their commands in modules of their own; importing
# them registers the commands on `app`.
from gongwen import cli_proofread, cli_trace, cli_writing  # noqa: E402, F401


def main() -> None:
    try:
        app.main(prog_name="gongwen", standalone_mode=False)
    except GongwenError as e:
        sys.stderr.write(f"错误 {e}\n")
        sys.exit(2)
    except click.exceptions.Abort:
        sys.stderr.write("已中止\n")
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)


if __name__ == "__main__":
    main()
