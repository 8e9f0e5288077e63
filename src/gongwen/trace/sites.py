"""Variant sites: places in a text where either of two wordings keeps its meaning and register.

Each member's copy takes one wording per site (nothing is stored per copy: the choice is
derived from a key, trace/code.py). A site never damages a copy. It is taken only where

1. its wording is a whole word in a segmentation of the whole sentence (jieba, with its
   hidden-Markov model for words the dictionary lacks: 医共体 stays whole);
2. it lies outside every protected unit: quotations and titles of documents, the formulary's
   formulations and fixed lists (proofread/formulary.py, the list the proofreader checks),
   the official names of campaigns and programmes (…学习教育, …专项行动), fixed collocations;
3. the other wording does not stand next to it, neither wording doubles a neighbouring
   character (全力争取 → 全力力争), and the other wording makes no word with its neighbour
   across the boundary;
4. both wordings read naturally in that sentence: the proofreader's character model scores
   the sentence both ways and the other wording may not read much worse (proofread/fluency.py),
   and the proofreader finds nothing in the sentence with the other wording that it does not
   find in the published one (trace/vetting.py).

Kinds of site:
- `synonym`: two verbs, adverbs or prepositions that 公文 uses interchangeably (推进/推动,
  提高/提升, 把/将 …), some only with one part of speech;
- `optional`: an intensifier before a verb that may be left out (进一步加强/加强, 切实做好/做好),
  and 了 after a verb (完成了/完成);
- `conjunction`: 和/与 joining two nouns;
- `placeholder`: XX/×× in a template.

Every site has an *anchor*: a digest of its wordings and a few characters around it (and how
many times that context came before). A site that an edit leaves alone keeps its anchor, so a
member's wording there is the same in every revision of a material (code.py keys it by anchor).

The catalogue has a version (`version()`): a revision's site list is frozen per version, and
lists frozen under an older version are kept, so copies already served stay traceable.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from gongwen.trace.vetting import vetted

# The pairs, rules and vetting below. Bump on any change that can change a site list.
CATALOGUE_VERSION = "2026.12-3"
# Lists frozen under these versions carry no anchors: their copies were keyed by offset.
LEGACY_VERSIONS = frozenset({"2026.12-2"})

# Pairs reviewed for 公文: either wording reads naturally wherever the other stands as a word.
# 2026.12-3 took out pairs that change meaning or register (支持/扶持; 我省/本省 and the other
# 我X/本X: a report read to the people's congress says 我省; 因此/所以) and single characters
# that jieba cannot tell from parts of words (共/共计 in 共赢, 均/都 in 演艺之都, 力争/争取:
# 争取资金 is not 力争资金).
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
    ("达到", "达"),
    ("逐步", "稳步"),
    ("以及", "及"),
    ("此外", "另外"),
    ("多次", "数次"),
    ("立即", "立刻"),
    ("依然", "仍然"),
    ("取得", "获得"),
    ("把", "将"),
    ("更加", "更为"),
    ("年均", "年平均"),
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
# 把 (将资金用于), not as "will" (将加快: jieba tags it d); 实施 as a verb, not in 实施方案.
PART_OF_SPEECH: dict[str, str] = {
    "把": "p",
    "将": "p",
    "取得": "v",
    "获得": "v",
    "超过": "v",
    "超": "v",
    "更加": "d",
    "更为": "d",
    "实施": "v",
    "实行": "v",
    "努力": "a",  # 努力实现 (ad), never the noun of 作出努力
    "全力": "",
}
# Intensifiers that may be dropped before a verb. (全面, 严格, 坚决, 始终, 深入 carry meaning
# or open fixed formulas — 全面从严治党, 深入贯彻 — and were taken out in 2026.12-3.)
OPTIONAL: tuple[str, ...] = (
    "进一步",
    "切实",
    "大力",
    "认真",
    "扎实",
    "着力",
    "紧紧",
    "积极",
    "有效",
    "进行",
    "充分",
    "有序",
    "主动",
)
CONJUNCTIONS: tuple[str, str] = ("和", "与")
PLACEHOLDERS: tuple[str, str] = ("XX", "××")
# Fixed collocations: a catalogue word inside them is not a site (修改完善 is not 修改健全).
COLLOCATIONS: tuple[str, ...] = (
    "修改完善",
    "补充完善",
    "完善提升",
    "纵向争取",
    "全力争取",
    "有效衔接",
    "积极稳妥",
    "积极主动",
    "认真负责",
    "切实可行",
    "大力弘扬",
    "进行时",
    "更加紧密地团结在",
    "以及其他",
)

# One character after a verb that makes it a noun: 推进会, 加速园, 提升期, 实施率 are names of
# things, not a verb and its neighbour (jieba cuts them as two words).
NOUN_SUFFIXES = frozenset("会园期率区者性化型式度费量点站线网馆所室处局厅组团队委办部法员人")
# Verbs after which an intensifier still modifies the next verb (要切实做好), unlike a verb
# whose object it is part of (扩大有效供给: a noun phrase, not 扩大 + 有效地 + 供给).
MODALS = frozenset(
    ("要", "应", "应当", "须", "必须", "需要", "能", "能够", "会", "将", "可", "可以", "得")
)

ANCHOR_CONTEXT = 4  # characters on either side that identify a site across revisions

_QUOTED = re.compile(r"“[^”\n]{0,300}”|《[^》\n]{0,100}》|「[^」\n]{0,300}」|\"[^\"\n]{0,300}\"")
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")


@dataclass(frozen=True, slots=True)
class Site:
    """A place in the base text and its two wordings (`forms[0]` / `forms[1]`)."""

    start: int  # offset of the base wording in the base text
    end: int
    kind: str  # synonym | optional | conjunction | placeholder
    forms: tuple[str, str]
    base: int  # which form the base text has (0 or 1)
    anchor: str = ""  # identifies the site across revisions ("" in lists of a legacy version)


def version() -> str:
    """The catalogue version lists are frozen under: the pairs and rules, and the formulary."""
    from gongwen.proofread import formulary

    return f"{CATALOGUE_VERSION}+{formulary.version()}"


def is_legacy(list_version: str) -> bool:
    return list_version in LEGACY_VERSIONS


@lru_cache(maxsize=1)
def _protected_pattern() -> re.Pattern[str]:
    from gongwen.proofread import formulary

    phrases = sorted({*formulary.protected_phrases(), *COLLOCATIONS}, key=len, reverse=True)
    endings = "|".join(re.escape(e) for e in formulary.name_endings())
    names = rf"[\u4e00-\u9fff]{{1,16}}(?:{endings})" if endings else ""
    alternatives = [names] if names else []
    alternatives += [re.escape(p) for p in phrases]
    return re.compile("|".join(alternatives))


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Quotations, titles, formulations, official names and fixed collocations in the text."""
    spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    pattern = _protected_pattern()
    pos = 0
    # Overlapping units (a name inside a formulation) both count: search again one past each
    # start, not past each end.
    while True:
        m = pattern.search(text, pos)
        if m is None:
            break
        spans.append((m.start(), m.end()))
        pos = m.start() + 1
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _forms(extra: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, tuple[str, str], int]]:
    """wording -> (kind, forms, which form it is)."""
    out: dict[str, tuple[str, tuple[str, str], int]] = {}
    for pair in (*SYNONYMS, *extra):  # editors' additions after the built-in pairs
        for i, word in enumerate(pair):
            out.setdefault(word, ("synonym", pair, i))
    for word in OPTIONAL:
        out.setdefault(word, ("optional", (word, ""), 0))
    return out


