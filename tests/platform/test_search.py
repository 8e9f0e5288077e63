"""Catalogue search as a viewer: what a viewer may not read, search may not confirm.

A viewer who may not read a material finds it only through its title, outline and preview;
the preview's end is decided from the text by the same rule that makes the preview; searches
are rate-limited per session and per address, with one audit entry per limited key.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from gongwen.errors import RateLimited
from gongwen.library import Library
from gongwen.model.material import preview_of, preview_span
from gongwen.model.member import OPERATOR, Member
from gongwen.platform import audit, publishing, reading
from gongwen.platform.access import Client, Viewer
from gongwen.platform.search import search_catalogue
from gongwen.platform.subscriptions import active_subscription, grant

from ..conftest import SEED

# A body long enough that the preview (300 characters) ends inside the second paragraph.
FIRST = "本单位坚持以习近平新时代中国特色社会主义思想为指导，" * 6  # 156 characters


def _distinct_han(count: int) -> str:
    """`count` characters of the seed reports, each once: every phrase in it is unique, so a
    phrase found must come from exactly the place the test means."""
    seen: dict[str, None] = {}
    for ch in SEED.read_text(encoding="utf-8"):
        if "\u4e00" <= ch <= "\u9fff" and ch not in "档案局存在问题人手不足":
            seen.setdefault(ch, None)
    return "".join(list(seen)[:count])


SECOND = _distinct_han(400)
TEXT = f"2021年上半年工作总结（档案局）\n一、工作开展情况\n{FIRST}\n{SECOND}\n二、存在问题\n人手不足。\n"


@pytest.fixture
def archive(seeded: Library, editor: Member) -> int:
    [saved] = publishing.publish_upload(seeded, editor, "档案局.txt", TEXT.encode("utf-8"))
    return saved.material_id


def _found(lib: Library, viewer: Viewer, query: str, material_id: int) -> list[str]:
    """The kinds of the material's passages shown for `query`; ["title"] when it is found
    by its title alone (the title heads the result and is not repeated as a passage)."""
    result = search_catalogue(lib, viewer, query, limit=50)
    for m in result.materials:
        if m.material_id == material_id:
            return [h.kind for h in m.passages] or ["title"]
    return []


def _preview_end(lib: Library) -> int:
    return preview_span(TEXT, lib.settings.preview_chars)[1]


def test_a_visitor_finds_the_preview_and_nothing_beyond_it(seeded: Library, archive: int) -> None:
    visitor = Viewer()
    end = _preview_end(seeded)
    inside = TEXT[end - 6 : end]  # the last six characters of the preview
    straddling = TEXT[end - 5 : end + 1]  # one character further
    assert _found(seeded, visitor, inside, archive) == ["preview"]
    assert _found(seeded, visitor, straddling, archive) == []
    assert _found(seeded, visitor, "档案局", archive) == ["title"]
    assert _found(seeded, visitor, "存在问题", archive) == ["heading"]
    assert _found(seeded, visitor, "人手不足", archive) == []  # body text after the preview


def test_extending_a_phrase_past_the_preview_confirms_nothing(
    seeded: Library, archive: int
) -> None:
    """The attack from the issue: grow a phrase one character at a time past the preview.
    Each answer is exactly what the visible text (title, outline, preview) says, whatever
    the hidden text holds: the true next character gets no more than a wrong guess."""
    visitor = Viewer()
    start, end = preview_span(TEXT, seeded.settings.preview_chars)
    visible = TEXT[start:end]
    base = TEXT[end - 4 : end]
    truth = TEXT[end]
    for guess in {truth, *SECOND[:30]}:
        found = _found(seeded, visitor, base + guess, archive)
        assert found == (["preview"] if base + guess in visible else []), guess
    assert base + truth not in visible  # the phrase that reaches past the preview
    assert _found(seeded, visitor, base + truth, archive) == []


def test_a_long_title_does_not_widen_the_preview(
    seeded: Library, editor: Member, archive: int
) -> None:
    publishing.edit_metadata(seeded, editor, archive, title="关于" + "档案工作" * 60 + "的总结")
    end = _preview_end(seeded)
    assert _found(seeded, Viewer(), TEXT[end - 3 : end + 3], archive) == []
    view = reading.material_view(seeded, Viewer(), archive)
    assert view.preview == preview_of(TEXT, seeded.settings.preview_chars)
    assert TEXT[end : end + 6] not in view.preview


def test_readers_find_the_whole_text_and_others_only_the_public_part(
    seeded: Library, archive: int, member: Member
) -> None:
    phrase = SECOND[-8:]  # far beyond the preview
    assert _found(seeded, Viewer(member), phrase, archive) == []  # a member without a plan
    grant(seeded, OPERATOR, member.id, "month")
    reader = Viewer(member, active_subscription(seeded, member.id))
    assert _found(seeded, reader, phrase, archive) == ["body"]
    # A reader's hit in the preview region is the body paragraph itself, not its preview copy.
    assert _found(seeded, reader, FIRST[:10], archive) == ["body"]


def test_hidden_materials_are_neither_found_nor_counted(
    seeded: Library, editor: Member, archive: int
) -> None:
    """Drafts are filtered inside the index query: a visitor's totals and facet counts are
    those of the public matches only, however many newer drafts match too."""
    [other] = publishing.publish_upload(
        seeded, editor, "x.txt", "2021年工作计划（档案局）\n一、任务\n做好档案数字化。\n".encode()
    )
    for n in range(3):
        publishing.publish_upload(
            seeded,
            editor,
            f"draft{n}.txt",
            f"2021年上半年工作总结（档案局{n}号草稿）\n一、情况\n档案数字化{n}。\n".encode(),
            publish_at=None,
        )
    result = search_catalogue(seeded, Viewer(), "档案局", limit=10)
    assert {m.material_id for m in result.materials} == {archive, other.material_id}
    assert result.total == 2
    assert sum(n for _, n in result.facets["doc_type"]) == 2


def test_search_is_rate_limited_per_session_and_per_address(seeded: Library) -> None:
    seeded.settings = replace(seeded.settings, search_per_minute=3, search_per_minute_per_address=5)
    visitor = Viewer()
    for _ in range(3):
        search_catalogue(seeded, visitor, "疫情", client=Client("session-a", "10.1.1.1"))
    with pytest.raises(RateLimited, match="每分钟最多 3 次"):
        search_catalogue(seeded, visitor, "疫情", client=Client("session-a", "10.1.1.1"))
    # A fresh session from the same address gets two more, then the address is limited.
    for _ in range(2):
        search_catalogue(seeded, visitor, "疫情", client=Client("session-b", "10.1.1.1"))
    with pytest.raises(RateLimited, match="每分钟最多 5 次"):
        search_catalogue(seeded, visitor, "疫情", client=Client("session-c", "10.1.1.1"))
    with pytest.raises(RateLimited):
        search_catalogue(seeded, visitor, "疫情", client=Client("session-c", "10.1.1.1"))
    # Another address is not affected; each limited key is audited once, flagged.
    search_catalogue(seeded, visitor, "疫情", client=Client("session-d", "10.2.2.2"))
    flagged = audit.entries(seeded, OPERATOR, action="search.rate_limited")
    assert [(e.target, e.detail["limit"], e.flagged) for e in flagged] == [
        ("10.1.1.1", "search.address", True),
        ("10.1.1.1", "search.session", True),
    ]


def test_editors_are_not_rate_limited(seeded: Library, editor: Member) -> None:
    seeded.settings = replace(seeded.settings, search_per_minute=1)
    for _ in range(3):
        search_catalogue(seeded, Viewer(editor), "疫情", client=Client("e", "10.3.3.3"))
