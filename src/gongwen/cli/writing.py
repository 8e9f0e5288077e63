"""The writing tools: template, fill, redate, compose, export.

Each command parses its arguments, calls one service (compose/, export/, platform/) and prints
or writes --json; the data files it reads go through files.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gongwen.cli.output import emit_json, library, write_file
from gongwen.cli.params import ID, INT32_MAX, OutputFile, json_option, require_folder
from gongwen.errors import GongwenError, InvalidInput

# One document of `fill`: who it is for, their values (or what is wrong with them), the file.
Job = tuple[str, dict[str, object] | GongwenError, Path]


@click.command()
@click.argument("material_id", type=ID)
@json_option
def template(material_id: int, as_json: bool) -> None:
    """列出材料作为模板的待填字段：名称、单位、类型，以及每处出现的上下文。"""
    from gongwen.compose.template import fields_of
    from gongwen.materials import material_detail

    detail = material_detail(library(), material_id)
    found = fields_of(detail)
    if as_json:
        emit_json(
            {
                "id": material_id,
                "title": detail.summary.title,
                "placeholders": sum(len(f.places) for f in found),
                "fields": [f.as_json() for f in found],
            }
        )
        return
    click.secho(detail.summary.title, bold=True)
    places = sum(len(f.places) for f in found)
    click.echo(f"{len(found)} 个字段，{places} 处占位符")
    for f in found:
        unit = f"（{f.unit}）" if f.unit else ""
        approx = " 约" if f.approximate else ""
        click.echo(
            click.style(f"{f.name}{unit}", bold=True) + click.style(f"  {f.kind}{approx}", dim=True)
        )
        for p in f.places:
            click.echo(f"    …{p.before}" + click.style(p.text, reverse=True) + f"{p.after}…")


@click.command()
@click.argument("material_id", type=ID)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="字段取值：YAML 或 JSON 对象（字段名 → 值）",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="批量：每行一个单位，列为字段名（可有“单位”列用作文件名）",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="--data 时为 .docx 文件；--csv 时为目录",
)
@json_option
@click.pass_context
def fill(
    ctx: click.Context,
    material_id: int,
    data: Path | None,
    csv_path: Path | None,
    output: Path,
    as_json: bool,
) -> None:
    """用自己的数据填写材料中的字段，检查互相关联的数字，导出 GB/T 9704 排版的 .docx。

    未填写的字段保留 XX（黄色标出）并报告剩余个数；发现问题时退出码为 1。
    """
    from gongwen.cli.files import load_mapping
    from gongwen.compose.fill import fill as fill_in
    from gongwen.export import gbt9704
    from gongwen.materials import material_detail
    from gongwen.platform.site import info

    if (data is None) == (csv_path is None):
        raise click.UsageError("请给出 --data 或 --csv 之一")
    jobs: list[Job]
    if data is not None:
        require_folder(output, ctx, param_hint="'-o' / '--output'")
        jobs = [(str(data), load_mapping(data), output)]
    else:
        assert csv_path is not None
        jobs = _rows(csv_path, output)
        output.mkdir(parents=True, exist_ok=True)
    lib = library()
    detail = material_detail(lib, material_id)
    site_name = info(lib).name
    report: list[dict[str, Any]] = []
    failed = False
    for who, given, target in jobs:
        if isinstance(given, GongwenError):
            report.append({"source": who, "error": str(given)})
            failed = True
            continue
        try:
            result = fill_in(detail, given)
        except GongwenError as err:
            report.append({"source": who, "error": str(err)})
            failed = True
            continue
        write_file(target, gbt9704.document(result.detail, site_name))
        report.append({"source": who, "output": str(target), **result.as_json()})
        failed = failed or bool(result.problems)
    if as_json:
        emit_json({"id": material_id, "title": detail.summary.title, "documents": report})
    else:
        for r in report:
            if "error" in r:
                click.secho(f"✗ {r['source']}：{r['error']}", fg="red")
                continue
            remaining = len(r["unfilled"])
            click.echo(
                f"{r['output']}：已填 {len(r['filled'])} 个字段"
                + (f"，还有 {remaining} 个未填（保留 XX 并标黄）" if remaining else "，全部填完")
            )
            for p in r["problems"]:
                click.secho(f"  {p['code']} {p['message']}", fg="yellow")
    if failed:
        raise SystemExit(1)


def _rows(path: Path, folder: Path) -> list[Job]:
    """One job per CSV row: (who, its values or the row's error, the file to write)."""
    from gongwen.cli.files import read_csv

    header, rows = read_csv(path)
    jobs: list[Job] = []
    for n, cells in rows:
        row = dict(zip(header, cells, strict=False))
        who = (row.pop("单位", None) or row.pop("name", None) or f"第{n}行").strip()
        if len(cells) > len(header):
            jobs.append((who, InvalidInput(f"第{n}行", "列数多于表头"), folder))
            continue
        values: dict[str, object] = {k: v for k, v in row.items() if k}
        safe = "".join(ch for ch in who if ch not in '\\/:*?"<>|') or f"row{n}"
        jobs.append((who, values, folder / f"{safe}.docx"))
    return jobs


@click.command()
@click.argument("material_id", type=ID)
@click.option("--year", type=click.IntRange(1949, 2100), required=True, help="新稿的年份")
@click.option("--period", type=click.Choice(["上半年", "下半年", "全年"]), help="新稿的时段")
@click.option("-o", "--output", type=OutputFile(), required=True)
@json_option
def redate(material_id: int, year: int, period: str | None, output: Path, as_json: bool) -> None:
    """把去年的材料改成今年的草稿：年份顺延，数字变成待填字段（提示原值），列出需要复核的时间性表述。"""
    from gongwen.compose.redate import redate as redate_report
    from gongwen.export import gbt9704
    from gongwen.materials import material_detail
    from gongwen.platform.site import info

    lib = library()
    detail = material_detail(lib, material_id)
    result = redate_report(detail, year, period)
    write_file(output, gbt9704.document(result.detail, info(lib).name))
    if as_json:
        emit_json({"id": material_id, "output": str(output), **result.as_json()})
        return
    click.echo(f"{output}：{result.title}")
    click.echo(f"{len(result.figures)} 个数字改为待填字段（XX，原值见 --json 的 hint）")
    for r in result.review:
        click.secho(f"  复核 {r.words}：{r.reason} …{r.context}…", fg="yellow")


@click.command()
@click.option("--type", "doc_type", default="工作总结", show_default=True, help="文种")
@click.option("--kind", help="机构类别")
@click.option("--period", help="时段")
@click.option(
    "--plan",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON：title 与 sections（每节 heading 与 paragraphs 段落编号）",
)
@click.option("-o", "--output", type=OutputFile())
@json_option
def compose(
    doc_type: str,
    kind: str | None,
    period: str | None,
    plan: Path | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """组稿：不带 --plan 时给出这类报告常用的一级提纲；带 --plan 时按提纲和选定段落生成 .docx。

    段落编号来自 gongwen search --json（passages[].paragraph_id）。
    """
    from gongwen.compose.outline import draft_detail
    from gongwen.export import gbt9704
    from gongwen.model.material import MaterialSummary
    from gongwen.model.member import OPERATOR
    from gongwen.platform import compose as composing
    from gongwen.platform.access import Viewer
    from gongwen.platform.site import info

    operator = Viewer(OPERATOR)
    if plan is None:
        outline = composing.propose_outline(library(), operator, doc_type, kind, period)
        if as_json:
            emit_json(
                {
                    "doc_type": doc_type,
                    "outline": [
                        {
                            "section_kind": e.section_kind,
                            "heading": e.heading,
                            "share": round(e.share, 3),
                        }
                        for e in outline
                    ],
                }
            )
            return
        for i, e in enumerate(outline):
            click.echo(
                f"{composing.numbered(i, e.heading)}  "
                + click.style(f"{e.section_kind} {e.share:.0%}", dim=True)
            )
        return
    if output is None:
        raise click.UsageError("--plan 需要 -o 输出文件")
    title, steps = _plan(plan)
    lib = library()
    draft = composing.compose(lib, operator, title, steps)
    summary = MaterialSummary(0, draft.title, "", kind or "", None, period or "", doc_type, 0)
    write_file(output, gbt9704.document(draft_detail(draft, summary), info(lib).name))  # type: ignore[arg-type]
    if as_json:
        emit_json(
            {
                "output": str(output),
                "title": draft.title,
                "sources": [
                    {
                        "paragraph_id": b.paragraph_id,
                        "material_id": b.material_id,
                        "title": b.material_title,
                    }
                    for b in draft.sources
                ],
            }
        )
        return
    click.echo(f"{output}：{draft.title}，{len(draft.sections)} 节，{len(draft.sources)} 段借用")
    for b in draft.sources:
        click.echo(
            click.style(f"  ¶{b.paragraph_id} ← #{b.material_id} {b.material_title}", dim=True)
        )


def _plan(path: Path) -> tuple[str, list[tuple[str, list[int]]]]:
    """A plan's title and its sections (heading, paragraph ids), or an error naming the file
    and the place in it."""
    from gongwen.cli.files import load_mapping

    spec = load_mapping(path)
    sections = spec.get("sections")
    if not isinstance(sections, list) or not all(isinstance(x, dict) for x in sections):
        raise InvalidInput(str(path), "sections 应为列表，每项含 heading 与 paragraphs")
    steps = []
    for i, section in enumerate(sections, start=1):
        ids = section.get("paragraphs") or []
        if not isinstance(ids, list):
            raise InvalidInput(str(path), f"第 {i} 节的 paragraphs 应为段落编号的列表")
        steps.append((str(section.get("heading", "")), [_paragraph_id(path, i, p) for p in ids]))
    return str(spec.get("title", "")), steps


def _paragraph_id(path: Path, section: int, value: object) -> int:
    # A quoted number ("98") reads as well as 98; True, 1.5 or "abc" is no paragraph.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= INT32_MAX:
        raise InvalidInput(
            str(path), f"第 {section} 节的段落编号应为 1 到 {INT32_MAX} 的整数，收到 {value!r}"
        )
    return value


@click.command("export")
@click.argument("material_id", type=ID)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "md", "txt", "pdf"]),
    default="docx",
    show_default=True,
    help="docx 按 GB/T 9704-2012 排版；pdf 需要 LibreOffice",
)
@click.option("-o", "--output", type=OutputFile(), required=True)
@click.option(
    "--member",
    "member_email",
    help="作为该会员下载：与网站下载同一路径（权限、每日上限、记录、该会员的标记）",
)
def export_cmd(material_id: int, fmt: str, output: Path, member_email: str | None) -> None:
    """导出材料（运营者的副本；--member 时为该会员的带标记副本）。"""
    from gongwen.export.render import Format, render, to_pdf
    from gongwen.materials import material_detail

    if member_email:
        from gongwen.model.member import OPERATOR
        from gongwen.platform.access import Viewer
        from gongwen.platform.accounts import find_member
        from gongwen.platform.downloads import download
        from gongwen.platform.subscriptions import active_subscription

        if fmt == "pdf":
            raise click.BadParameter("会员副本只有 txt、md、docx", param_hint="--format")
        lib = library()
        member = find_member(lib, OPERATOR, member_email)
        viewer = Viewer(member, active_subscription(lib, member.id))
        copy = download(lib, viewer, material_id, Format(fmt))
        write_file(output, copy.data)
        click.echo(f"{output}：{member.email} 的副本（{len(copy.data):,} 字节）")
        return
    detail = material_detail(library(), material_id)
    if fmt == "pdf":
        data = to_pdf(render(detail, Format.DOCX).data)
    else:
        data = render(detail, Format(fmt)).data
    write_file(output, data)
    click.echo(f"{output}：{detail.summary.title}（{len(data):,} 字节）")
