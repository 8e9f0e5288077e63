"""Uploaded files read within limits: the bytes, what a .docx inflates to, the characters of
text. Every limit is checked while reading, so no rule, model or tracer ever sees more text than
it may, and a zip bomb, an XML bomb or a 10 MB text costs milliseconds and a few megabytes.

A .docx is never handed whole to python-docx here: its main part streams through lxml (no DTD,
no entities, no network), one paragraph at a time, counting characters as it goes; Word's
numbering is spelled out as `ingest/docx.py` does it. The text is one line per paragraph (table
cells and content controls included, in document order): the shape `proofread/documents.py`
writes accepted fixes back into.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypeVar

from lxml import etree

from gongwen.errors import InvalidInput, ReadError

if TYPE_CHECKING:
    from gongwen.ingest.docx import _Numbering

TEXT_SUFFIXES = ("", ".txt", ".text", ".md", ".markdown")
DOCX_SUFFIX = ".docx"
_MB = 2**20
_CHUNK = 64 * 1024
# No encoding spends more than 4 bytes on a character (UTF-32, GB18030's four-byte forms), so
# a text file longer than 4 bytes a character plus a BOM is over the limit before decoding.
_BYTES_PER_CHAR = 4
_BOM = 4
# XML elements: Word spends a few per character at worst (one run per character); more is
# markup made to fill memory (a parsed element costs ~120 bytes).
_ELEMENTS_PER_CHAR = 10
_ELEMENTS_FLOOR = 100_000
_PENDING_ELEMENTS = 100_000  # held at once while streaming: one paragraph's or table row's markup
_AUX_ELEMENTS = 200_000  # every part but the main one that python-docx parses, together
_AUX_BYTES = 8 * _MB

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_Parser = TypeVar("_Parser", bound=etree.XMLParser)


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What one upload may cost: its bytes, what its zip entries inflate to, its characters."""

    max_bytes: int  # the upload itself
    max_expanded: int  # all zip entries inflated (a .docx)
    max_chars: int  # characters of text

    @property
    def max_text_bytes(self) -> int:
        """The most bytes a text file within `max_chars` can have (and within `max_bytes`)."""
        return min(self.max_bytes, _BYTES_PER_CHAR * self.max_chars + _BOM)


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload's text; kind "text" (with the encoding it was read in) or "docx"."""

    text: str
    kind: str
    encoding: str | None = None


def _refuse(name: str, reason: str) -> InvalidInput:
    return InvalidInput("file", f"{name}：{reason}")


def _size(n: int) -> str:
    return f"{n / _MB:g} MB" if n >= _MB else f"{n / 1024:g} KB"


def _too_many_chars(name: str, limits: UploadLimits) -> InvalidInput:
    return _refuse(name, f"文字超过 {limits.max_chars:,} 字的上限")


def read_limited(stream: BinaryIO, name: str, limits: UploadLimits) -> bytes:
    """At most the bytes an upload of this name may have, from a file or stdin; refused beyond.
    (A text file's limit is what `max_chars` characters can take; other files', `max_bytes`.)"""
    limit = _byte_limit(name, limits)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _over_bytes(name, limits)
    return data


def _byte_limit(name: str, limits: UploadLimits) -> int:
    return limits.max_text_bytes if _suffix(name) in TEXT_SUFFIXES else limits.max_bytes


def _over_bytes(name: str, limits: UploadLimits) -> InvalidInput:
    if _byte_limit(name, limits) < limits.max_bytes:
        return _too_many_chars(name, limits)
    return _refuse(name, f"文件超过 {_size(limits.max_bytes)}")


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def check_upload(data: bytes, name: str, limits: UploadLimits) -> None:
    """Cheap checks only (size, suffix, zip central directory, ratio, DOCTYPE): raises
    InvalidInput("file", "<name>：<reason>")."""
    if _check_bytes(data, name, limits) == DOCX_SUFFIX:
        _open_zip(data, name, limits).close()


def _check_bytes(data: bytes, name: str, limits: UploadLimits) -> str:
    """The upload's suffix, once it is one we read and its size fits."""
    suffix = _suffix(name)
    if suffix not in TEXT_SUFFIXES and suffix != DOCX_SUFFIX:
        hint = "；旧版 .doc 请另存为 .docx" if suffix == ".doc" else ""
        raise _refuse(name, f"只能读取 .txt、.md、.docx 文件{hint}")
    if len(data) > _byte_limit(name, limits):
        raise _over_bytes(name, limits)
    return suffix


