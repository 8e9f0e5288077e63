"""Search as values: terms, filters, who may match what, and the hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Term:
    """One exact phrase of a query."""

    text: str  # as typed, width- and case-folded
    tokens: tuple[str, ...]  # index tokens that must appear consecutively
    prefix: bool  # the last token is a one-character prefix


@dataclass(frozen=True, slots=True)
class Filters:
    organisation_kind: str | None = None
    doc_type: str | None = None
    year: int | None = None
    period: str | None = None
    section_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """Which passages a search may match, decided before anything is counted or ranked.

    - everything: every material, drafts included, by its full text (editors, the command line);
    - otherwise only materials published by `at` and not retired, and of those the full text of
      the ones published inside `readable` (a subscription's window), and only the title,
      outline and preview of the rest. What a viewer may not read, search may not confirm.
    """

    everything: bool = False
    at: datetime | None = None
    readable: tuple[datetime, datetime] | None = None

    @classmethod
    def all(cls) -> Scope:
        return cls(everything=True)


@dataclass(slots=True)
class Hit:
    material_id: int
    revision_id: int
    paragraph_id: int
    title: str
    heading_path: list[str]
    snippet: list[tuple[str, bool]]  # (text, highlighted) segments, for safe rendering
    score: float
    kind: str = "body"  # model.material.PassageKind of the matching passage

    @property
    def snippet_text(self) -> str:
        return "".join(f"【{t}】" if hit else t for t, hit in self.snippet)

    def as_json(self) -> dict[str, object]:
        return {
            "material_id": self.material_id,
            "revision_id": self.revision_id,
            "paragraph_id": self.paragraph_id,
            "kind": self.kind,
            "title": self.title,
            "heading_path": self.heading_path,
            "snippet": self.snippet_text,
            "highlights": [[t, hit] for t, hit in self.snippet],
            "score": round(self.score, 4),
        }


@dataclass(slots=True)
class MaterialHit:
    """One matching material: its best passages and how many more it has."""

    material_id: int
    revision_id: int
    title: str
    doc_type: str
    organisation: str
    doc_date: str
    score: float | None  # None for a viewer's search (it would speak of text they cannot read)
    passages: list[Hit]
    matches: int  # matching passages in the material (the shown ones included)

    @property
    def more(self) -> int:
        return max(0, self.matches - len(self.passages))

    def as_json(self) -> dict[str, object]:
        return {
            "material_id": self.material_id,
            "revision_id": self.revision_id,
            "title": self.title,
            "doc_type": self.doc_type,
            "organisation": self.organisation,
            "doc_date": self.doc_date,
            # BM25 of a term in nearly every document is tiny: keep significant digits.
            "score": None if self.score is None else float(f"{self.score:.6g}"),
            "matches": self.matches,
            "more": self.more,
            "passages": [h.as_json() for h in self.passages],
        }


FACET_NAMES = ("doc_type", "organisation_kind", "year")


@dataclass(slots=True)
class SearchResult:
    query: str
    materials: list[MaterialHit]
    total: int  # matching materials, all of them ranked
    page: int
    per_page: int
    took_ms: float
    filters: Filters = field(default_factory=Filters)
    # name (FACET_NAMES) -> [(value, matching materials)], most first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    hint: str = ""  # e.g. a one-character query that matches most of the library

    @property
    def hits(self) -> list[Hit]:
        """The shown passages of every material on the page, in order."""
        return [h for m in self.materials for h in m.passages]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "took_ms": round(self.took_ms, 2),
            "hint": self.hint,
            "facets": {
                name: [{"value": v, "count": n} for v, n in values]
                for name, values in self.facets.items()
            },
            "materials": [m.as_json() for m in self.materials],
        }
