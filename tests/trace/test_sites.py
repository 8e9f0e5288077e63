"""Variant sites: whole words of their sentence, never inside quotations or standard
formulations, and a copy with either wording reads as the same 公文."""

from __future__ import annotations

from gongwen.trace.mark import apply
from gongwen.trace.sites import find_sites

TEXT = (
    "今年以来，我局进一步加强队伍建设，推进“放管服”改革，提高服务水平。"
    "始终坚持以习近平新时代中国特色社会主义思想为指导，全市共完成了XX项任务，"
    "培训干部和职工XX人次。印发《关于加强安全生产工作的通知》。"
)


def test_sites_are_words_outside_quotations_and_formulations() -> None:
    sites = find_sites(TEXT)
    words = [TEXT[s.start : s.end] for s in sites]
    assert "进一步" in words and "加强" in words and "推进" in words and "提高" in words
    assert "XX" in words and "和" in words
    # Inside a document title or a standard formulation nothing is a site.
    title = TEXT.index("《关于加强")
    formulation = TEXT.index("习近平")
    for s in sites:
        assert not title <= s.start < TEXT.index("》")
        assert not formulation <= s.start < formulation + len("习近平新时代中国特色社会主义思想")


def test_every_copy_reads_as_the_same_text_with_other_wordings() -> None:
    sites = find_sites(TEXT)
    other = apply(TEXT, sites, [1 - s.base for s in sites])
    assert other != TEXT
    assert "推动“放管服”改革" in other and "提升服务水平" in other
    assert "习近平新时代中国特色社会主义思想" in other
    assert "《关于加强安全生产工作的通知》" in other
    # The base wordings give the text back exactly.
    assert apply(TEXT, sites, [s.base for s in sites]) == TEXT


def test_a_word_is_a_site_only_with_its_part_of_speech() -> None:
    text = "明年将加快项目建设，坚持把资金用于民生，各项任务都已完成。让我们更加紧密地团结在党中央周围。"
    words = {text[s.start : s.end]: s for s in find_sites(text)}
    # 将 meaning "will" stays (a copy never reads 明年把加快); 把 before its object is a site.
    assert "将" not in words
    assert words["把"].forms == ("把", "将")
    assert words["都"].forms == ("均", "都")
    # The closing formula of a work report keeps its wording.
    assert "更加" not in words
