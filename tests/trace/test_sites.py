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
