"""Highlighted snippets as safe HTML: every character of the record's text is escaped, and
the only markup added is ``<mark>`` around the words that matched.

Whoosh's own ``HtmlFormatter`` escapes the matched words but not the text between them,
so a record containing ``<script>`` would reach the page as markup; this formatter
escapes both.
"""

from __future__ import annotations

import html
from typing import Any

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, WholeFragmenter, get_text

SNIPPET_CHARS = 160  # of context around the matches
PLAIN_SNIPPET = 120  # characters shown when the match is in the title only


class MarkFormatter(Formatter):
    """``<mark>`` around matches, everything else escaped, fragments joined by an ellipsis."""

    between = "…"

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(get_text(text, token, replace), quote=False)}</mark>"


class Snippets:
    """Highlights for one result page (title whole, body as up to two fragments)."""

    def __init__(self) -> None:
        self._title = Highlighter(fragmenter=WholeFragmenter(), formatter=MarkFormatter())
        self._body = Highlighter(fragmenter=ContextFragmenter(maxchars=SNIPPET_CHARS, surround=40),
                                 formatter=MarkFormatter())

    def title(self, hit: Any, text: str) -> str:
        marked = self._highlight(self._title, hit, "title", text, top=1)
        return marked or html.escape(text, quote=False)

    def body(self, hit: Any, text: str) -> str:
        marked = self._highlight(self._body, hit, "body", text, top=2)
        if marked:
            return marked
        plain = " ".join(text.split())
        return html.escape(plain[:PLAIN_SNIPPET] + ("…" if len(plain) > PLAIN_SNIPPET else ""), quote=False)

    @staticmethod
    def _highlight(highlighter: Highlighter, hit: Any, fieldname: str, text: str, top: int) -> str:
        if not text:
            return ""
        marked = highlighter.highlight_hit(hit, fieldname, text=text, top=top, minscore=1) or ""
        return marked.replace("</mark><mark>", "")  # 罐|区 matched as two words reads as one match
