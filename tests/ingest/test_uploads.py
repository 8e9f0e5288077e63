"""Uploads read within limits: the text as the proofreader and the tracer get it, and every
hostile file refused early with a message naming it."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.text.run import Run

from gongwen.errors import InvalidInput
from gongwen.ingest.docx import editable_paragraphs
from gongwen.ingest.uploads import UploadLimits, check_upload, read_limited, upload_text

from .test_docx import GONGWEN_LIST, W, new_document, num, numbered

LIMITS = UploadLimits(max_bytes=2 * 2**20, max_expanded=8 * 2**20, max_chars=1_000)
BODY = "<w:document {ns}><w:body>{body}</w:body></w:document>".format(ns=W, body="{body}")


def _bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _python_docx_text(data: bytes) -> str:
    """The text `proofread.documents.fixed_docx` writes fixes back into."""
    document = docx.Document(io.BytesIO(data))
    return "\n".join(
        p.label + "".join(Run(r, None).text for r in p.runs)  # type: ignore[arg-type]
        for p in editable_paragraphs(document)
    )


def _replace(data: bytes, entry: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = content if info.filename == entry else src.read(info)
            dst.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _with_body(body: str, prolog: str = "") -> bytes:
    xml = prolog + BODY.format(body=body)
    return _replace(_bytes(docx.Document()), "word/document.xml", xml.encode("utf-8"))


def _refused(data: bytes, name: str, limits: UploadLimits = LIMITS) -> str:
    with pytest.raises(InvalidInput) as err:
        upload_text(data, name, limits)
    assert err.value.field == "file" and err.value.reason.startswith(f"{name}：")
    assert "\n" not in err.value.reason
    return err.value.reason


def test_docx_text_is_the_text_fixes_are_written_into() -> None:
    document = new_document(GONGWEN_LIST, num(1, 0))
    numbered(document, "工作开展情况", 1)
    paragraph = document.add_paragraph("会议定于")
    paragraph._p.append(
        parse_xml(
            f'<w:del {W} w:id="1" w:author="甲"><w:r><w:delText>周一</w:delText></w:r></w:del>'
        )
    )
    paragraph._p.append(
        parse_xml(f'<w:ins {W} w:id="2" w:author="甲"><w:r><w:t>周三</w:t></w:r></w:ins>')
    )
    run = paragraph.add_run("召开")
    run.add_tab()
    run.add_break()
    run.add_text("。")
    # A text box's paragraphs are not the paragraph's text, nor lines of their own.
    paragraph._p.append(
        parse_xml(
            f"<w:r {W}><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox>"
            "<w:txbxContent><w:p><w:r><w:t>文本框里的字</w:t></w:r></w:p></w:txbxContent>"
            "</v:textbox></v:shape></w:pict></w:r>"
        )
    )
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "项目"
    table.rows[1].cells[1].text = "12.5"
    table.rows[1].cells[1].add_paragraph("万元")
    document.element.body.insert(
        -1,
        parse_xml(
            f"<w:sdt {W}><w:sdtContent><w:p><w:r><w:t>各科室：</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    numbered(document, "下一步打算", 1)
    data = _bytes(document)

    text = upload_text(data, "材料.docx", LIMITS)

    assert text == _python_docx_text(data)
    assert text.startswith("一、工作开展情况\n会议定于周三召开\t\n。\n项目\n")
    assert "文本框" not in text and "周一" not in text and text.endswith("二、下一步打算")


def test_text_files_in_any_encoding_the_library_reads() -> None:
    text = "关于做好安全生产工作的通知\r\n各单位：\r\n"
    assert upload_text(text.encode("gb18030"), "通知.txt", LIMITS) == text.replace("\r\n", "\n")
    assert upload_text(text.encode("utf-16"), "通知.md", LIMITS).startswith("关于")
    assert upload_text(text.encode("utf-8"), "-", LIMITS).startswith("关于")


def test_text_at_the_limit_is_read_and_one_character_more_is_refused() -> None:
    at_limit = "字" * LIMITS.max_chars
    assert upload_text(at_limit.encode(), "稿.txt", LIMITS) == at_limit
    reason = _refused((at_limit + "。").encode(), "稿.txt")
    assert "1,000 字" in reason


def test_docx_at_the_limit_is_read_and_one_character_more_is_refused() -> None:
    lines = ["字" * 99] * 10  # 10 lines of 99 and 9 line breaks: 999 characters
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    assert len(upload_text(_bytes(document), "稿.docx", LIMITS)) == 999
    document.add_paragraph("字")  # a line break and a character: 1,001
    assert "1,000 字" in _refused(_bytes(document), "稿.docx")


def test_a_huge_text_file_is_refused_by_its_size_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object) -> None:
        raise AssertionError("decoded a file that is over the limit by its size alone")

    monkeypatch.setattr("gongwen.ingest.text.decode_text", never)
    reason = _refused(b"a" * (4 * LIMITS.max_chars + 5), "大文件.txt")
    assert "文字超过 1,000 字" in reason


def test_reading_a_stream_stops_at_the_limit() -> None:
    class Endless(io.RawIOBase):
        given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            buffer[:] = b"x" * len(buffer)
            self.given += len(buffer)
            return len(buffer)

    stdin = Endless()
    with pytest.raises(InvalidInput, match="文字超过"):
        read_limited(io.BufferedReader(stdin), "-", LIMITS)
    assert stdin.given <= LIMITS.max_text_bytes + 1 + io.DEFAULT_BUFFER_SIZE
    docx_stream = Endless()
    with pytest.raises(InvalidInput, match="文件超过 2 MB"):
        read_limited(io.BufferedReader(docx_stream), "稿.docx", LIMITS)
    assert docx_stream.given <= LIMITS.max_bytes + 1 + io.DEFAULT_BUFFER_SIZE


def test_a_docx_expanding_to_megabytes_of_text_stops_at_the_limit() -> None:
    # ~3 MB of text in a 20 KB file: read as far as the limit, never held whole.
    paragraph = "<w:p><w:r><w:t>" + "深入学习贯彻党的二十大精神" * 20 + "</w:t></w:r></w:p>"
    data = _with_body(paragraph * 4_000)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        reason = _refused(data, "膨胀.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "文字超过 1,000 字" in reason
    assert peak < 4 * 2**20


def test_one_enormous_paragraph_stops_at_the_limit_too() -> None:
    data = _with_body("<w:p>" + "<w:r><w:t>字字字字字</w:t></w:r>" * 50_000 + "</w:p>")
    assert "文字超过" in _refused(data, "长段.docx")


def test_markup_without_text_is_refused_before_it_fills_memory() -> None:
    data = _with_body("<w:p>" + "<w:r/>" * 300_000 + "</w:p>")
    assert "结构过于庞大" in _refused(data, "空壳.docx")


def test_markup_in_a_header_is_counted_too() -> None:
    # python-docx parses headers whole when a corrected copy is written or a copy id is read.
    document = docx.Document()
    document.sections[0].header.add_paragraph("页眉")
    document.add_paragraph("正文")
    header = f"<w:hdr {W}><w:p>" + "<w:r/>" * 300_000 + "</w:p></w:hdr>"
    data = _replace(_bytes(document), "word/header1.xml", header.encode())
    assert "word/header1.xml 的结构过于庞大" in _refused(data, "页眉.docx")


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE w:document [\n <!ENTITY a "哈哈哈哈哈哈哈哈哈哈">\n'
    + "".join(
        f' <!ENTITY {b} "{("&" + a + ";") * 10}">\n'
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>\n"
)


@pytest.mark.parametrize(
    "prolog",
    [BILLION_LAUGHS, '<?xml version="1.0"?><!-- 说明 --><!DOCTYPE x SYSTEM "http://x/y.dtd">'],
)
def test_a_doctype_in_a_part_is_refused(prolog: str) -> None:
    data = _with_body("<w:p><w:r><w:t>&i;</w:t></w:r></w:p>", prolog)
    reason = _refused(data, "笑话.docx")
    assert "word/document.xml" in reason and "DOCTYPE" in reason
    with pytest.raises(InvalidInput, match="DOCTYPE"):
        check_upload(data, "笑话.docx", LIMITS)


def test_a_doctype_in_utf16_is_refused_too() -> None:
    xml = BILLION_LAUGHS + BODY.format(body="<w:p><w:r><w:t>&i;</w:t></w:r></w:p>")
    xml = xml.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    data = _replace(_bytes(docx.Document()), "word/styles.xml", xml.encode("utf-16"))
    assert "word/styles.xml" in _refused(data, "笑话.docx")


def _zeros(megabytes: int) -> bytes:
    data = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(_bytes(docx.Document())))
    with source as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with dst.open("word/media/image1.png", "w", force_zip64=True) as fh:
            for _ in range(megabytes):
                fh.write(b"\0" * 2**20)
    return data.getvalue()


def test_zip_bombs_are_refused_from_the_central_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    over_total, over_ratio = _zeros(9), _zeros(12)
    monkeypatch.setattr(zipfile.ZipFile, "open", None)  # nothing may be inflated
    assert "解压后" in _refused(over_total, "炸弹.docx")
    roomy = UploadLimits(2 * 2**20, 20 * 2**20, 1_000)
    assert "压缩比异常" in _refused(over_ratio, "炸弹.docx", roomy)


def _declare(data: bytes, entry: str, size: int) -> bytes:
    """The zip with `entry`'s uncompressed size declared as `size` in both its headers."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        struct.pack_into("<I", out, zf.getinfo(entry).header_offset + 22, size)
    at = out.index(b"PK\x01\x02")
    while out[at : at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", out, at + 28)
        if out[at + 46 : at + 46 + n] == entry.encode():
            struct.pack_into("<I", out, at + 24, size)
        at += 46 + n + m + k
    return bytes(out)


def test_an_entry_lying_about_its_size_is_never_inflated_past_it() -> None:
    paragraph = "<w:p><w:r><w:t>" + "全面推进依法行政" * 50 + "</w:t></w:r></w:p>"
    data = _declare(_with_body(paragraph * 2_000), "word/document.xml", 4_000)
    tracemalloc.start()
    try:
        reason = _refused(data, "谎报.docx", UploadLimits(2**20, 8 * 2**20, 10**6))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "word/document.xml" in reason or "损坏" in reason
    assert peak < 2 * 2**20


def test_files_that_are_not_what_they_say_name_the_file_and_the_reason() -> None:
    assert "只能读取" in _refused(b"%PDF-1.4", "扫描件.pdf")
    assert "另存为 .docx" in _refused(b"\xd0\xcf\x11\xe0", "旧版.doc")
    assert "旧版 .doc" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "加密.docx")
    assert "zip 已损坏" in _refused(b"PK\x03\x04 not a zip", "坏的.docx")
    assert "没有任何文字" in _refused(_bytes(docx.Document()), "空白.docx")
    assert "文件超过 2 MB" in _refused(b"PK" + b"\0" * (2 * 2**20), "大的.docx")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        zf.writestr("word/document.xml", BODY.format(body=""))
        for i in range(2_001):
            zf.writestr(f"word/media/{i}.png", b"")
    assert "2002 个文件" in _refused(many.getvalue(), "碎片.docx")
