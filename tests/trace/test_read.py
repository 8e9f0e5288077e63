"""Reading sites back: wherever the suspect puts a passage (paragraphs reordered, texts pasted
together), each site is read with its own wording, and only where its reading is unambiguous."""

from __future__ import annotations

import random

import pytest

from gongwen.trace import mark
from gongwen.trace.mark import apply
from gongwen.trace.read import Reader, normalize
from gongwen.trace.sites import Site, find_sites, with_anchors


@pytest.fixture(scope="module")
def report(seed_text: str) -> tuple[str, list[Site]]:
    """The first report of the seed (about 6,000 characters) and its sites."""
    start = seed_text.index("2020年上半年工作总结（退役军人事务局）")
    end = seed_text.index("2020年上半年工作总结", start + 30)
    text = seed_text[start:end]
    sites = with_anchors(text, [s for s in find_sites(text, vet=False) if s.kind != "placeholder"])
    return text, sites


def _copy(text: str, sites: list[Site], seed: int) -> tuple[str, list[int]]:
    rng = random.Random(seed)
    chosen = [rng.randrange(2) for _ in sites]
    return apply(text, sites, chosen), chosen


def test_a_whole_copy_reads_its_own_wording(report: tuple[str, list[Site]]) -> None:
    text, sites = report
    copy, chosen = _copy(text, sites, 1)
    reads = Reader(text, sites).read(normalize(copy))
    assert len(reads) >= 0.9 * len(sites)
    assert all(chosen[i] == y for i, y in reads)


def test_reordered_paragraphs_read_as_many_sites_as_the_original_order(
    report: tuple[str, list[Site]],
) -> None:
    text, sites = report
    reader = Reader(text, sites)
    for seed in range(3):
        copy, chosen = _copy(text, sites, seed)
        paragraphs = [p for p in copy.split("\n") if p.strip()]
        random.Random(seed).shuffle(paragraphs)
        in_order = reader.read(normalize(copy))
        shuffled = reader.read(normalize("\n".join(paragraphs)))
        assert len(shuffled) >= len(in_order) > 40
        assert all(chosen[i] == y for i, y in shuffled)


def test_texts_pasted_together_read_each_ones_sites(report: tuple[str, list[Site]]) -> None:
    """An excerpt of the report between paragraphs of another text: still read, and the other
    text adds no reading."""
    text, sites = report
    copy, chosen = _copy(text, sites, 5)
    reader = Reader(text, sites)
    excerpt = normalize(copy)[1500:3000]
    alone = reader.read(excerpt)
    other = normalize("全年完成固定资产投资同比增长百分之八，城乡居民收入稳步增长。" * 40)
    mixed = other + excerpt + other
    assert sorted(reader.read(mixed)) == sorted(alone) and len(alone) > 15
    assert reader.read(other) == []


def test_a_site_said_twice_is_not_placed_by_the_whole_text() -> None:
    """Two sites with the same context are read only near their anchors: searched in the whole
    suspect, either could be taken for the other."""
    sentence = "我们将进一步加强队伍建设，不断提高服务水平。"
    text = sentence + "其他工作稳步推进，各项任务按期完成。" * 30 + sentence
    sites = with_anchors(text, [s for s in find_sites(text, vet=False) if s.kind == "synonym"])
    reader = Reader(text, sites)
    assert reader.repeated
    # The second sentence alone: its anchor-free position matches both sites' patterns.
    assert not any(i in reader.repeated for i, _ in reader.read(normalize(sentence)))


def test_a_site_misread_on_one_side_is_read_by_the_other(
    report: tuple[str, list[Site]],
) -> None:
    """OCR misreads a character next to a site: the other side of its context still reads it
    (only for wordings that cannot be mistaken for each other from that side)."""
    text, sites = report
    copy, chosen = _copy(text, sites, 3)
    reader = Reader(text, sites)
    clean = dict(reader.read(normalize(copy)))
    moved = mark.shift(sites, [s.forms[c] for s, c in zip(sites, chosen, strict=True)])
    garbled = list(copy)
    targets: list[int] = []
    for i in range(len(sites)):  # far apart: one misread spoils one site only
        far = not targets or sites[i].start - sites[targets[-1]].end > 20
        if len(reader.halves(i)) == 2 and i in clean and far and len(targets) < 10:
            targets.append(i)
    for i in targets:
        garbled[moved(sites[i].end)] = "█"  # the character after the site, misread
    reads = dict(reader.read(normalize("".join(garbled))))
    assert len(targets) >= 5
    assert all(reads.get(i) == chosen[i] for i in targets)