def _open_zip(data: bytes, name: str, limits: UploadLimits) -> zipfile.ZipFile:
    """The .docx's zip, its central directory and XML prologs checked (ingest/docx.py)."""
    from gongwen.ingest.docx import _OLE_MAGIC, check_archive

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, NotImplementedError, UnicodeDecodeError, ...
        legacy = data[:8] == _OLE_MAGIC
        reason = "旧版 .doc 或加密文档，不是 .docx" if legacy else "zip 已损坏"
        raise _refuse(name, f"不是有效的 .docx（{reason}）") from exc
    try:
        check_archive(zf, Path(name), len(data), limits.max_expanded)
    except ReadError as err:
        zf.close()
        raise _refuse(name, err.reason) from err
    return zf


def upload_text(data: bytes, name: str, limits: UploadLimits) -> str:
    """The text of a .txt/.md/.docx upload (encodings as ingest/text.py decode_text reads them;
    a .docx one line per paragraph with Word numbering as ingest/docx.py gives it), reading no
    further than the limits."""
    return read_upload(data, name, limits).text


def read_upload(data: bytes, name: str, limits: UploadLimits) -> Upload:
    """`upload_text` with what kind of file it was and the encoding a text file was read in."""
    if _check_bytes(data, name, limits) == DOCX_SUFFIX:
        with _open_zip(data, name, limits) as zf:
            return Upload(_docx_text(zf, name, limits), "docx")
    from gongwen.ingest.text import decode_text

    try:
        text, encoding = decode_text(data, Path(name))
    except ReadError as err:
        raise _refuse(name, err.reason) from err
    if len(text) > limits.max_chars:
        raise _too_many_chars(name, limits)
    return Upload(text, "text", encoding)


_SAFE: dict[str, Any] = dict(
    remove_blank_text=True, resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
)


def _parser() -> etree.XMLParser:
    """lxml as python-docx configures it (its element classes: CT_R.text spells tabs and
    breaks), minus everything a hostile file could use: DTDs, entities, the network, huge nodes."""
    return _configured(etree.XMLParser(**_SAFE))


def _pull_parser(tags: list[str]) -> etree.XMLPullParser:
    return _configured(etree.XMLPullParser(events=("start", "end"), tag=tags, **_SAFE))


def _configured(parser: _Parser) -> _Parser:
    import docx  # noqa: F401  (registers python-docx's element classes)
    from docx.oxml.parser import element_class_lookup

    parser.set_element_class_lookup(element_class_lookup)
    return parser


def _read_part(zf: zipfile.ZipFile, part: str | None, name: str) -> etree._Element | None:
    """A small part parsed whole (relationships, styles, numbering); None when absent."""
    try:
        info = zf.getinfo(part or "")
    except KeyError:
        return None
    if info.file_size > _AUX_BYTES:
        raise _refuse(name, f"{part} 超过 {_size(_AUX_BYTES)}，不是正常的 Word 文档")
    data = zf.read(info)
    if data.count(b"<") > _AUX_ELEMENTS:
        raise _refuse(name, f"{part} 的结构过于庞大，不是正常的 Word 文档")
    return etree.fromstring(data, _parser())


def _related(zf: zipfile.ZipFile, part: str, name: str) -> dict[str, str]:
    """Relationship type (its last word: officeDocument, styles …) → target part of a part."""
    folder, base = posixpath.split(part)
    rels = _read_part(zf, posixpath.join(folder, "_rels", base + ".rels"), name)
    out: dict[str, str] = {}
    for rel in rels.iterchildren(f"{{{_RELS}}}Relationship") if rels is not None else ():
        kind, target = rel.get("Type", ""), rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not kind.startswith(_RT) or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out.setdefault(kind[len(_RT) :], posixpath.normpath(path))
    return out


def _docx_text(zf: zipfile.ZipFile, name: str, limits: UploadLimits) -> str:
    from gongwen.ingest.docx import _Numbering

    try:
        main = _related(zf, "", name).get("officeDocument", "word/document.xml")
        parts = _related(zf, main, name)
        numbering = _Numbering(
            _read_part(zf, parts.get("numbering"), name), _read_part(zf, parts.get("styles"), name)
        )
        lines = list(_paragraphs(zf, main, numbering, name, limits))
        _other_markup(zf, main, name)
    except InvalidInput:
        raise
    except Exception as exc:  # lxml, zipfile (a lying size fails its CRC) and zlib raise many types
        raise _refuse(name, "无法解析 .docx（内容已损坏）") from exc
    if not any(line.strip() for line in lines):
        raise _refuse(name, "文档没有任何文字")
    return "\n".join(lines)


