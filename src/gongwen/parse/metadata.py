"""Document titles: recognising them and reading year, period, type and organisation from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest and most specific first: 述职述廉报告 before 报告, 工作总结 before 总结.
DOC_TYPES: list[tuple[str, str]] = [
    ("述职述廉报告", "述职报告"),
    ("述职报告", "述职报告"),
    ("讲话稿", "讲话稿"),
    ("讲话", "讲话稿"),
    ("致辞", "讲话稿"),
    ("政府工作报告", "政府工作报告"),
    ("工作总结", "工作总结"),
    ("工作计划", "工作计划"),
    ("工作要点", "工作计划"),
    ("工作报告", "工作报告"),
    ("实施方案", "实施方案"),
    ("总结", "工作总结"),
    ("计划", "工作计划"),
    ("决议", "决议"),
    ("决定", "决定"),
    ("通知", "通知"),
    ("意见", "意见"),
    ("条例", "法规"),
    ("规定", "法规"),
    ("办法", "法规"),
    ("细则", "法规"),
    ("解释", "司法解释"),
    ("法", "法律"),
]
_TITLE_TYPES = (
    "工作总结",
    "工作计划",
    "述职报告",
    "述职述廉报告",
    "讲话稿",
    "工作要点",
    "工作报告",
)
PERIODS = (
    "上半年",
    "下半年",
    "第一季度",
    "第二季度",
    "第三季度",
    "第四季度",
    "一季度",
    "二季度",
    "三季度",
    "四季度",
    "全年",
    "年度",
    "前三季度",
)
_PERIOD_CANON = {
    "一季度": "第一季度",
    "二季度": "第二季度",
    "三季度": "第三季度",
    "四季度": "第四季度",
    "年度": "全年",
}

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_LINE = re.compile(
    r"[\s\u3000]*(?:[^\s。；，]{0,20}?)(?:19|20)\d{2}\s*年[^。；，]{0,24}?"
    r"(?:" + "|".join(_TITLE_TYPES) + r")"
    r"(?:[（(][^（()）]{1,20}[）)])?[\s\u3000]*"
)
_PAREN_ORG = re.compile(r"[（(]([^（()）]{1,20})[）)][\s\u3000]*$")
_ORG_BEFORE_YEAR = re.compile(r"^[\s\u3000]*([^\s\d（(]{2,20}?)(?:19|20)\d{2}\s*年")
_ORG_AFTER_YEAR = re.compile(
    r"(?:19|20)\d{2}\s*年(?:" + "|".join(PERIODS) + r")?([^\d\s（(]{2,20}?)"
    r"(?:政府工作报告|工作总结|工作计划|工作要点|述职报告|工作报告|讲话)"
)

# Organisation kinds: a keyword in the organisation's name and the kind it names.
_ORG_KINDS: list[tuple[tuple[str, ...], str]] = [
    (("退役军人事务",), "退役军人事务局"),
    (("市场监督管理", "市场监管"), "市场监管局"),
    (("交通运输",), "交通运输局"),
    (("科技局", "科学技术局"), "科技局"),
    (("法院",), "人民法院"),
    (("检察院",), "人民检察院"),
    (("国务院",), "国务院"),
    (("人民代表大会", "人大"), "人大"),
    (("政府",), "人民政府"),
    (("公司", "集团", "企业", "银行"), "国有企业"),
    (("馆", "院", "中心", "学校", "医院", "站", "所"), "事业单位"),
]


@dataclass(frozen=True, slots=True)
class TitleFacts:
    year: int | None
    period: str
    doc_type: str
    organisation: str
    organisation_kind: str


def is_title_line(line: str) -> bool:
    """A line that starts a new document, e.g. 2020年上半年工作总结（交通运输局）."""
    return len(line) <= 60 and _TITLE_LINE.fullmatch(line.rstrip("\r\n")) is not None


def title_facts(title: str) -> TitleFacts:
    """Year, period, document type and organisation as far as the title tells them."""
    year_m = _YEAR.search(title)
    year = int(year_m.group(1)) if year_m else None
    period = next((p for p in PERIODS if p in title), "")
    period = _PERIOD_CANON.get(period, period)
    doc_type = next((canon for word, canon in DOC_TYPES if word in title), "")
    organisation = ""
    m = _PAREN_ORG.search(title)
    if m and not _YEAR.search(m.group(1)):
        organisation = m.group(1)
    else:
        m = _ORG_BEFORE_YEAR.match(title) or _ORG_AFTER_YEAR.search(title)
        if m:
            organisation = m.group(1)
            if doc_type == "政府工作报告" and not organisation.endswith("国务院"):
                organisation += "人民政府"  # 2026年上海市政府工作报告 is the 上海市人民政府's
    return TitleFacts(year, period, doc_type, organisation, organisation_kind(organisation))


def organisation_kind(organisation: str) -> str:
    for words, kind in _ORG_KINDS:
        if any(w in organisation for w in words):
            return kind
    return organisation
