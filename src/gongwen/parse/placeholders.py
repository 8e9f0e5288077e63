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
from gongwen.util.segmenter import posseg  # jieba loads on first use (~1 s)

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
    "人次", "户次", "车次", "台次", "轮次", "批次", "架次", "班次", "场次", "家次", "件次", "次",
    "人", "名", "位", "户", "家", "个", "件", "项", "场", "期", "篇", "条", "台", "辆", "艘",
    "部", "块", "处", "份", "张", "宗", "楼", "类", "届", "所", "座", "批", "套", "间", "支",
    "门", "本", "册", "份", "棵", "株", "头", "只", "起", "笔", "单", "个百分点", "倍", "段",
    "副",
)  # fmt: skip
_UNITS = sorted(
    _MONEY_UNITS + _LENGTH_UNITS + _AREA_UNITS + _WEIGHT_UNITS + _TIME_UNITS + _COUNT_UNITS,
    key=len,
    reverse=True,
)
_UNIT = re.compile(
    r"(?P<pre>余|多)?(?P<mult>万亿|千万|百万|万|亿|千|百)?(?P<approx>余|多)?"
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
    "连接线", "新闻网", "日报", "电视台", "科技馆", "局", "所", "馆", "站", "办",
)  # fmt: skip
# X委、X政府: the place whose party committee or government it is.
_PLACE_OF = ("委", "政府", "党委")
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
    "截止", "同比", "较", "比", "去年同期", "同期", "分别", "每", "逾", "余", "多", "仅", "只",
    "全部", "都",
}  # fmt: skip
_NOUN_FLAGS = ("n", "vn", "j", "an", "nz", "nt", "ns", "ng", "l", "i", "eng")
_VERB_FLAGS = ("v", "vd", "vg", "vi")


