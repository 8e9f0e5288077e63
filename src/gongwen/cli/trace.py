"""Leak tracing's commands: trace, prepare-marks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from gongwen.cli.output import consoles, counted, emit_json, library
from gongwen.cli.params import json_option


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@json_option
def trace(source: Path, as_json: bool) -> None:
    """查出泄露的文件或摘录（- 为标准输入）来自哪位会员。

    \b
    --json: {"verdict": "identified"|"inconclusive",
             "members": [{"email", "bound", "score"}], "materials": [{"id", "title",
             "revision", "sites"}], "sites_read": N, "layers": ["file"|"docx-property"|"text"],
             "recipients": N, "zero_width": [email, …]}
    bound 为误指一名无辜会员的概率上界（已乘以收到该材料的会员数）；identified 仅当
    文件本身匹配或 bound ≤ 1e-6。

    \b
    最多读取 20 MB 的文件（.docx 解压后不超过 60 MB）、200,000 字的文字；超过时只读到
    上限为止，报错并以退出码 2 结束。
    """
    from gongwen.model.member import OPERATOR
    from gongwen.platform.tracing import trace as run_trace

    if str(source) != "-" and not source.is_file():
        raise click.BadParameter(f"{source}: 文件不存在", param_hint="SOURCE")
    evidence = _evidence(source)  # within the limits before the tracer sees anything
    report = run_trace(library(), OPERATOR, **evidence)
    if as_json:
        emit_json(report.as_json())
        return
    out = consoles.out
    out.print(
        f"结论：{VERDICTS[report.verdict]}（依据：{'、'.join(report.layers) or '无'}；"
        f"读出 {report.sites_read} 处，有效 {report.sites_informative} 处）"
    )
    if report.advice:
        out.print(f"  {report.advice}", markup=False)
    for mat in report.materials:
        out.print(
            f"  材料 #{mat['id']} {mat['title']}（修订 {mat['revision']}）："
            f"{VERDICTS[str(mat['verdict'])]}",
            markup=False,
        )
        for m in mat["members"]:  # type: ignore[attr-defined]
            out.print(
                f"    {m['email']}  {VERDICTS[m['verdict']]}  误指上界 {m['bound']:.1e}",
                markup=False,
            )
    for m in report.members:
        if m.get("joint"):  # named by several materials read together
            joined = "、".join(f"#{i}" for i in m["joint"])  # type: ignore[attr-defined]
            out.print(
                f"  多份材料合并认定（{joined}）：{m['email']}  {VERDICTS[str(m['verdict'])]}"
                f"  误指上界 {m['bound']:.1e}",
                markup=False,
            )
    for entry in report.normalised:
        pairs = "、".join(f"{a}/{b}→{c}" for a, b, c in entry["pairs"])  # type: ignore[attr-defined]
        out.print(f"  用词被统一（材料 #{entry['material_id']}）：{pairs}", markup=False)


VERDICTS = {
    "identified": "已查明",
    "probable": "可能来源（仅供编辑参考）",
    "inconclusive": "不能断定",
}


def _evidence(source: Path) -> dict[str, Any]:
    """The tracer's arguments for a file or stdin, read no further than a leak report's
    evidence may be (platform/tracing.py LIMITS): what is over that is an InvalidInput naming
    the file."""
    from gongwen.ingest.uploads import DOCX_SUFFIX, TEXT_SUFFIXES, read_limited, upload_text
    from gongwen.platform.tracing import LIMITS as bounds

    name = str(source)
    if name == "-":
        return {"text": upload_text(read_limited(sys.stdin.buffer, name, bounds), name, bounds)}
    with source.open("rb") as fh:
        data = read_limited(fh, name, bounds)
    if source.suffix.lower() in (*TEXT_SUFFIXES, DOCX_SUFFIX):
        upload_text(data, name, bounds)  # refuses a bomb or an over-long text
    return {"data": data, "filename": name}


@click.command("prepare-marks")
@json_option
def prepare_marks(as_json: bool) -> None:
    """为所有尚未准备的材料找出并固定副本标记位置（否则由每份材料的第一位读者承担，长报告约 0.1 秒）。"""
    from gongwen.model.member import OPERATOR
    from gongwen.platform.marking import prepare

    lib = library()
    done, seconds = counted("准备副本标记", as_json, lambda p: prepare(lib, OPERATOR, p))
    if as_json:
        emit_json({"revisions": done, "seconds": round(seconds, 1)})
    else:
        consoles.out.print(f"已为 {done} 份材料准备副本标记（{seconds:.1f} 秒）")
