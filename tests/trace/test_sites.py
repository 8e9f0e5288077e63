"""Variant sites never damage a copy: whole words of their sentence, never inside quotations,
formulations, official names or fixed collocations, and the other wording reads as naturally
and adds no proofreading finding."""

from __future__ import annotations

import re
from collections import Counter

from gongwen.proofread.catalogue import check
from gongwen.proofread.diagnostic import Diagnostic
from gongwen.trace.mark import apply
from gongwen.trace.sites import find_sites, protected_spans, with_anchors

TEXT = (
    "今年以来，我局进一步加强队伍建设，推进“放管服”改革，提高服务水平。"
    "始终坚持以习近平新时代中国特色社会主义思想为指导，全市共完成了XX项任务，"
    "培训干部XX人次。印发《关于加强安全生产工作的通知》。"
)

# Every breakage seen in members' copies (issue 17), each in a sentence of its own.
BROKEN = {
    "演艺之都": "加快建设国际演艺之都和种业之都，打造文化高地。",
    "共赢": "坚持开放合作、互利共赢，推动对外贸易稳定增长。",
    "医共体": "推进紧密型县域医共体建设，提高基层服务能力。",
    "共驻共建": "深化机关企业共驻共建，推动基层治理提质增效。",
    "全力争取": "全力争取中央预算内投资和专项债券资金。",
    "纵向争取": "积极纵向争取项目资金，加快重点项目建设。",
    "修改完善": "对实施方案进行修改完善，确保按期出台。",
    "完整准确全面贯彻新发展理念": "完整准确全面贯彻新发展理念，加快构建新发展格局。",
    "统筹发展和安全": "更好统筹发展和安全，守住不发生系统性风险的底线。",
    "治理体系和治理能力现代化": "推进国家治理体系和治理能力现代化，提高依法行政水平。",
    "质的有效提升": "推动经济实现质的有效提升和量的合理增长。",
    "深入贯彻中央八项规定精神学习教育": "扎实开展深入贯彻中央八项规定精神学习教育，持续改进作风。",
    "纵深推进全面从严治党": "纵深推进全面从严治党，持续加强党风廉政建设。",
    "支持深圳": "支持深圳建设中国特色社会主义先行示范区。",
    "关心支持首都建设": "衷心感谢关心支持首都建设的香港同胞、澳门同胞和台湾同胞。",
    "我省": "过去一年，我省经济运行稳中向好，我省人民生活持续改善。",
}


def finding(d: Diagnostic) -> tuple[str, str]:
    """A finding as the proofreader words it; the two placeholder forms (XX, ××) are one."""
    return d.code, d.message.replace("××", "XX")


def test_sites_are_words_outside_quotations_and_formulations() -> None:
    sites = find_sites(TEXT)
    words = [TEXT[s.start : s.end] for s in sites]
    assert "进一步" in words and "推进" in words and "提高" in words and "XX" in words
    title = TEXT.index("《关于加强")
    formulation = TEXT.index("习近平")
    for s in sites:
        assert not title <= s.start < TEXT.index("》")
        assert not formulation <= s.start < formulation + len("习近平新时代中国特色社会主义思想")


def test_no_site_where_members_copies_were_damaged() -> None:
    for unit, sentence in BROKEN.items():
        at = sentence.index(unit)
        for s in find_sites(sentence):
            assert not (s.start < at + len(unit) and at < s.end), (unit, s)


def test_pairs_that_change_meaning_or_register_are_gone() -> None:
    text = "我市大力支持民营企业发展，我县、我区、我局均已完成，因此提前收官。"
    forms = {w for s in find_sites(text) for w in s.forms}
    assert not forms & {"支持", "扶持", "我市", "本市", "我县", "本县", "我区", "本区", "我局"}
    assert not forms & {"因此", "所以", "均", "都"}


def test_official_names_and_collocations_are_protected() -> None:
    text = "扎实开展党史学习教育和安全生产专项整治三年行动，对方案修改完善。"
    spans = protected_spans(text)
    for unit in ("党史学习教育", "安全生产专项整治三年行动", "修改完善"):
        at = text.index(unit)
        assert any(a <= at and at + len(unit) <= b for a, b in spans), unit


def test_every_copy_reads_as_the_same_text_with_other_wordings() -> None:
    sites = find_sites(TEXT)
    other = apply(TEXT, sites, [1 - s.base for s in sites])
    assert other != TEXT
    assert "推动“放管服”改革" in other and "提升服务水平" in other
    assert "习近平新时代中国特色社会主义思想" in other
    assert "《关于加强安全生产工作的通知》" in other
    assert apply(TEXT, sites, [s.base for s in sites]) == TEXT


def test_the_other_wording_adds_no_proofreading_finding(seed_text: str) -> None:
    """Each site of the seed's first report, turned alone, in its sentence."""
    text = seed_text[:6000]
    sites = [s for s in find_sites(text) if s.kind != "placeholder"]
    assert len(sites) > 40
    for s in sites:
        lo = max(text.rfind(ch, 0, s.start) for ch in "。；\n") + 1
        hi = min(
            (i for i in (text.find(ch, s.end) for ch in "。；\n") if i >= 0), default=len(text)
        )
        published = text[lo : hi + 1]
        other = text[lo : s.start] + s.forms[1 - s.base] + text[s.end : hi + 1]
        before = Counter(finding(d) for d in check(published))
        after = Counter(finding(d) for d in check(other))
        assert not after - before, (published, other)


def test_a_word_is_a_site_only_with_its_part_of_speech() -> None:
    text = "明年将加快项目建设，坚持把资金用于民生。"
    words = {text[s.start : s.end]: s for s in find_sites(text, vet=False)}
    # 将 meaning "will" stays (a copy never reads 明年把加快); 把 before its object is a site.
    assert "将" not in words
    assert words["把"].forms == ("把", "将")


def test_the_closing_formula_keeps_its_wording() -> None:
    text = "让我们更加紧密地团结在以习近平同志为核心的党中央周围，奋力推进各项工作。"
    words = [text[s.start : s.end] for s in find_sites(text)]
    assert "更加" not in words


def test_anchors_survive_edits_elsewhere_and_tell_repeats_apart() -> None:
    first = "一、加快推进项目建设。\n二、不断提高服务水平。\n三、加快推进项目建设。\n"
    edited = (
        "一、加快推进项目建设。\n新增一段说明。\n二、不断提高服务水平。\n三、加快推进项目建设。\n"
    )
    a = {first[s.start : s.end] + str(i): s.anchor for i, s in enumerate(find_sites(first))}
    b = {edited[s.start : s.end] + str(i): s.anchor for i, s in enumerate(find_sites(edited))}
    assert a and list(a.values()) == list(b.values())
    repeated = [s.anchor for s in find_sites(first) if first[s.start : s.end] == "推进"]
    assert len(repeated) == 2 and repeated[0] != repeated[1]
    assert all(re.fullmatch(r"[0-9a-f]{16}", s.anchor) for s in with_anchors(first, []))


def test_a_copy_with_every_other_wording_draws_the_same_findings(seed_text: str) -> None:
    """The most different copy (every site turned) reads as the published text does to the
    proofreader: the same findings, code by code."""
    text = seed_text[:12000]
    sites = find_sites(text)
    turned = apply(text, sites, [1 - s.base for s in sites])
    assert turned != text
    found = Counter(finding(d) for d in check(turned))
    assert found == Counter(finding(d) for d in check(text))
