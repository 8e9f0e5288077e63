"""Placeholders (XX, X, ××, XX% …) as fields a writer recognises: label, unit, type.

A placeholder stands for a figure or a name the writer fills in. Its label names the counted or
measured thing: in 全市XX家驾校 the thing counted comes after the measure word (驾校数); in
设置管控卡点XX个 it comes before (管控卡点数); in 完成投资XX亿元 the figure is an amount of
money (投资额). Words are told apart by jieba's part-of-speech tagger (nouns, verbs), so the
rules stay small and read like a writer's reasoning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from gongwen.model import Placeholder

_PLACEHOLDER = re.compile(r"(?<![A-Za-z])[XＸ×]{1,4}[%％]?(?![A-Za-z])")
# Words that are never an X placeholder although they start with one.
_NOT_PLACEHOLDER_AFTER = ("射线", "光", "线", "染色体", "型", "轴")

# Units as written after a figure, longest first; the kind of figure each one makes.
_MONEY_UNITS = ("元",)
_LENGTH_UNITS = ("亿人公里", "亿吨公里", "人公里", "吨公里", "公里", "千米", "米")
_AREA_UNITS = ("平方公里", "平方米", "亩", "公顷")
_WEIGHT_UNITS = ("吨", "千克", "公斤")
_TIME_UNITS = ("小时", "分钟", "天", "周", "个月")
_COUNT_UNITS = (
    "人次", "户次", "车次", "台次", "轮次", "批次", "架次", "班次", "场次", "家次", "次",
    "人", "名", "位", "户", "家", "个", "件", "项", "场", "期", "篇", "条", "台", "辆", "艘",
    "部", "块", "处", "份", "张", "宗", "楼", "类", "届", "所", "座", "批", "套", "间", "支",
    "门", "本", "册", "份", "棵", "株", "头", "只", "起", "笔", "单", "个百分点", "倍", "段",
)  # fmt: skip
_UNITS = sorted(
    _MONEY_UNITS + _LENGTH_UNITS + _AREA_UNITS + _WEIGHT_UNITS + _TIME_UNITS + _COUNT_UNITS,
    key=len,
    reverse=True,
)
_UNIT = re.compile(
    r"(?P<mult>万亿|千万|百万|万|亿|千|百)?(?P<approx>余|多)?"
    r"(?P<unit>" + "|".join(map(re.escape, _UNITS)) + r")?"
)
# Counting units whose count is of people.
_PEOPLE_UNITS = ("人", "名", "位")
_EVENT_UNITS = ("次", "轮次", "场次", "批次", "场")

# Names: a place (XX市 → 市名) or an organisation or thing (XX公司 → 公司名称).
_PLACE_SUFFIXES = (
    "自治区", "省", "市", "县", "区", "镇", "乡", "村", "街道", "社区", "小区", "路", "街", "州",
)  # fmt: skip
_NAME_SUFFIXES = (
    "中学", "小学", "学校", "大学", "公司", "集团", "医院", "银行", "中心", "园区", "隧道",
    "连接线", "新闻网", "日报", "电视台", "科技馆", "局", "委", "所", "馆", "站", "办",
)  # fmt: skip
_PERSON_TITLES = (
    "副书记", "书记", "副市长", "市长", "副县长", "县长", "副区长", "区长", "局长", "主任",
    "同志", "部长", "处长", "省长", "镇长", "厅长", "董事长", "总经理",
)  # fmt: skip
_PERSON_NOUNS = (
    "人", "员", "者", "军人", "士兵", "属", "干部", "职工", "代表", "专家", "人才", "群众", "师",
    "生", "对象", "工", "民", "兵", "户", "家庭", "党员", "同志", "特派员",
)  # fmt: skip
_APPROX_BEFORE = ("近", "约", "超", "逾", "超过", "大约", "将近")
_MONEY_NOUNS = ("款", "费", "金", "资金", "补贴", "经费", "收入", "基金", "税", "利润", "奖励")
_FILLERS = {
    "累计", "共计", "合计", "共", "达", "达到", "约", "了", "为", "有", "计", "近", "超", "超过",
    "其中", "实现", "新", "全", "各", "等", "和", "及", "与", "的", "已", "先后", "总计", "总",
    "全市", "全区", "全县", "全省", "我市", "我区", "我县", "上半年", "今年", "目前", "截至",
    "截止", "同比", "较", "比", "去年同期", "同期", "分别", "每", "逾", "余", "多",
}  # fmt: skip
_NOUN_FLAGS = ("n", "vn", "j", "an", "nz", "nt", "ns", "ng", "l", "i", "eng")
_VERB_FLAGS = ("v", "vd", "vg", "vi")


@cache
def _posseg():  # type: ignore[no-untyped-def]
    # jieba is loaded only when a document has placeholders: its dictionary takes ~1 s to load.
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder of `text` with its label, unit, type and whether it is approximate;
    placeholders that stand for the same figure (same label, unit and words before) share a
    field name, distinct figures with one label get 投资额, 投资额2, …"""
    found: list[Placeholder] = []
    fields: dict[tuple[str, str, str], str] = {}
    used: dict[str, int] = {}
    for m in _PLACEHOLDER.finditer(text):
        after = text[m.end() : m.end() + 12]
        if after.startswith(_NOT_PLACEHOLDER_AFTER):
            continue
        before = text[max(0, m.start() - 24) : m.start()]
        guess = guess_field(before, m.group(), after)
        context = (guess.label, guess.unit, before[-6:])
        name = fields.get(context)
        if name is None:
            used[guess.label] = used.get(guess.label, 0) + 1
            n = used[guess.label]
            name = guess.label if n == 1 else f"{guess.label}{n}"
            fields[context] = name
        found.append(
            Placeholder(
                m.group(),
                m.start(),
                m.end(),
                guess.label,
                guess.unit,
                kind=guess.kind,
                approximate=guess.approximate,
                field=name,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Guess:
    label: str
    unit: str = ""
    kind: str = "number"
    approximate: bool = False


def guess_field(before: str, placeholder: str, after: str) -> Guess:
    """Label, unit, type and approximation of a placeholder from the words around it."""
    # The clause the figure ends: from the last punctuation mark or figure before it.
    clause = re.split(r"[^\u4e00-\u9fff]|[XＸ×]+|\d+", before)[-1]
    approx = before.endswith(_APPROX_BEFORE)
    if placeholder.endswith(("%", "％")):
        return Guess(_rate_label(clause), "%", "percent", approx)
    if before.endswith("第"):
        thing = _noun_after(after)
        return Guess(f"{thing}序号" if thing else "序号", "", "number")
    if re.match(r"[-—至到]?\d*[XＸ×]*年", after) and before.endswith(("20", "19")):
        return Guess("年份", "年" if after.startswith("年") else "", "date")
    if after.startswith("月"):
        return Guess("月份", "月", "date")
    if after.startswith(("日", "号")) and before.endswith("月"):
        return Guess("日期", "日", "date")
    for title in _PERSON_TITLES:
        if after.startswith(title):
            return Guess(f"{title}姓名", "", "name")
    for suffix in _PLACE_SUFFIXES:
        if after.startswith(suffix) and not after.startswith(("市场", "区域", "县域", "市级")):
            return Guess(f"{suffix}名", "", "place")
    for suffix in _NAME_SUFFIXES:
        if after.startswith(suffix):
            return Guess(f"{suffix}名称", "", "name")
    m = _UNIT.match(after)
    assert m is not None  # every group is optional
    mult, unit = m.group("mult") or "", m.group("unit") or ""
    approx = approx or bool(m.group("approx"))
    rest = after[m.end() :]
    if not unit:
        money = re.split(r"[^\u4e00-\u9fff]", rest)[0][:14]
        if mult and money.endswith(_MONEY_NOUNS):
            return Guess(money, mult, "money", approx)  # 拨付XX万双拥创建工作专项经费
        if mult:
            return Guess(_subject(clause) or "数量", mult, "number", approx)
        return Guess(_subject(clause) or "内容", "", "text", approx)
    written = mult + unit
    if unit in _MONEY_UNITS:
        return Guess(_money_label(clause), written, "money", approx)
    if unit in _LENGTH_UNITS:
        noun = _subject(clause)
        measure = "里程" if unit == "公里" else ("长度" if unit in ("米", "千米") else "")
        label = noun if noun.endswith(("量", "长", "里程")) else noun + measure
        return Guess(label, written, "number", approx)
    if unit in _AREA_UNITS:
        return Guess(_subject(clause) + "面积", written, "number", approx)
    if unit in _WEIGHT_UNITS:
        return Guess(_subject(clause) or "重量", written, "number", approx)
    if unit in _TIME_UNITS:
        return Guess((_subject(clause) or "") + "时长", written, "number", approx)
    # A count: the thing counted follows the measure word (XX家驾校) or precedes it (卡点XX个).
    thing = _noun_after(rest.removeprefix("的"))
    subject = _subject(clause)
    if unit.endswith("次") and len(unit) == 2:  # 人次, 户次, 车次 …
        if subject.endswith("量"):
            return Guess(subject, written, "number", approx)  # 客运量XX万人次
        return Guess(
            f"{thing or subject or _governing_verb(clause)}{unit}", written, "number", approx
        )
    if unit in _EVENT_UNITS:
        label = thing or subject or _governing_verb(clause)
        return Guess(f"{label}次数" if label else "次数", written, "number", approx)
    if thing:
        return Guess(f"{thing}数", written, "number", approx)
    if unit == "倍":
        return Guess(f"{subject}倍数", written, "number", approx)
    if subject and unit in _PEOPLE_UNITS and not subject.endswith(_PERSON_NOUNS):
        return Guess(f"{subject}人数", written, "number", approx)  # 市本级XX人 → 市本级人数
    if subject:
        return Guess(f"{subject}数", written, "number", approx)
    verb = _governing_verb(clause)
    counted = "人" if unit in _PEOPLE_UNITS else unit
    return Guess(f"{verb}{counted}数" if verb else "数量", written, "number", approx)


def _rate_label(clause: str) -> str:
    """复运率XX% → 复运率; 同比增长XX% → 同比增长率; 占年度目标的XX% → 占年度目标比例."""
    text = _FRAME.sub("", clause)
    if text.endswith("率"):
        return "".join(_object_words(clause)) or "比率"
    for verbs, rate in (
        (("增长", "增加", "提高", "上升", "提升"), "增长率"),
        (("下降", "减少", "降低", "下滑"), "下降率"),
    ):
        if text.endswith(verbs):
            return ("同比" if "同比" in text else "") + rate
    m = re.search(r"占([\u4e00-\u9fff]{1,10}?)的?$", text)
    if m:
        return f"占{m.group(1)}比例"
    m = re.search(r"完成([\u4e00-\u9fff]{1,10}?)的?$", text)
    if m:
        return f"{m.group(1)}完成比例"
    subject = _subject(clause)
    return f"{subject}比例" if subject else "比例"


_MONEY_NOUNS_FULL = _MONEY_NOUNS + (
    "投入",
    "产值",
    "增加值",
    "费用",
    "补助",
    "奖补",
    "损益",
    "营收",
)


def _money_label(clause: str) -> str:
    """完成投资XX亿元 → 投资额; 高速公路完成投资 → 高速公路投资额; 收缴罚没款X万元 → 罚没款;
    共计缴费XX万元 → 缴费金额."""
    obj = "".join(_object_words(clause))
    if obj in ("", "投资"):
        verb = _governing_verb(clause)
        words = _segment(_FRAME.sub("", clause))
        if "投资" in words or verb == "投资":
            head = words[: words.index("投资")] if "投资" in words else []
            head = [w for w in head if w not in _GOVERNING and w not in _FILLERS]
            return "".join(head[-2:]) + "投资额"
        return f"{verb}金额" if verb else "金额"
    if obj.endswith("投资"):
        return obj + "额"
    return obj if obj.endswith(_MONEY_NOUNS_FULL + ("额",)) else obj + "金额"


# Verbs that govern the counted thing (设置公路通道管控卡点XX个): the label is what follows them.
_GOVERNING = {
    "完成", "设置", "抽调", "转运", "发运", "配送", "开通", "保障", "组建", "发放", "拨付", "检查",
    "抽查", "查处", "卸载", "下达", "办理", "受理", "接待", "开展", "召开", "组织", "推荐", "选派",
    "走访", "清理", "拆除", "制止", "排查", "建成", "新增", "创建", "认定", "申报", "实现", "达到",
    "提供", "促使", "填写", "发现", "审核", "新发", "收缴", "调动", "运送", "部署", "梳理", "查扣",
    "撰写", "争取", "下沉", "登记", "检测", "审批", "核发", "颁发", "发出", "收到", "受派", "举办", "培训", "引进", "兑现", "落实", "指导", "协调", "帮助", "解决",
    "处理", "帮扶", "救助", "慰问", "安置", "接收", "核查", "督办", "查办", "立案", "结案", "整改",
    "投入", "筹集", "落地", "签约", "引导", "推动", "参加", "参与", "覆盖", "惠及", "服务", "带动",
    "吸引", "聘请", "派出", "成立", "印发", "出台", "制定", "修订", "发布", "编制", "开工", "竣工",
    "改造", "维修", "新建", "建设", "打造", "培育", "扶持", "评选", "表彰", "命名", "研究", "约谈",
    "是", "有", "共有", "达", "累计", "共计", "合计", "总计", "仅", "只", "先后", "已", "均",
}  # fmt: skip
# Where and when words in front of a figure say nothing about what it counts.
_FRAME = re.compile(
    r"^(?:(?:全|我|本)(?:市|区|县|省|镇|局|馆|司)|城区|上半年|下半年|全年|本年|年内|今年|去年|目前|截至目前|"
    r"截止目前|其中|分别|同时|各类|各项|各地|各级|各|共|累计|先后|已经|已|均|还|又|再|仅|只|"
    r"(?:19|20)\d\d年|\d+-\d+月份?|一共|总共)+"
)
_MAX_LABEL = 10


def _object_words(clause: str) -> list[str]:
    """The words of `clause` after its last governing verb (设置公路通道管控卡点 → 公路通道管控卡点),
    without where/when words; at most _MAX_LABEL characters, cut at a word boundary."""
    clause = _FRAME.sub("", clause)
    words = _segment(clause)
    last = max((i for i, w in enumerate(words) if w in _GOVERNING), default=-1)
    words = _segment(_FRAME.sub("", "".join(words[last + 1 :])))  # 转运各地捐赠物资 → 捐赠物资
    words = [w for w in words if w not in _FILLERS]
    while words and sum(map(len, words)) > _MAX_LABEL:
        words = words[1:]
    while words and words[-1] in _NOT_COUNTED:
        words = words[:-1]  # 研究安全生产工作XX次: the work is not the thing counted
    return words


_NOT_COUNTED = ("工作", "手续", "任务", "总额", "领域")


def _governing_verb(clause: str) -> str:
    words = [w for w in _segment(_FRAME.sub("", clause)) if w not in _FILLERS]
    verbs = [
        w
        for w in words
        if w in _GOVERNING
        and len(w) > 1
        and w not in ("累计", "共计", "合计", "总计", "先后", "共有")
    ]
    return verbs[-1] if verbs else (words[-1] if len(words) == 1 else "")


def _subject(clause: str, *, verbs: bool = False) -> str:
    """The counted thing before a figure: the words after the verb that governs it (管控卡点 in
    设置公路通道管控卡点XX个); with `verbs`, the verb itself when nothing follows it (受理)."""
    obj = "".join(_object_words(clause))
    if obj or not verbs:
        return obj
    return _governing_verb(clause)


def _noun_after(rest: str) -> str:
    """The thing counted right after a measure word: 驾校 in XX家驾校和…; "" for a verb."""
    clause = re.split(r"[^\u4e00-\u9fff]", rest)[0]
    if not clause:
        return ""
    words = _words(clause[:12])
    run: list[str] = []
    for i, (word, flag) in enumerate(words):
        if word in _FILLERS or word in ("和", "及", "与", "或") or word in _GOVERNING:
            break
        nounish = flag.startswith(_NOUN_FLAGS) or (flag == "b" and len(word) > 1)
        # A verb inside a noun phrase (科技创新人才) counts when a noun follows it.
        inner_verb = flag.startswith(_VERB_FLAGS) and any(
            f.startswith(_NOUN_FLAGS) for _, f in words[i + 1 : i + 2]
        )
        if nounish or (run and inner_verb):
            run.append(word)
            continue
        break
    while run and not _words(run[-1])[-1][1].startswith(_NOUN_FLAGS):
        run.pop()
    while len(run) > 1 and sum(map(len, run)) > 6:
        run = run[1:]
    return "".join(run)


@cache
def _segment(clause: str) -> list[str]:
    return list(_posseg().jieba.lcut(clause)) if clause else []


@cache
def _words(clause: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in _posseg().lcut(clause)] if clause else []
