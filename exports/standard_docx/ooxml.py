"""WordprocessingML built the fast way: elements made straight from python-docx's parser.

A 1,000-clause standard with ten 100-row annex tables is some 60,000 elements, so the
renderer makes them here rather than through python-docx's object API (which costs
several lookups per call), and tables — most of those elements — are written as XML
text and parsed once (``span_xml``, ``from_xml``). Fonts and sizes come from the paragraph styles
(``styles.py``); runs only say what differs — bold, italic, super/subscript, or a
heading font inside a body paragraph (a clause number, a 注 label).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser, parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.markdown import Span

W_NSMAP = {"w": nsmap["w"]}
W_DECLARATION = f'xmlns:w="{nsmap["w"]}"'
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Characters XML 1.0 cannot carry (text is cleaned on input; this keeps old rows safe too).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"


@functools.cache
def clark(tag: str) -> str:
    return qn(tag)


def from_xml(xml: str) -> BaseOxmlElement:
    """An element from XML text that declares the ``w`` namespace (``W_DECLARATION``)."""
    return parse_xml(xml)


def el(tag: str, parent: BaseOxmlElement | None = None, **attrs: str) -> BaseOxmlElement:
    """A ``w:`` element with ``w:`` attributes, appended to ``parent`` when given."""
    element = oxml_parser.makeelement(clark(tag), nsmap=W_NSMAP)
    for name, value in attrs.items():
        element.set(clark(f"w:{name}"), value)
    if parent is not None:
        parent.append(element)
    return element


def fonts(rpr: BaseOxmlElement, east_asia: str) -> BaseOxmlElement:
    """Times New Roman for Latin text, ``east_asia`` for Chinese (both set, no theme fonts)."""
    return el("w:rFonts", rpr, ascii=LATIN, hAnsi=LATIN, cs=LATIN, eastAsia=east_asia)


def run(text: str, *, east_asia: str | None = None, bold: bool = False, italic: bool = False,
        script: str = "", size: float | None = None) -> BaseOxmlElement:
    """One run; ``\\n`` in ``text`` becomes a line break, ``\\t`` a tab."""
    r = el("w:r")
    if east_asia or bold or italic or script or size:
        rpr = el("w:rPr", r)
        if east_asia:
            fonts(rpr, east_asia)
        if bold:
            el("w:b", rpr)
        if italic:
            el("w:i", rpr)
        if size:
            el("w:sz", rpr, val=str(round(size * 2)))
            el("w:szCs", rpr, val=str(round(size * 2)))
        if script:
            el("w:vertAlign", rpr, val=script)
    text = NOT_XML.sub("", text)
    if "\n" not in text and "\t" not in text:
        t = el("w:t", r)
        t.set(XML_SPACE, "preserve")
        t.text = text
        return r
    for piece in re.split(r"([\n\t])", text):
        if piece == "\n":
            el("w:br", r)
        elif piece == "\t":
            el("w:tab", r)
        elif piece:
            t = el("w:t", r)
            t.set(XML_SPACE, "preserve")
            t.text = piece
    return r


def escape(text: str) -> str:
    """Text as XML character data (invalid characters dropped)."""
    return NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def span_xml(span: Span) -> str:
    """One span as a run in XML text: for tables, built as one string and parsed once."""
    props = ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "") + (
        f'<w:vertAlign w:val="{span.script}"/>' if span.script else "")
    pieces = escape(span.text).split("\n")
    text = "<w:br/>".join(f'<w:t xml:space="preserve">{piece}</w:t>' for piece in pieces)
    return f"<w:r><w:rPr>{props}</w:rPr>{text}</w:r>" if props else f"<w:r>{text}</w:r>"


def span_runs(p: BaseOxmlElement, spans: Iterable[Span]) -> BaseOxmlElement:
    """The runs of Markdown ``spans`` appended to paragraph ``p`` (bold, italic, line breaks)."""
    for span in spans:
        if span.text:
            p.append(run(span.text, bold=span.bold, italic=span.italic, script=span.script))
    return p


def paragraph(style: str, *, align: str | None = None, keep_next: bool = False, page_break: bool = False,
              indent: tuple[float, float] | None = None, before: float | None = None) -> BaseOxmlElement:
    """An empty paragraph of ``style``; ``indent`` is (left, first line) in points (negative: hanging),
    ``before`` the space above it in points."""
    p = el("w:p")
    ppr = el("w:pPr", p)
    el("w:pStyle", ppr, val=style)
    if keep_next:
        el("w:keepNext", ppr)
    if page_break:
        el("w:pageBreakBefore", ppr)
    if before is not None:
        el("w:spacing", ppr, before=str(round(before * 20)))
    if indent is not None:
        left, first = indent
        ind = el("w:ind", ppr, left=str(round(left * 20)))
        if first < 0:
            ind.set(clark("w:hanging"), str(round(-first * 20)))
        else:
            ind.set(clark("w:firstLine"), str(round(first * 20)))
    if align:
        el("w:jc", ppr, val=align)
    return p


def text_paragraph(style: str, text: str, **options: object) -> BaseOxmlElement:
    p = paragraph(style, **options)  # type: ignore[arg-type]
    if text:
        p.append(run(text))
    return p


def field_begin(p: BaseOxmlElement, instruction: str, dirty: bool = False) -> None:
    """The opening half of a complex field: begin, instruction, separate (its result follows)."""
    begin = el("w:fldChar", el("w:r", p), fldCharType="begin")
    if dirty:
        begin.set(clark("w:dirty"), "true")
    instr = el("w:instrText", el("w:r", p))
    instr.set(XML_SPACE, "preserve")
    instr.text = f" {instruction} "
    el("w:fldChar", el("w:r", p), fldCharType="separate")


def field_end(p: BaseOxmlElement) -> None:
    el("w:fldChar", el("w:r", p), fldCharType="end")


def field(p: BaseOxmlElement, instruction: str, cached: str) -> None:
    """A one-paragraph complex field (PAGE) with ``cached`` shown until the reader updates it."""
    field_begin(p, instruction)
    p.append(run(cached))
    field_end(p)
