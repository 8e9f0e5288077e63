"""Heading labels of official documents (一、（一）1.（1）第一部分 …) and heading-or-paragraph rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.model import SectionKind

CN_NUM = "一二三四五六七八九十百零〇两"

# Each style has a rank: a smaller rank is a higher level. Levels in a document come from the
# stack of ranks actually used, so 二、 followed directly by 1. still nests 1. one level down.
_LABEL_STYLES: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"第[{CN_NUM}\d]+(?:部分|篇|编)[\s\u3000]*")),
    (1, re.compile(rf"第[{CN_NUM}\d]+章[\s\u3000]*")),
    (2, re.compile(rf"第[{CN_NUM}\d]+节[\s\u3000]*")),
    (3, re.compile(rf"[{CN_NUM}]+[、．.][\s\u3000]*")),
    (4, re.compile(rf"[（(][{CN_NUM}]+[）)][\s\u3000]*")),
    (5, re.compile(r"[0-9０-９]{1,2}[.．、](?![0-9０-９])[\s\u3000]*")),
    (6, re.compile(r"[（(][0-9０-９]{1,2}[）)][\s\u3000]*")),
]
ARTICLE_RANK = 2.5  # 第十九条 of a legal text: below 编/章/节, above any in-article enumeration
BARE_RANK = 3  # a heading without a number stands where 一、 would (科技局: 上半年主要工作 … 二、…)
MARKDOWN_RANK = -10  # "## 第一章 总则": the markup level outranks every label style

_MD_HEADING = re.compile(r"(#{1,6})[ \t]+")
_SENTENCE_END = "。！？!?"
_NOT_HEADING_END = "；;，,：:、"  # list items and lead-ins, not headings
MAX_HEADING_CHARS = 40


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    rank: float
    label: str  # as written, with any space that follows it
    heading: str  # heading text, including a final 。 if the heading is a sentence
    rest: str  # text after the heading on the same line (a paragraph), may be ""


def match_heading(line: str) -> HeadingMatch | None:
    """The heading a line starts with, or None when the line is an ordinary paragraph."""
    indent = len(line) - len(line.lstrip(" \t\u3000"))
    body = line[indent:]
    md = _MD_HEADING.match(body)
    if md:
        text = body[md.end() :]
        for _, pattern in _LABEL_STYLES:
            m = pattern.match(text)
            if m:
                return HeadingMatch(
                    MARKDOWN_RANK + len(md.group(1)),
                    line[:indent] + md.group(0) + m.group(0),
                    text[m.end() :],
                    "",
                )
        return HeadingMatch(MARKDOWN_RANK + len(md.group(1)), line[:indent] + md.group(0), text, "")
    for rank, pattern in _LABEL_STYLES:
        m = pattern.match(body)
        if not m:
            continue
        text = body[m.end() :]
        heading, rest = _split_heading_sentence(text)
        if not heading or len(heading) > MAX_HEADING_CHARS:
            return None
        if heading[-1] in _NOT_HEADING_END:
            return None
        return HeadingMatch(rank, line[:indent] + m.group(0), heading, rest)
    return None


_ARTICLE = re.compile(rf"[ \t\u3000]*第[{CN_NUM}\d]+条(?:之[{CN_NUM}]+)?[ \t\u3000]*")


def match_article(line: str) -> HeadingMatch | None:
    """An article of a legal text (第十九条 …): the label, with the article's text as `rest`."""
    m = _ARTICLE.match(line)
    if m is None or m.end() == len(line.rstrip("\r\n")):
        return None
    return HeadingMatch(ARTICLE_RANK, m.group(0), "", line[m.end() :].rstrip("\r\n"))


def match_label(line: str) -> tuple[float, str] | None:
    """(rank, label) of a numbering label of rank 3 or below (一、（一）1.（1）) starting `line`."""
    body = line.lstrip(" \t\u3000")
    for rank, pattern in _LABEL_STYLES:
        if rank >= BARE_RANK:
            m = pattern.match(body)
            if m:
                return rank, m.group(0).rstrip(" \t\u3000")
    return None


def _split_heading_sentence(text: str) -> tuple[str, str]:
    """Split `加强学习。以…为契机…` into the heading sentence and the paragraph after it."""
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            return text[: i + 1], text[i + 1 :]
    return text, ""


def is_bare_heading(line: str, next_line: str | None) -> bool:
    """An unnumbered heading: short, no sentence punctuation, followed by body text."""
    text = line.strip(" \t\u3000")
    if not (4 <= len(text) <= 30) or next_line is None:
        return False
    if any(ch in text for ch in '。；;：:！？!?“”"《》') or text[-1] in _NOT_HEADING_END:
        return False
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return False
    following = next_line.strip(" \t\u3000")
    return len(following) > 40 or match_heading(following) is not None or following[:2] == "一是"


# Order matters: the first family whose keyword appears wins (下半年工作计划 is a plan, not a review).
_KIND_KEYWORDS: list[tuple[SectionKind, tuple[str, ...]]] = [
    (SectionKind.PROBLEMS, ("问题", "不足", "困难", "短板", "差距", "薄弱")),
    (
        SectionKind.NEXT_STEPS,
        ("下半年", "下一步", "下步", "打算", "计划", "思路", "安排", "展望", "明年", "今后"),
    ),
    (SectionKind.PRACTICES, ("做法", "措施", "举措", "经验", "体会")),
    (
        SectionKind.WORK_DONE,
        ("情况", "完成", "开展", "回顾", "成效", "成绩", "总结", "上半年", "主要工作", "进展"),
    ),
]


def section_kind(heading: str) -> SectionKind:
    """Classify a heading into the families a writer looks for (存在问题, 下步打算 …)."""
    for kind, words in _KIND_KEYWORDS:
        if any(w in heading for w in words):
            return kind
    return SectionKind.OTHER
