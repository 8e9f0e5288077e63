"""The library's domain model: pure dataclasses, no database inside.

A parsed file is a sequence of blocks whose raw text, joined, gives back the input exactly.
Documents, sections and paragraphs point into that sequence; nothing is ever rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    PREAMBLE = "preamble"  # text before the first document title (e.g. an advertising header)
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BLANK = "blank"


class SectionKind(StrEnum):
    WORK_DONE = "工作情况"
    PRACTICES = "主要做法"
    PROBLEMS = "存在问题"
    NEXT_STEPS = "下步打算"
    OTHER = "其他"


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of the source text: `raw` includes its line ending, so blocks rejoin losslessly."""

    kind: BlockKind
    raw: str
    start: int  # offset in the parsed text

    @property
    def text(self) -> str:
        return self.raw.rstrip("\r\n")

    @property
    def end(self) -> int:
        return self.start + len(self.raw)


@dataclass(frozen=True, slots=True)
class Item:
    """An in-paragraph enumerated item: 一是…, 1)…, ①…; offsets are within the paragraph."""

    marker: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A gap left for the writer's own facts, e.g. XX in 累计受理XX人 (label 受理人数, unit 人)."""

    text: str
    start: int  # offset within the document text
    end: int
    label: str  # what the writer fills in: 驾校数, 投资额, 市名
    unit: str = ""  # as written: 万元, 人次, %
    kind: str = "number"  # number | percent | money | name | place | date | text
    approximate: bool = False  # 余/多/近/约 around the figure
    field: str = ""  # the same figure written twice shares one field name


@dataclass(slots=True)
class Section:
    """A heading and everything under it until the next heading of the same or a higher level."""

    level: int  # 1 = top level of the document
    label: str  # number label as written, e.g. "一、", "（一）", "1．", "" for a bare heading
    heading: str  # heading text without the label
    kind: SectionKind
    start: int  # offset of the heading within the document text
    parent: int | None = None  # index of the parent section in Document.sections

    @property
    def title(self) -> str:
        return f"{self.label}{self.heading}"


@dataclass(slots=True)
class Paragraph:
    text: str
    start: int  # offset within the document text
    section: int | None  # index into Document.sections
    items: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """One official document: its metadata, heading tree, paragraphs and placeholders."""

    title: str
    text: str  # exactly the document's slice of the source text
    organisation: str = ""
    organisation_kind: str = ""
    year: int | None = None
    period: str = ""
    doc_type: str = ""
    source_file: str = ""
    content_hash: str = ""
    # Identity and facts from the source itself, where it has them (see ingest.readers).
    source_key: str = ""  # which source this is: a file path plus record key, or a URL
    doc_date: str = ""  # the document's own date (成文/公布日期): "YYYY-MM-DD", "YYYY-MM" or ""
    url: str = ""
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def heading_path(self, section: int | None) -> list[str]:
        """Titles from the top-level section down to `section`."""
        path: list[str] = []
        while section is not None:
            path.append(self.sections[section].title)
            section = self.sections[section].parent
        return path[::-1]


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """What a source states about its document outright: record fields, front matter, core
    properties. Stated facts win over facts guessed from the text."""

    title: str = ""
    doc_date: str = ""  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    organisation: str = ""
    url: str = ""


@dataclass(slots=True)
class ParsedFile:
    """A source file after parsing: an optional preamble and one or more documents."""

    text: str
    blocks: list[Block]
    documents: list[Document]

    @property
    def preamble(self) -> str:
        return "".join(b.raw for b in self.blocks if b.kind is BlockKind.PREAMBLE)
