"""A clause body's Markdown as blocks of styled spans, read the way the web pages read it.

Bodies that hold any Markdown go through ``core.markup.render_markdown`` — the same
parser, extensions and sanitiser as every web page — and the renderer walks the HTML it
returns, so a list, a table or ``**emphasis**`` means in the DOCX exactly what it means
on screen. Most bodies are plain Chinese sentences with no markup at all; those skip the
parser (a 1,000-clause standard would otherwise spend most of its time in it). Pipe
tables — a table clause's body — are split here directly for the same reason, and only
cells with markup go through the parser.

A single newline inside a paragraph is a soft break, as in Markdown: the lines are
joined — without a space between Chinese characters (a browser would show one, a
standard must not), with one between Latin words. Two trailing spaces or a backslash
make a hard line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import _Element

from core.markup import render_markdown

MARKUP = re.compile(r"[*_`\[\]<>|\\#&]|^\s*(?:[-+]|\d+[.)])\s|^\s*(?:-{3,}|={3,})\s*$| {2,}$|^ {4}", re.M)
CELL_MARKUP = re.compile(r"[*_`\[\]<>\\&]")
SEPARATOR = re.compile(r"^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?$")
WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})


@dataclass(frozen=True)
class Span:
    """A piece of text with its emphasis; ``\\n`` in ``text`` is a hard line break."""

    text: str
    bold: bool = False
    italic: bool = False
    script: str = ""  # "superscript" / "subscript"


Cells = tuple[tuple[Span, ...], ...]


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item (``item`` is its marker, ``level`` from 1), or a table (``rows``)."""

    spans: tuple[Span, ...] = ()
    item: str = ""
    level: int = 0
    rows: tuple[Cells, ...] = ()


def _join(lines: list[str]) -> str:
    """Soft-broken lines joined: nothing between Chinese characters, a space between words."""
    out = ""
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        if out and not (WIDE.match(out[-1]) or WIDE.match(line[0])):
            out += " "
        out += line
    return out


def soft(text: str) -> str:
    """Soft line breaks inside an inline text node joined (its outer spaces kept: they part
    it from the emphasis around it)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    lead = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
    trail = lines[-1][len(lines[-1].rstrip()):]
    return lead + _join(lines) + trail


def plain_blocks(text: str) -> list[Block]:
    """Paragraphs of a body without markup: blank lines part them, single newlines are soft."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return [Block((Span(joined),)) for joined in (_join(p.split("\n")) for p in paragraphs) if joined]


def _spans(node: _Element, out: list[Span], bold: bool = False, italic: bool = False, script: str = "") -> None:
    """The inline content of ``node`` (not its tail) as spans, nested emphasis carried down."""
    if node.text:
        out.append(Span(soft(node.text), bold, italic, script))
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            out.append(Span("\n", bold, italic, script))
        elif tag in ("ul", "ol", "table"):
            pass  # blocks, taken by the caller
        else:
            _spans(child, out, bold or tag in ("strong", "b"), italic or tag in ("em", "i"),
                   {"sup": "superscript", "sub": "subscript"}.get(tag, script))
        if child.tail:
            out.append(Span(soft(child.tail), bold, italic, script))


def _trimmed(spans: list[Span]) -> tuple[Span, ...]:
    """Spans without leading/trailing whitespace or empty pieces (HTML indentation)."""
    kept = [s for s in spans if s.text]
    if kept:
        kept[0] = Span(kept[0].text.lstrip(), kept[0].bold, kept[0].italic, kept[0].script)
        kept[-1] = Span(kept[-1].text.rstrip(), kept[-1].bold, kept[-1].italic, kept[-1].script)
    return tuple(s for s in kept if s.text)


def inline(node: _Element) -> tuple[Span, ...]:
    out: list[Span] = []
    _spans(node, out)
    return _trimmed(out)


def _list(node: _Element, level: int, out: list[Block]) -> None:
    ordered = node.tag == "ol"
    for n, li in enumerate((c for c in node if c.tag == "li"), start=1):
        marker = (f"{chr(ord('a') + (n - 1) % 26)})" if level == 1 else f"{n})") if ordered else "——"
        paragraphs = [c for c in li if c.tag in BLOCK_TAGS]
        spans = inline(paragraphs[0] if paragraphs else li)
        out.append(Block(spans, marker, level))
        for extra in paragraphs[1:]:
            out.append(Block(inline(extra), "", level))
        for sub in (c for c in li if c.tag in ("ul", "ol")):
            _list(sub, level + 1, out)


def _table(node: _Element) -> tuple[Cells, ...]:
    return tuple(tuple(inline(cell) for cell in tr if cell.tag in ("th", "td")) for tr in node.iter("tr"))


def _walk(container: _Element, out: list[Block]) -> None:
    if container.text and container.text.strip():
        out.append(Block((Span(soft(container.text.strip())),)))
    for node in container:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in BLOCK_TAGS:
            spans = inline(node)
            if spans:
                out.append(Block(spans))
        elif tag in ("ul", "ol"):
            _list(node, 1, out)
        elif tag == "table":
            out.append(Block(rows=_table(node)))
        elif tag in ("blockquote", "div"):
            _walk(node, out)
        if node.tail and node.tail.strip():
            out.append(Block((Span(soft(node.tail.strip())),)))


def blocks(text: str) -> list[Block]:
    """A body's blocks: paragraphs, list items and tables, in order."""
    if not text or not text.strip():
        return []
    if not MARKUP.search(text):
        return plain_blocks(text)
    root = lxml_html.fragment_fromstring(render_markdown(text), create_parent="div")
    out: list[Block] = []
    _walk(root, out)
    return out


def cell_spans(text: str) -> tuple[Span, ...]:
    """One table cell's inline content (a cell is one line of Markdown)."""
    text = text.strip()
    if not CELL_MARKUP.search(text):
        return (Span(text),) if text else ()
    root = lxml_html.fragment_fromstring(render_markdown(text), create_parent="div")
    first = next((c for c in root if c.tag in BLOCK_TAGS), None)
    return inline(first if first is not None else root)


def pipe_rows(text: str) -> list[list[str]] | None:
    """The rows of a Markdown pipe table (its separator line dropped), or None if it is not one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not SEPARATOR.match(lines[1]) or "|" not in lines[0] or "-" not in lines[1]:
        return None
    rows = []
    for line in lines[:1] + lines[2:]:
        if line.startswith("|"):
            line = line[1:]
        if line.endswith("|") and not line.endswith("\\|"):
            line = line[:-1]
        rows.append([cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)])
    return rows


def table_block(text: str) -> Block | None:
    """A table clause's body as one table block (cells as spans), or None if it holds no table."""
    rows = pipe_rows(text)
    if rows is None:
        found = [b for b in blocks(text) if b.rows]
        return found[0] if found else None
    return Block(rows=tuple(tuple(cell_spans(cell) for cell in row) for row in rows))