def _other_markup(zf: zipfile.ZipFile, main: str, name: str) -> None:
    """Whoever opens the file with python-docx afterwards (fixes written back, a copy id read)
    parses every part of the types it knows whole: headers, footers, comments, styles … Their
    elements, counted without parsing, stay within `_AUX_ELEMENTS` together."""
    from docx.opc.part import PartFactory

    known = set(PartFactory.part_type_for)
    types = _content_types(zf, name)
    seen = 0
    for info in zf.infolist():
        part = info.filename
        kind = types.get(part) or types.get(posixpath.splitext(part)[1].lower(), "")
        if part == main or not (part.endswith(".rels") or kind in known):
            continue
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                seen += chunk.count(b"<") - chunk.count(b"</")
                if seen > _AUX_ELEMENTS:
                    raise _refuse(name, f"{part} 的结构过于庞大，不是正常的 Word 文档")


def _content_types(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Part name (and ".extension" for the defaults) → content type, from [Content_Types].xml."""
    root = _read_part(zf, "[Content_Types].xml", name)
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    out: dict[str, str] = {}
    for el in root.iterchildren() if root is not None else ():
        if el.tag == ns + "Override":
            out[el.get("PartName", "").lstrip("/")] = el.get("ContentType", "")
        elif el.tag == ns + "Default":
            out["." + el.get("Extension", "").lower()] = el.get("ContentType", "")
    return out


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(_CHUNK):
        yield chunk
    yield b""  # the end: the parser closes and gives its last events


def _paragraphs(
    zf: zipfile.ZipFile, main: str, numbering: _Numbering, name: str, limits: UploadLimits
) -> Iterator[str]:
    """The main part's paragraphs as `docx.editable_paragraphs` finds them (body paragraphs
    not inside another paragraph or a text box, in document order), each its numbering label
    plus its visible runs' text. Memory stays at one paragraph's markup; the characters are
    counted as each w:t arrives, so one enormous paragraph stops at the limit too."""
    from gongwen.ingest.docx import _HIDDEN_RUN_ANCESTORS, _P, _R, _paragraph_text

    body, row, t, textbox = _W + "body", _W + "tr", _W + "t", _W + "txbxContent"
    hiding = _HIDDEN_RUN_ANCESTORS - {_P, _R}  # deleted, moved away, text boxes, mc:Fallback
    parser = _pull_parser([body, _P, row, t, *hiding])
    element_budget = _ELEMENTS_PER_CHAR * limits.max_chars + _ELEMENTS_FLOOR
    elements = pending = done = running = 0
    in_body = nested = hidden = 0  # open w:body; open w:p and text boxes; open hiding elements
    with zf.open(main) as fh:  # stops at the declared size: what the central directory allowed
        for chunk in _chunks(fh):
            starts = chunk.count(b"<") - chunk.count(b"</")
            elements, pending = elements + starts, pending + starts
            if elements > element_budget:
                raise _refuse(name, "文档结构过于庞大（XML 元素过多），不是正常的 Word 文档")
            if pending > _PENDING_ELEMENTS:
                raise _refuse(name, "一个段落的结构过于庞大，不是正常的 Word 文档")
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            for event, el in parser.read_events():
                tag = el.tag
                if event == "start":
                    in_body += tag == body
                    nested += tag in (_P, textbox)
                    hidden += tag in hiding
                    continue
                if tag == t and not hidden:
                    running += len(el.text or "")
                    if done + running > limits.max_chars:
                        raise _too_many_chars(name, limits)
                elif tag == _P and nested == 1 and in_body:
                    line = numbering.label(el) + _paragraph_text(el)
                    done, running = done + len(line) + 1, 0  # with its newline
                    if done - 1 > limits.max_chars:
                        raise _too_many_chars(name, limits)
                    yield line
                if (tag == _P and nested == 1) or (tag == row and nested == 0) or tag == body:
                    _forget(el)
                    pending = 0
                in_body -= tag == body
                nested -= tag in (_P, textbox)
                hidden -= tag in hiding


def _forget(el: etree._Element) -> None:
    """Free a finished paragraph or row and whatever came before it in its parent."""
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
