"""The proofreader for members: check a pasted text or an uploaded file, take back a corrected
copy with the fixes the member accepted. Nothing checked is stored.

The budget: a text of at most `MAX_CHARACTERS` (60,000) characters, a file of at most 10 MB
that inflates to at most 40 MB, both read no further than that (ingest/uploads.py); a check at
the limit costs ~1.5 s of a core and a few MB above the loaded rules (~375 MB a worker, once).
A member may ask 30 checks a minute and have 200,000 characters checked a minute, ~5 s of a
core: no member can keep a worker busy (bench/resources.py; "proofread.checks" and
"proofread.chars" in platform/limits.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from gongwen.errors import InvalidInput
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import limits
from gongwen.platform.access import Viewer, require_member
from gongwen.proofread.diagnostic import apply_fixes
from gongwen.proofread.documents import (
    MAX_CHARACTERS,
    Checked,
    check_text,
    fixed_docx,
    read_input,
)


def _allow(lib: Library, viewer: Viewer) -> Member:
    member = require_member(viewer.member)
    limits.take(lib, "proofread.checks", str(member.id))
    return member


def _spend(lib: Library, member: Member, characters: int) -> None:
    """Take `characters` from the member's budget for this minute, or refuse the check."""
    limits.take(lib, "proofread.chars", str(member.id), max(characters, 1))


def proofread_text(
    lib: Library,
    viewer: Viewer,
    text: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    per_line: bool = False,
) -> Checked:
    member = _allow(lib, viewer)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidInput("text", "请粘贴要审校的文字")
    if len(text) > MAX_CHARACTERS:
        raise InvalidInput("text", f"文字超过 {MAX_CHARACTERS:,} 字，请分段审校")
    _spend(lib, member, len(text))
    return check_text(text, "粘贴的文字", select, ignore, per_line)


def proofread_file(
    lib: Library,
    viewer: Viewer,
    data: bytes,
    name: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Checked:
    member = _allow(lib, viewer)
    name = name or "upload.docx"
    text, kind, encoding = read_input(data, name)  # stops at the limits: before any rule runs
    _spend(lib, member, len(text))
    return check_text(text, name, select, ignore, kind=kind, encoding=encoding)


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