@lru_cache(maxsize=64)
def _candidates(extra: tuple[tuple[str, str], ...] = ()) -> re.Pattern[str]:
    words = {*_forms(extra), *CONJUNCTIONS, "了"}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def find_sites(
    text: str,
    extra: tuple[tuple[str, str], ...] = (),
    *,
    spans: list[tuple[int, int]] | None = None,
    vet: bool = True,
) -> list[Site]:
    """The variant sites of a text, in order, none overlapping, each with its anchor.

    `spans`: only inside these (start, end) spans (a revision's body paragraphs); `vet`:
    check each candidate with the character model and the proofreader (False only for tests
    and benchmarks that measure what vetting removes)."""
    protected = protected_spans(text)
    sentences = _sentences(text)
    candidates = _segmented_candidates(text, sentences, extra, protected, spans)
    if vet:
        candidates = vetted(text, candidates, sentences)
    for m in re.finditer(r"XX|××", text):
        if _inside(protected, m.start(), m.end()):
            continue
        if spans is not None and not _inside(spans, m.start(), m.end()):
            continue
        index = PLACEHOLDERS.index(m.group())
        candidates.append(Site(m.start(), m.end(), "placeholder", PLACEHOLDERS, index))
    candidates.sort(key=lambda s: s.start)
    out: list[Site] = []
    for s in candidates:
        if out and s.start < out[-1].end:
            continue
        out.append(s)
    return with_anchors(text, out)


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]


