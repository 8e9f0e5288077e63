"""The library's commands: ingest, list, show, outline, search, demo, reindex."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gongwen.cli.output import consoles, counted, emit_json, library, print_table
from gongwen.cli.params import COUNT, ID, YEAR, json_option
from gongwen.errors import GongwenError


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--announce/--no-announce",
    default=True,
    help="新材料向会员推送通知（批量导入往期资料时用 --no-announce）",
)
@click.option("--batch-files", type=COUNT, default=64, help="每个事务提交的文件数")
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


@click.command("list")
@click.option("--kind", help="机构类别，如 科技局、事业单位")
@click.option("--type", "doc_type", help="文种，如 工作总结")
@click.option("--year", type=YEAR, help="年份")
@click.option("--period", help="时段，如 上半年")
@click.option("--limit", type=COUNT, default=200, help="最多列出条数")
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


@click.command()
@click.argument("material_id", type=ID)
@click.option("--format", "fmt", default="txt", help="txt | md | json")
@click.option("--revision", type=ID, help="版本号（默认最新）")
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


@click.command()
@click.argument("material_id", type=ID)
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


@click.command()
@click.argument("query")
@click.option("--kind", help="机构类别")
@click.option("--type", "doc_type", help="文种")
@click.option("--year", type=YEAR, help="年份")
@click.option("--period", help="时段")
@click.option("--section", help="段落类别：工作情况/主要做法/存在问题/下步打算/其他")
@click.option("--limit", type=click.IntRange(min=1, max=100), default=10, help="每页材料篇数")
@click.option("--page", type=click.IntRange(min=1, max=500), default=1, help="页码")
@click.option("--material", "material_id", type=ID, help="只在这篇材料内检索（列出更多段落）")
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


@click.command()
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


@click.command()
@json_option
def reindex(as_json: bool) -> None:
    """从数据库重建检索索引（索引目录损坏或被删除时；平时它自动跟上数据库）。"""
    lib = library()
    revisions, seconds = counted("重建检索索引", as_json, lambda p: lib.index.rebuild(lib.db, p))
    if as_json:
        emit_json({"revisions": revisions, "path": str(lib.index.path), "seconds": seconds})
    else:
        consoles.out.print(f"已为 {revisions} 篇材料重建索引（{lib.index.path}，{seconds:.1f} 秒）")
