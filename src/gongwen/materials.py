"""Reading the library: list materials, show one, its outline and placeholders."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select

from gongwen.errors import NotFound
from gongwen.library import Library
from gongwen.store.schema import materials, paragraphs, placeholders, revisions, sections


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


@dataclass(slots=True)
class MaterialDetail:
    summary: MaterialSummary
    revision_id: int
    revision_number: int
    source_file: str
    text: str
    sections: list[SectionOut] = field(default_factory=list)
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    placeholders: list[PlaceholderOut] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


_SUMMARY = select(
    materials.c.id,
    materials.c.title,
    materials.c.organisation,
    materials.c.organisation_kind,
    materials.c.year,
    materials.c.period,
    materials.c.doc_type,
    select(func.count())
    .where(revisions.c.material_id == materials.c.id)
    .scalar_subquery()
    .label("revisions"),
)


def list_materials(
    lib: Library,
    *,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[MaterialSummary]:
    query = _SUMMARY
    for column, value in (
        (materials.c.organisation_kind, organisation_kind),
        (materials.c.doc_type, doc_type),
        (materials.c.year, year),
        (materials.c.period, period),
    ):
        if value is not None:
            query = query.where(column == value)
    query = query.order_by(materials.c.id).limit(limit).offset(offset)
    with lib.engine.connect() as conn:
        return [MaterialSummary(**row) for row in conn.execute(query).mappings()]


def count_materials(lib: Library) -> int:
    with lib.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(materials)).scalar_one()


def material_detail(
    lib: Library, material_id: int, revision_number: int | None = None
) -> MaterialDetail:
    """A material at its current revision (or the numbered one), with its full structure."""
    with lib.engine.connect() as conn:
        row = conn.execute(_SUMMARY.where(materials.c.id == material_id)).mappings().first()
        if row is None:
            raise NotFound(f"没有编号为 {material_id} 的材料")
        rev_query = select(revisions).where(revisions.c.material_id == material_id)
        if revision_number is None:
            rev_query = rev_query.join(materials, materials.c.current_revision_id == revisions.c.id)
        else:
            rev_query = rev_query.where(revisions.c.number == revision_number)
        rev = conn.execute(rev_query).mappings().first()
        if rev is None:
            raise NotFound(f"材料 {material_id} 没有第 {revision_number} 版")
        secs = conn.execute(
            select(
                sections.c.start,
                sections.c.level,
                sections.c.label,
                sections.c.heading,
                sections.c.kind,
            )
            .where(sections.c.revision_id == rev["id"])
            .order_by(sections.c.ord)
        ).mappings()
        paras = conn.execute(
            select(
                paragraphs.c.ord,
                paragraphs.c.section_ord,
                paragraphs.c.start,
                paragraphs.c.text,
                paragraphs.c["items"],
            )
            .where(paragraphs.c.revision_id == rev["id"])
            .order_by(paragraphs.c.ord)
        ).mappings()
        phs = conn.execute(
            select(
                placeholders.c.text,
                placeholders.c.start,
                placeholders.c.end,
                placeholders.c.label,
                placeholders.c.unit,
            )
            .where(placeholders.c.revision_id == rev["id"])
            .order_by(placeholders.c.start)
        ).mappings()
        return MaterialDetail(
            MaterialSummary(**row),
            rev["id"],
            rev["number"],
            rev["source_file"],
            rev["text"],
            [SectionOut(**s) for s in secs],
            [dict(p, items=json.loads(p["items"]) if p["items"] else []) for p in paras],
            [PlaceholderOut(**p) for p in phs],
        )


def body_blocks(detail: MaterialDetail) -> list[tuple[str, int, str]]:
    """Headings and paragraphs in text order: ("heading", level, title) or ("paragraph", 0, text)."""
    events: list[tuple[int, int, str, int, str]] = [
        (s.start, 0, "heading", s.level, f"{s.label}{s.heading}") for s in detail.sections
    ]
    events += [
        (int(p["start"]), 1, "paragraph", 0, str(p["text"]).strip()) for p in detail.paragraphs
    ]
    return [(kind, level, text) for _, _, kind, level, text in sorted(events) if text]


def render_markdown(detail: MaterialDetail) -> str:
    """The material as Markdown: title, headings by level, paragraphs, in text order."""
    out = [f"# {detail.summary.title}", ""]
    for kind, level, text in body_blocks(detail):
        out += ["#" * min(6, level + 1) + f" {text}" if kind == "heading" else text, ""]
    return "\n".join(out).rstrip() + "\n"
