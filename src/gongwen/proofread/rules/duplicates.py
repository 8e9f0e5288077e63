"""GW2xx: characters, words and clauses written twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic
from gongwen.proofread.rules._words import is_word, splits_words

# Function characters that never stand twice in a row in 公文 (等等, 常常 are words; these
# are not). Exceptions are the set phrases below.
# 是 is not among them: 实事求是是 ends one word and begins the next.
_DOUBLED = re.compile(r"([的了在和与及对把被将为并从向于其以而或就也都还又已要])\1")
_SET_PHRASES = ("不了了之", "一走了之")


@register
class DoubledCharacter(Rule):
    """重复的字：虚词连写两次（的的、了了、和和）。

    只报告公文里不会连用的虚词；“不了了之”等固定说法除外。修正删去一个。

    错误：完成了了全年任务。
    修正：完成了全年任务。
    正确：问题不能不了了之。
    """

    code = "GW201"
    category = Category.DUPLICATE

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for m in _DOUBLED.finditer(text):
            around = text[max(0, m.start() - 2) : m.end() + 2]
            if any(p in around for p in _SET_PHRASES):
                continue
            after, before = text[m.end() : m.end() + 2], text[max(0, m.start() - 2) : m.start()]
            if (len(after) == 2 and after[0] == after[1]) or (
                len(before) == 2 and before[0] == before[1]
            ):
                continue  # AABB: 实实在在, 明明白白
            if splits_words(text, m.start() + 1):
                continue  # 应对对外, 主要要求: each character belongs to its own word
            yield self.diagnostic(m.start() + 1, m.end(), f"“{m.group(1)}”重复", "", safe=True)


_WORD_TWICE = re.compile(r"([\u4e00-\u9fff]{2,6})\1")
# ABAB reduplication that is a word of its own, and numbers said twice on purpose.
_ALLOWED_TWICE = re.compile(
    r"^[一二三四五六七八九十百千万亿两几每很好多]|^(研究|讨论|商量|学习|考虑)$"
)


@register
class DoubledWord(Rule):
    """重复的词：同一个词紧挨着写了两遍（监督监督、工作工作）。

    两到六个汉字的词紧接着重复即报告；“研究研究”一类口语重叠、以数字开头的重复
    （一年一年）不报告。修正删去一遍（建议修正：也可能是漏了中间的字）。

    错误：加强监督监督检查。
    修正：加强监督检查。
    正确：要一件一件抓落实。
    """

    code = "GW202"
    category = Category.DUPLICATE

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _WORD_TWICE.finditer(draft.text):
            word = m.group(1)
            if _ALLOWED_TWICE.search(word) or len(set(word)) == 1 or not is_word(word):
                continue  # 产业创业创新: 业创 is not a word
            yield self.diagnostic(m.start() + len(word), m.end(), f"“{word}”重复", "")


_CLAUSE = re.compile(r"[^，。；！？、：\n]{6,}[，。；！？、]")


@register
class RepeatedClause(Rule):
    """重复的分句：同一分句（六字以上）在同一段里紧接着又出现一次。

    常见于复制粘贴。修正删去第二次出现的分句（建议修正）。

    错误：全面加强队伍建设，全面加强队伍建设，提高服务水平。
    修正：全面加强队伍建设，提高服务水平。
    正确：全面加强队伍建设，全面提高服务水平。
    """

    code = "GW203"
    category = Category.REPEAT

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for start, end in draft.blocks:
            previous: tuple[str, int] | None = None
            for m in _CLAUSE.finditer(text, start, end):
                clause = m.group()[:-1].strip()
                if previous and previous[0] == clause and previous[1] == m.start():
                    yield self.diagnostic(m.start(), m.end(), f"分句“{clause}”重复", "")
                previous = (clause, m.end())
