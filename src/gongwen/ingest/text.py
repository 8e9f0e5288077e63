"""Plain-text readers: decide the encoding (never guess silently) and normalise line endings."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from gongwen.errors import CorruptFile, EmptyFile, UndecidableEncoding

_PLAUSIBLE_HAN = 0.9  # share of non-ASCII characters in GB2312 for a decoding to count as Chinese
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file; CRLF and CR become LF."""
    if not data.strip():
        raise EmptyFile(path, "文件为空 (empty file)")
    encoding = _detect(data, path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UndecidableEncoding(path, f"按 {encoding} 解码失败 ({err.reason})") from err
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyFile(path, "文件为空 (empty file)")
    if _control_ratio(text) > 0.01:
        raise CorruptFile(path, "含大量控制字符，不是文本文件 (binary content)")
    return text, encoding


def _detect(data: bytes, path: Path) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    utf16 = _bomless_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        raise CorruptFile(path, "含空字节，不是文本文件 (binary content)")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    # GB18030 decodes almost any bytes, so demand that the result reads as common Chinese:
    # real GBK files keep ~99% of their characters inside GB2312's common set, while Big5 or
    # binary bytes read as GBK land far outside it.
    if text and _common_han_ratio(text) >= _PLAUSIBLE_HAN:
        return "gb18030"
    best = from_bytes(data).best()
    if best is not None and best.chaos < 0.1 and best.encoding not in {"utf_8", "gb18030"}:
        return str(best.encoding)
    raise UndecidableEncoding(
        path, "无法确定文本编码（不是 UTF-8/UTF-16/GB18030）(undecidable encoding)"
    )


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM, recognised by decoding cleanly into plausible text."""
    if len(data) % 2 or len(data) < 4:
        return None
    sample = data[:4000]
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if not even_nuls and not odd_nuls:
        try:
            data.decode("utf-8")
            return None  # valid UTF-8 without NULs: never second-guess it
        except UnicodeDecodeError:
            pass
    # ASCII in UTF-16-LE puts its NULs in the odd bytes; try the likelier byte order first.
    order = ("utf-16-le", "utf-16-be") if odd_nuls >= even_nuls else ("utf-16-be", "utf-16-le")
    for name in order:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) < 0.01 and _common_han_ratio(text) >= _PLAUSIBLE_HAN:
            return name
    return None


def _han_share(text: str) -> float:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") / max(1, len(text))


def _common_han_ratio(text: str) -> float:
    """Share of non-ASCII characters that GB2312 (common simplified Chinese) can encode."""
    non_ascii = [ch for ch in text[:20000] if ord(ch) > 0x7F]  # a sample decides
    if not non_ascii:
        return 1.0
    common = 0
    for ch in non_ascii:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(non_ascii)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    controls = sum(1 for _ in _CONTROL.finditer(text))
    return controls / max(1, len(text))
