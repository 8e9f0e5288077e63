"""jieba, loaded once per process and quietly: the one way the code reaches the segmenter.

Its dictionary takes about a second to load, so nothing imports jieba until a text needs it
(placeholder labels, variant sites, the proofreader's word checks)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def jieba_quiet() -> Any:
    """The jieba module, its start-up chatter silenced."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def posseg() -> Any:
    """jieba.posseg (words with parts of speech)."""
    jieba_quiet()
    import jieba.posseg

    return jieba.posseg


@cache
def dictionary() -> dict[str, int]:
    """jieba's dictionary: word → frequency (loaded on first use)."""
    jieba = jieba_quiet()
    jieba.dt.check_initialized()
    freq: dict[str, int] = jieba.dt.FREQ
    return freq
