"""A material as a fillable template: its placeholders grouped into named fields, in order.

A field is what a writer fills in once (抚恤金生活补助, 万元, money); the same figure written
twice is one field with two places (parse.placeholders decides which places share a field).
Pure: works on a MaterialDetail, knows nothing of the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from gongwen.model.material import MaterialDetail

CONTEXT = 16  # characters shown on each side of a place


@dataclass(frozen=True, slots=True)
class Place:
    """Where a field's placeholder stands in the text."""

    start: int
    end: int
    text: str  # the placeholder as written: XX, X, XX%
    before: str  # the words before it (CONTEXT characters, from the line start at most)
    after: str


@dataclass(slots=True)
class Field:
    name: str  # unique in the template: 投资额, 投资额2 …
    label: str
    unit: str
    kind: str  # number | percent | money | name | place | date | text
    approximate: bool
    places: list[Place] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def fields_of(detail: MaterialDetail) -> list[Field]:
    """The template's fields in the order they first appear, each with every place it stands."""
    text = detail.text
    out: dict[str, Field] = {}
    for p in sorted(detail.placeholders, key=lambda p: p.start):
        name = p.field or p.label
        found = out.get(name)
        if found is None:
            found = out[name] = Field(name, p.label, p.unit, p.kind, p.approximate)
        line_start = text.rfind("\n", 0, p.start) + 1
        line_end = text.find("\n", p.end)
        line_end = len(text) if line_end < 0 else line_end
        found.places.append(
            Place(
                p.start,
                p.end,
                p.text,
                text[max(line_start, p.start - CONTEXT) : p.start],
                text[p.end : min(line_end, p.end + CONTEXT)],
            )
        )
    return list(out.values())
