"""What /api/v1 accepts and answers, as Pydantic models: the OpenAPI document is made from these.

Parameters are bounded so that every value the document allows fits the database (ids are
32-bit integers on PostgreSQL) and every value it refuses gets a 422, never a 500. Times go out
as `datetime.isoformat()` (e.g. 2026-01-02T03:04:05.123456+00:00), as they always have.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from gongwen.model.member import Role

INT32_MAX = 2**31 - 1

# -- parameters ------------------------------------------------------------------------------

RowId = Annotated[int, Path(ge=1, le=INT32_MAX, description="编号")]  # page paths, too
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="页码")]
MaterialId = Annotated[int, Path(ge=1, le=INT32_MAX, description="A material's id")]
Offset = Annotated[int, Query(ge=0, le=INT32_MAX, description="Materials to skip")]
EventId = Annotated[int, Query(ge=0, le=INT32_MAX, description="Events after this id")]
Facet = Annotated[str, Query(description="A facet value, as listed by the site; empty = any")]
Year = Annotated[str, Query(pattern=r"^([0-9]{4})?$", description="Four digits; empty = any")]
SearchQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="Terms separated by spaces, each an exact phrase; all must match. "
        "A query with nothing searchable (only punctuation) or more than 8 terms gets a 400.",
    ),
]
# The header every POST/PUT/PATCH/DELETE needs: checked once for the whole app (web/deps.py
# require_csrf), documented on each such operation (web/routes/api.py openapi). Optional in
# the document so that a missing token is answered (403), not refused as malformed.
CSRF_PARAMETER = {
    "name": "X-CSRF-Token",
    "in": "header",
    "required": False,
    "description": "The session's CSRF token (a visitor's: their gw_csrf cookie); "
    "missing or wrong: 403",
    "schema": {"type": "string", "title": "X-Csrf-Token"},
}


# -- responses -------------------------------------------------------------------------------

IsoTime = Annotated[
    datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Out):
    """Every error /api/v1 answers (4xx), domain errors and malformed requests alike."""

    error: str = Field(description="The error's kind, e.g. NotFound, InvalidInput, RateLimited")
    message: str = Field(description="What went wrong, for people (mostly Chinese)")
    field: str | SkipJsonSchema[None] = Field(
        default=None, description="The parameter or body field at fault, when there is one"
    )


class SubscriptionOut(Out):
    plan: str
    starts_at: IsoTime
    ends_at: IsoTime


class MeOut(Out):
    id: int
    email: str
    role: Role
    subscription: SubscriptionOut | None


class CardOut(Out):
    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    published_at: IsoTime | None
    readable: bool = Field(description="Whether this viewer may read the full text")
    status: Literal["published", "scheduled", "draft", "retired"]
    doc_date: str = Field(
        "", description="The document's own date (成文/公布日期) as YYYY-MM-DD, YYYY-MM or YYYY"
    )


class SectionOut(Out):
    start: int
    level: int
    label: str
    heading: str
    kind: str


class PlaceholderOut(Out):
    text: str = Field(description="The placeholder as written: XX, X, ××, XX%")
    start: int = Field(description="Offset in the revision's text")
    end: int
    label: str = Field(description="What the writer fills in: 驾校数, 投资额, 市名")
    unit: str = Field(description="The unit written after it: 万元, 人次, %; empty for names")
    kind: Literal["number", "percent", "money", "name", "place", "date", "text"]
    approximate: bool = Field(description="余/多/近/约 around the figure")
    field: str = Field(description="Field name; repeats of one figure share it")


class VersionOut(Out):
    id: int
    title: str
    doc_date: str
    current: bool = Field(description="The newest edition (by the document's own date)")


class MaterialOut(CardOut):
    revision: int = Field(description="The current revision's number")
    revisions: int = Field(description="How many revisions there are")
    outline: list[SectionOut]
    preview: str
    versions: list[VersionOut] = Field(
        default_factory=list, description="Editions of the same document (a law's versions)"
    )
    related: list[CardOut] = Field(
        default_factory=list,
        description="Materials a writer of this one would also look at (same organisation, "
        "kind of organisation, document type, half-year)",
    )
    favourite: bool = Field(False, description="Whether the viewer keeps it among favourites")
    # Only for viewers who may read the material: absent otherwise (never null).
    text: str | SkipJsonSchema[None] = Field(default=None, description="Full text (readers only)")
    placeholders: list[PlaceholderOut] | SkipJsonSchema[None] = Field(
        default=None, description="Blanks to fill in the text (readers only)"
    )


class HitOut(Out):
    material_id: int
    revision_id: int
    paragraph_id: int
    kind: Literal["body", "title", "heading", "preview"] = Field(
        description="What matched: a paragraph, the title, a heading, or (for materials the "
        "viewer may not read) a part of the preview"
    )
    title: str
    heading_path: list[str]
    snippet: str = Field(
        description="The passage around the first match (never beyond what the viewer may read)"
    )
    highlights: list[tuple[str, bool]] = Field(description="(text, is a match) segments")
    score: float


class MaterialHitOut(Out):
    material_id: int
    revision_id: int
    title: str
    doc_type: str
    organisation: str
    doc_date: str = Field(description="成文或公布日期 YYYY-MM-DD（或年份），未知为空")
    score: float | None = Field(
        description="Relevance score (editors only; null for other viewers: it would reflect "
        "text they may not read)"
    )
    matches: int = Field(description="Matching passages in this material")
    more: int = Field(description="Matching passages not shown (search with material=id)")
    passages: list[HitOut] = Field(description="The best matching passages, best first")


class FacetCountOut(Out):
    value: str
    count: int = Field(description="Matching materials with this value")


class SearchOut(Out):
    query: str
    total: int = Field(description="Matching materials (every one is ranked)")
    page: int
    per_page: int
    pages: int
    took_ms: float
    hint: str = Field(description="Advice when the query is too broad (one character), else empty")
    facets: dict[Literal["doc_type", "organisation_kind", "year"], list[FacetCountOut]]
    materials: list[MaterialHitOut] = Field(description="One entry per material, best first")


class RequestOut(Out):
    id: int
    title: str
    body: str
    status: Literal["open", "planned", "done"]
    votes: int
    material_id: int | None
    material_title: str
    created_at: IsoTime
    mine: bool
    voted: bool


class KeptOut(Out):
    material_id: int
    kept: bool = Field(description="Whether the material is now among the member's favourites")
    changed: bool = Field(description="False when it already was (or already was not)")


class DownloadOut(Out):
    material_id: int
    title: str
    revision: int
    format: str
    at: IsoTime


class CreatedOut(Out):
    id: int


class EventOut(Out):
    id: int
    kind: Literal["published", "revised", "request"]
    title: str
    at: IsoTime
    material_id: int | None
    request_id: int | None


# -- request bodies --------------------------------------------------------------------------

# Bodies are validated strictly: a value must have the type the document gives it (no 0 or
# "true" for true, no "12" or true for an integer, no true for a number).
STRICT_IN = ConfigDict(extra="forbid", strict=True)


def _whole(value: object) -> object:
    # JSON Schema's integer is any number without a fraction: 12.0 is 12 (a strict int is not).
    return int(value) if isinstance(value, float) and value.is_integer() else value


# An id in a body (after its Field, so that the document states the bounds).
BodyId = Annotated[int, Field(ge=1, le=INT32_MAX), BeforeValidator(_whole)]

# No control characters (C0, C1), and no whitespace at either end: the service strips titles.
# Whitespace is spelled out (everything str.strip removes) because \s differs between regex
# engines: ECMA (the document, schemathesis) leaves out U+0085, which Python and Rust include.
_EDGE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
_TITLE = rf"^{_EDGE}([^\x00-\x1f\x7f-\x9f]*{_EDGE})?$"


_PLAIN = r"^[^\x00-\x1f\x7f-\x9f]*$"  # no control characters (a .docx cannot hold them)


class RequestIn(BaseModel):
    """A material request. Text must be valid Unicode (no lone surrogates) without NUL."""

    model_config = ConfigDict(extra="ignore", strict=True)

    title: str = Field(min_length=4, max_length=100, pattern=_TITLE)
    # No control characters but tabs and line breaks (util.text.plain_text, multiline).
    body: str = Field(
        default="",
        pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
        description="Kept up to 2000 characters",
    )


# -- documented errors -----------------------------------------------------------------------

_DESCRIPTIONS = {
    400: "Bad request: a query that cannot be run, or a body that is not JSON text",
    401: "Not logged in",
    403: "Refused: no subscription covers it, a missing or wrong CSRF token, a suspended account",
    404: "No such material",
    422: "Invalid parameters or body; `field` names the first one at fault",
    429: "Too many requests: downloads in 24 hours, or searches in a minute",
}


def errors(*codes: int) -> dict[int | str, dict[str, object]]:
    """The `responses=` of an operation: these status codes, each with the error body."""
    return {code: {"model": ErrorOut, "description": _DESCRIPTIONS[code]} for code in codes}


class PlaceOut(Out):
    start: int
    end: int
    text: str = Field(description="The placeholder as written: XX, X, XX%")
    before: str
    after: str


class FieldOut(Out):
    name: str = Field(description="Unique in the template; the key to fill it")
    label: str
    unit: str
    kind: Literal["number", "percent", "money", "name", "place", "date", "text"]
    approximate: bool
    places: list[PlaceOut]


class TemplateOut(Out):
    material_id: int
    title: str
    fields: list[FieldOut]


class FillIn(BaseModel):
    """Field name → value (a number for number/percent/money fields, text for the others)."""

    model_config = STRICT_IN

    values: dict[
        Annotated[str, Field(max_length=100)], float | Annotated[str, Field(max_length=500)]
    ] = Field(max_length=2000)


class ProblemOut(Out):
    code: Literal["F001", "F002", "F003", "F004", "F005"]
    message: str
    fields: list[str]
    start: int


class FillOut(Out):
    filled: list[str]
    unfilled: list[str]
    problems: list[ProblemOut]


class OutlineEntryOut(Out):
    section_kind: str
    heading: str
    share: float = Field(
        description="Share of the library's reports of this kind with such a section"
    )


class ComposeSectionIn(BaseModel):
    model_config = STRICT_IN

    heading: str = Field(min_length=1, max_length=100, pattern=_TITLE)
    paragraphs: list[BodyId] = Field(max_length=12)


class ComposeIn(BaseModel):
    """A draft: a title and numbered sections of paragraphs (ids from search passages)."""

    model_config = STRICT_IN

    title: str = Field(default="", max_length=100, pattern=_PLAIN)
    doc_type: str = Field(default="", max_length=20, pattern=_PLAIN)
    # A draft's budget (platform/compose.py): 12 sections of at most 12 borrowed paragraphs.
    sections: list[ComposeSectionIn] = Field(min_length=1, max_length=12)
