"""Filling a template with a writer's own figures, and checking the figures the text ties together.

Pure: a MaterialDetail and a mapping field name -> value in, the filled text (and a detail whose
paragraphs carry it, for export) out. Unfilled fields keep their placeholder (XX), so the
export still highlights them and the caller can say how many remain.

Checks (each a Problem with a stable code, a message naming both places, and the fields):
- F001 a field left empty;
- F002 a percentage over 100 (a completion rate or a share);
- F003 同比增长/增加 with a negative change (should be written 下降);
- F004 parts listed after 其中 that add up to more than their total;
- F005 a completion rate that does not match the amount and the plan it is computed from
  (完成年度预算XX万元的XX%, with the amount just before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from gongwen.compose.template import Field, fields_of
from gongwen.errors import InvalidInput
from gongwen.model.material import MaterialDetail
from gongwen.parse.tokens import normalize

NUMERIC_KINDS = ("number", "percent", "money")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    fields: tuple[str, ...]
    start: int  # where in the text the first of them stands


@dataclass(slots=True)
class Filled:
    text: str
    detail: MaterialDetail  # the same structure, its paragraphs and headings filled
    filled: list[str] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "filled": self.filled,
            "unfilled": self.unfilled,
            "problems": [
                {"code": p.code, "message": p.message, "fields": list(p.fields), "start": p.start}
                for p in self.problems
            ],
        }


def number_of(value: object) -> float | None:
    """A figure as a number: 12, 12.5, "1,234", "１２"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = normalize(str(value).strip()).replace(",", "")  # １２，３４５ → 12345
    return float(text) if _NUMBER.match(text) else None


def written(value: object) -> str:
    """How a value is written into the text: 12.0 → 12, 3.50 → 3.5, text as given."""
    number = number_of(value)
    if number is None:
        return str(value).strip()
    return f"{number:.10g}" if "e" not in f"{number:.10g}" else str(value).strip()


def validate(fields: list[Field], values: dict[str, object], source: str = "数据") -> None:
    """Unknown fields and values of the wrong sort are errors that name them."""
    known = {f.name: f for f in fields}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise InvalidInput(
            source, f"没有这些字段：{'、'.join(unknown)}（字段名见 gongwen template）"
        )
    for name, value in values.items():
        if value is None or str(value).strip() == "":
            continue
        f = known[name]
        is_number = number_of(value) is not None
        if f.kind in NUMERIC_KINDS and not is_number:
            raise InvalidInput(name, f"应为数字（{f.label}，{f.unit or f.kind}），收到 {value!r}")
        if f.kind in ("name", "place") and is_number:
            raise InvalidInput(name, f"应为名称（{f.label}），收到数字 {value!r}")


def fill(detail: MaterialDetail, values: dict[str, object]) -> Filled:
    """The material with `values` written in place of its fields' placeholders."""
    fields = fields_of(detail)
    validate(fields, values)
    by_start: dict[int, tuple[int, str]] = {}
    filled, unfilled = [], []
    for f in fields:
        value = values.get(f.name)
        if value is None or str(value).strip() == "":
            unfilled.append(f.name)
            continue
        filled.append(f.name)
        text = written(value)
        for place in f.places:
            # XX% keeps its % sign; the unit (万元, 人 …) is already in the text.
            suffix = "%" if place.text.endswith(("%", "％")) and not text.endswith("%") else ""
            by_start[place.start] = (place.end, text + suffix)
    new_text = _replace(detail.text, 0, by_start)
    paragraphs = [
        {**p, "text": _replace(str(p["text"]), int(p["start"]), by_start)}
        for p in detail.paragraphs
    ]
    sections = []
    for s in detail.sections:
        at = detail.text.find(s.heading, s.start) if s.heading else -1
        heading = _replace(s.heading, at, by_start) if at >= 0 else s.heading
        sections.append(replace(s, heading=heading))
    filled_detail = replace(
        detail, text=new_text, paragraphs=paragraphs, sections=sections, placeholders=[]
    )
    result = Filled(new_text, filled_detail, filled, unfilled)
    result.problems = check(detail, fields, values)
    return result


