"""The gongwen command: exit status, --json shapes, progress and per-file results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED


def gw(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "gongwen", "--db", db, *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_ingest_json_and_exit_status(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    proc = gw(db, "ingest", "--json", str(SEED), str(bad), check=False)
    assert proc.returncode == 1  # a file failed
    report = json.loads(proc.stdout)
    assert report["files"] == 2 and report["failed"] == 1
    assert report["documents"] == {"new": 6, "revision": 0, "unchanged": 0}
    by_path = {Path(r["path"]).name: r for r in report["results"]}
    assert (
        by_path["broken.docx"]["ok"] is False and "broken.docx" in by_path["broken.docx"]["error"]
    )
    assert "broken.docx" in proc.stderr
    titles = [d["title"] for d in by_path[SEED.name]["documents"]]
    assert titles[0] == "2020年上半年工作总结（退役军人事务局）"
    again = json.loads(gw(db, "ingest", "--json", str(SEED)).stdout)
    assert again["documents"] == {"new": 0, "revision": 0, "unchanged": 6}


def test_list_show_outline_search(db: str) -> None:
    gw(db, "ingest", str(SEED))
    listed = json.loads(gw(db, "list", "--json", "--kind", "事业单位").stdout)
    assert [m["title"] for m in listed] == ["2020年上半年工作总结（科技馆）"]
    mid = str(listed[0]["id"])
    assert gw(db, "show", mid).stdout.startswith("2020年上半年工作总结（科技馆）\n")
    md = gw(db, "show", mid, "--format", "md").stdout
    assert md.startswith("# 2020年上半年工作总结（科技馆）") and "\n## 一、上半年工作总结\n" in md
    detail = json.loads(gw(db, "show", mid, "--format", "json").stdout)
    assert detail["summary"]["organisation_kind"] == "事业单位" and detail["placeholders"]
    outline = json.loads(gw(db, "outline", "--json", mid).stdout)
    assert [s["heading"] for s in outline["sections"] if s["level"] == 1] == [
        "上半年工作总结",
        "存在的问题",
        "下半年工作计划",
    ]
    found = json.loads(gw(db, "search", "--json", "--section", "存在问题", "疫情").stdout)
    passages = [h for m in found["materials"] for h in m["passages"]]
    assert found["total"] == len(found["materials"]) > 1
    assert passages and all(h["heading_path"][0].endswith("存在的问题") for h in passages)
    assert "【疫情】" in passages[0]["snippet"]
    assert {f["value"] for f in found["facets"]["doc_type"]} == {"工作总结"}


def test_errors_are_one_line_and_exit_2(db: str) -> None:
    gw(db, "ingest", str(SEED))
    proc = gw(db, "show", "999", check=False)
    assert proc.returncode == 2 and "999" in proc.stderr and "Traceback" not in proc.stderr
    proc = gw(db, "search", "   ", check=False)
    assert proc.returncode == 2 and "检索词" in proc.stderr


def test_template_lists_fields_and_export_writes_gbt9704_docx_and_pdf(
    db: str, tmp_path: Path
) -> None:
    import shutil
    import zipfile

    gw(db, "ingest", str(SEED))
    template = json.loads(gw(db, "template", "--json", "3").stdout)
    assert template["title"] == "2020年上半年工作总结（交通运输局）"
    assert template["placeholders"] == sum(len(f["places"]) for f in template["fields"]) > 50
    first = template["fields"][0]
    assert {"name", "label", "unit", "kind", "approximate", "places"} <= set(first)
    assert {"start", "end", "text", "before", "after"} == set(first["places"][0])
    out = tmp_path / "m3.docx"
    gw(db, "export", "3", "--format", "docx", "-o", str(out))
    with zipfile.ZipFile(out) as z:
        assert "仿宋_GB2312" in z.read("word/styles.xml").decode()
    assert gw(db, "export", "999", "-o", str(tmp_path / "x.docx"), check=False).returncode == 2
    if shutil.which("soffice"):
        pdf = tmp_path / "m3.pdf"
        gw(db, "export", "3", "--format", "pdf", "-o", str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")


def test_compose_proposes_an_outline_and_builds_a_draft_from_paragraphs(
    db: str, tmp_path: Path
) -> None:
    import zipfile

    gw(db, "ingest", str(SEED))
    outline = json.loads(gw(db, "compose", "--type", "工作总结", "--json").stdout)["outline"]
    assert [e["section_kind"] for e in outline] == ["工作情况", "存在问题", "下步打算"]
    found = json.loads(gw(db, "search", "--json", "--section", "存在问题", "疫情").stdout)
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
    report = json.loads(gw(db, "compose", "--plan", str(plan), "-o", str(out), "--json").stdout)
    assert [s["paragraph_id"] for s in report["sources"]] == ids[:2]
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    assert "一、存在的问题" in xml and "2021年上半年工作总结" in xml
    plan.write_text(
        json.dumps({"sections": [{"heading": "x", "paragraphs": [987654]}]}), encoding="utf-8"
    )
    proc = gw(db, "compose", "--plan", str(plan), "-o", str(out), check=False)
    assert proc.returncode == 2 and "987654" in proc.stderr


def test_reindex_prepare_marks_export_for_a_member_and_trace(db: str, tmp_path: Path) -> None:
    gw(db, "ingest", str(SEED))
    index = json.loads(gw(db, "reindex", "--json").stdout)
    assert index["revisions"] == 6 and Path(index["path"]).is_dir()
    assert json.loads(gw(db, "prepare-marks", "--json").stdout)["revisions"] == 6
    assert json.loads(gw(db, "prepare-marks", "--json").stdout)["revisions"] == 0  # done once
    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, "-m", "gongwen", "--db", db, "user", "add", f"{name}@example.cn"],
            input="a-long-password\n",
            text=True,
            check=True,
            capture_output=True,
        )
        gw(db, "subscription", "grant", f"{name}@example.cn", "--plan", "year")
        gw(
            db,
            "export",
            "3",
            "--member",
            f"{name}@example.cn",
            "--format",
            "txt",
            "-o",
            str(tmp_path / f"{name}.txt"),
        )
    a, b = ((tmp_path / f"{n}.txt").read_text(encoding="utf-8") for n in ("a", "b"))
    assert a != b and a.startswith("仅供学习 禁止外传")
    whole = json.loads(gw(db, "trace", str(tmp_path / "b.txt"), "--json").stdout)
    assert whole["verdict"] == "identified" and whole["layers"] == ["file"]
    assert [m["email"] for m in whole["members"]] == ["b@example.cn"]
    pasted = subprocess.run(
        [sys.executable, "-m", "gongwen", "--db", db, "trace", "-", "--json"],
        input=a.split("\n", 2)[2][:2000],
        text=True,
        capture_output=True,
        check=True,
    )
    report = json.loads(pasted.stdout)
    assert report["layers"] == ["text"] and report["members"][0]["email"] == "a@example.cn"
    assert report["verdict"] == "identified"
