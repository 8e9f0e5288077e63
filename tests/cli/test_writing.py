"""The writing tools: template, fill, redate, compose, export, and the data files they read."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ..gw import assert_user_error, gw


def _numeric_fields(db: str, material: str = "3") -> list[str]:
    template = json.loads(gw(db, "template", "--json", material).stdout)
    return [f["name"] for f in template["fields"] if f["kind"] == "number"]


def test_template_lists_fields_and_export_writes_gbt9704_docx_and_pdf(
    seeded: str, tmp_path: Path
) -> None:
    template = json.loads(gw(seeded, "template", "--json", "3").stdout)
    assert template["title"] == "2020年上半年工作总结（交通运输局）"
    assert template["placeholders"] == sum(len(f["places"]) for f in template["fields"]) > 50
    first = template["fields"][0]
    assert {"name", "label", "unit", "kind", "approximate", "places"} <= set(first)
    assert {"start", "end", "text", "before", "after"} == set(first["places"][0])
    out = tmp_path / "m3.docx"
    gw(seeded, "export", "3", "--format", "docx", "-o", str(out))
    with zipfile.ZipFile(out) as z:
        assert "仿宋_GB2312" in z.read("word/styles.xml").decode()
    assert_user_error(gw(seeded, "export", "999", "-o", str(tmp_path / "x.docx"), check=False))
    if shutil.which("soffice"):
        pdf = tmp_path / "m3.pdf"
        gw(seeded, "export", "3", "--format", "pdf", "-o", str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")


def test_compose_proposes_an_outline_and_builds_a_draft_from_paragraphs(
    seeded: str, tmp_path: Path
) -> None:
    outline = json.loads(gw(seeded, "compose", "--type", "工作总结", "--json").stdout)["outline"]
    assert [e["section_kind"] for e in outline] == ["工作情况", "存在问题", "下步打算"]
    found = json.loads(gw(seeded, "search", "--json", "--section", "存在问题", "疫情").stdout)
    ids = [
        h["paragraph_id"] for m in found["materials"] for h in m["passages"] if h["kind"] == "body"
    ]
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "title": "2021年上半年工作总结",
                "sections": [{"heading": "存在的问题", "paragraphs": ids[:2]}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "draft.docx"
    report = json.loads(gw(seeded, "compose", "--plan", str(plan), "-o", str(out), "--json").stdout)
    assert [s["paragraph_id"] for s in report["sources"]] == ids[:2]
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    assert "一、存在的问题" in xml and "2021年上半年工作总结" in xml
    plan.write_text(
        json.dumps({"sections": [{"heading": "x", "paragraphs": [987654]}]}), encoding="utf-8"
    )
    assert_user_error(
        gw(seeded, "compose", "--plan", str(plan), "-o", str(out), check=False), "987654"
    )


def test_a_yaml_plan_may_quote_its_paragraph_ids(seeded: str, tmp_path: Path) -> None:
    found = json.loads(gw(seeded, "search", "--json", "--section", "存在问题", "疫情").stdout)
    pid = next(h["paragraph_id"] for m in found["materials"] for h in m["passages"])
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"title: 草稿\nsections:\n  - heading: 问题\n    paragraphs: ['{pid}']\n")
    out = tmp_path / "draft.docx"
    report = json.loads(gw(seeded, "compose", "--plan", str(plan), "-o", str(out), "--json").stdout)
    assert [s["paragraph_id"] for s in report["sources"]] == [pid]


def test_fill_from_a_data_file_writes_the_docx(seeded: str, tmp_path: Path) -> None:
    numeric = _numeric_fields(seeded)[:2]
    data = tmp_path / "data.json"
    data.write_text(json.dumps(dict.fromkeys(numeric, 7), ensure_ascii=False), encoding="utf-8")
    done = gw(seeded, "fill", "3", "--data", str(data), "-o", str(tmp_path / "one.docx"), "--json")
    report = json.loads(done.stdout)["documents"]
    assert report[0]["filled"] == numeric and (tmp_path / "one.docx").exists()
    assert_user_error(gw(seeded, "fill", "3", "-o", str(tmp_path / "x.docx"), check=False), "--csv")


def test_fill_reads_a_gb18030_csv_as_excel_saves_it(seeded: str, tmp_path: Path) -> None:
    numeric = _numeric_fields(seeded)[:1]
    batch = tmp_path / "batch.csv"
    batch.write_bytes(f"单位,{numeric[0]}\r\n甲局,12\r\n".encode("gb18030"))
    gw(seeded, "fill", "3", "--csv", str(batch), "-o", str(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["甲局.docx"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件为空"),
        (b"\xef\xbb\xbf\n \n", "文件为空"),
        ("单位,增长\n".encode(), "没有数据行"),
        ('单位,增长\n"甲局,1\n'.encode(), "第 2 行不是有效的 CSV"),
        ('单位,增长\n甲局,"1"2\n'.encode(), "第 2 行不是有效的 CSV"),
        ("单位,增长,增长\n甲局,1,2\n".encode(), "表头有重复的列：增长"),
    ],
    ids=["empty", "blank", "header-only", "open-quote", "bad-quote", "repeated"],
)
def test_a_csv_that_is_empty_or_malformed_is_an_error_naming_it(
    seeded: str, tmp_path: Path, content: bytes, reason: str
) -> None:
    batch = tmp_path / "batch.csv"
    batch.write_bytes(content)
    done = gw(seeded, "fill", "3", "--csv", str(batch), "-o", str(tmp_path / "out"), check=False)
    assert_user_error(done, "batch.csv", reason)
    assert not (tmp_path / "out").exists()  # nothing is written for a file that is refused


def test_redate_writes_this_years_draft(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "r3.docx"
    report = json.loads(
        gw(
            seeded, "redate", "3", "--year", "2021", "--period", "下半年", "-o", str(out), "--json"
        ).stdout
    )
    assert report["title"] == "2021年下半年工作总结（交通运输局）" and report["figures"]
    assert out.exists()
    refused = gw(seeded, "redate", "3", "--year", "3000", "-o", str(out), check=False)
    assert_user_error(refused, "--year")
