"""GW4xx (numbers): number usage per GB/T 15835-2011 (出版物上数字用法)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic

_CN_DIGIT = "〇一二三四五六七八九"
_ORDINAL_SET = re.compile(r"(?<![\d.])([1-9])(?=等奖|等功|等品|等座|类地区|级响应)")


@register
class DigitInSetPhrase(Rule):
    """固定词语里的序数用了阿拉伯数字：2等奖 → 二等奖（GB/T 15835 4.2）。

    等奖、等功、等品、等座、类地区、级响应之前的一位数字改用汉字（安全修正）。

    错误：荣获省级2等奖。
    修正：荣获省级二等奖。
    正确：荣获省级二等奖。
    """

    code = "GW411"
    category = Category.NUMBER

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _ORDINAL_SET.finditer(draft.text):
            cn = _CN_DIGIT[int(m.group(1))]
            yield self.diagnostic(
                m.start(), m.end(), f"固定词语中的序数用汉字“{cn}”", cn, safe=True
            )


_MIXED = re.compile(r"(?<![\d.])(\d{1,3})([百千])(?=[万亿]?[元人个户家项次吨亩台辆套件名所])")
_ZERO_IN_YEAR = re.compile(rf"[{_CN_DIGIT}零0Ｏ○]{{4}}(?=年)")


@register
class MixedNumberForms(Rule):
    """数字写法混用：阿拉伯数字加“百、千”（3千万元 → 3000万元），汉字年份里夹着 0 或 ○。

    GB/T 15835：阿拉伯数字后可用“万、亿”作单位，不与“百、千”连用；汉字年份的零写作“〇”。

    错误：完成投资3千万元。
    修正：完成投资3000万元。
    正确：完成投资3000万元，惠及1.2万人。
    错误：二0二0年六月
    修正：二〇二〇年六月
    """

    code = "GW412"
    category = Category.NUMBER

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for m in _MIXED.finditer(text):
            digits = m.group(1) + ("00" if m.group(2) == "百" else "000")
            yield self.diagnostic(
                m.start(), m.end(), f"阿拉伯数字不与“{m.group(2)}”连用", digits, safe=True
            )
        for m in _ZERO_IN_YEAR.finditer(text):
            year = m.group()
            if not any(ch in _CN_DIGIT[1:] for ch in year) or not re.search("[0Ｏ○零]", year):
                continue
            right = re.sub("[0Ｏ○零]", "〇", year)
            yield self.diagnostic(m.start(), m.end(), "汉字年份中的零写作“〇”", right, safe=True)


_APPROX_TWICE = re.compile(r"(约|大约|大概)(\d[\d.,，万亿千百%％]*[^\d\s，。；、]{0,4}?)左右")


@register
class DoubleApproximation(Rule):
    """概数重复：“约……左右”“大约……左右”只用一个。

    修正删去“左右”（安全修正）。

    错误：同比增长约15%左右。
    修正：同比增长约15%。
    正确：同比增长15%左右。
    """

    code = "GW413"
    category = Category.NUMBER

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _APPROX_TWICE.finditer(draft.text):
            yield self.diagnostic(
                m.end() - 2, m.end(), f"“{m.group(1)}”和“左右”重复", "", safe=True
            )
