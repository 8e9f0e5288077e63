"""Ingesting batches: bad files are reported and skipped, and a killed ingest leaves no half material."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from sqlalchemy import create_engine, func, select, text

from gongwen.config import Settings
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.materials import list_materials, material_detail
from gongwen.search.service import search
from gongwen.store.schema import materials, paragraphs, revisions

CODE_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def _code(n: int) -> str:
    """A unique four-character Han code for document n."""
    out = ""
    for _ in range(4):
        n, r = divmod(n, len(CODE_CHARS))
        out += CODE_CHARS[r]
    return out


PARAGRAPHS = 41  # per test document: 40 body paragraphs and the one carrying its code


def _write_doc(folder: Path, n: int) -> None:
    body = "\n".join(
        f"推进第{i}项重点工作，取得明显成效，群众满意度持续提升，各项指标稳步向好。" * 4
        for i in range(1, PARAGRAPHS)
    )
    (folder / f"doc{n:04d}.txt").write_text(
        f"2020年上半年工作总结（测试{n}局）\n一、工作开展情况\n{body}\n标识{_code(n)}结束。\n",
        encoding="utf-8",
    )


def test_bad_files_are_reported_and_the_batch_goes_on(
    lib: Library, seed_text: str, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "seed.txt").write_text(seed_text, encoding="utf-8")
    list(ingest(lib, [first]))
    before = {m.id: material_detail(lib, m.id).text for m in list_materials(lib)}

    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a_empty.txt").write_bytes(b"")
    (batch / "b_junk.docx").write_bytes(os.urandom(2048))
    (batch / "c_binary.txt").write_bytes(bytes(range(256)) * 16)
    (batch / "d_good.txt").write_text(
        "2021年上半年工作总结（科技局）\n一、工作开展情况\n正文。\n", encoding="utf-8"
    )
    with zipfile.ZipFile(batch / "e_nodoc.docx", "w") as zf:
        zf.writestr("hello.txt", "not a word file")
    (batch / "f_seed_gbk.txt").write_bytes(seed_text.encode("gbk"))
    results = {Path(r.path).name: r for r in ingest(lib, [batch])}

    assert {n for n, r in results.items() if r.ok} == {"d_good.txt", "f_seed_gbk.txt"}
    for name in ("a_empty.txt", "b_junk.docx", "c_binary.txt", "e_nodoc.docx"):
        assert name in results[name].error, results[name].error
    # The GBK copy of the seed is another source: six new materials beside the first six, which
    # stay untouched (a different source is never merged into what is stored).
    assert [d.status for d in results["f_seed_gbk.txt"].documents] == ["new"] * 6
    after = {m.id: material_detail(lib, m.id).text for m in list_materials(lib)}
    assert {k: after[k] for k in before} == before
    assert len(after) == 13


def test_auto_numbered_docx_headings_are_parsed_as_word_shows_them(
    sqlite_lib: Library, tmp_path: Path
) -> None:
    w = nsdecls("w")
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(
        parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="1">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="1"><w:abstractNumId w:val="1"/></w:num>'))

    def numbered(text_: str, ilvl: int) -> None:
        p = document.add_paragraph(text_)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {w}><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>')
        )

    document.add_paragraph("2020年上半年工作总结（交通运输局）")
    numbered("主要工作完成情况", 0)
    numbered("坚持项目为本", 1)
    document.add_paragraph("全年完成投资XX亿元，占年度计划的XX%。")
    numbered("存在的问题", 0)
    numbered("项目储备不足", 1)
    path = tmp_path / "交通.docx"
    document.save(path)

    [result] = ingest(sqlite_lib, [path])
    assert result.ok, result.error
    detail = material_detail(sqlite_lib, result.documents[0].material_id)
    assert [(s.level, s.label, s.heading, s.kind) for s in detail.sections] == [
        (1, "一、", "主要工作完成情况", "工作情况"),
        (2, "（一）", "坚持项目为本", "工作情况"),
        (1, "二、", "存在的问题", "存在问题"),
        (2, "（一）", "项目储备不足", "存在问题"),
    ]
    assert [(p.label, p.unit) for p in detail.placeholders] == [
        ("投资额", "亿元"),
        ("占年度计划比例", "%"),
    ]


def _consistent(db_url: str, expected_paragraphs: int) -> tuple[int, list[str]]:
    """Materials stored, and every way one of them is incomplete (should be none)."""
    lib = Library.open(Settings(db_url=db_url))
    problems = []
    try:
        with lib.engine.connect() as conn:
            rows = conn.execute(
                select(materials.c.id, materials.c.organisation, materials.c.current_revision_id)
            ).all()
            for mid, org, rev in rows:
                if rev is None:
                    problems.append(f"material {mid} has no current revision")
                    continue
                count = conn.execute(
                    select(func.count())
                    .select_from(paragraphs)
                    .where(paragraphs.c.revision_id == rev, paragraphs.c.kind == "body")
                ).scalar_one()
                if count != expected_paragraphs:
                    problems.append(f"material {mid}: {count} paragraphs")
                n = int(org.removeprefix("测试").removesuffix("局"))
                hits = search(lib, f"标识{_code(n)}结束").hits
                if [h.material_id for h in hits] != [mid]:
                    problems.append(f"material {mid} not findable by its code")
            orphans = conn.execute(
                select(func.count())
                .select_from(revisions)
                .where(revisions.c.material_id.not_in(select(materials.c.id)))
            ).scalar_one()
            if orphans:
                problems.append(f"{orphans} orphan revisions")
        lib.index.check(lib.db)  # raises if the index does not hold every current revision
        return len(rows), problems
    finally:
        lib.close()


def _count_materials(db_path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM materials").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _start_ingest(db_url: str, folder: Path, *args: str) -> subprocess.Popen[str]:
    """`gongwen ingest` in a session of its own; it prints one line per committed document."""
    cmd = [sys.executable, "-m", "gongwen", "--db", db_url, "ingest", *args, str(folder)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )


def _wait_for_lines(proc: subprocess.Popen[str], count: int) -> None:
    """Block until the ingest has reported `count` committed documents."""
    assert proc.stdout is not None
    for seen in range(count):
        line = proc.stdout.readline()
        assert line.startswith("新增"), f"ingest ended after {seen} documents: {line!r}"


@pytest.mark.parametrize(
    ("batch_files", "committed"),
    [(64, 1), (7, 21), (1, 50)],
    ids=["after-first-batch", "after-third-small-batch", "file-by-file"],
)
def test_kill_minus_nine_leaves_materials_complete_or_absent(
    tmp_path: Path, batch_files: int, committed: int
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    total = 400
    for n in range(total):
        _write_doc(folder, n)
    db_url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    Library.open(Settings(db_url=db_url)).close()  # migrate first, so the kill lands in ingest
    proc = _start_ingest(db_url, folder, "--batch-files", str(batch_files))
    try:
        # Kill once `committed` documents are known to be stored: the next batch is then being
        # parsed or written, wherever the scheduler happens to be.
        _wait_for_lines(proc, committed)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its parsing worker, mid-flight
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
    stored, problems = _consistent(db_url, expected_paragraphs=PARAGRAPHS)
    assert problems == []
    assert committed <= stored < total, f"the kill should land mid-ingest: {stored} of {total}"

    # Running the ingest again completes the library without duplicating anything.
    rerun = _start_ingest(db_url, folder, "--json")
    rerun.communicate(timeout=300)
    assert rerun.returncode == 0
    stored, problems = _consistent(db_url, expected_paragraphs=PARAGRAPHS)
    assert (stored, problems) == (total, [])
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM revisions")).scalar_one() == total
    engine.dispose()


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker")
def test_the_parse_worker_exits_when_the_ingest_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(200):
        _write_doc(folder, n)
    db_url = f"sqlite:///{tmp_path / 'orphan.sqlite3'}"
    Library.open(Settings(db_url=db_url)).close()
    proc = _start_ingest(db_url, folder, "--batch-files", "1")
    workers: set[int] = set()
    try:
        _wait_for_lines(proc, 3)  # the worker has parsed files: it exists and is busy
        workers = _children(proc.pid)
        assert workers, "the ingest should parse in a worker process"
        os.kill(proc.pid, signal.SIGKILL)  # only the parent: the worker is left behind
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "the parse worker outlived its parent"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
