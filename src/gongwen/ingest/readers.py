"""Reader registry: a file suffix -> a function that turns the file into source texts.

A reader returns one SourceText per document-bearing unit (one for a .txt, one per record of a
.jsonl/.csv corpus file); the parser then splits each into documents. Each source text carries
its identity (`key`: the resolved file path, plus the record's URL or number) and what the source
states outright (`facts`: record fields, front matter, a law file's header, .docx core
properties), which win over anything guessed from the text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gongwen.errors import CorruptFile, EmptyFile, FileTooLarge, ReadError, UnsupportedFile
from gongwen.ingest.text import decode_text
from gongwen.model import SourceFacts
from gongwen.parse.dates import iso_date

MAX_TEXT_BYTES = 64 * 1024 * 1024  # larger "text" files are not writing materials


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    name: str  # file path, plus "#N" for the N-th record of a corpus file
    title_hint: str = ""
    markdown: bool = False
    encoding: str = "utf-8"
    key: str = ""  # identity: the same key on a later ingest is the same source
    facts: SourceFacts = field(default_factory=SourceFacts)
    record: bool = False  # one record of a corpus file: exactly one document, never split


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


def file_key(path: Path) -> str:
    """A file's identity: its resolved path (the same file named two ways is one source)."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


# A law file's version date in its name: 民事诉讼法(2023-09-01).md
_NAME_DATE = re.compile(r"[（(]((?:19|20)\d{2}-\d{2}-\d{2})[）)]$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)
_INFO_END = "<!-- INFO END -->"
_MD_TITLE = re.compile(r"\A\s*#[ \t]+(\S[^\n]*)")


@reader(".txt", ".text")
def read_txt(path: Path) -> list[SourceText]:
    text, encoding = decode_text(_read_bytes(path), path)
    return [SourceText(text, str(path), encoding=encoding, key=file_key(path))]


@reader(".md", ".markdown")
def read_md(path: Path) -> list[SourceText]:
    text, encoding = decode_text(_read_bytes(path), path)
    facts = SourceFacts()
    front = _FRONT_MATTER.match(text)
    if front:
        facts = _front_matter_facts(path, front.group(1))
        text = text[front.end() :]  # front matter is metadata, not the document's text
    title = _MD_TITLE.match(text)
    if title and _INFO_END in text[:4000]:
        # A law file (国家法律法规数据库 layout): "# 标题", dated events, <!-- INFO END -->.
        head = text[: text.index(_INFO_END)]
        m = _NAME_DATE.search(path.stem)
        facts = SourceFacts(
            title=facts.title or title.group(1).strip(),
            doc_date=facts.doc_date or (m.group(1) if m else iso_date(head)),
            organisation=facts.organisation,
            url=facts.url,
        )
    return [
        SourceText(
            text,
            str(path),
            markdown=text.lstrip().startswith("# "),
            encoding=encoding,
            key=file_key(path),
            facts=facts,
        )
    ]


def _front_matter_facts(path: Path, block: str) -> SourceFacts:
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as err:
        raise CorruptFile(path, f"文件头 (front matter) 不是有效的 YAML ({err})") from err
    if not isinstance(data, dict):
        return SourceFacts()
    return _record_facts(data)


@reader(".docx")
def read_docx_file(path: Path) -> list[SourceText]:
    from gongwen.ingest.docx import read_docx  # python-docx/lxml load only when needed

    text, core = read_docx(path)
    facts = SourceFacts(title=core.get("title", ""))
    return [SourceText(text, str(path), key=file_key(path), facts=facts)]


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
    return [SourceText(text, str(path), key=file_key(path))]


# Corpus files hold one document per record; these are the field names seen in the wild.
_TITLE_FIELDS = ("title", "标题", "name")
_TEXT_FIELDS = ("content", "full_text", "text", "body", "正文")
_DATE_FIELDS = ("publish_date", "date", "成文日期", "发布日期", "year", "年份")
_ORG_FIELDS = ("organisation", "organization", "org", "发文机关", "单位")
_PROVINCE_FIELDS = ("province", "省份")
_URL_FIELDS = ("url", "source_url", "link", "链接")
_ID_FIELDS = ("id", "key", "编号")


def _field(record: Mapping[str, object], names: tuple[str, ...]) -> str:
    for name in names:
        value = record.get(name)
        if isinstance(value, date):  # YAML front matter reads 2020-07-10 as a date
            return value.isoformat()[:10]
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return ""


def _record_facts(record: Mapping[str, object]) -> SourceFacts:
    organisation = _field(record, _ORG_FIELDS)
    province = _field(record, _PROVINCE_FIELDS)
    if not organisation and province:
        organisation = f"{province}人民政府"  # a provincial record is that government's document
    return SourceFacts(
        title=_field(record, _TITLE_FIELDS),
        doc_date=iso_date(_field(record, _DATE_FIELDS)),
        organisation=organisation,
        url=_field(record, _URL_FIELDS),
    )


def _records_to_sources(path: Path, records: list[dict[str, object]]) -> list[SourceText]:
    sources = []
    key = file_key(path)
    for n, record in enumerate(records, start=1):
        text = next((record[f] for f in _TEXT_FIELDS if isinstance(record.get(f), str)), None)
        if not isinstance(text, str):
            raise CorruptFile(path, f"第 {n} 条记录没有正文字段 ({'/'.join(_TEXT_FIELDS)})")
        facts = _record_facts(record)
        # A record is known by its URL (stable when the file is re-exported in another order),
        # else its own id, else its number in the file.
        record_key = facts.url or f"{key}#{_field(record, _ID_FIELDS) or n}"
        sources.append(
            SourceText(
                text.replace("\r\n", "\n"),
                f"{path}#{n}",
                facts.title,
                key=record_key,
                facts=facts,
                record=True,
            )
        )
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
