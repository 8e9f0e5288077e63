"""In-paragraph enumerations: 一是…二是…, 1)…2)…, ①…②…"""

from __future__ import annotations

import re

from gongwen.model import Item

# A marker counts only at the paragraph start or after punctuation, so 统一是 or 这一是 never do.
_MARKER = re.compile(
    r"(?:(?<=^)|(?<=[。；;，,：:！？\s\u3000]))"
    r"(?P<m>[一二三四五六七八九十]{1,3}是|[0-9]{1,2}[)）]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"
)


def find_items(text: str) -> list[Item]:
    """Items from each marker to the next marker (or the paragraph end)."""
    marks = [(m.start("m"), m.group("m")) for m in _MARKER.finditer(text)]
    items = []
    for i, (start, marker) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text.rstrip("\r\n"))
        items.append(Item(marker, start, end))
    return items