def _replace(text: str, offset: int, by_start: dict[int, tuple[int, str]]) -> str:
    """`text` (which starts at `offset` in the document) with the replacements inside it."""
    out, pos = [], 0
    for start in sorted(s for s in by_start if offset <= s < offset + len(text)):
        end, value = by_start[start]
        out += [text[pos : start - offset], value]
        pos = end - offset
    out.append(text[pos:])
    return "".join(out)


def check(detail: MaterialDetail, fields: list[Field], values: dict[str, object]) -> list[Problem]:
    """Figures the text ties together that do not agree (see the module's list)."""
    text = detail.text
    places = sorted(((p.start, p.end, f) for f in fields for p in f.places), key=lambda x: x[0])
    number = {f.name: number_of(values.get(f.name)) for f in fields}
    problems: list[Problem] = []
    for f in fields:
        if f.name in values and str(values[f.name] or "").strip() == "":
            problems.append(Problem("F001", f"字段“{f.name}”留空", (f.name,), f.places[0].start))
    for start, _end, f in places:
        value = number[f.name]
        if value is None:
            continue
        before = text[max(0, start - 12) : start]
        if f.kind == "percent" and value > 100:
            problems.append(
                Problem("F002", f"“{f.name}”为 {written(value)}%，超过 100%", (f.name,), start)
            )
        if f.kind == "percent" and value < 0 and re.search(r"(增长|增加|提高|上升)$", before):
            problems.append(
                Problem(
                    "F003",
                    f"“{before[-6:]}{written(value)}%”：增长为负，应写作下降 {written(-value)}%",
                    (f.name,),
                    start,
                )
            )
    problems += _parts_over_total(text, places, number)
    problems += _rates_that_do_not_match(text, places, number)
    return problems


def _parts_over_total(
    text: str, places: list[tuple[int, int, Field]], number: dict[str, float | None]
) -> list[Problem]:
    """累计受理XX人（其中市本级XX人；双管单位XX人）: the parts may not add up to more."""
    problems = []
    for i, (start, end, f) in enumerate(places):
        m = (
            re.match(r"[余多]?" + re.escape(f.unit) + r"?[，,]?（其中", text[end : end + 12])
            if f.unit
            else None
        )
        total = number[f.name]
        if not m or total is None:
            continue
        close = text.find("）", end)
        parts = [p for p in places[i + 1 :] if p[0] < close and p[2].unit == f.unit]
        values = [number[p[2].name] for p in parts]
        if parts and all(v is not None for v in values) and sum(values) > total + 1e-9:  # type: ignore[arg-type]
            names = tuple(p[2].name for p in parts)
            problems.append(
                Problem(
                    "F004",
                    f"“{f.name}”为 {written(total)}{f.unit}，其中各项合计 "
                    f"{written(sum(values))}{f.unit}（{'、'.join(names)}），超过总数",  # type: ignore[arg-type]
                    (f.name, *names),
                    start,
                )
            )
    return problems


def _rates_that_do_not_match(
    text: str, places: list[tuple[int, int, Field]], number: dict[str, float | None]
) -> list[Problem]:
    """营业收入XX万元，完成年度预算XX万元的XX%: the rate is the amount over the plan."""
    problems = []
    for i, (start, _end, f) in enumerate(places):
        if f.kind != "percent" or i < 2:
            continue
        plan_start, plan_end, plan = places[i - 1]
        amount_start, _, amount = places[i - 2]
        between = text[plan_end:start]
        lead = text[amount_start:plan_start]
        if not re.fullmatch(r"[万亿]?元?(?:（[^）]{0,8}）)?的", between):
            continue
        if "完成" not in lead or plan.unit != amount.unit or "。" in lead:
            continue
        a, p, r = number[amount.name], number[plan.name], number[f.name]
        if a is None or p is None or r is None or p == 0:
            continue
        expected = a / p * 100
        if abs(expected - r) > 0.5:
            problems.append(
                Problem(
                    "F005",
                    f"“{f.name}”为 {written(r)}%，但 {amount.name} {written(a)}{amount.unit} ÷ "
                    f"{plan.name} {written(p)}{plan.unit} = {expected:.1f}%",
                    (f.name, amount.name, plan.name),
                    start,
                )
            )
    return problems
