"""A revision's passages as one compact value (`passage_layouts.layout`), for choosing what a
result shows without reading every paragraph row.

A page of results shows ten materials; a law among them has a thousand paragraphs, and reading
its rows costs more than the rest of the search. Its text is one row (`revisions.text`), and a
passage that is a slice of it is stored as where it lies, in columns per kind (so decoding is
one C-level JSON parse, not an object per passage); one that is not (a heading, written as
label + heading) is stored with its text. Title passages are left out (the title heads its
result). JSON: {"<kind>": [[ids], [start0, end0, start1, end1, …], [sections]], "inline":
[[id, kind, section, text], …]}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gongwen.model.material import PassageKind


@dataclass(slots=True)
class Slices:
    """The passages of one kind that are slices of the text, in order of their start."""

    ids: list[int] = field(default_factory=list)
    bounds: list[int] = field(default_factory=list)  # start0, end0, start1, end1, …
    sections: list[int | None] = field(default_factory=list)

    @property
    def starts(self) -> list[int]:
        return self.bounds[0::2]

    @property
    def ends(self) -> list[int]:
        return self.bounds[1::2]


@dataclass(slots=True)
class Layout:
    slices: dict[str, Slices]
    inline: list[tuple[int, str, int | None, str]]  # (id, kind, section, text)


def encode(revision_text: str, passages: list[tuple[int, str, int | None, int, str]]) -> str:
    """`passages`: (paragraph id, kind, section, start, text) of a revision's passages."""
    slices: dict[str, list[tuple[int, int, int, int | None]]] = {}
    inline: list[list[object]] = []
    for pid, kind, section, start, text in passages:
        if kind == PassageKind.TITLE:
            continue
        if start >= 0 and text and revision_text[start : start + len(text)] == text:
            slices.setdefault(str(kind), []).append((start, start + len(text), pid, section))
        else:
            inline.append([pid, str(kind), section, text])
    out: dict[str, object] = {"inline": inline}
    for kind, rows in slices.items():
        rows.sort()
        out[kind] = [
            [r[2] for r in rows],
            [x for r in rows for x in (r[0], r[1])],
            [r[3] for r in rows],
        ]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def decode(value: str) -> Layout:
    data = json.loads(value or "{}")
    inline = [(e[0], e[1], e[2], e[3]) for e in data.pop("inline", [])]
    return Layout({kind: Slices(*cols) for kind, cols in data.items()}, inline)
