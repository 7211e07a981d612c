"""Chinese words for Whoosh: jieba segmentation with *sequential* token positions.

jieba ships its own ``ChineseAnalyzer``, but it sets ``token.pos`` to the character offset
and emits overlapping sub-words, so a quoted phrase such as "中毒风险" never matches:
Whoosh's phrase matcher wants the words of a phrase at positions n, n+1, …. This tokenizer
counts positions one per word and takes ``startchar``/``endchar`` from jieba's offsets, so
phrase queries match and highlights land on the right characters. Punctuation and blanks
are dropped (they are not words).

When indexing (``mode="index"``) two more kinds of token share a word's position:

- its dictionary sub-words that begin or end it (应立即 → 立即; 防范措施 → 防范, 措施), so a
  search for 立即报告 finds 应立即报告 — a phrase may start or end inside a word;
- *pairs* of adjacent words (``"中毒 风险"``), so a phrase query becomes one term lookup (two
  words) or a phrase of pairs (three or more) over short posting lists, instead of position
  checks on every document holding a common word (``search.query`` rewrites phrases so).

Queries are analysed with plain words only (``mode="query"``). jieba costs about 1.5 s and
90 MiB to load, so it is loaded once per process, on first use, with its dictionary cache
kept where :func:`configure` says (the instance folder) and without its log lines.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jieba
from whoosh.analysis import Analyzer, LowercaseFilter, Token, Tokenizer

WORD = re.compile(r"\w")  # a token with no letter, digit or ideograph is punctuation or space
PAIR = " "  # joins the two words of a pair (never inside a word: jieba splits on blanks)
_lock = threading.Lock()
_ready = False

Segment = tuple[str, int, int]  # word, start, end


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


@functools.lru_cache(maxsize=16)
def segments(text: str) -> tuple[Segment, ...]:
    """jieba's words of ``text`` with their offsets, punctuation dropped (cached: indexing a
    document and highlighting it read the same texts again).

    Without jieba's HMM: it guesses words missing from the dictionary differently from one
    context to the next (盲板抽堵 in a title, 盲板/抽堵 in a clause), and a search must cut the
    query as it cut the documents. Unknown runs fall to single characters, the same everywhere.
    """
    ensure_jieba()
    return tuple(s for s in jieba.tokenize(text, HMM=False) if WORD.search(s[0]))


@functools.lru_cache(maxsize=65536)
def edges(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dictionary words that begin ``word`` and those that end it (shorter than it)."""
    if len(word) < 3:
        return (), ()
    known = jieba.dt.FREQ
    starts = tuple(word[:n] for n in range(2, len(word)) if known.get(word[:n]))
    ends = tuple(word[n:] for n in range(1, len(word) - 1) if known.get(word[n:]))
    return starts, ends


class JiebaTokenizer(Tokenizer):
    """Words numbered 0, 1, 2 …; when indexing, also their edge sub-words and adjacent pairs."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,  # type: ignore[override]
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0, start_char: int = 0,
                 tokenize: bool = True, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)

        def emit(text: str, position: int, start: int, end: int) -> Token:
            token.text, token.boost, token.stopped = text, 1.0, False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            return token

        if not tokenize:  # Whoosh asks for the whole value as one token (e.g. a range bound)
            yield emit(value, 0, 0, len(value))
            return
        words = segments(value)
        for position, (word, start, end) in enumerate(words):
            yield emit(word, position, start, end)
            if mode != "index":
                continue
            starts, ends = edges(word)
            for sub in starts:
                yield emit(sub, position, start, start + len(sub))
            for sub in ends:
                yield emit(sub, position, end - len(sub), end)
            if position + 1 < len(words):  # punctuation between them does not part a pair, as for phrases
                following, following_start, _ = words[position + 1]
                for left in (word, *ends):
                    for right in (following, *edges(following)[0]):
                        yield emit(left + PAIR + right, position, end - len(left), following_start + len(right))


def chinese_analyzer() -> Analyzer:
    """The analyzer of every full-text field: jieba words, lower-cased (``DB37/T`` = ``db37/t``)."""
    return JiebaTokenizer() | LowercaseFilter()


def words(text: str) -> list[str]:
    """The words a query made of ``text`` looks for, in order."""
    return [t.text for t in chinese_analyzer()(text, mode="query")]