def _segmented_candidates(
    text: str,
    sentences: list[tuple[int, int]],
    extra: tuple[tuple[str, str], ...],
    protected: list[tuple[int, int]],
    spans: list[tuple[int, int]] | None,
) -> list[Site]:
    """Catalogue words that are whole words of their sentence, outside protected units."""
    from gongwen.util.segmenter import dictionary, jieba_quiet, posseg

    cut = jieba_quiet().lcut
    words = dictionary()
    # jieba's part-of-speech tags are its dictionary's (posseg tags known words by table, and
    # its own HMM for unknown words costs ~1 ms a character): look them up directly.
    tags: dict[str, str] = posseg().dt.word_tag_tab
    forms = _forms(extra)
    pattern = _candidates(extra)
    found: list[Site] = []
    for lo, hi in sentences:
        sentence = text[lo:hi]
        hits = [
            (m.start() + lo, m.end() + lo)
            for m in pattern.finditer(sentence)
            if not _inside(protected, m.start() + lo, m.end() + lo)
        ]
        if spans is not None:
            hits = [(a, b) for a, b in hits if _inside(spans, a, b)]
        if not hits:
            continue
        tokens: list[tuple[int, str, str]] = []  # (offset, word, flag)
        at = lo
        for word in cut(sentence, HMM=True):
            tokens.append((at, word, tags.get(word, "x")))
            at += len(word)
        starts = {t[0]: k for k, t in enumerate(tokens)}
        for a, b in hits:
            k = starts.get(a)
            if k is None or tokens[k][0] + len(tokens[k][1]) != b:
                continue  # not a whole word here (推进器, 和谐, 为了, 之都, 共赢)
            site = _site(tokens, k, forms, words)
            if site is not None and not _ambiguous(text, site, words):
                found.append(site)
    return found


