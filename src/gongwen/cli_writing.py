"""The writing tools on the command line: template, fill, redate, compose, export.

Registered on gongwen.cli's `app` when that module loads; each command parses its arguments,
calls one service (compose/, export/, platform/) and prints or writes --json.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gongwen.cli import app, emit_json, json_option, library


@app.command()
@click.argument("material_id", type=int)
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


@app.command()
@click.argument("material_id", type=int)
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
def fill(
    material_id: int, data: Path | None, csv_path: Path | None, output: Path, as_json: bool
) -> None:
    """用自己的数据填写材料中的字段，检查互相关联的数字，导出 GB/T 9704 排版的 .docx。

    未填写的字段保留 XX（黄色标出）并报告剩余个数；发现问题时退出码为 1。
    """
    from gongwen.compose.fill import fill as fill_in
    from gongwen.errors import GongwenError, InvalidInput
    from gongwen.export import gbt9704
    from gongwen.materials import material_detail

    if (data is None) == (csv_path is None):
        raise click.UsageError("请给出 --data 或 --csv 之一")
    from gongwen.platform.site import info

    lib = library()
    detail = material_detail(lib, material_id)
    site_name = info(lib).name
    jobs: list[tuple[str, dict[str, object] | GongwenError, Path]] = []
    if data is not None:
        jobs.append((str(data), _load_values(data), output))
    else:
        import csv

        output.mkdir(parents=True, exist_ok=True)
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:  # type: ignore[union-attr]
            for n, row in enumerate(csv.DictReader(handle), start=2):
                who = (row.pop("单位", None) or row.pop("name", None) or f"第{n}行").strip()
                if None in row:
                    jobs.append((who, InvalidInput(f"第{n}行", "列数多于表头"), output))
                    continue
                values: dict[str, object] = {k: v for k, v in row.items() if k and v is not None}
                safe = "".join(ch for ch in who if ch not in '\\/:*?"<>|') or f"row{n}"
                jobs.append((who, values, output / f"{safe}.docx"))
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
        target.write_bytes(gbt9704.document(result.detail, site_name))
        report.append({"source": who, "output": str(target), **result.as_json()})
        failed = failed or bool(result.problems)
    if as_json:
        emit_json({"id": material_id, "title": detail.summary.title, "documents": report})
    else:
        for r in report:
            if "error" in r:
                click.secho(f"✗ {r['source']}：{r['error']}", fg="red")
                continue
            remaining = len(r["unfilled"])  # type: ignore[arg-type]
            click.echo(
                f"{r['output']}：已填 {len(r['filled'])} 个字段"  # type: ignore[arg-type]
                + (f"，还有 {remaining} 个未填（保留 XX 并标黄）" if remaining else "，全部填完")
            )
            for p in r["problems"]:  # type: ignore[attr-defined]
                click.secho(f"  {p['code']} {p['message']}", fg="yellow")
    if failed:
        raise SystemExit(1)


def _load_values(path: Path) -> dict[str, object]:
    """A YAML or JSON object of field values, or an error naming the file."""
    import json

    import yaml

    from gongwen.errors import InvalidInput

    text = path.read_text(encoding="utf-8-sig")
    try:
        loaded = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        raise InvalidInput(
            str(path), f"不是有效的 {path.suffix.lstrip('.') or 'YAML'}：{err}"
        ) from None
    if not isinstance(loaded, dict):
        raise InvalidInput(str(path), "应为对象：字段名 → 值")
    return {str(k): v for k, v in loaded.items()}


@app.command()
@click.argument("material_id", type=int)
@click.option("--year", type=click.IntRange(1949, 2100), required=True, help="新稿的年份")
@click.option("--period", type=click.Choice(["上半年", "下半年", "全年"]), help="新稿的时段")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
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
    output.write_bytes(gbt9704.document(result.detail, info(lib).name))
    if as_json:
        emit_json({"id": material_id, "output": str(output), **result.as_json()})
        return
    click.echo(f"{output}：{result.title}")
    click.echo(f"{len(result.figures)} 个数字改为待填字段（XX，原值见 --json 的 hint）")
    for r in result.review:
        click.secho(f"  复核 {r.words}：{r.reason} …{r.context}…", fg="yellow")


@app.command()
@click.option("--type", "doc_type", default="工作总结", show_default=True, help="文种")
@click.option("--kind", help="机构类别")
@click.option("--period", help="时段")
@click.option(
    "--plan",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON：title 与 sections（每节 heading 与 paragraphs 段落编号）",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
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

    lib = library()
    operator = Viewer(OPERATOR)
    if plan is None:
        outline = composing.propose_outline(lib, operator, doc_type, kind, period)
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
    spec = _load_values(plan)
    sections = spec.get("sections")
    if not isinstance(sections, list) or not all(isinstance(x, dict) for x in sections):
        raise click.UsageError(f"{plan}：sections 应为列表，每项含 heading 与 paragraphs")
    steps = [
        (str(x.get("heading", "")), [int(p) for p in x.get("paragraphs") or []]) for x in sections
    ]
    draft = composing.compose(lib, operator, str(spec.get("title", "")), steps)
    summary = MaterialSummary(0, draft.title, "", kind or "", None, period or "", doc_type, 0)
    output.write_bytes(gbt9704.document(draft_detail(draft, summary), info(lib).name))  # type: ignore[arg-type]
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


@app.command("export")
@click.argument("material_id", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "md", "txt", "pdf"]),
    default="docx",
    show_default=True,
    help="docx 按 GB/T 9704-2012 排版；pdf 需要 LibreOffice",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
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
        output.write_bytes(copy.data)
        click.echo(f"{output}：{member.email} 的副本（{len(copy.data):,} 字节）")
        return
    detail = material_detail(library(), material_id)
    if fmt == "pdf":
        data = to_pdf(render(detail, Format.DOCX).data)
    else:
        data = render(detail, Format(fmt)).data
    output.write_bytes(data)
    click.echo(f"{output}：{detail.summary.title}（{len(data):,} 字节）")
