"""GW110: wrong characters no list names, found by a character language model."""

from __future__ import annotations

from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic


@register
class LikelyWrongCharacter(Rule):
    """疑似错别字：统计模型认为某个字很可能是同音或形近字之误（长效机智 → 长效机制）。

    模型（proofread/data/charlm.npz）是从政府公文语料（法律法规、政府工作报告）和
    公文纠错训练集统计出的字 n 元模型，候选字来自同音、近音、形近字和训练集里的错例；
    只有换字后整句明显更通顺、且超过一个保守的门槛时才报告（宁可漏报，不乱改）；
    形近字的门槛更高（贫因户 → 贫困户 这类目前多半不报）；这个字和它的邻字在同一篇里
    又出现过的不报（多半是地名、企业名等专名）。建议修正，需人工确认。

    错误：建立长效机智，加快发展大数局产业。
    修正：建立长效机制，加快发展大数据产业。
    正确：全面落实安全生产责任制，坚决遏制重特大事故发生。
    """

    code = "GW110"
    category = Category.CHAR

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        from gongwen.proofread.charlm import default_model

        text = draft.text
        for c in default_model().corrections(text):
            if _a_term_of_this_text(text, c.start):
                continue
            yield self.diagnostic(
                c.start, c.end, f"“{c.original}”疑为“{c.replacement}”之误", c.replacement
            )


def _a_term_of_this_text(text: str, at: int) -> bool:
    """True when the character and a neighbour occur together again elsewhere in the text:
    a slip is seldom made twice the same way, a name (陕西, 西咸新区, 牡佳高铁) is written
    every time it comes up, and names are what the model knows least."""
    for a, b in ((at - 1, at + 1), (at, at + 2)):
        pair = text[max(0, a) : b]
        han = len(pair) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in pair)
        if han and text.count(pair) >= 2:
            return True
    return False
