"""Reader registry: a file suffix -> a function that turns the file into source texts.

A reader returns one SourceText per document-bearing unit (one for a .txt, one per record of a
.jsonl/.csv corpus file); the parser then splits each into documents.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gongwen.errors import CorruptFile, EmptyFile, FileTooLarge, ReadError, UnsupportedFile
from gongwen.ingest.text import decode_text

MAX_TEXT_BYTES = 64 * 1024 * 1024  # larger "text" files are not writing materials


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    name: str  # file path, plus "#N" for the N-th record of a corpus file
    title_hint: str = ""
    markdown: bool = False
    encoding: str = "utf-8"


Reader = Callable[[Path], list[SourceText]]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    def register(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn

    return register


def read_source(path: Path) -> list[SourceText]:
    """Source texts of a file, or a ReadError naming the file and the reason."""
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        hint = "；旧版 .doc 请另存为 .docx" if path.suffix.lower() == ".doc" else ""
        raise UnsupportedFile(path, f"不支持的文件类型 {path.suffix or '(无扩展名)'}{hint}")
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ReadError(path, f"无法读取 ({err.strerror})") from err
    if size == 0:
        raise EmptyFile(path, "文件为空 (empty file)")
    return fn(path)


def _read_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise FileTooLarge(path, f"文本文件超过 {MAX_TEXT_BYTES // 2**20} MB")
    return path.read_bytes()


@reader(".txt", ".text")
def read_txt(path: Path) -> list[SourceText]:
    text, encoding = decode_text(_read_bytes(path), path)
    return [SourceText(text, str(path), encoding=encoding)]


@reader(".md", ".markdown")
def read_md(path: Path) -> list[SourceText]:
    text, encoding = decode_text(_read_bytes(path), path)
    return [SourceText(text, str(path), markdown=text.lstrip().startswith("# "), encoding=encoding)]


@reader(".docx")
def read_docx_file(path: Path) -> list[SourceText]:
    from gongwen.ingest.docx import read_docx  # python-docx/lxml load only when needed

    return [SourceText(read_docx(path), str(path))]


@reader(".pdf")
def read_pdf(path: Path) -> list[SourceText]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise CorruptFile(path, f"PDF 已损坏 ({err})") from err
    text = "\n".join(pages)
    if not text.strip():
        raise EmptyFile(path, "PDF 中没有可提取的文字（可能是扫描件）")
    return [SourceText(text, str(path))]


# Corpus files hold one document per record; these are the field names seen in the wild.
_TITLE_FIELDS = ("title", "标题", "name")
_TEXT_FIELDS = ("content", "full_text", "text", "body", "正文")


def _records_to_sources(path: Path, records: list[dict[str, object]]) -> list[SourceText]:
    sources = []
    for n, record in enumerate(records, start=1):
        text = next((record[f] for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
        if not isinstance(text, str):
            raise CorruptFile(path, f"第 {n} 条记录没有正文字段 ({'/'.join(_TEXT_FIELDS)})")
        title = next((record[f] for f in _TITLE_FIELDS if isinstance(record.get(f), str)), "")
        sources.append(SourceText(text.replace("\r\n", "\n"), f"{path}#{n}", str(title)))
    if not sources:
        raise EmptyFile(path, "没有记录 (no records)")
    return sources


@reader(".jsonl")
def read_jsonl(path: Path) -> list[SourceText]:
    text, _ = decode_text(_read_bytes(path), path)
    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorruptFile(path, f"第 {n} 行不是 JSON ({err.msg})") from err
        if not isinstance(record, dict):
            raise CorruptFile(path, f"第 {n} 行不是 JSON 对象")
        records.append(record)
    return _records_to_sources(path, records)


@reader(".csv")
def read_csv(path: Path) -> list[SourceText]:
    text, _ = decode_text(_read_bytes(path), path)
    csv.field_size_limit(MAX_TEXT_BYTES)
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = set(rows[0]) if rows else set()
    if not fields & set(_TEXT_FIELDS):
        raise UnsupportedFile(path, "CSV 没有正文列 (content/full_text/text)，不是语料文件")
    return _records_to_sources(path, rows)  # type: ignore[arg-type]
