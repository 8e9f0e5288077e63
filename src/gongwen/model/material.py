"""Materials as readers see them: read models, the preview rule and the searchable passages.

Pure values and functions; the store fills them, services and exports consume them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class PassageKind(StrEnum):
    """What a row of the search index holds."""

    BODY = "body"  # a paragraph of the text: searchable by readers who may read the material
    TITLE = "title"  # the material's title: everyone sees it
    HEADING = "heading"  # a heading of the outline: everyone sees it
    PREVIEW = "preview"  # the part of a paragraph inside the preview: everyone sees it


class Status(StrEnum):
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    DRAFT = "draft"
    RETIRED = "retired"


def status_of(published_at: datetime | None, retired_at: datetime | None, at: datetime) -> Status:
    if retired_at is not None:
        return Status.RETIRED
    if published_at is None:
        return Status.DRAFT
    return Status.SCHEDULED if published_at > at else Status.PUBLISHED


def preview_span(text: str, chars: int) -> tuple[int, int]:
    """Where the preview lies in a revision's text: after the title line, at most `chars`
    characters, without the surrounding whitespace. The one rule for pages, API and search."""
    newline = text.find("\n")
    start = newline + 1 if newline >= 0 else 0
    body_end = len(text.rstrip())
    while start < body_end and text[start].isspace():
        start += 1
    return start, max(start, min(body_end, start + chars))


def preview_of(text: str, chars: int) -> str:
    start, end = preview_span(text, chars)
    return text[start:end] + ("……" if end < len(text.rstrip()) else "")


@dataclass(frozen=True, slots=True)
class Passage:
    """A searchable piece of a revision other than its body paragraphs."""

    kind: PassageKind
    section: int | None  # index into the revision's sections
    start: int  # offset within the revision's text (0 for the title)
    text: str


def public_passages(
    title: str,
    text: str,
    headings: list[tuple[int, str]],  # (start, label + heading) per section, in order
    paragraphs: list[tuple[int, str, int | None]],  # (start, text, section) per body paragraph
    preview_chars: int,
) -> list[Passage]:
    """What everyone may search of a revision: its title, its outline, and its preview."""
    out = [Passage(PassageKind.TITLE, None, 0, title)]
    out += [Passage(PassageKind.HEADING, i, s, h) for i, (s, h) in enumerate(headings) if h]
    start, end = preview_span(text, preview_chars)
    for p_start, p_text, section in paragraphs:
        a, b = max(p_start, start), min(p_start + len(p_text), end)
        if a < b and text[a:b].strip():
            out.append(Passage(PassageKind.PREVIEW, section, a, text[a:b]))
    return out


@dataclass(slots=True)
class MaterialSummary:
    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    revisions: int
    doc_date: str = ""  # the document's own date (成文/公布日期), not the platform's


@dataclass(frozen=True, slots=True)
class VersionOut:
    """One material of a family (a law's editions): each its own material, newest current."""

    id: int
    title: str
    doc_date: str
    current: bool


@dataclass(slots=True)
class SectionOut:
    start: int
    level: int
    label: str
    heading: str
    kind: str


@dataclass(slots=True)
class PlaceholderOut:
    text: str
    start: int
    end: int
    label: str
    unit: str
    kind: str = "number"
    approximate: bool = False
    field: str = ""


@dataclass(slots=True)
class MaterialDetail:
    """A revision of a material with its full structure."""

    summary: MaterialSummary
    revision_id: int
    revision_number: int
    source_file: str
    text: str
    sections: list[SectionOut] = field(default_factory=list)
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    placeholders: list[PlaceholderOut] = field(default_factory=list)
    versions: list[VersionOut] = field(default_factory=list)  # with this one; [] when alone
    # A member's copy (trace/): the visible notice printed on it, and its opaque id.
    notice: str = ""
    copy_id: str = ""

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def body_blocks(detail: MaterialDetail) -> list[tuple[str, int, str]]:
    """Headings and paragraphs in text order: ("heading", level, title) or ("paragraph", 0, text)."""
    events: list[tuple[int, int, str, int, str]] = [
        (s.start, 0, "heading", s.level, f"{s.label}{s.heading}") for s in detail.sections
    ]
    events += [
        (int(p["start"]), 1, "paragraph", 0, str(p["text"]).strip()) for p in detail.paragraphs
    ]
    return [(kind, level, text) for _, _, kind, level, text in sorted(events) if text]


@dataclass(slots=True)
class Card:
    """A material in a list: metadata, and whether the viewer may read it."""

    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    published_at: datetime | None
    readable: bool
    status: str  # published | scheduled | draft | retired
    doc_date: str = ""  # the document's own date, shown on cards ("" when the source has none)


@dataclass(frozen=True, slots=True)
class RevisionView:
    """What pages show of one revision, in flat tuples: revisions never change, so this is kept
    per process, and tuples of strings cost the garbage collector nothing."""

    revision_id: int
    number: int
    sections: tuple[SectionOut, ...]
    blocks: tuple[tuple[str, int, str], ...]  # ("heading" | "paragraph", level, text)
    text: str
    preview: str
    placeholders: tuple[PlaceholderOut, ...]
    copy_of: int = 0  # -1: the text with a slot at every variant site (filled per reader)


@dataclass(frozen=True, slots=True)
class CopyMarks:
    """A reader's copy of a revision: their wording at each variant site, and either the page's
    HTML template its slots go into (a page) or the copy's whole text (the API)."""

    words: tuple[str, ...]  # the reader's wording per site
    # The revision's text as the reader's copy has it, and its placeholders' places there:
    # made only for the API; a page needs the slots alone.
    text: str = ""
    placeholders: tuple[PlaceholderOut, ...] = ()
    invisible: str = ""  # the optional zero-width mark put at each paragraph (trace/zerowidth.py)
    # The page's HTML as a str.format template, {i} at slot i (platform/pages.py): a page's copy.
    template: str = ""


@dataclass(slots=True)
class MaterialView:
    card: Card
    revision: RevisionView
    revisions: int
    readable: bool
    versions: list[VersionOut] = field(default_factory=list)  # other editions members can see
    notice: str = ""  # a member's copy: whose it is (仅供学习 禁止外传 …)
    marks: CopyMarks | None = None  # a member's copy: their wording at the variant sites

    @property
    def sections(self) -> tuple[SectionOut, ...]:
        return self.revision.sections

    @property
    def revision_number(self) -> int:
        return self.revision.number

    @property
    def preview(self) -> str:
        """The opening of the text, at most preview_chars: everyone sees this."""
        return self.revision.preview


@dataclass(slots=True)
class RevisionInfo:
    number: int
    created_at: datetime | None
    note: str
    source_file: str


@dataclass(slots=True)
class RevisionDiff:
    number: int
    previous: int | None
    note: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" " | "+" | "-" | "@", text)
    notice: str = ""  # a member's copies: whose they are (仅供学习 禁止外传 …)
