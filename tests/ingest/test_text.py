"""Text files in the encodings 公文 arrive in; undecidable bytes are an error naming the file."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from gongwen.errors import CorruptFile, EmptyFile, UndecidableEncoding, UnsupportedFile
from gongwen.ingest.readers import read_source

SAMPLE = "2020年上半年工作总结（科技局）\n一、工作开展情况\n全市累计受理XX人，同比增长XX%。“双拥”工作扎实推进。\n"


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("gb18030", b""),
        ("gbk", b""),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(prefix + SAMPLE.encode(encoding))
    [source] = read_source(path)
    assert source.text == SAMPLE


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(SAMPLE.replace("\n", "\r\n").encode("gb18030"))
    assert read_source(path)[0].text == SAMPLE


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = "䶮是一个GB18030才有的字。" * 3 + SAMPLE
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    assert read_source(path)[0].text == text


def test_undecidable_bytes_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "乱码.txt"
    # Latin-1 bytes that are neither UTF-8 nor plausible GB18030 Chinese.
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    with pytest.raises(UndecidableEncoding) as err:
        read_source(path)
    assert "乱码.txt" in str(err.value)


def test_binary_junk_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises((CorruptFile, UndecidableEncoding)) as err:
        read_source(path)
    assert "junk.txt" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t "])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyFile) as err:
        read_source(path)
    assert "empty.txt" in str(err.value) and "为空" in str(err.value)


def test_unsupported_type_says_so(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    with pytest.raises(UnsupportedFile) as err:
        read_source(path)
    assert "old.doc" in str(err.value) and ".docx" in str(err.value)


def test_jsonl_and_csv_corpus_records(tmp_path: Path) -> None:
    jsonl = tmp_path / "reports.jsonl"
    jsonl.write_text(
        '{"title": "2024年政府工作报告", "content": "各位代表：\\n一、回顾\\n正文。"}\n'
        '{"title": "2025年政府工作报告", "content": "各位代表：\\n正文。"}\n',
        encoding="utf-8",
    )
    sources = read_source(jsonl)
    assert [s.title_hint for s in sources] == ["2024年政府工作报告", "2025年政府工作报告"]
    assert sources[1].name.endswith("#2")
    csv_path = tmp_path / "report.csv"
    csv_path.write_bytes(
        codecs.BOM_UTF8
        + '省份,title,full_text\n上海,2026年上海市政府工作报告,"各位代表：\n正文，含逗号。"\n'.encode()
    )
    [source] = read_source(csv_path)
    assert source.title_hint == "2026年上海市政府工作报告"
    assert source.text == "各位代表：\n正文，含逗号。"


def test_big5_is_never_read_as_gbk_mojibake(tmp_path: Path) -> None:
    text = "臺灣省政府工作報告：各項建設穩步推進，經濟發展態勢良好，民眾生活持續改善。" * 4
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    try:
        [source] = read_source(path)
    except UndecidableEncoding as err:
        assert "big5.txt" in str(err)
    else:
        assert source.text == text


def test_markdown_front_matter_states_title_date_and_organisation(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text(
        "---\ntitle: 2021年工作总结\ndate: 2021-12-20\norganisation: 某某市科技局\n---\n"
        "一、工作情况\n正文。\n",
        encoding="utf-8",
    )
    [source] = read_source(path)
    assert (source.facts.title, source.facts.doc_date, source.facts.organisation) == (
        "2021年工作总结",
        "2021-12-20",
        "某某市科技局",
    )
    assert not source.text.startswith("---")  # front matter is metadata, not text
    assert source.key == str(path.resolve())
