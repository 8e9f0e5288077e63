"""A .docx laid out as GB/T 9704-2012 (党政机关公文格式) asks.

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm text block;
- 22 lines of 28 characters: body 3号 (16 pt) 仿宋_GB2312 at an exact line spacing of
  225 mm / 22, the characters condensed by 0.25 pt so that 28 fill 156 mm (checked in
  LibreOffice: tests/export/test_gbt9704.py);
- title 2号 (22 pt) 方正小标宋简体, centred; headings by their marker: 一、 黑体, （一） 楷体_GB2312,
  1. and （1） 仿宋_GB2312 (1. bold on request: common practice, not the standard);
- page numbers 4号 (14 pt) 半角宋体 as "— 1 —", odd pages right and even pages left, one
  character in from the edge, 7 mm below the text block;
- a signature and date block at the end (成文日期 in Arabic numerals, right, four characters in);
- language zh-CN, the document properties carry the title and the platform's name;
- placeholders (XX …) highlighted, so that Word's find and the eye both stop at them.

Fonts are named as Word and WPS users have them; a machine without them (Debian has no
simplified 仿宋) substitutes its own, and the file still names the standard ones.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from gongwen.model.material import MaterialDetail, body_blocks
from gongwen.parse.dates import iso_date
from gongwen.parse.placeholders import find_placeholders

# Sizes in points (字号): 2号 22, 3号 16, 4号 14.
TITLE_PT = 22
BODY_PT = 16
PAGE_NUMBER_PT = 14
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
_PT_PER_MM = 72 / 25.4
BLOCK_W_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) * _PT_PER_MM  # 156 mm
BLOCK_H_PT = (PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * _PT_PER_MM  # 225 mm
# The line pitch in twentieths of a point (rounded down so that 22 lines fit), and the
# character spacing that makes 28 characters of 3号 fill the 156 mm line (condensed by
# 0.25 pt: 15.75 pt a character, in twentieths of a point).
LINE_PITCH_TWIPS = int(BLOCK_H_PT / LINES * 20)  # 579
CHAR_SPACING_TWIPS = -5
PAGE_NUMBER_GAP_MM = 7

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

_LEVEL_ONE = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL_TWO = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_LEVEL_THREE = re.compile(r"^\d+[.．、]")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[编章节]")
_DATE_LINE = re.compile(
    r"^[12一二〇○零][\d一二三四五六七八九〇○零]{3}年[\d一二三四五六七八九十]{1,3}月"
    r"[\d一二三四五六七八九十]{1,3}日$"
)


@dataclass(frozen=True, slots=True)
class Layout:
    """Choices the standard leaves open."""

    bold_level_three: bool = False  # 1. headings bold (common practice)
    highlight_placeholders: bool = True
    recipients: str = ""  # 主送机关, above the body
    signature: str = ""  # 发文机关署名, when the text has none of its own


def heading_font(text: str) -> tuple[str, bool, bool]:
    """(font, bold, centred) of a heading by its marker."""
    if _CHAPTER.match(text):
        return HEITI, False, True
    if _LEVEL_ONE.match(text):
        return HEITI, False, False
    if _LEVEL_TWO.match(text):
        return KAITI, False, False
    return FANGSONG, False, False


def arabic_date(text: str) -> str:
    """二〇二〇年七月十日 → 2020年7月10日 (成文日期 is written in Arabic numerals)."""
    iso = iso_date(text)
    if len(iso) != 10:
        return text
    year, month, day = iso.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def document(detail: MaterialDetail, site_name: str, layout: Layout | None = None) -> bytes:
    """The material as a GB/T 9704-2012 .docx."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    layout = layout or Layout()
    doc = docx.Document()
    _page(doc)
    _styles(doc)
    _properties(doc, detail.summary.title, site_name)
    if detail.copy_id:
        doc.core_properties.identifier = detail.copy_id  # type: ignore[attr-defined]
    _page_numbers(doc)
    if detail.notice:
        _notice(doc, detail.notice)

    title = doc.add_paragraph(style="Normal")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _indent(title, 0)
    _add_text(title, detail.summary.title, XIAOBIAOSONG, TITLE_PT, False, layout)
    doc.add_paragraph(style="Normal")  # one empty line between title and body (主送/正文)
    if layout.recipients:
        to = doc.add_paragraph(style="Normal")
        _indent(to, 0)
        _add_text(to, layout.recipients.rstrip("：:") + "：", FANGSONG, BODY_PT, False, layout)

    blocks = body_blocks(detail)
    tail = _closing_block(blocks)
    for kind, _level, text in blocks[: len(blocks) - len(tail)]:
        paragraph = doc.add_paragraph(style="Normal")
        if kind == "heading":
            font, bold, centred = heading_font(text)
            bold = bold or (layout.bold_level_three and bool(_LEVEL_THREE.match(text)))
            if centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _indent(paragraph, 0)
            _add_text(paragraph, text, font, BODY_PT, bold, layout)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _add_text(paragraph, text, FANGSONG, BODY_PT, False, layout)
    signature = [t for t in tail if not _DATE_LINE.match(t)] or (
        [layout.signature] if layout.signature else []
    )
    dates = [arabic_date(t) for t in tail if _DATE_LINE.match(t)]
    if signature or dates:
        doc.add_paragraph(style="Normal")
        doc.add_paragraph(style="Normal")
    for line in signature:
        p = doc.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent(p, 0, right_chars=2)
        _add_text(p, line, FANGSONG, BODY_PT, False, layout)
    for line in dates:
        p = doc.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent(p, 0, right_chars=4)  # 成文日期右空四字
        _add_text(p, line, FANGSONG, BODY_PT, False, layout)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _closing_block(blocks: list[tuple[str, int, str]]) -> list[str]:
    """The signature and date lines that end the text: a date line, and up to two short lines
    before it that are not sentences (发文机关署名); [] when the text does not end with a date."""
    if not blocks or blocks[-1][0] != "paragraph" or not _DATE_LINE.match(blocks[-1][2]):
        return []
    tail = [blocks[-1][2]]
    for kind, _, text in reversed(blocks[-3:-1]):
        if kind != "paragraph" or len(text) > 30 or text.endswith(tuple("。！？；：，")):
            break
        tail.insert(0, text)
    return tail


