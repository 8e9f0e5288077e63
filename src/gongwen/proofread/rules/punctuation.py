"""GW6xx: punctuation per GB/T 15834-2011 (标点符号用法)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic

_PAIRS = {"“": "”", "‘": "’", "（": "）", "《": "》", "【": "】", "〔": "〕", "(": ")"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_MARKS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")


@register
class UnbalancedMarks(Rule):
    """引号、括号、书名号不成对：有左无右或有右无左，或左右不配（“……）。

    每段单独检查（公文里引语一般不跨段；从 PDF 粘贴来的断行先接回成段）。

    错误：深入开展“我为群众办实事实践活动。
    正确：深入开展“我为群众办实事”实践活动。
    错误：印发《关于加强安全生产工作的通知。
    """

    code = "GW601"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for start, end in draft.blocks:
            stack: list[int] = []
            for m in _MARKS.finditer(text, start, end):
                i, ch = m.start(), m.group()
                if ch in _PAIRS:
                    stack.append(i)
                elif ch in _CLOSERS:
                    if stack and text[stack[-1]] == _CLOSERS[ch]:
                        stack.pop()
                    elif stack and _CLOSERS[ch] not in (text[j] for j in stack):
                        opened = text[stack[-1]]
                        yield self.diagnostic(i, i + 1, f"“{opened}”与“{ch}”不配对", _PAIRS[opened])
                        stack.pop()
                    else:
                        yield self.diagnostic(i, i + 1, f"“{ch}”缺少对应的“{_CLOSERS[ch]}”")
            for i in stack:
                yield self.diagnostic(i, i + 1, f"“{text[i]}”缺少对应的“{_PAIRS[text[i]]}”")


_HALF = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_HAN = "\u4e00-\u9fff"
_HALF_BETWEEN = re.compile(rf"(?<=[{_HAN}])[,;:?!](?=[{_HAN}“])|(?<=[{_HAN}])[()](?=[{_HAN}])")


@register
class HalfWidthPunctuation(Rule):
    """中文里用了半角标点：汉字之间的 , ; : ? ! ( ) 应为全角。

    修正换成对应的全角标点（安全修正）。

    错误：加强领导,落实责任。
    修正：加强领导，落实责任。
    正确：比上年增长3.5%，完成1,200万元。
    """

    code = "GW602"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _HALF_BETWEEN.finditer(draft.text):
            full = _HALF[m.group()]
            yield self.diagnostic(
                m.start(), m.end(), f"汉字之间应使用全角“{full}”", full, safe=True
            )


_DOUBLED_MARKS = re.compile(r"([，。、；：！？])(?:\s*[，。、；：])+")


@register
class DoubledMarks(Rule):
    """标点连用：两个点号连写（，，　。。　，。　、，）。

    省略号（……）和破折号（——）本身是两个字符，不算连用。相同的标点连写时删去多余的
    （安全修正）；不同的标点连写时建议保留第一个。

    错误：完成年度任务，，超过预期。
    修正：完成年度任务，超过预期。
    正确：推进“放管服”改革……取得明显成效。
    """

    code = "GW603"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _DOUBLED_MARKS.finditer(draft.text):
            same = set(m.group().replace(" ", "")) == {m.group(1)}
            yield self.diagnostic(
                m.start(), m.end(), f"标点“{m.group()}”连用", m.group(1), safe=same
            )


_SPACE_INSIDE = re.compile(rf"(?<=[{_HAN}，。；：、])[ \u3000\u00a0]+(?=[{_HAN}])")


@register
class SpaceInText(Rule):
    """中文正文中间夹了空格（从网页或 PDF 复制时常见）。

    段首缩进、标题编号后的空格、表格里为对齐人名加的空格（张　三）和引号里口号两半之间的
    空格（“万企出海 鲁贸全球”）不报告：只报告段落中间、两边都是汉字或中文标点、且所在段落
    长于 15 字的空格。修正删去空格。

    错误：今年以来，全面落实 各项工作任务，取得明显成效。
    修正：今年以来，全面落实各项工作任务，取得明显成效。
    正确：一、 总体情况
    正确：打响“万企出海 鲁贸全球”品牌，推出更多文旅宣传精品。
    """

    code = "GW604"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for start, end in draft.paragraphs:
            if end - start <= 15:
                continue
            for m in _SPACE_INSIDE.finditer(text, start, end):
                if text[m.start() - 1] == "、" and m.start() - start <= 4:
                    continue  # 一、 总体情况: the space after a heading number
                before = text[start : m.start()]
                if before.count("“") > before.count("”"):
                    continue  # “万企出海 鲁贸全球”: a slogan's halves are set apart
                yield self.diagnostic(m.start(), m.end(), "中文中间多了空格", "", safe=True)


@register
class CommaInShortList(Rule):
    """并列的词语之间用了逗号：短的并列名词之间应用顿号（GB/T 15834 4.5）。

    只报告三个以上、每个不超过四个字、后面紧跟“等”的名词并列（北京，上海，广州等城市）。

    错误：在北京，上海，广州等城市设立分中心。
    修正：在北京、上海、广州等城市设立分中心。
    正确：加强领导，完善制度，落实责任。
    """

    code = "GW605"
    category = Category.PUNCTUATION
    _list = re.compile(rf"(?<![{_HAN}])((?:[{_HAN}]{{1,4}}，){{2,}}[{_HAN}]{{1,4}})等")

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        from gongwen.proofread.rules._words import all_nouns

        for m in self._list.finditer(draft.text):
            items = m.group(1).split("，")
            # The first item may be the end of a longer run (在北京，上海 …: the item is 北京).
            first = next(
                (items[0][k:] for k in range(len(items[0]) - 1) if all_nouns([items[0][k:]])),
                None,
            )
            if first is None or not all_nouns(items[1:]):
                continue
            pos = m.start(1) + len(items[0]) - len(first)
            items[0] = first
            for item in items[:-1]:
                pos += len(item)
                yield self.diagnostic(pos, pos + 1, "并列词语之间用顿号", "、")
                pos += 1


_DIGITS = "一二三四五六七八九十"
# Not before 年/月/季度: 三、四月份 may list two months rather than guess a number.
_APPROX = re.compile(
    r"(?<![一二三四五六七八九十])([一二三四五六七八九])、([二三四五六七八九十])(?=[个天人次名家项倍])"
)


@register
class CommaInApproximateNumber(Rule):
    """相邻数字表示概数时不用顿号（三四个、五六天，GB/T 15834 4.5.3.6）。

    修正删去顿号（安全修正）。

    错误：用三、四天时间完成。
    修正：用三四天时间完成。
    正确：三、四季度分别完成。
    正确：三、五个单位各派一人。
    """

    code = "GW606"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _APPROX.finditer(draft.text):
            if _DIGITS.index(m.group(2)) != _DIGITS.index(m.group(1)) + 1:
                continue  # 三、五个: not neighbours, not an approximation
            yield self.diagnostic(
                m.start() + 1, m.start() + 2, "表示概数的相邻数字之间不用顿号", "", safe=True
            )


_STRAIGHT = re.compile(r"\"([^\"\n]{1,60})\"")


@register
class StraightQuotes(Rule):
    """中文里用了直引号 "…"：应为弯引号“…”。

    只报告引号内含汉字的成对直引号。修正换成“”（安全修正）。

    错误：开展"我为群众办实事"实践活动。
    修正：开展“我为群众办实事”实践活动。
    正确：开展“我为群众办实事”实践活动。
    """

    code = "GW607"
    category = Category.PUNCTUATION

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        for m in _STRAIGHT.finditer(draft.text):
            if not re.search(f"[{_HAN}]", m.group(1)):
                continue
            yield self.diagnostic(
                m.start(), m.end(), "中文应使用弯引号“”", f"“{m.group(1)}”", safe=True
            )
