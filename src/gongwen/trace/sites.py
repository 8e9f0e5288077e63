"""Variant sites: places in a text where either of two wordings keeps its meaning and register.

Each member's copy takes one wording per site (store nothing per copy: the choice is derived from
a key, trace/code.py). The catalogue is built in and reviewed; a site is only taken where the
wording is a whole word of its sentence (jieba), outside quotations, titles of documents and
standard political formulations, which must stay word for word.

Kinds of site:
- `synonym`: two verbs, adverbs or prepositions that 公文 uses interchangeably (推进/推动,
  提高/提升, 把/将 …), some only with one part of speech;
- `optional`: an intensifier before a verb that may be left out (进一步加强/加强, 切实做好/做好),
  and 了 after a verb (完成了/完成);
- `conjunction`: 和/与 joining two nouns;
- `placeholder`: XX/×× in a template.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

CATALOGUE_VERSION = "2026.12-2"

# Pairs reviewed for 公文 (either wording reads naturally wherever the other stands as a word).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("推进", "推动"),
    ("提高", "提升"),
    ("加强", "强化"),
    ("加快", "加速"),
    ("确保", "保证"),
    ("不断", "持续"),
    ("目前", "当前"),
    ("做好", "抓好"),
    ("显著", "明显"),
    ("有关", "相关"),
    ("根据", "按照"),
    ("已经", "已"),
    ("对于", "对"),
    ("共计", "合计"),
    ("各类", "各种"),
    ("完善", "健全"),
    ("实施", "实行"),
    ("努力", "全力"),
    ("迅速", "快速"),
    ("开展", "组织开展"),
    ("仍然", "仍"),
    ("并且", "并"),
    ("但是", "但"),
    ("正在", "正"),
    ("曾经", "曾"),
    ("共", "共计"),
    ("达到", "达"),
    ("逐步", "稳步"),
    ("以及", "及"),
    ("我市", "本市"),
    ("我县", "本县"),
    ("我区", "本区"),
    ("我省", "本省"),
    ("我局", "本局"),
    ("此外", "另外"),
    ("因此", "所以"),
    ("多次", "数次"),
    ("立即", "立刻"),
    ("依然", "仍然"),
    # 2026.12-2: mined from the provincial work reports (frequency) and read in context.
    ("支持", "扶持"),
    ("取得", "获得"),
    ("把", "将"),
    ("更加", "更为"),
    ("力争", "争取"),
    ("年均", "年平均"),
    ("均", "都"),
    ("超过", "超"),
    ("如期", "按期"),
    ("大幅", "大幅度"),
    ("较为", "比较"),
    ("先后", "相继"),
    ("尽快", "尽早"),
    ("此次", "本次"),
    ("日益", "日趋"),
    ("加以", "予以"),
    ("十分", "非常"),
    ("由于", "因为"),
)
# Words that are only a site with this part of speech (jieba's flag starts with it): 将 as
# 把 (将资金用于), not as "will" (将加快: jieba tags it d, so 将 is in practice only ever the
# other wording of a 把); 都 as 均 (都已完成), not as 首都.
PART_OF_SPEECH: dict[str, str] = {
    "把": "p",
    "将": "p",
    "均": "d",
    "都": "d",
    "支持": "v",
    "扶持": "v",
    "取得": "v",
    "获得": "v",
    "超过": "v",
    "超": "v",
    "力争": "v",
    "争取": "v",
    "更加": "d",
    "更为": "d",
}
# Intensifiers that may be dropped before a verb.
OPTIONAL: tuple[str, ...] = (
    "进一步",
    "切实",
    "大力",
    "认真",
    "扎实",
    "深入",
    "着力",
    "严格",
    "紧紧",
    "积极",
    "全面",
    "有效",
    "坚决",
    "始终",
    "进行",
    "充分",
    "有序",
    "主动",
)
CONJUNCTIONS: tuple[str, str] = ("和", "与")
PLACEHOLDERS: tuple[str, str] = ("XX", "××")

# Standard formulations and slogans: never touched (a site inside one is not taken).
PROTECTED: tuple[str, ...] = (
    "习近平新时代中国特色社会主义思想",
    "全面从严治党",
    "全面建成小康社会",
    "全面深化改革",
    "全面依法治国",
    "全面建设社会主义现代化国家",
    "两个维护",
    "四个意识",
    "四个自信",
    "两个确立",
    "不忘初心、牢记使命",
    "以人民为中心",
    "高质量发展",
    "街乡吹哨、部门报到",
    "三严三实",
    "放管服",
    "稳中求进",
    "中国特色社会主义",
    "坚持和加强党的全面领导",
    "党的全面领导",
    "更加紧密地团结在",
)
_QUOTED = re.compile(r"“[^”\n]{0,300}”|《[^》\n]{0,100}》|「[^」\n]{0,300}」|\"[^\"\n]{0,300}\"")


@dataclass(frozen=True, slots=True)
class Site:
    """A place in the base text and its two wordings (`forms[0]` / `forms[1]`)."""

    start: int  # offset of the base wording in the base text
    end: int
    kind: str  # synonym | optional | conjunction | placeholder
    forms: tuple[str, str]
    base: int  # which form the base text has (0 or 1)


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    for phrase in PROTECTED:
        start = text.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


@lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[str, tuple[str, str], int]]:
    """wording -> (kind, forms, which form it is)."""
    out: dict[str, tuple[str, tuple[str, str], int]] = {}
    for pair in SYNONYMS:
        for i, word in enumerate(pair):
            out.setdefault(word, ("synonym", pair, i))
    for word in OPTIONAL:
        out.setdefault(word, ("optional", (word, ""), 0))
    return out


WINDOW = 8  # characters segmented on either side of a candidate word


@lru_cache(maxsize=64)
def _candidates(extra: tuple[tuple[str, str], ...] = ()) -> re.Pattern[str]:
    words = {*_forms(), *CONJUNCTIONS, "了", *(w for pair in extra for w in pair)}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def find_sites(text: str, extra: tuple[tuple[str, str], ...] = ()) -> list[Site]:
    """The variant sites of a text, in order, none overlapping.

    Each occurrence of a catalogue word is checked in its own neighbourhood (jieba with parts
    of speech on a few characters either side), not by segmenting the whole text: a page view
    of a 50,000-character law pays for its few thousand candidates only."""
    from gongwen.util.segmenter import posseg

    protected = _protected_spans(text)
    forms = dict(_forms())
    for pair in extra:  # editors' additions to the catalogue
        for i, word in enumerate(pair):
            forms.setdefault(word, ("synonym", pair, i))
    sites: list[Site] = []
    for m in _candidates(extra).finditer(text):
        start, end = m.start(), m.end()
        if _inside(protected, start, end):
            continue
        lo = max(0, start - WINDOW)
        tokens = [(w, f) for w, f in posseg().lcut(text[lo : end + WINDOW], HMM=False)]
        offset, at = lo, -1
        for k, (w, _) in enumerate(tokens):
            if offset == start and offset + len(w) == end:
                at = k
                break
            offset += len(w)
        if at < 0:  # not a whole word here (推进器, 和谐, 为了)
            continue
        word, flag = tokens[at]
        before = tokens[at - 1][0] if at > 0 else ""
        following = tokens[at + 1] if at + 1 < len(tokens) else ("", "x")
        if word in forms:
            kind, pair, which = forms[word]
            if kind == "optional":
                # Only before a verb, and not as part of a list of intensifiers (积极、稳妥).
                if not following[1].startswith("v") or before.endswith(("、", "和")):
                    continue
            elif kind == "synonym":
                if len(word) == 1 and flag not in ("d", "p"):  # 已 as an adverb, not 已有之
                    continue
                if not flag.startswith(PART_OF_SPEECH.get(word, "")):
                    continue
                # The other wording must not already stand next to it (推进推动 reads badly).
                other = pair[1 - which]
                if other and (before.endswith(other) or following[0].startswith(other)):
                    continue
            sites.append(Site(start, end, kind, pair, which))
        elif word == "了" and flag == "ul" and at > 0 and tokens[at - 1][1].startswith("v"):
            if following[0] and _is_han(following[0][0]):  # 完成了XX项, not 完成了。
                sites.append(Site(start, end, "optional", ("了", ""), 0))
        elif (
            word in CONJUNCTIONS
            and flag == "c"
            and before
            and following[0]
            and _is_han(before[-1])
            and _is_han(following[0][0])
        ):
            sites.append(Site(start, end, "conjunction", CONJUNCTIONS, CONJUNCTIONS.index(word)))
    for m in re.finditer(r"XX|××", text):
        if not _inside(protected, m.start(), m.end()):
            sites.append(
                Site(m.start(), m.end(), "placeholder", PLACEHOLDERS, PLACEHOLDERS.index(m.group()))
            )
    sites.sort(key=lambda s: s.start)
    out: list[Site] = []
    for s in sites:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return out


def to_json(sites: list[Site]) -> str:
    return json.dumps(
        [[s.start, s.end, s.kind, s.forms[0], s.forms[1], s.base] for s in sites],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_json(value: str) -> list[Site]:
    return [Site(a, b, kind, (f0, f1), base) for a, b, kind, f0, f1, base in json.loads(value)]


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
