"""GW5xx: standard political formulations and fixed slogans, word for word.

The list is data (proofread/data/formulations.yaml, read by proofread/formulary.py: version,
canonical wording, source, known misquotations, fixed lists), curated by hand and shared with
leak tracing, which never varies wording inside it; docs/rules.md prints it with its sources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic
from gongwen.proofread.formulary import Formulation, formulations

__all__ = ["Formulation", "FixedList", "Misquoted", "formulations"]


@lru_cache(maxsize=1)
def _wrong() -> tuple[re.Pattern[str], dict[str, Formulation]]:
    by_wrong = {w: f for f in formulations()[1] for w in f.wrong}
    words = sorted(by_wrong, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), by_wrong


@register
class Misquoted(Rule):
    """规范表述写错：重要论述、固定提法的字词或标点与原文不一致。

    依据 proofread/data/formulations.yaml（带版本和出处的人工整理清单）里记录的错误写法，
    修正为原文（安全修正）。清单见本页末尾。

    错误：深入学习贯彻习近平新时代中国特色社会思想。
    修正：深入学习贯彻习近平新时代中国特色社会主义思想。
    正确：深入学习贯彻习近平新时代中国特色社会主义思想。
    错误：深化“街乡吹哨，部门报到”改革。
    修正：深化“街乡吹哨、部门报到”改革。
    """

    code = "GW501"
    category = Category.FORMULATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        pattern, by_wrong = _wrong()
        for m in pattern.finditer(draft.text):
            f = by_wrong[m.group()]
            label = f"“{f.name}”" if f.name else "规范表述"
            yield self.diagnostic(
                m.start(), m.end(), f"{label}应为“{f.canonical}”（{f.source}）", f.canonical, True
            )


@lru_cache(maxsize=1)
def _lists() -> list[tuple[Formulation, re.Pattern[str]]]:
    out = []
    for f in formulations()[1]:
        if not f.items:
            continue
        alt = "|".join(re.escape(i) for i in sorted(f.items, key=len, reverse=True))
        out.append((f, re.compile(rf"(?:{alt})(?:[、，,和及](?:{alt}))+")))
    return out


@register
class FixedList(Rule):
    """固定提法的顺序或内容不对：“四个意识”“四个自信”“五位一体”“六稳”“六保”等。

    一串并列里出现某个固定提法的 n-1 项以上时，顺序必须与原文一致；只出现 n-1 项且前面
    紧挨着写了提法名称（如“四个意识”）时，报告缺项。建议修正为原文。

    错误：增强政治意识、大局意识、看齐意识、核心意识
    修正：增强政治意识、大局意识、核心意识、看齐意识
    正确：增强政治意识、大局意识、核心意识、看齐意识
    """

    code = "GW502"
    category = Category.FORMULATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for f, pattern in _lists():
            for m in pattern.finditer(text):
                found = [p for p in re.split("[、，,和及]", m.group()) if p]
                if len(set(found)) < len(f.items) - 1:
                    continue
                in_order = [i for i in f.items if i in found]
                named = f.name and f.name in text[max(0, m.start() - 12) : m.start()]
                if found != in_order:
                    message = f"“{f.name or f.canonical}”的顺序应为“{f.canonical}”"
                elif len(found) < len(f.items) and named:
                    missing = "、".join(i for i in f.items if i not in found)
                    message = f"“{f.name}”缺少“{missing}”"
                else:
                    continue
                yield self.diagnostic(m.start(), m.end(), f"{message}（{f.source}）", f.canonical)
