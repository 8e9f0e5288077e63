"""The optional invisible marks: they round-trip through text, need the key, and a trace names
their member without ever resting its verdict on them."""

from __future__ import annotations

import re
from pathlib import Path

from gongwen.config import Settings
from gongwen.export.render import Format
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Role
from gongwen.platform import reading
from gongwen.platform.access import Viewer
from gongwen.platform.accounts import create_user
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.platform.tracing import trace
from gongwen.trace import zerowidth

from ..conftest import SEED

KEY = b"z" * 32


def test_marks_round_trip_and_need_the_key() -> None:
    text = (
        "各区要" + zerowidth.encode(KEY, 4321) + "建成智慧停车诱导屏。" + zerowidth.encode(KEY, 7)
    )
    assert zerowidth.decode(KEY, text) in ([4321, 7], [7, 4321])
    assert zerowidth.decode(b"y" * 32, text) == []  # a forged or foreign mark is ignored
    assert zerowidth.decode(KEY, "没有标记的文字") == []


def test_pages_carry_them_only_when_turned_on_and_traces_never_rest_on_them(
    tmp_path: Path,
) -> None:
    from gongwen.web.routes.catalogue import copy_html

    for enabled in (False, True):
        lib = Library.open(
            Settings(
                db_url=f"sqlite:///{tmp_path / f'zw{enabled}.sqlite3'}", zero_width_marks=enabled
            )
        )
        try:
            assert all(r.ok for r in ingest(lib, [SEED]))
            member = create_user(lib, OPERATOR, "zw@example.cn", "a-long-password", Role.MEMBER)
            grant(lib, OPERATOR, member.id, "year")
            viewer = Viewer(member, active_subscription(lib, member.id))
            view = reading.material_view(lib, viewer, 3)
            assert view.marks is not None
            html = str(copy_html(view.marks))
            assert ("\u2060" in html) is enabled
            if not enabled:
                continue
            from gongwen.platform.downloads import download

            download(lib, viewer, 3, Format.TXT)  # the member received the material
            editor = create_user(lib, OPERATOR, "ed@example.cn", "a-long-password", Role.EDITOR)
            copied = re.sub(r"<[^>]+>", "", html)
            report = trace(lib, editor, text=copied[1000:3000])
            assert report.zero_width == ["zw@example.cn"] and "zero-width" in report.layers
            assert report.verdict == "identified" and "text" in report.layers
            # Too little text for the words to say anything: the invisible marks alone do not
            # make a verdict.
            # A paragraph's start, where a whole mark is.
            at = 1000 + re.search("\u2060[\u200b\u200c]{48}\u2060", copied[1000:]).start()  # type: ignore[union-attr]
            short = trace(lib, editor, text=copied[at : at + 120])
            assert short.zero_width == ["zw@example.cn"]
            assert short.verdict == "inconclusive"
        finally:
            lib.close()
