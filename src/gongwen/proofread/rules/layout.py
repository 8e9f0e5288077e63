"""GW8xx: what the page shows: a paragraph without its final mark, full-width letters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic
from gongwen.proofread.rules.numbering import markers

_ENDS = "。！？；：…”’）)》】—.!?;:"


@register
class MissingFinalMark(Rule):
    """段末缺少标点：四十字以上的正文段落以汉字结尾（漏了句号）。

    标题（段首有序号或不足四十字的段落）和副题（以“——”或括号开头）不报告。
    建议在段末加“。”。

    错误：上半年全市共新增就业岗位XX个，城镇登记失业率控制在XX以内，完成年度目标的XX
    修正：上半年全市共新增就业岗位XX个，城镇登记失业率控制在XX以内，完成年度目标的XX。
    正确：一、上半年工作完成情况
    正确：——2026年1月25日在北京市第十六届人民代表大会第四次会议上
    """

    code = "GW801"
    category = Category.MISSING

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        headed = {m.start for m in markers(draft)}
        for start, end in draft.blocks:
            body = text[start:end].rstrip()
            if (
                len(body) < 40
                or body[-1] in _ENDS
                or not re.match(r"[\u4e00-\u9fffXx×0-9%]", body[-1])
            ):
                continue
            lead = start + len(body) - len(body.lstrip(" \t\u3000"))
            if lead in headed or body.lstrip().startswith(("#", "——", "（", "(")):
                continue  # a heading, or a subtitle: ——2026年1月25日在…会议上
            at = start + len(body)
            yield self.diagnostic(at - 1, at, "段末缺少句号", body[-1] + "。")


_FULL_WIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ]+")


@register
class FullWidthAlphanumerics(Rule):
    """全角的数字和字母：１２３、ＡＢＣ 应为半角（GB/T 15835）。

    默认不检查（有的单位整篇用全角数字），用 `--select GW802` 开启。修正换成半角（安全修正）。

    错误：完成投资１２亿元。
    修正：完成投资12亿元。
    正确：完成投资12亿元。
    """

    code = "GW802"
    category = Category.FORMAT
    opt_in = True  # older published reports set figures full-width throughout: a house style

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _FULL_WIDTH.finditer(draft.text):
            half = "".join(chr(ord(ch) - 0xFEE0) for ch in m.group())
            yield self.diagnostic(
                m.start(), m.end(), f"全角字符“{m.group()}”应为半角", half, safe=True
            )
