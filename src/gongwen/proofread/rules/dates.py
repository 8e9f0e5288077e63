"""GW4xx (dates): dates that cannot be, ranges the wrong way round, a year that is not the
report's."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic

_CN = "〇零一二三四五六七八九"


def _cn_int(text: str) -> int | None:
    """Digits or Chinese numerals (二〇二〇, 十二, 三十一) → int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        t = _CN.index(tens) - 1 if tens else 1
        o = _CN.index(ones) - 1 if ones else 0
        return t * 10 + max(o, 0) if t > 0 else None
    if all(ch in _CN for ch in text):
        return int("".join(str(max(_CN.index(ch) - 1, 0)) for ch in text))
    return None


_NUM = rf"\d{{1,4}}|[{_CN}十]{{1,4}}"
_DATE = re.compile(rf"(?:(?P<y>\d{{4}}|[{_CN}]{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日")


@register
class ImpossibleDate(Rule):
    """不存在的日期：6月31日、2月30日、13月1日、2021年2月29日。

    阿拉伯数字和汉字数字（二〇二一年二月二十九日）都检查；没有年份时 2 月 29 日不报告。

    错误：会议定于6月31日召开。
    正确：会议定于6月30日召开。
    错误：2021年2月29日印发。
    """

    code = "GW401"
    category = Category.DATE

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _DATE.finditer(draft.text):
            month, day = _cn_int(m.group("m")), _cn_int(m.group("d"))
            year = _cn_int(m.group("y")) if m.group("y") else None
            if month is None or day is None:
                continue
            if not 1 <= month <= 12:
                yield self.diagnostic(m.start(), m.end(), f"没有{month}月")
                continue
            days = calendar.monthrange(year or 2024, month)[1]  # 2024: a leap year
            if not 1 <= day <= days:
                yield self.diagnostic(m.start(), m.end(), f"{month}月没有{day}日")


_YEAR_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(年?)\s*[-－—–~～至到]\s*((?:19|20)\d\d)(?=年|\D|$)"
)


@register
class ReversedRange(Rule):
    """年份范围前后颠倒：2020—2012年（后一年早于前一年）。

    错误：《2020—2012年发展规划》
    正确：《2020—2025年发展规划》
    """

    code = "GW402"
    category = Category.DATE

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _YEAR_RANGE.finditer(draft.text):
            first, last = int(m.group(1)), int(m.group(3))
            if last < first:
                yield self.diagnostic(m.start(), m.end(), f"年份范围颠倒：{last}年早于{first}年")


# A summary of a half-year or a year (a government work report reviews the year before its
# own: 2025年政府工作报告 starts with 2024年，…, so only 总结 and 述职 set a period).
_PERIOD = re.compile(r"((?:19|20)\d\d)年(?:度|上半年|下半年|全年)[^\n。]{0,30}?(?:总结|述职)")
_SENTENCE_YEAR = re.compile(
    r"(?:(?<=^)|(?<=[。；！？\n]))[ \t\u3000]*((?:19|20)\d\d)年(?:上半年|下半年)[，,]"
)


@register
class PeriodYear(Rule):
    """年份与报告期不符：标题是 2020 年的总结，正文却写“2019年上半年，我局……”。

    套用去年模板最常见的疏漏。报告期取自前五段里第一个写着“某年上半年/下半年/度……总结/述职”
    的标题；句首的“某年上半年，”与报告期年份不同即报告（句中“比2019年同期”之类的比较不报告）。

    错误：2020年上半年工作总结\\n2019年上半年，我局紧紧围绕年度目标开展工作。
    修正：2020年上半年工作总结\\n2020年上半年，我局紧紧围绕年度目标开展工作。
    正确：2020年上半年工作总结\\n2020年上半年，我局各项指标比2019年同期均有增长。
    """

    code = "GW403"
    category = Category.DATE

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        period = None
        for start, end in draft.paragraphs[:5]:
            m = _PERIOD.search(text, start, min(end, start + 60))
            if m:
                period = m.group(1)
                break
        if period is None:
            return
        for m in _SENTENCE_YEAR.finditer(text):
            if m.group(1) != period:
                yield self.diagnostic(
                    m.start(1),
                    m.end(1),
                    f"报告期是{period}年，这里写的是{m.group(1)}年",
                    period,
                )
