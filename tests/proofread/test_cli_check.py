"""`gongwen check` as a linter: exit status, --json offsets into the decoded input, --fix in the
file's own encoding or .docx runs, --lines, stdin, clear errors for bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
from click.testing import Result

from .. import gw as cli

DRAFT = "截止2020年6月底,全市完成了了投资XX亿元。\n一是加强领导；二是完善制度；四是强化考核。\n"


def gw(*args: str, stdin: bytes | None = None) -> Result:
    return cli.gw(None, "check", *args, input=stdin, check=False)


def test_json_offsets_are_characters_of_the_decoded_gb18030_file(tmp_path: Path) -> None:
    path = tmp_path / "草稿.txt"
    path.write_bytes(DRAFT.encode("gb18030"))
    proc = gw(str(path), "--json", "--ignore", "GW110")
    assert proc.exit_code == 1
    report = json.loads(proc.stdout)
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert set(by_code) == {"GW101", "GW602", "GW201", "GW701", "GW303"}
    for d in report["diagnostics"]:
        assert DRAFT[d["start"] : d["end"]] == d["text"]
    assert (by_code["GW303"]["line"], by_code["GW303"]["column"]) == (2, 15)
    assert report["summary"]["diagnostics"] == 5 and report["summary"]["fixable"] == 3


def test_fix_writes_safe_fixes_back_in_the_files_encoding(tmp_path: Path) -> None:
    path = tmp_path / "draft.txt"
    path.write_bytes(DRAFT.encode("gb18030"))
    proc = gw(str(path), "--fix", "--ignore", "GW110")
    assert proc.exit_code == 1  # the placeholder and the numbering still need a person
    assert "已修正 3 处" in proc.stdout
    text = path.read_bytes().decode("gb18030")
    assert text.startswith("截至2020年6月底，全市完成了投资XX亿元。") and "四是" in text
    again = json.loads(gw(str(path), "--json", "--ignore", "GW110").stdout)
    assert {d["code"] for d in again["diagnostics"]} == {"GW701", "GW303"}


def test_clean_text_exits_zero_and_stdin_works() -> None:
    clean = "2020年上半年，我局认真贯彻落实各项决策部署，圆满完成各项任务。\n".encode()
    proc = gw("-", stdin=clean)
    assert proc.exit_code == 0 and "未发现问题" in proc.stdout
    fixed = gw("-", "--fix", "--ignore", "GW110", stdin="完成了了任务".encode())
    assert fixed.stdout == "完成了任务"


def test_lines_checks_each_line_alone() -> None:
    # As one text the second line's 二是 continues the first's list; alone it is no list.
    text = "一是加强领导。\n三是强化考核。\n".encode()
    together = json.loads(gw("-", "--json", "--select", "GW3", stdin=text).stdout)
    alone = json.loads(gw("-", "--json", "--select", "GW3", "--lines", stdin=text).stdout)
    assert [d["code"] for d in together["diagnostics"]] == ["GW303"]
    assert alone["diagnostics"] == []


def test_docx_fix_keeps_the_documents_formatting(tmp_path: Path) -> None:
    document = docx.Document()
    run = document.add_paragraph().add_run("截止6月底完成了了任务。")
    run.italic = True
    path = tmp_path / "d.docx"
    document.save(str(path))
    proc = gw(str(path), "--fix", "--ignore", "GW110")
    assert proc.exit_code == 0, proc.stdout
    again = docx.Document(io.BytesIO(path.read_bytes()))
    assert again.paragraphs[0].text == "截至6月底完成了任务。"
    assert again.paragraphs[0].runs[0].italic


def test_bad_input_names_the_file_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    proc = gw(str(broken))
    assert proc.exit_code == 2 and "broken.docx" in proc.stderr
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    proc = gw(str(pdf))
    assert proc.exit_code == 2 and "a.pdf" in proc.stderr
    assert gw(str(tmp_path / "missing.txt")).exit_code == 2
    assert gw("-", "--select", "GW999", stdin="文字".encode()).exit_code == 2
