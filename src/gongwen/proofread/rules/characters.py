"""GW1xx: wrong characters and commonly confused words of 公文."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic

# (wrong, right): spellings that are wrong wherever they stand as written. Each was checked
# against the gov-corpus (none occurs in 21 million characters of published text).
MISSPELLINGS: tuple[tuple[str, str], ...] = (
    ("布署", "部署"),
    ("凋研", "调研"),
    ("侯选", "候选"),
    ("做为", "作为"),
    ("再接再励", "再接再厉"),
    ("迫不急待", "迫不及待"),
    ("一愁莫展", "一筹莫展"),
    ("必竟", "毕竟"),
    ("搏弈", "博弈"),
    ("通迅", "通讯"),
    ("坐谈会", "座谈会"),
    ("一如继往", "一如既往"),
    ("既往不究", "既往不咎"),
    ("针贬时弊", "针砭时弊"),
    ("默守成规", "墨守成规"),
    ("鞠躬尽粹", "鞠躬尽瘁"),
    ("按步就班", "按部就班"),
    ("再所不惜", "在所不惜"),
    ("脱颍而出", "脱颖而出"),
    ("既将", "即将"),
    ("随既", "随即"),
    ("即然", "既然"),
    ("即往", "既往"),
    ("形势主义", "形式主义"),
    ("形式严峻", "形势严峻"),
    ("双报道", "双报到"),
    ("部门报道", "部门报到"),
    ("新闻报到", "新闻报道"),
    ("精兵减政", "精兵简政"),
    ("截止目前", "截至目前"),
    ("截止到目前", "截至目前"),
    ("贯切落实", "贯彻落实"),
    ("发韧", "发轫"),
    ("穿流不息", "川流不息"),
    ("不径而走", "不胫而走"),
    ("滥芋充数", "滥竽充数"),
    ("谈笑风声", "谈笑风生"),
    ("走头无路", "走投无路"),
    ("出奇不意", "出其不意"),
    ("甘败下风", "甘拜下风"),
    ("一股作气", "一鼓作气"),
    ("美仑美奂", "美轮美奂"),
    ("全神灌注", "全神贯注"),
    ("言简意骇", "言简意赅"),
    ("歪风斜气", "歪风邪气"),
    ("以身做则", "以身作则"),
    ("重蹈复辙", "重蹈覆辙"),
    ("老骥伏励", "老骥伏枥"),
    ("励精图志", "励精图治"),
    ("防微杜浅", "防微杜渐"),
    ("有的放失", "有的放矢"),
    ("震耳欲贯", "震耳欲聋"),
    ("共商国事", "共商国是"),
    ("巡视巡查", "巡视巡察"),
    ("巡查组", "巡察组"),
)
# (pattern, right, why): a confusion that depends on what follows or precedes.
CONTEXT_RULES: tuple[tuple[str, str, str], ...] = (
    (
        r"截止(?=(?:\d{4}年|\d{1,2}月|[一二三四五六七八九十〇零]{2,4}年|今年|去年|本年|年底|年末|月底|上半年|下半年))",
        "截至",
        "“截至”后接时间点（截至6月底）；“截止”表示到期停止（6月30日截止）",
    ),
    (r"立既(?!有)", "立即", "“立即”的“即”写成了“既”"),
    (r"既便(?!于)", "即便", "“即便”的“即”写成了“既”"),
)


@register
class ConfusedWord(Rule):
    """易混淆词和错别字：公文里常见的写错的词（布署、截止目前、形势主义、巡视巡查等）。

    词表里的写法在任何位置都是错的（在 2,100 万字的政府公文语料中一次也没有出现），
    “截止/截至”一类则看后面是否接时间点。

    错误：截止2020年6月底，全市共完成投资XX亿元。
    修正：截至2020年6月底，全市共完成投资XX亿元。
    正确：报名于2020年6月30日截止。
    错误：认真布署下半年工作。
    修正：认真部署下半年工作。
    """

    code = "GW101"
    category = Category.CHAR

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _misspellings().finditer(draft.text):
            right = _RIGHT[m.group()]
            yield self.diagnostic(m.start(), m.end(), f"“{m.group()}”应为“{right}”", right, True)
        for pattern, right, why in _context_rules():
            for m in pattern.finditer(draft.text):
                yield self.diagnostic(m.start(), m.end(), why, right, True)


_RIGHT = dict(MISSPELLINGS)


@lru_cache(maxsize=1)
def _misspellings() -> re.Pattern[str]:
    words = sorted(_RIGHT, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=1)
def _context_rules() -> list[tuple[re.Pattern[str], str, str]]:
    return [(re.compile(p), right, why) for p, right, why in CONTEXT_RULES]


_ADVERBIAL = "积极|认真|深入|扎实|全面|切实|有效|稳步|大力|不断|持续|逐步|有序|主动|严格|广泛|充分|科学|精准|牢牢|紧紧|坚定不移|毫不动摇"
# Verbs that are rarely nouns (保障、服务、学习 are often nouns: 有效的保障措施).
_VERB = "推进|开展|落实|做好|抓好|推动|加强|提高|贯彻|参与|融入|发挥"
_RESULT = "显著|明显|较好|良好|阶段性|积极|重大|新的|突出|实质性|决定性|历史性"


@register
class DeDiDe(Rule):
    """“的、地、得”用错：状语后接动词用“地”，“取得”不写作“取的”。

    只在确定的搭配里报告：常见状语（积极、认真、扎实……）加“的”再加常见动词（推进、开展、
    落实……），以及“取的/获的 + 成效/进展”。

    错误：我局积极的推进政务公开。
    修正：我局积极地推进政务公开。
    正确：这是一项积极的举措。
    错误：各项工作取的明显成效。
    修正：各项工作取得明显成效。
    """

    code = "GW102"
    category = Category.CHAR
    _adverbial = re.compile(rf"(?:{_ADVERBIAL})(的)(?=(?:{_VERB})(?!的|作用|力))")
    _got = re.compile(
        rf"(?<=[取获])的(?=了?(?:(?:{_RESULT})的?)?(?:成效|成绩|进展|突破|成果|胜利))"
    )

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in self._adverbial.finditer(draft.text):
            yield self.diagnostic(m.start(1), m.end(1), "状语修饰动词用“地”", "地", True)
        for m in self._got.finditer(draft.text):
            yield self.diagnostic(m.start(), m.end(), "“取得/获得”的“得”写成了“的”", "得", True)
