"""A small DOCX toolkit: A4 documents in 宋体/黑体, and bordered tables built as XML in one go.

The cell-by-cell python-docx API is several times slower (perf-notes.md §1). Shared with
:mod:`exports.notification_card`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
A4_SHORT, A4_LONG, MARGIN = 210, 297, 15  # millimetres
TWIPS_PER_MM = 1440 / 25.4


def set_font(font: object, east_asia: str = SONG, latin: str = LATIN) -> None:
    """Name both the Latin and the East Asian font, and drop theme fonts that would override them."""
    font.name = latin  # type: ignore[attr-defined]
    rpr = font.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def new_document(landscape: bool = False) -> DocxDocument:
    """An A4 document in 宋体 10.5 pt (landscape for wide lists), 15 mm margins."""
    doc = Document()
    normal = doc.styles["Normal"]
    set_font(normal.font)
    normal.font.size = Pt(10.5)
    lang = normal.element.get_or_add_rPr()
    lang.append(parse_xml(f'<w:lang {nsdecls("w")} w:eastAsia="zh-CN"/>'))
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(A4_LONG), Mm(A4_SHORT)
    else:
        section.page_width, section.page_height = Mm(A4_SHORT), Mm(A4_LONG)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN))
    return doc


def usable_width(landscape: bool) -> int:
    """The text width in twips."""
    return round(((A4_LONG if landscape else A4_SHORT) - 2 * MARGIN) * TWIPS_PER_MM)


def heading(doc: DocxDocument, text: str, size: float = 16, centred: bool = True, space_after: float = 6) -> None:
    """A line in 黑体 (titles and section heads), without Word's blue heading styles."""
    paragraph = doc.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    set_font(run.font, HEI, LATIN)
    run.font.size = Pt(size)
    run.bold = True


def note(doc: DocxDocument, text: str, size: float = 9) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(4)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)


@dataclass(frozen=True)
class Cell:
    """One table cell: text (lines become paragraphs), how it spans, how it looks."""

    text: str = ""
    span: int = 1  # columns (gridSpan)
    merge: str | None = None  # "restart" / "continue": merged with the cells above or below
    fill: str | None = None  # background, hex
    ink: str | None = None  # text colour, hex
    bold: bool = False
    centred: bool = False
    size: float | None = None  # points; the table's size when None
    east_asia: str | None = None  # the table's font when None


def _run(text: str, cell: Cell, size: float, east_asia: str) -> str:
    props = [f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{cell.east_asia or east_asia}"/>']
    if cell.bold:
        props.append("<w:b/><w:bCs/>")
    if cell.ink:
        props.append(f'<w:color w:val="{cell.ink}"/>')
    half_points = round((cell.size or size) * 2)
    props.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    safe = escape(_XML_ILLEGAL.sub("", text))
    return f'<w:r><w:rPr>{"".join(props)}</w:rPr><w:t xml:space="preserve">{safe}</w:t></w:r>'


def _cell(cell: Cell, width: int, size: float, east_asia: str) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    if cell.merge:
        props.append(f'<w:vMerge w:val="{cell.merge}"/>' if cell.merge == "restart" else "<w:vMerge/>")
    if cell.fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill}"/>')
    props.append('<w:vAlign w:val="center"/>' if cell.centred else '<w:vAlign w:val="top"/>')
    align = '<w:jc w:val="center"/>' if cell.centred else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="260" w:lineRule="auto"/>{align}</w:pPr>'
        f'{_run(line, cell, size, east_asia) if line else ""}</w:p>'
        for line in (cell.text.split("\n") if cell.text else [""]))
    return f'<w:tc><w:tcPr>{"".join(props)}</w:tcPr>{paragraphs}</w:tc>'


def add_table(doc: DocxDocument, widths: Sequence[int], rows: Sequence[Sequence[Cell]], header_rows: int = 0,
              size: float = 9, east_asia: str = SONG, outer: int = 4, inner: int = 4,
              heights: Sequence[int | None] = (), padding: int = 0) -> None:
    """Append one bordered table built as XML at once; header rows repeat on every page.

    ``widths`` are the grid columns in twips; ``heights`` the rows' least heights in twips
    (they grow with their text); ``outer``/``inner`` the border weights in eighths of a
    point; ``padding`` the cells' top and bottom margin in twips. Cells carry their own
    spans, merges and shading."""
    borders = "".join(f'<w:{side} w:val="single" w:sz="{outer}" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right"))
    borders += "".join(f'<w:{side} w:val="single" w:sz="{inner}" w:space="0" w:color="000000"/>'
                       for side in ("insideH", "insideV"))
    xml = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
           f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
           f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
           f'<w:tblCellMar><w:top w:w="{padding}" w:type="dxa"/><w:left w:w="60" w:type="dxa"/>'
           f'<w:bottom w:w="{padding}" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar>'
           '</w:tblPr><w:tblGrid>']
    xml += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    xml.append("</w:tblGrid>")
    for index, row in enumerate(rows):
        height = heights[index] if index < len(heights) else None
        row_props = (f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else "") + (
            "<w:tblHeader/>" if index < header_rows else "")
        xml.append(f"<w:tr><w:trPr>{row_props}</w:trPr>" if row_props else "<w:tr>")
        column = 0
        for cell in row:
            xml.append(_cell(cell, sum(widths[column:column + cell.span]), size, east_asia))
            column += cell.span
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(xml)))


def scaled(weights: Sequence[float], total: int) -> list[int]:
    """Column widths in twips, in proportion to ``weights``, adding up to ``total``."""
    whole = sum(weights)
    widths = [int(total * w / whole) for w in weights]
    widths[-1] += total - sum(widths)
    return widths


def document_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
