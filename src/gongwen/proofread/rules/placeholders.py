"""GW7xx: what a template leaves behind: XX placeholders and notes to the writer."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongwen.parse.placeholders import find_placeholders
from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic


@register
class LeftoverPlaceholder(Rule):
    """残留的占位符：XX、×× 还没有换成实际内容。

    报告每一处占位符和它应填的内容（按上下文推测：受理人数、投资额、市名……）。

    错误：全年累计受理XX人次。
    正确：全年累计受理3,215人次。
    """

    code = "GW701"
    category = Category.PLACEHOLDER

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for p in find_placeholders(draft.text):
            unit = f"（{p.unit}）" if p.unit else ""
            yield self.diagnostic(p.start, p.end, f"占位符“{p.text}”未填写：{p.label}{unit}")


_NOTE = re.compile(
    r"[（(【\[]\s*(?:此处|请|根据实际|可根据|按实际|注[:：]|填写|替换|示例|范例|可选|选填|略)"
    r"[^（）()【】\[\]\n]{0,40}[）)】\]]"
)


@register
class TemplateNote(Rule):
    """模板说明文字未删除：括号里写给填写人的提示（根据实际情况替换内容）。

    括号（圆括号、方括号）里以“此处、请、根据实际、填写、替换、示例”等开头的提示。
    修正删去（安全修正）。

    错误：我局共办理建议提案XX件（根据实际情况替换内容）。
    修正：我局共办理建议提案XX件。
    正确：我局共办理建议提案（含政协提案）36件。
    """

    code = "GW702"
    category = Category.PLACEHOLDER

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _NOTE.finditer(draft.text):
            yield self.diagnostic(m.start(), m.end(), "模板说明文字未删除", "", safe=True)
