"""Markdown → safe HTML: the one way user-written text becomes markup.

Users write Markdown (lists, emphasis, tables); it is rendered with ``markdown`` and then
cleaned by ``nh3`` to an allow-list, so a ``<script>`` or ``javascript:`` link typed into
a text box never reaches another user's browser.
"""

from __future__ import annotations

import functools
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "h5",
    "table", "thead", "tbody", "tr", "th", "td", "a", "hr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset between texts: building one costs more than most
    conversions, and a standard's page renders a thousand clause bodies."""
    md = getattr(_converters, "md", None)
    if md is None:
        md = _converters.md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return md


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Pure text → HTML, so remembered: a standard's page shows the same thousand bodies
    on every visit, and only an edited one needs converting again."""
    html = _converter().reset().convert(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
