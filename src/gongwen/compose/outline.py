"""Composing a new report: the usual top-level structure of a kind of report, and the draft
built from sections of borrowed paragraphs (each remembering its source). Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    section_kind: str  # 工作情况 / 主要做法 / 存在问题 / 下步打算 / 其他
    heading: str  # the heading most reports of this kind use for it
    share: float  # the share of the reports that have such a section


def usual_outline(
    sections: list[tuple[int, int, str, str]], min_share: float = 0.3
) -> list[OutlineEntry]:
    """From (material, order, kind, heading) of first-level sections: the kinds at least
    `min_share` of the reports have, in their usual order, each with its commonest heading."""
    by_material: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for material, order, kind, heading in sections:
        by_material[material].append((order, kind, heading))
    if not by_material:
        return []
    have: Counter[str] = Counter()
    position: dict[str, list[float]] = defaultdict(list)
    headings: dict[str, Counter[str]] = defaultdict(Counter)
    for entries in by_material.values():
        entries.sort()
        seen = set()
        for i, (_, kind, heading) in enumerate(entries):
            headings[kind][heading] += 1
            if kind not in seen:
                seen.add(kind)
                have[kind] += 1
                position[kind].append(i / max(1, len(entries) - 1))
    total = len(by_material)
    kinds = [k for k, n in have.items() if n / total >= min_share]
    kinds.sort(key=lambda k: sum(position[k]) / len(position[k]))
    return [OutlineEntry(k, headings[k].most_common(1)[0][0], have[k] / total) for k in kinds]


@dataclass(frozen=True, slots=True)
class Borrowed:
    """A paragraph taken from a material, for the member's own reference."""

    paragraph_id: int
    material_id: int
    material_title: str


@dataclass(slots=True)
class Draft:
    title: str
    sections: list[tuple[str, list[str]]]  # (heading with its 一、 label, paragraphs)
    sources: list[Borrowed] = field(default_factory=list)

    @property
    def text(self) -> str:
        lines = [self.title]
        for heading, paragraphs in self.sections:
            lines.append(heading)
            lines.extend(paragraphs)
        return "\n".join(lines) + "\n"


def numbered(index: int, heading: str) -> str:
    """一、工作开展情况 for the first section (keeps a label the heading already has)."""
    if heading[:1] in CHINESE_NUMERALS and heading[1:2] == "、":
        heading = heading[2:]
    label = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    return f"{label}、{heading}"


def draft_detail(draft: Draft, summary: object) -> object:
    """The draft as a MaterialDetail (headings and paragraphs at their offsets), for export."""
    from gongwen.model.material import MaterialDetail, SectionOut

    text = draft.text
    sections, paragraphs = [], []
    pos = len(draft.title) + 1
    for heading, body in draft.sections:
        label, _, rest = heading.partition("、")
        sections.append(SectionOut(pos, 1, f"{label}、", rest, "其他"))
        pos += len(heading) + 1
        for paragraph in body:
            paragraphs.append({"start": pos, "text": paragraph})
            pos += len(paragraph) + 1
    return MaterialDetail(summary, 0, 0, "", text, sections, paragraphs)  # type: ignore[arg-type]
