"""The whole document: cover, front matter and body in three sections, A4.

1. the cover — no header, no page number;
2. 目次, 前言 (and 引言) — the number in the header, page numbers in upper-case Roman
   from I;
3. the body and its annexes — the same header, Arabic page numbers restarting at 1.

Headers carry the standard's number (五号黑体) and footers the page number (五号宋体),
both on the outside edge: right on odd pages, left on even ones, as printed standards
are bound. The page-number format and restart are each section's ``w:pgNumType``,
placed where the schema wants it in ``w:sectPr``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Footer, _Header

from exports.standard_docx.body import BodyWriter, body_of
from exports.standard_docx.cover import cover
from exports.standard_docx.front import front_title, preface, table_of_contents
from exports.standard_docx.imprint import Imprint
from exports.standard_docx.ooxml import el, field
from exports.standard_docx.pages import geometry
from exports.standard_docx.styles import new_document
from standards.models import StandardVersion

SECT_SUCCESSORS = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                   "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _a4(doc: DocumentObject, landscape: bool = False) -> None:
    """The last section A4 (GB/T margins), upright unless its last annex is landscape."""
    geometry(doc.element.body.sectPr, landscape)


def _append(doc: DocumentObject, elements: Iterable[BaseOxmlElement]) -> None:
    sect = doc.element.body.sectPr
    for element in elements:
        sect.addprevious(element)


def _page_numbers(doc: DocumentObject, index: int, fmt: str) -> None:
    sect = doc.sections[index]._sectPr
    pg = el("w:pgNumType", fmt=fmt, start="1")
    sect.insert_element_before(pg, *SECT_SUCCESSORS)


def _header(part: _Header, number: str, align: WD_ALIGN_PARAGRAPH) -> None:
    part.is_linked_to_previous = False
    p = part.paragraphs[0]
    p.alignment = align
    p.add_run(number)


def _footer(part: _Footer, align: WD_ALIGN_PARAGRAPH) -> None:
    part.is_linked_to_previous = False
    p = part.paragraphs[0]
    p.alignment = align
    field(p._p, "PAGE", "1")


def _front_and_back(doc: DocumentObject, number: str) -> None:
    """Headers and footers of the front matter; the body's are linked to them."""
    front = doc.sections[1]
    _header(front.header, number, WD_ALIGN_PARAGRAPH.RIGHT)
    _header(front.even_page_header, number, WD_ALIGN_PARAGRAPH.LEFT)
    _footer(front.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _footer(front.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    _page_numbers(doc, 1, "upperRoman")
    _page_numbers(doc, 2, "decimal")


def render_standard(version: StandardVersion, imprint: Imprint) -> bytes:
    """The DOCX of ``version`` laid out per GB/T 1.1-2020 as a Shandong local standard.

    A pure function of its arguments: it reads ``version.clauses`` and ``version.project``
    (loaded relationships) and ``imprint``, and queries nothing else.
    """
    project = version.project
    clauses = list(version.clauses)
    introduction, body = body_of(clauses, project.title)
    entries = [(1, "前言")]
    front = preface(project, imprint)
    if introduction:
        intro = BodyWriter(clauses)
        intro.write(introduction)
        entries.append((1, "引言"))
        front += [front_title("引言"), *intro.out]

    doc = new_document()
    _a4(doc)
    _append(doc, cover(project.title, project.english_title, imprint))
    doc.add_section(WD_SECTION.NEW_PAGE)
    _append(doc, table_of_contents(entries + body.toc))
    _append(doc, front)
    doc.add_section(WD_SECTION.NEW_PAGE)
    _append(doc, body.out)
    _a4(doc, body.landscape)
    _front_and_back(doc, imprint.shown_number)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
