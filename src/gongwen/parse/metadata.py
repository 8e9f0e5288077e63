"""Document titles: recognising them and reading year, period, type and organisation from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A title's ending names its type best: 上海市人口与计划生育条例 is a regulation although it
# holds 计划. Checked on the title without a trailing (试行)/（2018年修正）.
_SUFFIX_TYPES: list[tuple[str, str]] = [
    ("实施细则", "法规"),
    ("细则", "法规"),
    ("办法", "法规"),
    ("条例", "法规"),
    ("规定", "法规"),
    ("规则", "法规"),
    ("规程", "法规"),
    ("准则", "法规"),
    ("标准", "法规"),
    ("修正案", "法律"),
    ("宪法", "法律"),
    ("法典", "法律"),
    ("决议", "决议"),
    ("决定", "决定"),
    ("通知", "通知"),
    ("意见", "意见"),
    ("批复", "批复"),
    ("解释", "司法解释"),
    ("法", "法律"),
]
_JUDICIAL_ISSUERS = ("最高人民法院", "最高人民检察院")
# Otherwise a word anywhere in the title; longest and most specific first.
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
    ("案例", "案例"),
]
# Document types whose sections are a report's families (工作情况, 存在问题, 下步打算 …); a
# law's 保障措施 chapter is not a 主要做法.
REPORT_TYPES = frozenset(
    {"工作总结", "工作计划", "述职报告", "讲话稿", "政府工作报告", "工作报告", "实施方案", ""}
)
LAW_TYPES = frozenset({"法律", "法规", "司法解释"})
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
    (("人民代表大会", "人大"), "人大"),
    (("退役军人事务",), "退役军人事务局"),
    (("市场监督管理", "市场监管"), "市场监管局"),
    (("交通运输",), "交通运输局"),
    (("科技局", "科学技术局"), "科技局"),
    (("法院",), "人民法院"),
    (("检察院",), "人民检察院"),
    (("国务院",), "国务院"),
    (("政府",), "人民政府"),
    (("部", "总局", "委员会", "署"), "国务院部门"),
    (("公司", "集团", "企业", "银行"), "国有企业"),
    (("馆", "院", "中心", "学校", "医院", "站", "所"), "事业单位"),
]


# What an organisation's name ends with. Anything else read off a title (一, 试行, 摘要, 十二 …)
# is not an organisation and is dropped.
_ORG_ENDINGS = (
    "省", "市", "县", "区", "州", "盟", "旗", "镇", "乡", "村", "街道", "社区",
    "局", "厅", "委", "办", "室", "部", "院", "署", "会", "政府", "处", "科",
    "公司", "集团", "企业", "银行", "中心", "馆", "校", "大学", "医院", "所", "站", "队", "社",
    "党组", "支部", "机关", "单位", "国务院",
)  # fmt: skip
_NUMERAL_LIKE = re.compile(r"[\d一二三四五六七八九十百千零〇]+")
# Who issued a law or regulation, read from its header lines.
_ISSUERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"全国人民代表大会常务委员会"), "全国人民代表大会常务委员会"),
    (re.compile(r"全国人民代表大会"), "全国人民代表大会"),
    (
        re.compile(
            r"([\u4e00-\u9fff]{2,7}?(?:省|市|自治区))第[一二三四五六七八九十]+届人民代表大会常务委员会"
        ),
        r"\1人民代表大会常务委员会",
    ),
    (re.compile(r"(最高人民法院|最高人民检察院)"), r"\1"),
    (re.compile(r"(?:中华人民共和国)?([\u4e00-\u9fff]{2,12}?(?:部|委员会|总局|署|局))令"), r"\1"),
    (re.compile(r"国务院令|国务院批准|国务院公布|国务院发布"), "国务院"),
    (re.compile(r"([\u4e00-\u9fff]{2,7}?(?:省|市|自治区)人民政府)令"), r"\1"),
]


ORGANISATION_KINDS = frozenset(kind for _, kind in _ORG_KINDS)


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
    doc_type = doc_type_of(title)
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
    if not is_organisation(organisation):
        organisation = ""
    return TitleFacts(year, period, doc_type, organisation, organisation_kind(organisation))


_TRAILING_NOTE = re.compile(r"[（(][^（()）]{1,20}[）)]$")


def doc_type_of(title: str, text: str = "") -> str:
    """The document type from its title's ending, then a type word in it, then the text."""
    bare = re.sub(r"[\s\u3000]+", "", title)
    while _TRAILING_NOTE.search(bare):
        bare = _TRAILING_NOTE.sub("", bare)
    if bare.startswith(_JUDICIAL_ISSUERS) and bare.endswith(("解释", "规定", "批复", "决定")):
        return "司法解释"
    for ending, canon in _SUFFIX_TYPES:
        if bare.endswith(ending):
            return canon
    for word, canon in DOC_TYPES:
        if word in bare:
            return canon
    if len(_ARTICLE.findall(text[:20000])) >= 3:
        return "法规"  # numbered articles (第一条 …) make a legal text whatever its title says
    return ""


_ARTICLE = re.compile(r"(?m)^[\s\u3000]*第[一二三四五六七八九十百零〇]+条")


def is_organisation(name: str) -> bool:
    """A name that reads as an organisation: 科技局, 海南省人民政府; not 一, 试行, 摘要, 十二."""
    if len(name) < 2 or _NUMERAL_LIKE.fullmatch(name):
        return False
    return name.endswith(_ORG_ENDINGS)


def issuer_of(header: str) -> str:
    """Who issued a legal text, from its header lines (…第七次会议通过, 国务院令第472号公布)."""
    for pattern, template in _ISSUERS:
        m = pattern.search(header)
        if m:
            return m.expand(template)
    return ""


def organisation_kind(organisation: str) -> str:
    for words, kind in _ORG_KINDS:
        if any(w in organisation for w in words):
            return kind
    return organisation