def _page(doc: object) -> None:
    from docx.shared import Mm

    section = doc.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    # The page number's line starts 7 mm below the text block: the footer's bottom edge sits
    # one 4号 line further down.
    footer_mm = MARGINS_MM["bottom"] - PAGE_NUMBER_GAP_MM - PAGE_NUMBER_PT / _PT_PER_MM
    section.footer_distance = Mm(footer_mm)
    section.header_distance = Mm(15)
    sect_pr = section._sectPr
    grid = sect_pr.find(_qn("w:docGrid"))
    if grid is None:
        grid = _element("w:docGrid")
        sect_pr.append(grid)
    # No snapping grid: the exact line spacing makes the 22 lines, condensing the 28 characters.
    # (With a character grid LibreOffice gives a character wider than a cell two cells, 14 a
    # line; with a line grid it fits 21 lines.) The pitch is recorded for Word's grid dialog.
    grid.attrib.pop(_qn("w:type"), None)
    grid.attrib.pop(_qn("w:charSpace"), None)
    grid.set(_qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _styles(doc: object) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    styles = doc.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False  # every full page has its 22 lines (孤行控制 would leave 21)
    ind = normal.element.get_or_add_pPr().get_or_add_ind()  # in schema order
    ind.set(_qn("w:firstLineChars"), "200")  # 首行缩进两字
    ind.set(_qn("w:firstLine"), str(BODY_PT * 2 * 20))
    # The document defaults say the same (LibreOffice sizes the character grid from them, and
    # every run is Chinese, zh-CN, unless it says otherwise).
    defaults = styles.element.find(_qn("w:docDefaults"))
    if defaults is not None:
        for lang in defaults.iter(_qn("w:lang")):
            lang.set(_qn("w:val"), "zh-CN")
            lang.set(_qn("w:eastAsia"), "zh-CN")
        for tag in ("w:sz", "w:szCs"):
            for size in defaults.iter(_qn(tag)):
                size.set(_qn("w:val"), str(BODY_PT * 2))
        for fonts in defaults.iter(_qn("w:rFonts")):
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(_qn(attr), FANGSONG)
        for spacing in defaults.iter(_qn("w:spacing")):
            spacing.set(_qn("w:after"), "0")
    lang = _element("w:lang")
    lang.set(_qn("w:val"), "zh-CN")
    lang.set(_qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    spacing = _element("w:spacing")  # character spacing, in its place in the schema's order
    spacing.set(_qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr = normal.element.get_or_add_rPr()
    rpr.insert_element_before(spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs")


def _properties(doc: object, title: str, site_name: str) -> None:
    props = doc.core_properties  # type: ignore[attr-defined]
    props.title = _NOT_XML.sub("", title)
    props.author = _NOT_XML.sub("", site_name)
    props.last_modified_by = props.author
    props.comments = "仅供学习 禁止外传"
    props.subject = ""
    props.keywords = ""
    props.category = "公文"
    props.language = "zh-CN"
    props.revision = 1


def _notice(doc: object, notice: str) -> None:
    """A member's copy carries its notice in the page header (odd and even pages)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]  # type: ignore[attr-defined]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(_NOT_XML.sub("", notice))
        run.font.size = Pt(9)


def _page_numbers(doc: object) -> None:
    """The page number, "— 1 —" in 4号 宋体: odd pages right, even pages left, one character
    in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section = doc.sections[0]  # type: ignore[attr-defined]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        # One 4号 line, not the body's 28.95 pt: a taller footer would eat into the text block
        # (LibreOffice lays the footer inside the bottom margin and shrinks the body to fit).
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(PAGE_NUMBER_PT)
        _indent(p, 0, right_chars=1 if align == WD_ALIGN_PARAGRAPH.RIGHT else 0)
        if align == WD_ALIGN_PARAGRAPH.LEFT:
            ind = p._p.get_or_add_pPr().get_or_add_ind()
            ind.set(_qn("w:leftChars"), "100")
            ind.set(_qn("w:left"), str(PAGE_NUMBER_PT * 20))
        _number_run(p, "— ")
        _page_field(p)
        _number_run(p, " —")


def _number_run(paragraph: object, text: str) -> None:
    from docx.shared import Pt

    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size = Pt(PAGE_NUMBER_PT)
    _set_fonts(run._r.get_or_add_rPr(), SONGTI)


def _page_field(paragraph: object) -> None:
    """A PAGE field (complex field: Word, WPS and LibreOffice all update it)."""
    from docx.shared import Pt

    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = paragraph.add_run()  # type: ignore[attr-defined]
        run.font.size = Pt(PAGE_NUMBER_PT)
        _set_fonts(run._r.get_or_add_rPr(), SONGTI)
        if kind:
            char = _element("w:fldChar")
            char.set(_qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = _element("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    end = paragraph.add_run()  # type: ignore[attr-defined]
    char = _element("w:fldChar")
    char.set(_qn("w:fldCharType"), "end")
    end._r.append(char)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _add_text(
    paragraph: object, text: str, font: str, size: float, bold: bool, layout: Layout
) -> None:
    """Runs of `text`, its placeholders highlighted (characters XML cannot hold are dropped:
    a pasted control character must not make the document fail)."""
    text = _NOT_XML.sub("", text)
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    pos = 0
    spans = (
        [(p.start, p.end) for p in find_placeholders(text)] if layout.highlight_placeholders else []
    )
    for start, end in [*spans, (len(text), len(text))]:
        for piece, marked in ((text[pos:start], False), (text[start:end], True)):
            if not piece:
                continue
            run = paragraph.add_run(piece)  # type: ignore[attr-defined]
            run.font.size = Pt(size)
            run.bold = bold
            _set_fonts(run._r.get_or_add_rPr(), font)
            if marked:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = end


def _indent(paragraph: object, first_chars: int, right_chars: int = 0) -> None:
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()  # type: ignore[attr-defined]
    ind.set(_qn("w:firstLineChars"), str(first_chars * 100))
    ind.set(_qn("w:firstLine"), str(first_chars * BODY_PT * 20))
    if right_chars:
        ind.set(_qn("w:rightChars"), str(right_chars * 100))
        ind.set(_qn("w:right"), str(right_chars * BODY_PT * 20))


def _set_fonts(rpr: object, font: str) -> None:
    """Name `font` for Chinese and Latin text alike (w:eastAsia is what Word uses for Han)."""
    fonts = rpr.find(_qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = _element("w:rFonts")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(_qn(attr), font)


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)  # type: ignore[no-any-return]


def _element(tag: str) -> Any:
    from docx.oxml import OxmlElement

    return OxmlElement(tag)
