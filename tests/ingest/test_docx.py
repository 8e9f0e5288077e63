"""read_docx: what a user sees in Word, including the numbers Word generates for headings."""

from __future__ import annotations

import functools
import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from gongwen.errors import CorruptFile, EmptyFile, FileTooLarge, ReadError
from gongwen.ingest.docx import read_docx

W = nsdecls("w")


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def abstract(abstract_id: int, *levels: str, extra: str = "") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{abstract_id}">{extra}{"".join(levels)}</w:abstractNum>'
    )


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def set_numbering(document: Document, *definitions: str) -> None:
    """Replace the document's numbering part content with exactly `definitions`."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    # Schema order: every w:abstractNum before the first w:num.
    ordered = sorted(definitions, key=lambda xml: not xml.startswith("<w:abstractNum"))
    for child in parse_xml(f"<w:numbering {W}>{''.join(ordered)}</w:numbering>"):
        numbering.append(child)


def new_document(*definitions: str) -> Document:
    document = docx.Document()
    set_numbering(document, *definitions)
    return document


def numbered(document: Document, text: str, num_id: int, ilvl: int = 0) -> None:
    num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def read(document: Document, tmp_path: Path) -> list[str]:
    path = tmp_path / "材料.docx"
    document.save(str(path))
    return read_docx(path)[0].split("\n")


GONGWEN_LIST = abstract(
    0,
    lvl(0, "chineseCounting", "%1、"),
    lvl(1, "chineseCounting", "（%2）"),
    lvl(2, "decimal", "%3."),
)


def test_gongwen_headings_are_numbered_as_word_shows_them(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(1, 0))
    numbered(document, "工作开展情况", 1, 0)
    numbered(document, "聚焦党建引领", 1, 1)
    document.add_paragraph("今年以来，我单位坚持以习近平新时代中国特色社会主义思想为指导。")
    numbered(document, "强化制度建设", 1, 1)
    numbered(document, "加强学习", 1, 2)
    numbered(document, "深入调研", 1, 2)
    document.add_paragraph("")
    numbered(document, "存在问题", 1, 0)
    numbered(document, "学习不够深入", 1, 1)
    numbered(document, "个别同志认识不到位", 1, 2)

    assert read(document, tmp_path) == [
        "一、工作开展情况",
        "（一）聚焦党建引领",
        "今年以来，我单位坚持以习近平新时代中国特色社会主义思想为指导。",
        "（二）强化制度建设",
        "1.加强学习",
        "2.深入调研",
        "",
        "二、存在问题",
        "（一）学习不够深入",
        "1.个别同志认识不到位",
    ]


def test_numbering_inherited_from_paragraph_style_and_its_base(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(3, 0))
    heading = document.styles.add_style("公文一级标题", WD_STYLE_TYPE.PARAGRAPH)
    heading.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 3
    variant = document.styles.add_style("公文一级标题加粗", WD_STYLE_TYPE.PARAGRAPH)
    variant.base_style = heading
    document.add_paragraph("总体要求", style=heading)
    document.add_paragraph("正文段落。")
    document.add_paragraph("主要任务", style=variant)
    document.add_paragraph("保障措施", style=heading)

    assert read(document, tmp_path) == [
        "一、总体要求",
        "正文段落。",
        "二、主要任务",
        "三、保障措施",
    ]


def test_style_bound_to_a_level_by_pstyle_takes_that_level(tmp_path: Path) -> None:
    document = docx.Document()
    styles = {}
    for name in ("标题甲", "标题乙"):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
        styles[name] = style
    bind = '<w:pPr><w:pStyle w:val="{}"/></w:pPr>'.format
    set_numbering(
        document,
        abstract(
            0,
            lvl(0, "chineseCounting", "%1、", extra=bind(styles["标题甲"].style_id)),
            lvl(1, "chineseCounting", "（%2）", extra=bind(styles["标题乙"].style_id)),
        ),
        num(1, 0),
    )
    document.add_paragraph("指导思想", style=styles["标题甲"])
    document.add_paragraph("坚持问题导向", style=styles["标题乙"])
    document.add_paragraph("坚持系统观念", style=styles["标题乙"])

    assert read(document, tmp_path) == ["一、指导思想", "（一）坚持问题导向", "（二）坚持系统观念"]


def test_num_id_zero_on_the_paragraph_removes_style_numbering(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(1, 0))
    heading = document.styles.add_style("公文一级标题", WD_STYLE_TYPE.PARAGRAPH)
    heading.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 1
    document.add_paragraph("背景", style=heading)
    numbered(document, "不编号的标题", 0)
    document.paragraphs[-1].style = heading
    document.add_paragraph("目标", style=heading)

    assert read(document, tmp_path) == ["一、背景", "不编号的标题", "二、目标"]


def test_second_list_on_same_definition_continues_the_count(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(1, 0), num(2, 0))
    numbered(document, "第一项", 1)
    numbered(document, "第二项", 1)
    document.add_paragraph("插入的说明。")
    numbered(document, "第三项", 2)

    assert read(document, tmp_path) == ["一、第一项", "二、第二项", "插入的说明。", "三、第三项"]


def test_start_override_restarts_the_count(tmp_path: Path) -> None:
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    document = new_document(GONGWEN_LIST, num(1, 0), num(2, 0, restart))
    numbered(document, "第一项", 1)
    numbered(document, "第二项", 1)
    numbered(document, "另起一列", 2)
    numbered(document, "另起二列", 2)

    assert read(document, tmp_path) == ["一、第一项", "二、第二项", "一、另起一列", "二、另起二列"]


def test_chinese_counting_past_ten(tmp_path: Path) -> None:
    document = new_document(abstract(0, lvl(0, "chineseCounting", "%1、")), num(1, 0))
    for i in range(1, 24):
        numbered(document, f"第{i}条", 1)

    lines = read(document, tmp_path)
    assert lines[9] == "十、第10条"
    assert lines[10] == "十一、第11条"
    assert lines[19] == "二十、第20条"
    assert lines[22] == "二十三、第23条"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("decimal", {1: "1", 10: "10", 101: "101"}),
        (
            "chineseCounting",
            {1: "一", 10: "十", 11: "十一", 20: "二十", 99: "九十九", 100: "一〇〇"},
        ),
        (
            "chineseCountingThousand",
            {10: "十", 21: "二十一", 100: "一百", 101: "一百零一", 110: "一百一十"},
        ),
        (
            "chineseLegalSimplified",
            {1: "壹", 3: "叁", 10: "拾", 12: "拾贰", 20: "贰拾", 105: "壹佰零伍"},
        ),
        ("ideographTraditional", {1: "甲", 2: "乙", 10: "癸"}),
        ("ideographZodiac", {1: "子", 3: "寅", 12: "亥"}),
        ("decimalEnclosedCircle", {1: "①", 10: "⑩", 20: "⑳", 21: "21"}),
        ("decimalFullWidth", {1: "１", 12: "１２"}),
        ("decimalZero", {1: "01", 9: "09", 10: "10"}),
        ("upperLetter", {1: "A", 26: "Z", 27: "AA", 28: "BB"}),
        ("lowerLetter", {2: "b"}),
        ("upperRoman", {4: "IV", 9: "IX", 14: "XIV", 40: "XL"}),
        ("lowerRoman", {3: "iii", 99: "xcix"}),
        ("ordinalTitle", {3: "3"}),  # not rendered here: falls back to decimal
    ],
)
def test_number_formats(tmp_path: Path, fmt: str, expected: dict[int, str]) -> None:
    document = new_document(abstract(0, lvl(0, fmt, "%1")), num(1, 0))
    for _ in range(max(expected)):
        numbered(document, "项", 1)

    lines = read(document, tmp_path)
    assert {n: lines[n - 1] for n in expected} == {n: label + "项" for n, label in expected.items()}


def test_multilevel_text_suffixes_and_legal_numbering(tmp_path: Path) -> None:
    document = new_document(
        abstract(
            0,
            lvl(0, "chineseCounting", "第%1部分", extra='<w:suff w:val="space"/>'),
            lvl(1, "decimal", "%1.%2", extra='<w:suff w:val="nothing"/>'),
            lvl(2, "decimal", "%1.%2.%3", extra="<w:isLgl/>"),
        ),
        num(1, 0),
    )
    numbered(document, "总则", 1, 0)
    numbered(document, "目的", 1, 1)
    numbered(document, "依据", 1, 2)
    numbered(document, "分则", 1, 0)
    numbered(document, "范围", 1, 2)  # level 1 not used yet under 第二部分: shows its start

    assert read(document, tmp_path) == [
        "第一部分 总则",
        "一.1目的",
        "1.1.1依据",
        "第二部分 分则",
        "2.1.1范围",
    ]


def test_lvl_restart_zero_keeps_counting_across_parents(tmp_path: Path) -> None:
    document = new_document(
        abstract(
            0,
            lvl(0, "chineseCounting", "%1、"),
            lvl(1, "decimal", "（%2）", extra='<w:lvlRestart w:val="0"/>'),
        ),
        num(1, 0),
    )
    numbered(document, "甲方义务", 1, 0)
    numbered(document, "按时付款", 1, 1)
    numbered(document, "乙方义务", 1, 0)
    numbered(document, "按期交付", 1, 1)

    assert read(document, tmp_path) == [
        "一、甲方义务",
        "（1）按时付款",
        "二、乙方义务",
        "（2）按期交付",
    ]


def test_bullets_none_and_undefined_levels(tmp_path: Path) -> None:
    document = new_document(
        abstract(0, lvl(0, "bullet", "\uf0b7"), lvl(1, "bullet", "■"), lvl(2, "none", "")),
        num(1, 0),
    )
    numbered(document, "符号字体的圆点", 1, 0)
    numbered(document, "方块", 1, 1)
    numbered(document, "无编号", 1, 2)
    numbered(document, "未定义的级别", 1, 7)
    numbered(document, "未定义的列表", 42)

    assert read(document, tmp_path) == [
        "•符号字体的圆点",
        "■方块",
        "无编号",
        "未定义的级别",
        "未定义的列表",
    ]


def test_num_style_link_uses_the_linked_definition(tmp_path: Path) -> None:
    document = new_document(
        abstract(0, lvl(0, "chineseCounting", "%1、"), extra='<w:styleLink w:val="GongwenList"/>'),
        abstract(1, extra='<w:numStyleLink w:val="GongwenList"/>'),
        num(1, 0),
        num(2, 1),
    )
    numbered(document, "指导思想", 1)
    numbered(document, "目标任务", 2)

    assert read(document, tmp_path) == ["一、指导思想", "二、目标任务"]


def test_content_controls_are_read_in_place(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("关于开展安全检查的通知")
    sdt = parse_xml(
        f"<w:sdt {W}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>各科室：</w:t></w:r></w:p>"
        "<w:p><w:sdt><w:sdtContent><w:r><w:t>请于本周五前</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:r><w:t>完成自查。</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(1, sdt)
    document.add_paragraph("特此通知。")

    assert read(document, tmp_path) == [
        "关于开展安全检查的通知",
        "各科室：",
        "请于本周五前完成自查。",
        "特此通知。",
    ]


def test_table_rows_are_tab_separated_in_document_order(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(1, 0))
    numbered(document, "经费预算", 1)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["项目", "金额（万元）", "备注"], strict=True):
        cell.text = text
    cells = table.rows[1].cells
    cells[0].text = "培训费"
    cells[1].text = "12.5"
    cells[2].text = "含教材"
    cells[2].add_paragraph("及场地")
    document.add_paragraph("以上预算待审定。")

    assert read(document, tmp_path) == [
        "一、经费预算",
        "项目\t金额（万元）\t备注",
        "培训费\t12.5\t含教材 及场地",
        "以上预算待审定。",
    ]


def test_tracked_changes_read_as_the_final_version(tmp_path: Path) -> None:
    document = new_document(GONGWEN_LIST, num(1, 0))
    numbered(document, "会议安排", 1)
    paragraph = document.add_paragraph("会议定于")
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="1" w:author="办公室"><w:r><w:delText>周一</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {W} w:id="2" w:author="办公室"><w:r><w:t>周三</w:t></w:r></w:ins>')
    )
    paragraph.add_run("召开。")
    numbered(document, "", 1)  # a heading deleted whole, paragraph mark included
    deleted = document.paragraphs[-1]._p
    deleted.append(
        parse_xml(
            f'<w:del {W} w:id="3" w:author="办公室"><w:r><w:delText>会议纪律</w:delText></w:r></w:del>'
        )
    )
    deleted.pPr.append(parse_xml(f'<w:rPr {W}><w:del w:id="4" w:author="办公室"/></w:rPr>'))
    numbered(document, "参会人员", 1)

    assert read(document, tmp_path) == ["一、会议安排", "会议定于周三召开。", "二、参会人员"]


def test_empty_document_is_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    path = tmp_path / "空白.docx"
    document.save(str(path))

    with pytest.raises(EmptyFile, match="空白.docx"):
        read_docx(path)


def test_random_bytes_are_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "乱码.docx"
    path.write_bytes(bytes(range(256)) * 40)

    with pytest.raises(CorruptFile, match="乱码.docx"):
        read_docx(path)


def test_legacy_doc_renamed_to_docx_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "旧版.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)

    with pytest.raises(CorruptFile, match="旧版 .doc"):
        read_docx(path)


def test_truncated_docx_is_a_corrupt_file(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("通知正文")
    whole = tmp_path / "完整.docx"
    document.save(str(whole))
    path = tmp_path / "截断.docx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    with pytest.raises(CorruptFile, match="截断.docx"):
        read_docx(path)


def test_broken_xml_inside_the_zip_is_a_corrupt_file(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("通知正文")
    whole = tmp_path / "完整.docx"
    document.save(str(whole))
    path = tmp_path / "坏XML.docx"
    with zipfile.ZipFile(whole) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = (
                b"<w:document><w:body>" if info.filename == "word/document.xml" else src.read(info)
            )
            dst.writestr(info, data)

    with pytest.raises(CorruptFile, match="坏XML.docx"):
        read_docx(path)


def test_zip_without_document_xml_is_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "压缩包.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "这不是 Word 文档")

    with pytest.raises(CorruptFile, match="word/document.xml"):
        read_docx(path)


def _zip_bomb(path: Path, entry: str, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        with zf.open(entry, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(chunk)


def _forbid_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an entry was decompressed before the size check")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_total_uncompressed_size_is_refused_before_decompressing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "炸弹.docx"
    _zip_bomb(path, "word/media/padding.bin", megabytes=5)
    _forbid_inflating(monkeypatch)

    with pytest.raises(FileTooLarge, match="炸弹.docx"):
        read_docx(path, max_uncompressed=1024 * 1024)


def test_absurd_compression_ratio_is_refused_under_the_total_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "高压缩.docx"
    _zip_bomb(path, "word/media/padding.bin", megabytes=12)
    _forbid_inflating(monkeypatch)

    with pytest.raises(FileTooLarge, match="压缩比"):
        read_docx(path)


@functools.cache
def _sample_docx() -> bytes:
    document = new_document(GONGWEN_LIST, num(1, 0))
    numbered(document, "工作开展情况", 1)
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "项目"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@settings(max_examples=int(os.environ.get("N", "60")), deadline=None)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=1, max_value=60_000), st.integers(0, 255)),
        min_size=1,
        max_size=4,
    ),
    truncate=st.integers(min_value=0, max_value=200),
)
def test_damaged_docx_fails_only_with_read_errors(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[int, int]], truncate: int
) -> None:
    data = bytearray(_sample_docx())
    for from_end, value in edits:  # the central directory sits at the end of the zip
        data[-min(from_end, len(data))] = value
    path = tmp_path_factory.mktemp("damaged") / "损坏.docx"
    path.write_bytes(bytes(data[: len(data) - truncate]))

    try:
        read_docx(path)
    except ReadError as err:
        assert "损坏.docx" in str(err)
        assert "\n" not in str(err)
