"""`gongwen check`: the proofreader on the command line, like a linter.

Exit status 0 when nothing is found, 1 when something is, 2 on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gongwen.cli.output import emit_json, write_file
from gongwen.cli.params import json_option

if TYPE_CHECKING:
    from gongwen.proofread.documents import Checked


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


@click.command()
@click.argument("source", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@json_option
@click.option("--select", multiple=True, help="只运行这些代码前缀的规则（可逗号分隔，如 GW1,GW6）")
@click.option("--ignore", multiple=True, help="不运行这些代码前缀的规则")
@click.option(
    "--fix", is_flag=True, help="把安全修正写回文件（.txt/.md 按原编码；.docx 写入原文档的文字）"
)
@click.option("--lines", "per_line", is_flag=True, help="每一行单独作为一段文字检查")
def check(
    source: Path,
    as_json: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fix: bool,
    per_line: bool,
) -> None:
    """审校一篇文稿：错别字、序号、残留 XX、规范表述、标点和数字用法。

    SOURCE 是 .txt/.md/.docx 文件，或 - 表示从标准输入读取（文本）。发现问题时退出码为 1。
    一次最多审校 60,000 字（.docx 不超过 10 MB、解压后不超过 40 MB），超过时只读到上限
    为止，报错并以退出码 2 结束，请分段审校。
    """
    from gongwen.ingest.uploads import read_limited
    from gongwen.proofread.diagnostic import apply_fixes
    from gongwen.proofread.documents import LIMITS, check_input, fixed_docx

    name = str(source)
    if name == "-":
        data = read_limited(sys.stdin.buffer, name, LIMITS)
    else:
        with source.open("rb") as fh:
            data = read_limited(fh, name, LIMITS)
    checked = check_input(data, name, _codes(select), _codes(ignore), per_line)
    checked.name = name
    fixed = 0
    if fix:
        safe = [d for d in checked.diagnostics if d.fix and d.fix.safe]
        if name == "-":
            sys.stdout.write(apply_fixes(checked.text, safe))
            sys.exit(1 if len(safe) < len(checked.diagnostics) else 0)
        if checked.kind == "docx":
            out, fixed = fixed_docx(data, name, safe)
            write_file(source, out)
        else:
            encoding = checked.encoding or "utf-8"
            write_file(source, apply_fixes(checked.text, safe).encode(encoding))
            fixed = len(safe)
        checked.diagnostics = [d for d in checked.diagnostics if d not in safe]
    if as_json:
        report = checked.as_json()
        report["summary"]["fixed"] = fixed  # type: ignore[index]
        emit_json(report)
    else:
        _print(checked, fixed)
    sys.exit(1 if checked.diagnostics else 0)


def _print(checked: Checked, fixed: int) -> None:
    text = checked.text
    for d in checked.diagnostics:
        line, column = checked.lines.position(d.start)
        where = click.style(f"{checked.name}:{line}:{column}:", bold=True)
        code = click.style(d.code, fg="red" if d.category.value == "char" else "yellow", bold=True)
        suggestion = ""
        if d.fix is not None:
            shown = d.fix.replacement or "（删去）"
            mark = "[可自动修正]" if d.fix.safe else "建议"
            suggestion = click.style(f" → {shown} {mark}", fg="green")
        context = (
            text[max(0, d.start - 8) : d.start]
            + click.style(text[d.start : d.end], reverse=True)
            + text[d.end : d.end + 8]
        )
        click.echo(f"{where} {code} {d.message}{suggestion}")
        click.echo("    " + context.replace("\n", "⏎"))
    s = checked.summary()
    tail = f"，已修正 {fixed} 处" if fixed else ""
    if s["diagnostics"]:
        click.echo(f"共 {s['diagnostics']} 处问题（{s['fixable']} 处可用 --fix 自动修正）{tail}")
    else:
        click.echo(f"未发现问题{tail}")
