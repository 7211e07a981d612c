"""Highlighted snippets as safe HTML: every character of the record's text is escaped, and
the only markup added is ``<mark>`` around what matched.

The text is cut again the way the index cut it (words, sub-words and word pairs) and every
token that is one of the query's terms marks its characters; overlapping and touching marks
merge, so a phrase found as the pairs 风险分级 + 分级管控 reads as one mark, 风险分级管控.
(Whoosh's own highlighter marks such overlaps one at a time and leaves the text between
matches unescaped, hence this module.)
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from search.tokenizer import chinese_analyzer

SNIPPET_CHARS = 160  # of one fragment
SURROUND = 40  # characters of context before a match
FRAGMENTS = 2
PLAIN_SNIPPET = 120  # characters shown when nothing in the body matched

Span = tuple[int, int]


def matches(text: str, terms: frozenset[str]) -> list[Span]:
    """Where ``terms`` occur in ``text`` as the index sees it: merged character spans, in order."""
    if not terms or not text:
        return []
    found = sorted((t.startchar, t.endchar) for t in chinese_analyzer()(text, chars=True, mode="index")
                   if t.text in terms)
    merged: list[Span] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, spans: Iterable[Span], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with ``<mark>`` around ``spans`` (clipped to the window)."""
    end = len(text) if end is None else end
    out, at = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        out.append(html.escape(text[at:span_start], quote=False))
        out.append(f"<mark>{html.escape(text[span_start:span_end], quote=False)}</mark>")
        at = span_end
    out.append(html.escape(text[at:end], quote=False))
    return "".join(out)


def fragments(text: str, spans: list[Span]) -> list[Span]:
    """Windows of the text around its matches: the ones holding most matches, in reading order."""
    windows: list[tuple[int, int, int]] = []  # start, end, matches inside
    for span_start, span_end in spans:
        if windows and span_end <= windows[-1][0] + SNIPPET_CHARS:
            start, _, count = windows[-1]
            windows[-1] = (start, max(span_end, windows[-1][1]), count + 1)
        else:
            windows.append((max(0, span_start - SURROUND), span_end, 1))
    best = sorted(sorted(windows, key=lambda w: -w[2])[:FRAGMENTS])
    return [(start, min(len(text), max(end, start + SNIPPET_CHARS))) for start, end, _ in best]


def title_html(text: str, terms: frozenset[str]) -> str:
    return marked(text, matches(text, terms))


def snippet_html(text: str, terms: frozenset[str]) -> str:
    """Up to two marked fragments of ``text``, or its beginning when nothing in it matched."""
    flat = " ".join(text.split())
    spans = matches(flat, terms)
    if not spans:
        return html.escape(flat[:PLAIN_SNIPPET] + ("…" if len(flat) > PLAIN_SNIPPET else ""), quote=False)
    parts = []
    for start, end in fragments(flat, spans):
        parts.append(("…" if start > 0 else "") + marked(flat, spans, start, end) + ("…" if end < len(flat) else ""))
    return "".join(parts).replace("……", "…")
