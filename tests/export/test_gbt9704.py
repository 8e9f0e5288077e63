"""The .docx every download gets, read back as Word would: GB/T 9704-2012's page, grid, fonts
by level, page numbers, language and properties (issue 8, item 5)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from gongwen.export.gbt9704 import LINE_PITCH_TWIPS, Layout, arabic_date, document
from gongwen.model.material import MaterialDetail, MaterialSummary, SectionOut

from ..conftest import SEED

TEXT = (
    "关于2020年上半年工作情况的报告\n"
    "今年以来，我局坚持稳中求进工作总基调，完成投资XX亿元。\n"
    "一、主要工作\n"
    "（一）项目建设\n"
    "1.重点项目\n"
    "全年完成重点项目X个，占计划的XX%。\n"
    "二、下步打算\n"
    "继续推进各项工作。\n"
    "XX市交通运输局\n"
    "二〇二〇年七月十日\n"
)


def _detail(text: str = TEXT) -> MaterialDetail:
    lines = text.splitlines()
    sections, paragraphs = [], []
    pos = len(lines[0]) + 1
    for line in lines[1:]:
        m = re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)(.*)$", line)
        if m:
            level = 1 if "、" in m.group(1) else 2 if "（" in m.group(1) else 3
            sections.append(SectionOut(pos, level, m.group(1), m.group(2), "其他"))
        else:
            paragraphs.append({"start": pos, "text": line})
        pos += len(line) + 1
    summary = MaterialSummary(
        1, lines[0], "交通运输局", "交通运输局", 2020, "上半年", "工作总结", 1
    )
    return MaterialDetail(summary, 1, 1, "a.txt", text, sections, paragraphs)


@pytest.fixture
def exported() -> Document:
    return Document(io.BytesIO(document(_detail(), "某某公文库")))


def _run_fonts(paragraph: object) -> set[str]:
    return {
        r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))  # type: ignore[attr-defined]
        for r in paragraph.runs  # type: ignore[attr-defined]
    }


def test_page_is_a4_with_the_standards_margins_and_a_22_by_28_grid(exported: Document) -> None:
    section = exported.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin)] == [37, 35]
    assert [round(x.mm) for x in (section.left_margin, section.right_margin)] == [28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) is None  # the exact line spacing sets the lines, no snapping
    pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert int(225 / 25.4 * 72 / pitch_pt) == 22  # 22 lines in the 225 mm text block
    spacing = exported.styles["Normal"].element.rPr.find(qn("w:spacing"))
    char_pt = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(156 / 25.4 * 72 / char_pt) == 28  # 28 characters in the 156 mm line
    normal = exported.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(pitch_pt, abs=0.05)
    assert LINE_PITCH_TWIPS == 579


def test_fonts_and_sizes_follow_the_heading_levels(exported: Document) -> None:
    paragraphs = [p for p in exported.paragraphs if p.text]
    by_text = {p.text: p for p in paragraphs}
    title = paragraphs[0]
    assert title.text == "关于2020年上半年工作情况的报告"
    assert _run_fonts(title) == {"方正小标宋简体"} and title.runs[0].font.size.pt == 22
    assert title.alignment == 1  # centred
    assert _run_fonts(by_text["一、主要工作"]) == {"黑体"}
    assert _run_fonts(by_text["（一）项目建设"]) == {"楷体_GB2312"}
    assert _run_fonts(by_text["1.重点项目"]) == {"仿宋_GB2312"}
    assert not by_text["1.重点项目"].runs[0].bold
    body = by_text["继续推进各项工作。"]
    assert _run_fonts(body) == {"仿宋_GB2312"} and body.runs[0].font.size.pt == 16
    bold = Document(io.BytesIO(document(_detail(), "x", Layout(bold_level_three=True))))
    assert next(p for p in bold.paragraphs if p.text == "1.重点项目").runs[0].bold


def test_placeholders_are_highlighted_and_the_date_is_in_arabic_numerals(
    exported: Document,
) -> None:
    marked = [r.text for p in exported.paragraphs for r in p.runs if r.font.highlight_color]
    assert marked == ["XX", "X", "XX%", "XX"]  # the last: XX市交通运输局 in the signature
    texts = [p.text for p in exported.paragraphs]
    assert texts[-1] == "2020年7月10日" and texts[-2] == "XX市交通运输局"
    last = exported.paragraphs[-1]
    assert last.alignment == 2  # right, four characters in
    assert last._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"
    assert arabic_date("二〇二一年十二月三十一日") == "2021年12月31日"


def test_page_numbers_are_dashed_fields_odd_right_even_left_7_mm_below(
    exported: Document,
) -> None:
    assert exported.settings.odd_and_even_pages_header_footer
    section = exported.sections[0]
    for footer, align in ((section.footer, 2), (section.even_page_footer, 0)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert [c.get(qn("w:fldCharType")) for c in p._p.iter(qn("w:fldChar"))] == [
            "begin",
            "separate",
            "end",
        ]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert {r.font.size.pt for r in p.runs if r.text} == {14}
        assert 'w:eastAsia="宋体"' in xml
    # The number's line starts 7 mm below the text block (35 mm above the page's edge).
    top_of_number_mm = section.footer_distance.mm + 14 / 72 * 25.4
    assert top_of_number_mm == pytest.approx(35 - 7, abs=0.2)


def test_language_and_properties_name_the_material_and_the_platform(
    exported: Document,
) -> None:
    props = exported.core_properties
    assert props.title == "关于2020年上半年工作情况的报告"
    assert props.author == "某某公文库" and props.last_modified_by == "某某公文库"
    assert "python-docx" not in f"{props.comments}{props.author}{props.keywords}"
    assert props.language == "zh-CN"
    langs = {
        (lang.get(qn("w:val")), lang.get(qn("w:eastAsia")))
        for lang in exported.styles.element.iter(qn("w:lang"))
    }
    assert ("zh-CN", "zh-CN") in langs and not any(v == "en-US" for v, _ in langs)


def test_libreoffice_lays_a_full_page_out_in_22_lines(tmp_path: Path) -> None:
    """Converted by LibreOffice: a long report fills pages of 22 lines (pdftotext -layout), and
    the first pages are saved as PNGs under var/screenshots/. Skips without LibreOffice and
    poppler, unless GONGWEN_REQUIRE_LIBREOFFICE=1 (set by CI)."""
    missing = [tool for tool in ("soffice", "pdftotext") if not shutil.which(tool)]
    if missing:
        if os.environ.get("GONGWEN_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(f"LibreOffice is required (GONGWEN_REQUIRE_LIBREOFFICE=1): no {missing}")
        pytest.skip(
            f"{missing} not installed (apt-get install libreoffice-writer-nogui poppler-utils)"
        )
    # Han text only (Latin letters are narrower), long enough that its middle lines are full.
    body = "".join(
        f"{'一二三四五六七八九十'[i % 10]}是坚持项目为本，全年完成投资任务，推进交通强市建设再上新台阶，"
        "群众满意度持续提升，各项工作取得新的成效，为全市经济社会发展提供了坚实保障。\n"
        for i in range(30)
    )
    detail = _detail(f"关于2020年上半年工作情况的报告\n{body}XX市交通运输局\n二〇二〇年七月十日\n")
    source = tmp_path / "report.docx"
    source.write_bytes(document(detail, "公文库"))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    lines = [[ln for ln in page.splitlines() if ln.strip()] for page in pages if page.strip()]
    assert len(lines) >= 3
    # A full page (the second) holds 22 text lines and the page number "— 2 —"; a full line
    # 28 characters.
    second = lines[1]
    assert re.fullmatch(r"\s*— ?2 ?—\s*", second[-1])
    assert len(second) - 1 == 22
    widths = [len(re.sub(r"\s", "", line)) for line in second[:-1]]
    assert max(widths) == 28, widths
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                str(pdf),
                str(shots / "gbt9704"),
            ],
            check=True,
            timeout=60,
        )


def test_every_seed_report_downloads_with_its_placeholders_marked(sqlite_lib: object) -> None:
    """The six sample reports as members download them: title in 小标宋, and exactly the
    placeholders the library found (not X射线 or Excel) highlighted."""
    from gongwen.ingest.service import ingest
    from gongwen.store import materials

    lib = sqlite_lib
    assert all(r.ok for r in ingest(lib, [SEED]))  # type: ignore[arg-type]
    with lib.db.read() as conn:  # type: ignore[attr-defined]
        details = [materials.detail(conn, i) for i in range(1, 7)]
    for detail in details:
        exported = Document(io.BytesIO(document(detail, "公文库")))
        assert exported.paragraphs[0].text == detail.summary.title
        marked = [r.text for p in exported.paragraphs for r in p.runs if r.font.highlight_color]
        in_body = [p.text for p in detail.placeholders if p.start > len(detail.summary.title)]
        assert len(marked) >= len(in_body) > 0, detail.summary.title
        assert set(marked) <= {p.text for p in detail.placeholders}


def test_control_characters_in_a_title_or_text_do_not_break_the_document() -> None:
    detail = _detail("关于\x01工作的报告\n今年\x00以来，完成投资XX亿元。\n")
    exported = Document(io.BytesIO(document(detail, "公文\x02库")))
    assert exported.paragraphs[0].text == "关于工作的报告"
    assert exported.core_properties.title == "关于工作的报告"
