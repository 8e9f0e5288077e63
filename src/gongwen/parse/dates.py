"""Dates as official documents write them: 2020年7月10日, 二〇二〇年七月十日, 2020-07-10."""

from __future__ import annotations

import re

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零一二三四五六七八九十"

_NUMERIC = re.compile(
    r"((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})(?:日|号)?"
    r"|((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月"
    r"|^((?:19|20)\d{2})$"
)
_CHINESE = re.compile(rf"([{_CN}]{{4}})年([{_CN}]{{1,2}})月(?:([{_CN}]{{1,3}})日)?")
# The date a report was delivered: ——2026年1月27日在海南省第七届人民代表大会第五次会议上
_DELIVERED = re.compile(r"[—－-]{1,2}\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)在")
_DATE_LINE = re.compile(
    rf"[\s\u3000]*(?:(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日"
    rf"|[{_CN}]{{4}}年[{_CN}]{{1,2}}月[{_CN}]{{1,3}}日)[\s\u3000]*"
)


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0))
    return int("".join(str(_CN_DIGITS.get(ch, 0)) for ch in text))


def _format(year: int, month: int | None = None, day: int | None = None) -> str:
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None or not 1 <= day <= 31:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def iso_date(text: str) -> str:
    """The first date in `text` as "YYYY-MM-DD" (or "YYYY-MM", "YYYY"); "" when there is none."""
    text = text.strip()
    m = _NUMERIC.search(text)
    c = _CHINESE.search(text)
    if c and (m is None or c.start() < m.start()):
        day = _cn_number(c.group(3)) if c.group(3) else None
        return _format(_cn_number(c.group(1)), _cn_number(c.group(2)), day)
    if m is None:
        return ""
    if m.group(1):
        return _format(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m.group(4):
        return _format(int(m.group(4)), int(m.group(5)))
    return _format(int(m.group(6)))


def document_date(text: str) -> str:
    """A document's own date read from its text: the date it was delivered (——…日在…会议上)
    near the top, else a 成文日期 standing alone on one of its last lines; "" when neither."""
    m = _DELIVERED.search(text[:600])
    if m:
        return iso_date(m.group(1))
    tail = [line for line in text[-400:].splitlines() if line.strip()][-4:]
    for line in reversed(tail):
        if _DATE_LINE.fullmatch(line):
            return iso_date(line)
    return ""
