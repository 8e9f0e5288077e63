"""What the proofreader reads and gives back: text or .txt/.md/.docx bytes in, the checked
text with its diagnostics out, and a .docx with accepted fixes written into its own runs (so
fonts, styles and numbering stay as the writer set them)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from gongwen.errors import InvalidInput
from gongwen.ingest.uploads import UploadLimits, check_upload, read_upload, upload_text
from gongwen.proofread.catalogue import check, lines_check
from gongwen.proofread.diagnostic import Category, Diagnostic, LineIndex

MAX_BYTES = 10 * 2**20  # an uploaded file
MAX_EXPANDED = 40 * 2**20  # everything in a .docx inflated (images included)
# The longest text the proofreader checks at once: ~0.25 s of a core per 10,000 characters
# (GW110's character model ~80%), ~1.5 s at the limit, and no memory to speak of above the
# loaded rules (~375 MB a process, once: the model, jieba), whatever the length, since the model
# reads in windows (bench/resources.py). 60,000 holds the longest 政府工作报告 on record
# (56,000); a 公文 is rarely over 30,000.
MAX_CHARACTERS = 60_000
LIMITS = UploadLimits(MAX_BYTES, MAX_EXPANDED, MAX_CHARACTERS)
SUFFIXES = (".txt", ".md", ".docx")


@dataclass
class Checked:
    """A checked text: where it came from, the text as checked, what was found."""

    name: str
    text: str
    diagnostics: list[Diagnostic]
    kind: str = "text"  # text | docx
    encoding: str | None = None
    lines: LineIndex = field(init=False)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.text)

    def summary(self) -> dict[str, object]:
        by_category = {c.value: 0 for c in Category}
        by_code: dict[str, int] = {}
        for d in self.diagnostics:
            by_category[d.category.value] += 1
            by_code[d.code] = by_code.get(d.code, 0) + 1
        return {
            "file": self.name,
            "characters": len(self.text),
            "diagnostics": len(self.diagnostics),
            "fixable": sum(1 for d in self.diagnostics if d.fix and d.fix.safe),
            "by_category": {k: v for k, v in by_category.items() if v},
            "by_code": dict(sorted(by_code.items())),
        }

    def as_json(self) -> dict[str, object]:
        return {
            "diagnostics": [d.as_json(self.text, self.lines) for d in self.diagnostics],
            "summary": self.summary(),
        }


def read_input(
    data: bytes, name: str, limits: UploadLimits = LIMITS
) -> tuple[str, str, str | None]:
    """(text, kind, encoding) of an uploaded or named file, read no further than `limits`; a
    clear error naming the file otherwise. Text files may be in any encoding the library reads
    (GB18030, UTF-16 …)."""
    upload = read_upload(data, name, limits)
    return upload.text, upload.kind, upload.encoding


def check_input(
    data: bytes,
    name: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    per_line: bool = False,
) -> Checked:
    text, kind, encoding = read_input(data, name)
    return check_text(text, name, select, ignore, per_line, kind, encoding)


def check_text(
    text: str,
    name: str = "-",
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    per_line: bool = False,
    kind: str = "text",
    encoding: str | None = None,
) -> Checked:
    if len(text) > MAX_CHARACTERS:  # every way in passes here: no rule sees more than this
        raise InvalidInput("text", f"文字超过 {MAX_CHARACTERS:,} 字，请分段审校")
    try:
        found = (lines_check if per_line else check)(text, select, ignore)
    except ValueError as err:  # an unknown code prefix
        raise InvalidInput("select", str(err)) from err
    return Checked(name, text, found, kind, encoding)


def _open_docx(data: bytes, name: str):  # type: ignore[no-untyped-def]
    """The python-docx Document of an upload that passed the limits' cheap checks."""
    import docx

    check_upload(data, name, LIMITS)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx/lxml raise many types on a damaged file
        raise InvalidInput("file", f"{name}：无法解析 .docx（内容已损坏）") from err


def docx_text(data: bytes, name: str) -> str:
    """The .docx as the proofreader sees it: one line per paragraph, Word numbering spelled out
    (the lines `fixed_docx` writes back into), read within the limits."""
    return upload_text(data, name, LIMITS)


def _runs(runs):  # type: ignore[no-untyped-def]
    from docx.text.run import Run

    return [Run(r, None) for r in runs]  # type: ignore[arg-type]


def fixed_docx(data: bytes, name: str, accepted: Iterable[Diagnostic]) -> tuple[bytes, int]:
    """The .docx with each accepted diagnostic's fix written into the runs it covers: the
    replacement takes the formatting of the first run it touches. A fix that touches Word's
    own numbering label (not text in the document) is skipped. (bytes, fixes applied)."""
    from gongwen.ingest.docx import editable_paragraphs

    document = _open_docx(data, name)
    paragraphs = editable_paragraphs(document)
    # Where each paragraph's runs start in the checked text.
    spans = []
    pos = 0
    for p in paragraphs:
        runs = _runs(p.runs)
        texts = [r.text for r in runs]
        spans.append((pos + len(p.label), runs, texts))
        pos += len(p.label) + sum(map(len, texts)) + 1
    applied = 0
    # Right to left, so earlier offsets stay valid.
    for d in sorted(accepted, key=lambda d: d.start, reverse=True):
        if d.fix is None:
            continue
        for base, runs, texts in spans:
            end_of_runs = base + sum(map(len, texts))
            if not base <= d.start <= d.end <= end_of_runs:
                continue
            start, end = d.start - base, d.end - base
            offset = 0
            first = True
            for i, run in enumerate(runs):
                a, b = offset, offset + len(texts[i])
                offset = b
                if b < start or a > end or (a == b):
                    continue
                lo, hi = max(start, a) - a, min(end, b) - a
                if first and (a <= start <= b):
                    texts[i] = texts[i][:lo] + d.fix.replacement + texts[i][hi:]
                    first = False
                else:
                    texts[i] = texts[i][:lo] + texts[i][hi:]
                run.text = texts[i]
            if not first:
                applied += 1
            break
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), applied
