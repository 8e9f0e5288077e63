"""A member's copy: the base text with that member's wording at every site, and the visible
notice that goes with it."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from gongwen.model.material import MaterialDetail
from gongwen.trace import code
from gongwen.trace.sites import Site

NOTICE = "仅供学习 禁止外传"


def apply(text: str, sites: Sequence[Site], chosen: Sequence[int]) -> str:
    """`text` with forms[chosen[i]] at site i (sites in order, not overlapping)."""
    return put(text, sites, [s.forms[c] for s, c in zip(sites, chosen, strict=True)])


def put(text: str, sites: Sequence[Site], words: Sequence[str]) -> str:
    """`text` with words[i] in place of site i."""
    parts: list[str] = []
    pos = 0
    for site, word in zip(sites, words, strict=True):
        parts.append(text[pos : site.start])
        parts.append(word)
        pos = site.end
    parts.append(text[pos:])
    return "".join(parts)


def member_copy(text: str, sites: Sequence[Site], marking: code.Marking, member_id: int) -> str:
    """The text as `member_id`'s copy has it, marked as `marking` marks the list's copies."""
    return apply(text, sites, marking.symbols(member_id))


def mask_name(name: str) -> str:
    """张三丰 -> 张**; an e-mail keeps its first character and its domain."""
    if "@" in name:
        local, _, domain = name.partition("@")
        return f"{local[:1]}***@{domain}"
    return name[:1] + "*" * max(1, len(name) - 1)


def notice(name: str, member_id: int, at: datetime) -> str:
    """The visible line on every copy: whose it is and when it was taken."""
    return f"{NOTICE} · 会员 {mask_name(name)}（No.{member_id:06d}）· 下载于 {at:%Y-%m-%d %H:%M}"


def shift(sites: Sequence[Site], words: Sequence[str]) -> Callable[[int], int]:
    """Where an offset of the base text lies once words[i] stands in place of site i."""
    ends: list[int] = []
    deltas: list[int] = []
    total = 0
    for site, word in zip(sites, words, strict=True):
        total += len(word) - (site.end - site.start)
        ends.append(site.end)
        deltas.append(total)

    def moved(offset: int) -> int:
        k = bisect_right(ends, offset)
        return offset + (deltas[k - 1] if k else 0)

    return moved


def marked_detail(
    detail: MaterialDetail,
    sites: Sequence[Site],
    words: Sequence[str],
    notice_: str = "",
    copy: str = "",
) -> MaterialDetail:
    """A revision with words[i] at site i (a member's copy: their wording, with the copy's
    notice and id; or slots for a page to fill per reader). Headings are never sites."""
    text = put(detail.text, sites, words)
    moved = shift(sites, words)
    paragraphs = []
    for p in detail.paragraphs:
        start = int(p["start"])
        end = start + len(str(p["text"]))
        paragraphs.append({**p, "start": moved(start), "text": text[moved(start) : moved(end)]})
    placeholders = [
        replace(ph, start=moved(ph.start), end=moved(ph.end)) for ph in detail.placeholders
    ]
    sections = [replace(s, start=moved(s.start)) for s in detail.sections]
    return replace(
        detail,
        text=text,
        paragraphs=paragraphs,
        placeholders=placeholders,
        sections=sections,
        notice=notice_,
        copy_id=copy,
    )
