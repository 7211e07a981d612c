"""Chinese words for Whoosh: jieba segmentation with *sequential* token positions.

jieba ships its own ``ChineseAnalyzer``, but it sets ``token.pos`` to the character offset
and emits overlapping sub-words ("search" mode), so a quoted phrase such as "中毒风险"
never matches: Whoosh's phrase matcher wants the words of a phrase at positions n, n+1, ….
This tokenizer counts positions one per word and takes ``startchar``/``endchar`` from
jieba's own offsets, so phrase queries match and highlights land on the right characters.
Punctuation and blanks are dropped (they are not words).

jieba costs about 1.5 s and 90 MiB to load, so it is loaded once per process, on first use,
with its dictionary cache kept where :func:`configure` says (the instance folder) rather
than in the system's temporary folder, and without its chatty log lines.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jieba
from whoosh.analysis import Analyzer, LowercaseFilter, Token, Tokenizer

WORD = re.compile(r"\w")  # a token with no letter, digit or ideograph is punctuation or space
_lock = threading.Lock()
_ready = False


def configure(cache_dir: Path | None) -> None:
    """Where jieba keeps its dictionary cache (call before the first tokenisation)."""
    if cache_dir is not None and not _ready:
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)


def ensure_jieba() -> None:
    """Load jieba's dictionary once per process (thread-safe; later calls cost nothing)."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            jieba.dt.initialize()
            _ready = True


class JiebaTokenizer(Tokenizer):
    """Words from jieba's default (non-overlapping) mode, numbered 0, 1, 2 … as positions."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,  # type: ignore[override]
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0, start_char: int = 0,
                 tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh asks for the whole value as one token (e.g. a range bound)
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        ensure_jieba()
        position = start_pos
        for word, start, end in jieba.tokenize(value):
            if not WORD.search(word):
                continue
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def chinese_analyzer() -> Analyzer:
    """The analyzer of every full-text field: jieba words, lower-cased (``DB37/T`` = ``db37/t``)."""
    return JiebaTokenizer() | LowercaseFilter()


def words(text: str) -> list[str]:
    """The words the index sees in ``text`` (what a query must match), in order."""
    return [t.text for t in chinese_analyzer()(text)]
