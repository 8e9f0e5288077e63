"""Word-level help for rules: jieba's words, parts of speech and dictionary."""

from __future__ import annotations

from gongwen.util.segmenter import dictionary, jieba_quiet, posseg

_NOUN_FLAGS = ("n", "ns", "nt", "nz", "nr", "j", "vn")


def all_nouns(items: list[str]) -> bool:
    """True when every item is one noun (a place, an organisation, a thing) to jieba."""
    for item in items:
        words = posseg().lcut(item, HMM=False)
        if len(words) != 1 or not words[0].flag.startswith(_NOUN_FLAGS):
            return False
    return True


def is_word(text: str) -> bool:
    """True when jieba's dictionary has `text` as a word."""
    return bool(dictionary().get(text))


def splits_words(text: str, at: int) -> bool:
    """True when jieba puts text[at - 1] and text[at] each inside a longer word of its own
    (应对|对外): a doubled character there is two words meeting, not a slip."""
    lo = max(0, at - 4)
    pos = lo
    left_long = right_long = False
    for word in jieba_quiet().lcut(text[lo : at + 4], HMM=False):
        end = pos + len(word)
        if pos <= at - 1 < end:
            left_long = len(word) > 1 and end == at
        if pos <= at < end:
            right_long = len(word) > 1 and pos == at
        pos = end
    return left_long and right_long