def find_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder of `text` with its label, unit, type and whether it is approximate;
    placeholders that stand for the same figure (same label, unit and words before) share a
    field name, distinct figures with one label get 投资额, 投资额2, …"""
    found: list[Placeholder] = []
    fields: dict[tuple[str, str, str], str] = {}
    used: dict[str, int] = {}
    for m in _PLACEHOLDER.finditer(text):
        after = text[m.end() : m.end() + 24].lstrip(" \u3000")  # 讲党课XX 次
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


_PARENS = re.compile(r"（[^（）]{0,12}）|\([^()]{0,12}\)")


def _clause(before: str) -> str:
    """The words in front of a figure that say what it is: from the last punctuation mark or
    figure. After another figure (违章建筑XX处XX平方米, 项目XX个总投资XX亿元, 全年计划XX亿元的XX%)
    that figure's measure word is dropped, and when nothing else is left the words in front of
    that figure speak for this one too."""
    text = _PARENS.sub("", before)  # XX万元（含税）的XX%
    # 发放抚恤金、生活补助XX万元: one figure for both things of a short list.
    text = re.sub(r"([\u4e00-\u9fff]{2,6})、([\u4e00-\u9fff]{2,6})$", r"\1\2", text)
    parts = re.split(r"[XＸ×]+|[^\u4e00-\u9fffA-Za-z]|\d+", text)
    clause = parts[-1]
    if len(parts) < 2 or not re.search(r"[XＸ×]" + re.escape(clause) + "$", text):
        return clause
    m = _UNIT.match(clause)
    assert m is not None
    rest = clause[m.end() :] if m.group("unit") or m.group("mult") else clause
    if rest.startswith("的"):
        return parts[-2] + "的"  # 完成全年计划XX亿元的XX% → 完成全年计划的
    if not rest:
        return parts[-2]  # 拆除违章建筑XX处XX平方米 → 拆除违章建筑
    return rest


@dataclass(frozen=True, slots=True)
class Guess:
    label: str
    unit: str = ""
    kind: str = "number"
    approximate: bool = False


def guess_field(before: str, placeholder: str, after: str) -> Guess:
    """Label, unit, type and approximation of a placeholder from the words around it."""
    # The clause the figure ends: from the last punctuation mark or figure before it.
    clause = _clause(before)
    approx = before.endswith(_APPROX_BEFORE)
    if placeholder.endswith(("%", "％")):
        return Guess(_rate_label(clause), "%", "percent", approx)
    if before.endswith("第"):
        ordinal = re.match(r"(期|次|届|批|轮)", after)
        if ordinal:  # 第XX期 → 期号; 第XX次全区代表大会 → 代表大会次数; 第X届 → 届次
            unit = ordinal.group()
            thing = _noun_after(after[1:])
            named = {"期": "期号", "届": "届次", "批": "批次", "轮": "轮次"}
            label = f"{thing}次数" if unit == "次" and thing else named.get(unit, "次数")
            return Guess(label, unit, "number")
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
    if after.startswith(_PLACE_OF) and not after.startswith("委员"):
        return Guess("地名", "", "place")
    for suffix in _NAME_SUFFIXES:
        if after.startswith(suffix):
            return Guess(f"{suffix}名称", "", "name")
    m = _UNIT.match(after)
    assert m is not None  # every group is optional
    mult, unit = m.group("mult") or "", m.group("unit") or ""
    approx = approx or bool(m.group("approx") or m.group("pre"))
    rest = after[m.end() :]
    if not unit:
        money = re.split(r"[^\u4e00-\u9fff]", rest)[0][:14]
        if mult and money.endswith(_MONEY_NOUNS):
            return Guess(money, mult, "money", approx)  # 拨付XX万双拥创建工作专项经费
        if mult:
            return Guess(_subject(clause) or "数量", mult, "number", approx)
        return _name_guess(before, after)
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
    # XX万册《新型冠状病毒防护》科普书籍: the title names the books, the noun counts them.
    counted = re.sub(r"^《[^》]{0,16}》", "", rest.removeprefix("的"))
    counted = re.sub(r"^[一二三四五六七八九十、]+类", "", counted)  # XX家一、二类维修企业
    counted = re.sub(r"[“”‘’]", "", counted)  # XX台在营“两客一危”车辆
    thing = _noun_after(counted)
    if thing in _MEASURES:
        thing = ""  # 港口岸线XX处总长XX米: 总长 is the next figure's
    subject = _subject(clause) or _quoted_before(before)
    if unit.endswith("次") and len(unit) == 2:  # 人次, 户次, 车次 …
        if subject.endswith("量"):
            return Guess(subject, written, "number", approx)  # 客运量XX万人次
        return Guess(
            f"{thing or subject or _governing_verb(clause)}{unit}", written, "number", approx
        )
    if unit == "届":
        return Guess("届次", written, "number", approx)
    if unit == "楼":
        return Guess("楼层", written, "number", approx)  # 主楼XX楼
    if unit == "期":  # 直播XX期, 推出《XX》等线上公益课XX期
        label = subject or _governing_verb(clause)
        return Guess(f"{label}期数", written, "number", approx)
    if not thing and not subject:
        act = _activity_after(rest)
        if act and unit in _PEOPLE_UNITS:
            return Guess(f"{act}人数", written, "number", approx)  # X余人开展了高企业务培训
        if act and unit in _EVENT_UNITS:
            return Guess(f"{act}次数", written, "number", approx)  # 已XX次督促设计公司
        if unit in _PEOPLE_UNITS and "累计" in clause and not _governing_verb(clause):
            return Guess("累计人数", written, "number", approx)  # …XX人，累计达XX人
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


# Nouns that say what kind of thing a name in quotes is (“XX活动” → 活动名称).
_NAMED_THINGS = (
    "活动", "展览", "课堂", "行动", "工程", "计划", "大赛", "论坛", "主题", "项目", "专项斗争",
)  # fmt: skip
# Nouns too general to name what a name is of (XX分会场项目活动 → 分会场名称).
_GENERIC_HEADS = ("项目", "平台", "工作", "建设", "活动", "方面", "领域", "问题")
_CLOSE = "”’》」』"


def _name_guess(before: str, after: str) -> Guess:
    """A placeholder with no figure after it stands for a name: of a kind of thing when a noun
    follows (XX客运站 → 客运站名称, XX发展战略 → 战略名称, 球幕影片《XX》 → 影片名称), of a
    place when an activity or nothing follows (做好XX防汛, 加快XX振兴发展 → 地名)."""
    if after.startswith("籍"):
        return Guess("籍贯", "", "place")
    if re.match(r"[\u4e00-\u9fff]{0,10}?(?:局|委员会|政府|厅)(?![面势长])", after):
        return Guess("地名", "", "place")  # XX市场监督管理局
    quoted = before[-1:] in "“‘《「『"
    inside = re.match(rf"([^{_CLOSE}，。；、]*)[{_CLOSE}]", after)
    if inside is not None and (quoted or inside.group(1)):
        text = inside.group(1)
        rest = after[inside.end() :]
        for thing in _NAMED_THINGS:
            if text.endswith(thing):
                return Guess(f"{thing}名称", "", "name")  # “XX活动”, 《XX科普展览》
        if rest.startswith("为主题"):
            return Guess("主题", "", "name")
        if not text:
            # 影片《XX》《XX》: the noun before the first of the titles
            opening = re.sub(r"(?:[《“‘][^》”’]*[》”’])+$", "", before[:-1])
            noun = _noun_before(opening) if quoted else ""
            if noun:
                return Guess(f"{noun}名称", "", "name")  # 球幕影片《XX》
            noun = _head_noun(rest.removeprefix("等"), last=True)
            if noun:
                return Guess(f"{noun}名称", "", "name")  # 《XX》等线上公益课
        for thing in _NAMED_THINGS:
            if rest.startswith(thing):
                return Guess(f"{thing}名称", "", "name")  # “X聚才”计划
    listed = re.match(r"等[\dXＸ×余多]*[\u4e00-\u9fff]", after)
    if listed:  # X等10家企业, XX等XX件展品: a name among things of that kind
        noun = _noun_after(after[listed.end() :])
        if noun:
            return Guess(f"{noun}名称", "", "name")
    head = _head_noun(after)
    if head:
        return Guess(f"{head}名称", "", "name")
    return Guess("地名", "", "place")


def _head_noun(after: str, *, last: bool = False) -> str:
    """The noun a name is of: the last of the nouns right after it (科普教育基地 → 基地), skipping
    too general ones; "" when a verb or punctuation follows. With `last`, the last noun of the
    clause whatever comes between (线上公益课 → 公益课)."""
    clause = re.split(r"[^\u4e00-\u9fff]", after)[0][:10]
    nouns: list[str] = []
    for word, flag in _words(clause):
        if flag in ("n", "nz", "nt", "ng"):
            nouns.append(word)
        elif last or (flag in ("vn", "nrt") and not nouns):
            continue  # 发展战略, 科普教育基地: a modifier before the noun
        else:
            break
    if last and len(nouns) >= 2 and len(nouns[-1]) == 1:
        nouns = [nouns[-2] + nouns[-1]]  # 公益 课 → 公益课
    nouns = [n for n in nouns if n not in _GENERIC_HEADS] or nouns[:1]
    return nouns[-1] if nouns and nouns[-1] not in _GENERIC_HEADS else ""


def _noun_before(before: str) -> str:
    """The noun right before a quotation: 影片 in 球幕影片《XX》."""
    clause = re.split(r"[^\u4e00-\u9fff]", before)[-1][-8:]
    words = _words(clause)
    if words and words[-1][1] in ("n", "nz", "vn"):
        return words[-1][0]
    return ""


# Things measured rather than counted: never the noun a count is of.
_MEASURES = ("总长", "总投资", "总额", "面积", "长度", "里程", "金额", "余额", "总量")


def _activity_after(rest: str) -> str:
    """What people did or what was done XX times, from the words after the measure word: the
    verb right after it (督促设计公司 → 督促), else the last verbal noun (开展了高企业务培训 → 培训)."""
    clause = re.split(r"[^\u4e00-\u9fff]", rest)[0][:12]
    words = _words(clause)
    if words and words[0][1] == "v" and len(words[0][0]) == 2 and words[0][0] not in _GOVERNING:
        return words[0][0]
    acts = [w for w, f in words if f == "vn" and len(w) == 2]
    return acts[-1] if acts else ""


def _quoted_before(before: str) -> str:
    """“定制公交”XX条: the quoted words right before the figure are the thing counted."""
    m = re.search(r"[“《]([\u4e00-\u9fff]{2,16})[”》]$", before)
    if not m:
        return ""
    words = _segment(m.group(1))
    while len(words) > 1 and sum(map(len, words)) > 8:
        words = words[1:]  # 特种设备安全监察指令书 → 安全监察指令书
    return "".join(words)


def _rate_label(clause: str) -> str:
    """复运率XX% → 复运率; 同比增长XX% → 同比增长率; 占年度目标的XX% → 占年度目标比例."""
    text = re.sub(r"(?:为|达到|达|是)$", "", _FRAME.sub("", clause))
    if text.endswith(("比重", "占比")):
        return text  # 占GDP比重为X%
    if text.endswith("率"):
        return "".join(_object_words(clause)) or "比率"
    for verbs, rate in (
        (("增长", "增加", "提高", "上升", "提升"), "增长率"),
        (("下降", "减少", "降低", "下滑"), "下降率"),
    ):
        if text.endswith(verbs):
            return ("同比" if "同比" in text else "") + rate
    m = re.search(r"占([\u4e00-\u9fffA-Za-z]{1,10}?)的?$", text)
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
    if "总投资" in clause:
        return "总投资额"
    obj = "".join(_object_words(clause))
    if obj in ("", "投资"):
        verb = _governing_verb(clause)
        words = _segment(_FRAME.sub("", clause))
        if "投资" in words or verb == "投资":
            head = words[: words.index("投资")] if "投资" in words else []
            head = [w for w in head if w not in _GOVERNING and w not in _FILLERS]
            return "".join(head[-2:]) + "投资额"
        return f"{verb}金额" if verb else "金额"
    if "总投资" in obj:
        return "总投资额"
    if obj.endswith("投资"):
        return obj + "额"
    if obj.endswith(("预算", "计划")):
        return obj  # 完成全年计划XX亿元
    if len(obj) == 2 and obj[0] in "缴收付交" and obj[1] == "费":
        return obj + "金额"  # 共计缴费XX万元
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
    "制作", "推送", "投稿", "直播", "邀请", "赠送", "捐赠", "发送", "上报", "报送", "带头",
}  # fmt: skip
# Where and when words in front of a figure say nothing about what it counts.
_FRAME = re.compile(
    r"^(?:年(?![度初底内])|周岁|等|(?:全|我|本)(?:市|区|县|省|镇|局|馆|司)|城区|上半年|下半年|全年|本年|年内|今年|去年|目前|截至目前|"
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
    tail = [w for w in words[last + 1 :] if w not in _FILLERS]
    if not tail and last >= 0 and words[last] in _LINKING:
        # 优抚对象共计XX人, 营业收入达XX亿元, 研发投入X亿元: the thing is before the verb.
        prev = max(
            (i for i in range(last) if words[i] in _GOVERNING and len(words[i]) > 1), default=-1
        )
        kept = words[prev + 1 : last] + ([words[last]] if words[last] in _NOUN_VERBS else [])
        if "的" in kept:
            kept = kept[len(kept) - kept[::-1].index("的") :]
        words = kept
    else:
        words = words[last + 1 :]
    words = _segment(_FRAME.sub("", "".join(words)))  # 转运各地捐赠物资 → 捐赠物资
    words = [w for w in words if w not in _FILLERS]
    if len(words) > 1 and words[0] in ("区", "市", "县", "省", "镇"):
        words = words[1:]  # 引进培育区高层次科技创新人才 → 高层次科技创新人才
    while words and sum(map(len, words)) > _MAX_LABEL:
        words = words[1:]
    while words and words[-1] in _NOT_COUNTED:
        words = words[:-1]  # 研究安全生产工作XX次: the work is not the thing counted
    return words


_NOT_COUNTED = ("工作", "手续", "任务", "总额", "领域")
# Verbs that only link a thing to its figure (优抚对象共计XX人), and verbs that name the thing
# themselves (研发投入X亿元).
_LINKING = {"达", "达到", "为", "是", "有", "共有", "共计", "累计", "合计", "总计", "计", "投入"}
_NOUN_VERBS = {"投入"}


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


_GENERIC_OBJECTS = ("车辆", "货物", "企业", "人员", "资料", "业务")


def _subject(clause: str, *, verbs: bool = False) -> str:
    """The counted thing before a figure: the words after the verb that governs it (管控卡点 in
    设置公路通道管控卡点XX个); with `verbs`, the verb itself when nothing follows it (受理).
    A bare generic object keeps its verb: 检测车辆XX台 → 检测车辆."""
    obj = "".join(_object_words(clause))
    if obj in _GENERIC_OBJECTS:
        verb = _governing_verb(clause)
        if len(verb) == 2 and verb not in _LINKING:
            return verb + obj
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
            f in ("n", "nz", "vn") and len(w) > 1 for w, f in words[i + 1 : i + 2]
        )
        # 反馈意见, 重大科技创新项目: a verb or adjective opening a noun phrase
        opening = not run and flag in ("v", "a") and len(word) == 2 and word not in _GOVERNING
        if opening and any(f in ("n", "nz") and len(w) > 1 for w, f in words[i + 1 : i + 2]):
            run.append(word)
            continue
        if nounish or (run and inner_verb):
            run.append(word)
            continue
        break
    while run and (
        run[-1] in ("精神", "情况", "工作", "建设")
        or not _words(run[-1])[-1][1].startswith(_NOUN_FLAGS)
    ):
        run.pop()
    while len(run) > 1 and sum(map(len, run)) > 8:
        run = run[1:]
    if len(run) > 1 and len(run[-1]) >= 4 and sum(map(len, run)) > 6:
        run = run[-1:]  # 退役军人事务系统干部职工 → 干部职工
    return "".join(run)


@cache
def _segment(clause: str) -> list[str]:
    return list(posseg().jieba.lcut(clause)) if clause else []


@cache
def _words(clause: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in posseg().lcut(clause)] if clause else []
