"""An optional extra for web copies (off by default): invisible characters that carry the
reader's number.

They ride along when text is copied from the page, and from there into members' own official
documents, which is why they are off unless the operator turns them on
(GONGWEN_ZERO_WIDTH_MARKS=1) and why they are never the sole evidence: a trace lists the member
they name, but its verdict rests on the file and text layers. Anyone can strip them (NFKC and
the reader strip them too). Format: U+2060, then 32 bits of the member id and a 16-bit keyed tag,
one character per bit (U+200B = 0, U+200C = 1), then U+2060.
"""

from __future__ import annotations

import hashlib
import hmac
import re

EDGE = "\u2060"
BITS = {"0": "\u200b", "1": "\u200c"}
_FOUND = re.compile(f"{EDGE}([\u200b\u200c]{{48}}){EDGE}")


def _tag(key: bytes, member_id: int) -> int:
    digest = hmac.new(key, f"zero-width\x1f{member_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:2], "big")


def encode(key: bytes, member_id: int) -> str:
    bits = f"{member_id:032b}{_tag(key, member_id):016b}"
    return EDGE + "".join(BITS[b] for b in bits) + EDGE


def decode(key: bytes, text: str) -> list[int]:
    """The member ids whose marks (with a valid tag) are in `text`, most frequent first."""
    counts: dict[int, int] = {}
    for m in _FOUND.finditer(text):
        bits = "".join("0" if ch == "\u200b" else "1" for ch in m.group(1))
        member_id, tag = int(bits[:32], 2), int(bits[32:], 2)
        if tag == _tag(key, member_id):
            counts[member_id] = counts.get(member_id, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])
