"""The proofreader for members: check a pasted text or an uploaded file, take back a corrected
copy with the fixes the member accepted. Nothing checked is stored."""

from __future__ import annotations

from collections.abc import Iterable

from gongwen.errors import InvalidInput, RateLimited
from gongwen.library import Library
from gongwen.platform.access import Viewer, require_member
from gongwen.proofread.diagnostic import apply_fixes
from gongwen.proofread.documents import Checked, check_input, check_text, fixed_docx

MAX_CHARACTERS = 200_000
PER_MINUTE = 30  # a 10,000-character check costs ~0.5 s of a core


def _allow(lib: Library, viewer: Viewer) -> None:
    member = require_member(viewer.member)
    if not lib.limiter.hit("proofread.member", str(member.id), PER_MINUTE):
        raise RateLimited(f"审校过于频繁（每分钟最多 {PER_MINUTE} 次），请稍后再试")


def proofread_text(
    lib: Library,
    viewer: Viewer,
    text: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    per_line: bool = False,
) -> Checked:
    _allow(lib, viewer)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidInput("text", "请粘贴要审校的文字")
    if len(text) > MAX_CHARACTERS:
        raise InvalidInput("text", f"文字超过 {MAX_CHARACTERS:,} 字，请分段审校")
    return check_text(text, "粘贴的文字", select, ignore, per_line)


def proofread_file(
    lib: Library,
    viewer: Viewer,
    data: bytes,
    name: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Checked:
    _allow(lib, viewer)
    checked = check_input(data, name or "upload.docx", select, ignore)
    if len(checked.text) > MAX_CHARACTERS:
        raise InvalidInput("file", f"{name}：文字超过 {MAX_CHARACTERS:,} 字，请分段审校")
    return checked


def _accepted(checked: Checked, accept: Iterable[int]) -> list:  # type: ignore[type-arg]
    wanted = set(accept)
    if any(not 0 <= i < len(checked.diagnostics) for i in wanted):
        raise InvalidInput("accept", "采纳的编号不在本次审校结果中")
    return [d for i, d in enumerate(checked.diagnostics) if i in wanted and d.fix is not None]


def corrected_text(
    lib: Library,
    viewer: Viewer,
    text: str,
    accept: Iterable[int],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> str:
    """The text with the accepted fixes (by their number in the check of the same text)."""
    checked = proofread_text(lib, viewer, text, select, ignore)
    return apply_fixes(checked.text, _accepted(checked, accept), suggested=True)


def corrected_docx(
    lib: Library,
    viewer: Viewer,
    data: bytes,
    name: str,
    accept: Iterable[int],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> tuple[bytes, int]:
    """The uploaded .docx with the accepted fixes written into its own runs."""
    checked = proofread_file(lib, viewer, data, name, select, ignore)
    if checked.kind != "docx":
        raise InvalidInput("file", f"{name}：只有 .docx 可以下载修正稿")
    return fixed_docx(data, name, _accepted(checked, accept))
