"""Re-dating a report: last year's report becomes this year's draft.

- the report's own years move by the same step (2020 → 2021 moves 2019 → 2020 too), within
  five years of the report's year; a changed half-year swaps 上半年 ↔ 下半年;
- every concrete figure (a number with its unit, a percentage) becomes a field whose hint is
  the old value, written as XX so the export highlights it;
- wording tied to its time is listed for the writer to review (疫情, 十三五/十四五, plans for a
  half-year that is now past, 今年/明年).
Pure: works on a MaterialDetail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gongwen.model.material import MaterialDetail

_UNIT = (
    r"(?:万亿|亿|千万|百万|万|千)?(?:余|多)?"
    r"(?:元|人次|户次|车次|台次|亿吨公里|亿人公里|吨公里|人公里|公里|平方米|平方公里|千米|米|吨|"
    r"公斤|千克|亩|公顷|个百分点|倍|人|名|位|户|家|个|件|项|场|期|篇|条|台|辆|艘|部|块|处|份|张|"
    r"宗|所|座|批|套|间|支|门|本|册|棵|株|起|笔|次|小时|天)"
)
# A figure: digits (with a decimal part) followed by a unit, or a percentage. Not a year (年),
# a date (月/日), an ordinal (第…, 1. （1）) or a code.
_FIGURE = re.compile(r"(?<![\d.第])(?P<num>\d+(?:\.\d+)?)(?=(?P<unit>%|％|" + _UNIT + r"))")
# A year: four digits 19xx/20xx standing alone and not counting something (2019年, 2019度,
# 2018-2020, 2019、2020), unlike 2019人 or 2019万元.
_YEAR = re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d\d)(?![\d.])(?!" + _UNIT + r"|%|％)")
_TIME_BOUND = (
    ("疫情", "疫情防控的表述，是否仍适用"),
    ("新冠", "疫情防控的表述，是否仍适用"),
    ("十三五", "规划期（十三五）已过"),
    ("十四五", "规划期（十四五）：核对所处阶段"),
    ("十五五", "规划期（十五五）：核对所处阶段"),
    ("今年", "“今年”指哪一年"),
    ("明年", "“明年”指哪一年"),
    ("去年", "“去年”指哪一年"),
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure turned into a field: its place in the new text, the old value as the hint."""

    name: str
    start: int
    end: int
    hint: str  # the old figure with its unit: 12.5亿元, 8%


@dataclass(frozen=True, slots=True)
class Review:
    start: int
    words: str
    reason: str
    context: str


@dataclass(slots=True)
class Redated:
    title: str
    text: str
    detail: MaterialDetail
    figures: list[Figure] = field(default_factory=list)
    review: list[Review] = field(default_factory=list)
    years: dict[int, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "years": {str(k): v for k, v in self.years.items()},
            "figures": [
                {"name": f.name, "start": f.start, "end": f.end, "hint": f.hint}
                for f in self.figures
            ],
            "review": [
                {"start": r.start, "words": r.words, "reason": r.reason, "context": r.context}
                for r in self.review
            ],
        }


def redate(detail: MaterialDetail, year: int, period: str | None = None) -> Redated:
    """The report as a draft for `year` (and `period`, 上半年/下半年/全年, when given)."""
    old_year = detail.summary.year or _first_year(detail.text) or year
    step = year - old_year
    swap = None
    if period and detail.summary.period in ("上半年", "下半年") and period != detail.summary.period:
        swap = {detail.summary.period: period, period: detail.summary.period}

    def rewrite(text: str) -> str:
        text = _YEAR.sub(lambda m: _shift(m, old_year, step), text)
        if swap:
            text = re.sub("上半年|下半年", lambda m: swap[m.group()], text)
        return text

    title = rewrite(detail.summary.title)
    years = {y: y + step for y in range(old_year - 5, old_year + 6)}
    text = rewrite(detail.text)
    text, figures = _figures_as_fields(text)
    paragraphs = [
        {**p, "text": _figures_as_fields(rewrite(str(p["text"])))[0]} for p in detail.paragraphs
    ]
    sections = [
        replace(s, heading=_figures_as_fields(rewrite(s.heading))[0]) for s in detail.sections
    ]
    new_detail = replace(
        detail,
        summary=replace(
            detail.summary, title=title, year=year, period=period or detail.summary.period
        ),
        text=text,
        paragraphs=paragraphs,
        sections=sections,
        placeholders=[],
    )
    return Redated(title, text, new_detail, figures, _review(text, swapped=bool(swap)), years)


def _first_year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group("year")) if m else None


def _shift(m: re.Match[str], old_year: int, step: int) -> str:
    value = int(m.group("year"))
    return str(value + step) if abs(value - old_year) <= 5 else m.group()


def _figures_as_fields(text: str) -> tuple[str, list[Figure]]:
    out: list[str] = []
    figures: list[Figure] = []
    pos = 0
    length = 0
    for m in _FIGURE.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        name = f"数字{len(figures) + 1}"
        figures.append(Figure(name, length, length + 2, m.group("num") + m.group("unit")))
        out.append("XX")
        length += 2
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), figures


def _review(text: str, *, swapped: bool = False) -> list[Review]:
    found = []
    half_years = (
        ("上半年", "半年的表述已对调：核对是否指本期"),
        ("下半年", "半年的表述已对调：核对是否指本期"),
    )
    for words, reason in (*_TIME_BOUND, *(half_years if swapped else ())):
        for m in re.finditer(re.escape(words), text):
            start = max(0, m.start() - 12)
            found.append(Review(m.start(), words, reason, text[start : m.end() + 12]))
    return sorted(found, key=lambda r: r.start)