def _site(
    tokens: list[tuple[int, str, str]],
    k: int,
    forms: dict[str, tuple[str, tuple[str, str], int]],
    words: dict[str, int],
) -> Site | None:
    start, word, flag = tokens[k]
    end = start + len(word)
    before, before_flag = tokens[k - 1][1:] if k > 0 else ("", "x")
    following, following_flag = tokens[k + 1][1:] if k + 1 < len(tokens) else ("", "x")
    # A single Han character beside a site is where segmenters go wrong (人和集团, 云和梯田,
    # 正象 as 正像, 推进会): a one-character wording, a conjunction, or a verb before a noun
    # suffix is not a site there.
    single_before = len(before) == 1 and _is_han(before)
    single_after = len(following) == 1 and _is_han(following)
    # 推进会, and 实施率 when jieba cuts 实施/率达: a suffix, alone or opening a made-up word.
    if following[:1] in NOUN_SUFFIXES and (len(following) == 1 or not words.get(following)):
        return None
    # A one-character wording that makes a word with a neighbour (人和, 和平, 云和).
    if len(word) == 1 and (words.get(before[-1:] + word) or words.get(word + following[:1])):
        return None
    if word in forms:
        kind, pair, which = forms[word]
        if kind == "optional":
            # Only before a verb, not in a list of intensifiers (积极、稳妥), and not inside a
            # verb's object (扩大有效供给).
            if not following_flag.startswith("v") or before.endswith(("、", "和")):
                return None
            if following_flag == "vn" and before_flag.startswith("v") and before not in MODALS:
                return None
            return Site(start, end, kind, pair, which)
        if len(word) == 1 and flag not in ("d", "p"):  # 已 as an adverb, not 已有之
            return None
        if min(map(len, pair)) == 1 and (single_before or single_after):
            return None
        if not flag.startswith(PART_OF_SPEECH.get(word, "")):
            return None
        # The other wording must not already stand next to it (推进推动 reads badly).
        other = pair[1 - which]
        if other and (before.endswith(other) or following.startswith(other)):
            return None
        return Site(start, end, kind, pair, which)
    if word == "了":
        # 完成了XX项, not 完成了。 and not 为了/了解 (whole words already).
        if flag == "ul" and before_flag.startswith("v") and following and _is_han(following[0]):
            return Site(start, end, "optional", ("了", ""), 0)
        return None
    if (
        word in CONJUNCTIONS
        and flag == "c"
        and before
        and following
        and _is_han(before[-1])
        and _is_han(following[0])
        and not single_before
        and not single_after
    ):
        return Site(start, end, "conjunction", CONJUNCTIONS, CONJUNCTIONS.index(word))
    return None


def _ambiguous(text: str, site: Site, words: dict[str, int]) -> bool:
    """Either wording would double the character next to it (全力|争取 → 全力力争), or the
    other wording would make a word with its neighbour across the boundary, so that the copy
    reads another way than the published text."""
    left = text[site.start - 1] if site.start > 0 else ""
    right = text[site.end] if site.end < len(text) else ""
    other = site.forms[1 - site.base]
    for form in site.forms:
        if not form:
            # Dropped: the neighbours meet (认真真抓 would double, 要学 would be a word).
            if left and right and (left == right or words.get(left + right)):
                return True
            continue
        if (left and form[0] == left) or (right and form[-1] == right):
            return True
    if other and left and words.get(left + other[0]):
        return True
    return bool(other and right and words.get(other[-1] + right))


def with_anchors(text: str, sites: list[Site]) -> list[Site]:
    """The sites with their anchors: wordings and nearby characters, and how many sites with
    the same context came before (an identical sentence elsewhere is another site)."""
    seen: Counter[str] = Counter()
    out = []
    for s in sites:
        left = text[max(0, s.start - ANCHOR_CONTEXT) : s.start]
        right = text[s.end : s.end + ANCHOR_CONTEXT]
        context = "\x1f".join((left, *s.forms, right))
        seen[context] += 1
        digest = hashlib.sha256(f"{context}\x1e{seen[context]}".encode()).hexdigest()[:16]
        out.append(replace(s, anchor=digest))
    return out


def to_json(sites: list[Site]) -> str:
    return json.dumps(
        [[s.start, s.end, s.kind, s.forms[0], s.forms[1], s.base, s.anchor] for s in sites],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def from_json(value: str) -> list[Site]:
    """A frozen list, of this version or a legacy one (six fields, no anchor)."""
    out = []
    for a, b, kind, f0, f1, base, *anchor in json.loads(value):
        out.append(Site(a, b, kind, (f0, f1), base, anchor[0] if anchor else ""))
    return out


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"
