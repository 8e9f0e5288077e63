"""Placeholders (XX, X, ××, XX% …) and a label guessed from the words around them."""

from __future__ import annotations

import re
from functools import cache

from gongwen.model import Placeholder

_PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸ×]{1,4}[%％]?(?![A-Za-z])")
# Words that are never an X placeholder although they start with one.
_NOT_PLACEHOLDER_AFTER = ("射线", "光", "线", "染色体", "型", "轴")

# Unit after the placeholder -> what the number counts. Longest units first.
_UNITS: list[tuple[str, str]] = [
    ("万人次", "人次"),
    ("人次", "人次"),
    ("万人", "人数"),
    ("余人", "人数"),
    ("人", "人数"),
    ("名", "人数"),
    ("户", "户数"),
    ("件", "件数"),
    ("家", "家数"),
    ("个", "个数"),
    ("项", "项数"),
    ("次", "次数"),
    ("场", "场次"),
    ("期", "期数"),
    ("篇", "篇数"),
    ("条", "条数"),
    ("台", "台数"),
    ("辆", "车辆数"),
    ("亿元", "金额"),
    ("万元", "金额"),
    ("千元", "金额"),
    ("元", "金额"),
    ("公里", "里程"),
    ("平方米", "面积"),
    ("亩", "面积"),
    ("吨", "重量"),
    ("天", "天数"),
    ("%", "比例"),
    ("％", "比例"),
    ("倍", "倍数"),
]
# A name goes before these: XX市, XX镇, XX公司.
_NAME_SUFFIXES = (
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "村",
    "街道",
    "社区",
    "小区",
    "路",
    "中学",
    "小学",
    "学校",
    "公司",
    "集团",
    "局",
    "委",
    "办",
    "所",
    "园",
    "馆",
    "医院",
    "银行",
)
_PERSON_TITLES = (
    "书记",
    "副书记",
    "市长",
    "副市长",
    "县长",
    "局长",
    "主任",
    "同志",
    "部长",
    "处长",
)
_UNIT_WORDS = {unit for unit, _ in _UNITS}
_FILLERS = {
    "累计",
    "共计",
    "合计",
    "共",
    "达",
    "达到",
    "约",
    "了",
    "为",
    "有",
    "计",
    "近",
    "超",
    "超过",
    "完成",
    "其中",
    "实现",
    "新",
    "全",
    "各",
    "等",
    "和",
    "及",
    "与",
    "的",
}


@cache
def _jieba():  # type: ignore[no-untyped-def]
    # jieba is loaded only when a document has placeholders: its dictionary takes ~1 s to load.
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def find_placeholders(text: str) -> list[Placeholder]:
    found = []
    for m in _PLACEHOLDER.finditer(text):
        after = text[m.end() : m.end() + 4]
        if after.startswith(_NOT_PLACEHOLDER_AFTER):
            continue
        label, unit = guess_label(text[max(0, m.start() - 16) : m.start()], m.group(), after)
        found.append(Placeholder(m.group(), m.start(), m.end(), label, unit))
    return found


def guess_label(before: str, placeholder: str, after: str) -> tuple[str, str]:
    """A label for a placeholder from the clause before it and the unit after it."""
    if placeholder.endswith(("%", "％")):
        return _subject(before) + "比例", "%"
    if before.endswith("第"):
        return "序号", ""
    if after.startswith(("月", "日")) or before.endswith("月"):
        return "日期", ""
    if after.startswith("年") and before.endswith(("20", "19")):
        return "年份", ""
    for suffix in _NAME_SUFFIXES:
        if after.startswith(suffix):
            return f"{suffix}名称", ""
    if after.startswith(_PERSON_TITLES):
        return "姓名", ""
    for unit, counts in _UNITS:
        if after.startswith(unit):
            subject = _subject(before)
            return (subject if subject.endswith(counts) else subject + counts), unit
    return "内容", ""  # no unit, no name suffix: the words around it do not say what it is


def _subject(before: str) -> str:
    """The last content word of the clause before a placeholder: 累计受理 -> 受理."""
    clause = re.split(r"[^\u4e00-\u9fff]", before)[-1]
    if not clause:
        return ""
    words = [w for w in _jieba().lcut(clause) if w not in _FILLERS and w not in _UNIT_WORDS]
    return words[-1] if words else ""
