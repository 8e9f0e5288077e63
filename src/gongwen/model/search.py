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
class SearchResult:
    query: str
    hits: list[Hit]
    candidates: int  # matching passages that were ranked
    capped: bool  # more passages match than were ranked
    took_ms: float
    filters: Filters = field(default_factory=Filters)

    def as_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "candidates": self.candidates,
            "capped": self.capped,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.as_json() for h in self.hits],
        }
