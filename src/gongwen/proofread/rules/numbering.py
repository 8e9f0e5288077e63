"""GW3xx: numbering of headings (一、（一）1.（1）) and of in-paragraph items (一是、二是)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongwen.proofread.catalogue import Draft, Rule, register
from gongwen.proofread.diagnostic import Category, Diagnostic

_CN = "一二三四五六七八九十"


def cn_value(numeral: str) -> int | None:
    """一 → 1 … 九十九 → 99; None for anything else."""
    if not numeral or any(ch not in _CN for ch in numeral) or len(numeral) > 3:
        return None
    if "十" not in numeral:
        return _CN.index(numeral) + 1 if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)


def cn_numeral(value: int) -> str:
    if value <= 10:
        return _CN[value - 1]
    tens, ones = divmod(value, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")


@dataclass(frozen=True, slots=True)
class Marker:
    level: int  # 1 一、 2 （一） 3 1. 4 （1）
    value: int
    start: int  # of the marker in the text
    end: int
    form: str  # the marker as written

    def written(self, value: int) -> str:
        """This marker's style with another number."""
        return _STYLES[self.level](value)


_STYLES = {
    1: lambda v: f"{cn_numeral(v)}、",
    2: lambda v: f"（{cn_numeral(v)}）",
    3: lambda v: f"{v}.",
    4: lambda v: f"（{v}）",
}
_MARKER = re.compile(
    rf"[ \t\u3000]*(?:(?P<l1>[{_CN}]{{1,3}})[、．.]"
    rf"|[（(](?P<l2>[{_CN}]{{1,3}})[）)]"
    r"|(?P<l3>\d{1,2})(?:[.．](?!\d)|、)"
    r"|[（(](?P<l4>\d{1,2})[）)])"
)


def markers(draft: Draft) -> list[Marker]:
    """The numbering marker each paragraph starts with, if any."""
    out = []
    for start, end in draft.paragraphs:
        m = _MARKER.match(draft.text, start, end)
        if not m:
            continue
        for level in (1, 2, 3, 4):
            raw = m.group(f"l{level}")
            if raw is None:
                continue
            value = cn_value(raw) if level in (1, 2) else int(raw)
            if value:
                text_start = start + len(m.group()) - len(m.group().lstrip(" \t\u3000"))
                out.append(
                    Marker(level, value, text_start, m.end(), draft.text[text_start : m.end()])
                )
            break
    return out


@register
class HeadingSequence(Rule):
    """标题序号不连续：同一层级的序号跳号或重号（一、二、四，或两个“（二）”）。

    按层级（一、→（一）→1.→（1））逐段检查，上一级序号出现时下一级重新从 1 起算；
    只看段首的序号。建议修正为应有的序号（也可能是漏了一节）。

    错误：一、总体情况\\n二、主要做法\\n四、下步打算
    修正：一、总体情况\\n二、主要做法\\n三、下步打算
    正确：一、总体情况\\n（一）主要做法\\n（二）取得成效\\n二、下步打算
    """

    code = "GW301"
    category = Category.NUMBERING

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        last: dict[int, int] = {}
        for mk in markers(draft):
            for deeper in [lv for lv in last if lv > mk.level]:
                del last[deeper]
            previous = last.get(mk.level)
            expected = (previous or 0) + 1
            # A 1 starts a new list (a second list in the same section, an attachment).
            if previous is not None and mk.value not in (expected, 1):
                what = "重号" if mk.value <= previous else "跳号"
                yield self.diagnostic(
                    mk.start,
                    mk.end,
                    f"序号{what}：“{mk.form.strip()}”前一个是第 {previous} 个，应为“{mk.written(expected)}”",
                    mk.written(expected),
                )
            last[mk.level] = mk.value


_NONSTANDARD = re.compile(
    rf"[ \t\u3000]*(?:(?P<cn_dot>[{_CN}]{{1,3}})[.．，,]"
    rf"|(?P<paren_mixed>[（(][{_CN}\d]{{1,3}}[）)])(?P<paren_comma>[、，.．])?"
    r"|(?P<arabic_comma>\d{1,2})、)"
)


@register
class MarkerForm(Rule):
    """序号写法不规范：一. 一， (一) （一）、 1、 等（GB/T 9704：一、（一）1.（1））。

    第一层用“一、”，第二层用全角括号“（一）”且后面不加标点，第三层用“1.”，第四层用“（1）”。
    修正为规范写法（安全修正）。

    错误：（一）、加强组织领导
    修正：（一）加强组织领导
    错误：1、加强组织领导
    修正：1.加强组织领导
    正确：（一）加强组织领导
    """

    code = "GW302"
    category = Category.NUMBERING

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        for start, end in draft.paragraphs:
            m = _NONSTANDARD.match(text, start, end)
            if not m:
                continue
            if m.group("cn_dot"):
                s, e = m.start("cn_dot"), m.end()
                if e < end and text[e].isdigit():
                    continue  # 一.5 is not a marker
                right = m.group("cn_dot") + "、"
            elif m.group("paren_mixed"):
                inner = m.group("paren_mixed")[1:-1]
                right = f"（{inner}）"
                s, e = m.start("paren_mixed"), m.end()
                if text[s:e] == right:
                    continue
            else:
                s, e = m.start("arabic_comma"), m.end()
                right = m.group("arabic_comma") + "."
            yield self.diagnostic(s, e, f"序号“{text[s:e]}”应写作“{right}”", right, safe=True)


_ITEM = re.compile(r"(?:(?<=^)|(?<=[。；;，,：:！？\s\u3000]))(?P<n>[一二三四五六七八九十]{1,3})是")


@register
class ItemSequence(Rule):
    """“一是、二是”不连续：跳号（三是之后是五是）、重号或不从“一是”开始。

    从“一是”起在段内和后面的段落里连续计数（各项之间可以隔着说明段落），遇到新的“一是”
    或标题重新计数；没有“一是”就不检查（摘录可能从中间开始）。建议修正为应有的序号。

    错误：一是加强领导；二是完善制度；四是强化考核。
    修正：一是加强领导；二是完善制度；三是强化考核。
    正确：一是加强领导；二是完善制度；三是强化考核。
    """

    code = "GW303"
    category = Category.NUMBERING

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        text = draft.text
        headings = {mk.start for mk in markers(draft)}
        previous = 0  # 0: no list under way (an excerpt may start in the middle of one)
        for start, end in draft.paragraphs:
            lead = start + len(text[start:end]) - len(text[start:end].lstrip(" \t\u3000"))
            if lead in headings:
                previous = 0  # a new heading ends the list
            for m in _ITEM.finditer(text, start, end):
                value = cn_value(m.group("n"))
                if value is None:
                    continue
                if value == 1:
                    previous = 1
                    continue
                if previous and value != previous + 1:
                    right = f"{cn_numeral(previous + 1)}是"
                    what = "重号" if value <= previous else "跳号"
                    yield self.diagnostic(
                        m.start(), m.end(), f"序号{what}：“{m.group()}”应为“{right}”", right
                    )
                previous = value
