"""A table clause as GB/T 1.1-2020 lays it out (§10.4.2 in cn-standards.md §2.4).

Its number and title centred above (``表1　…``, ``表A.1　…``, 五号黑体), kept with the table;
the table the full text width, thicker outer rules, the header row repeated on every page
it runs onto, text 小五号宋体, an empty cell showing "—" (never blank, never 同上). Built
as one ``w:tbl`` element with lxml: a 100-row table is 600 cells.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.markdown import Cells, Span
from exports.standard_docx.ooxml import W_DECLARATION, from_xml, paragraph, run, span_xml
from exports.standard_docx.styles import TEXT_WIDTH

EMPTY = (Span("—"),)
SHORT = 12  # a column whose cells are all this short (序号, 等级 …, in half-characters) is centred
CELL_MARGIN = 85  # twips left and right inside a cell


def _length(cell: Sequence[Span]) -> int:
    """A cell's width in half-characters: a Chinese character (three bytes in UTF-8) counts
    two, a digit or a letter (one byte) one."""
    return sum(len(s.text) + len(s.text.encode()) for s in cell) // 2


def _widths(lengths: Sequence[Sequence[int]], columns: int, width: float) -> list[int]:
    """Column widths (twips) after the text they hold, the way a browser lays out a table:
    every column gets room for its header or a few characters, and what is left goes to
    the columns with the most text — a long 管控措施 column gets room, and a 序号 column
    does not wrap its header one character a line."""
    total = int(width * 20)
    half, padding = 90, 2 * CELL_MARGIN + 20  # half a 小五 character; cell margins
    least, wanted = [], []
    for column in range(columns):
        found = [row[column] for row in lengths if column < len(row)] or [2]
        longest = max(found)
        least.append(padding + half * min(max(longest, 2), 8))
        wanted.append(padding + half * max(sum(found) / len(found), min(longest, 8)))
    if sum(least) >= total:
        widths = [int(total * w / sum(least)) for w in least]
    elif sum(wanted) <= total:
        widths = [int(total * w / sum(wanted)) for w in wanted]
    else:
        spare = total - sum(least)
        extra = [w - m for w, m in zip(wanted, least, strict=True)]
        widths = [m + int(spare * e / sum(extra)) for m, e in zip(least, extra, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def _borders() -> str:
    sides = (("top", 8), ("left", 8), ("bottom", 8), ("right", 8), ("insideH", 4), ("insideV", 4))
    return "<w:tblBorders>" + "".join(f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'
                                      for side, size in sides) + "</w:tblBorders>"


def table(rows: Sequence[Cells], width: float = TEXT_WIDTH) -> BaseOxmlElement:
    """One ``w:tbl`` ``width`` points wide: the first row is the header (repeated on each
    page), empty cells "—". Written as XML text and parsed once — a 100-row table is some
    5,000 elements, which cost ten times as much made one by one."""
    columns = max((len(r) for r in rows), default=1)
    lengths = [[_length(cell) for cell in row] for row in rows]
    widths = _widths(lengths, columns, width)
    centred = [all(r[c] <= SHORT for r in lengths[1:] if c < len(r)) for c in range(columns)]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts = [f'<w:tbl {W_DECLARATION}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'{_borders()}<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
             f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    cell_start = '<w:tc><w:tcPr><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>'  # widths: the grid's
    for index, row in enumerate(rows):
        head = index == 0
        parts.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if head else "<w:tr>")
        for column in range(columns):
            style = "BgTableHead" if head else "BgTableText"
            align = '<w:jc w:val="center"/>' if centred[column] and not head else ""
            cell = row[column] if column < len(row) else ()
            runs = "".join(span_xml(s) for s in (cell if any(s.text.strip() for s in cell) else EMPTY) if s.text)
            parts.append(f'{cell_start}<w:pStyle w:val="{style}"/>{align}</w:pPr>{runs}</w:p></w:tc>')
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return from_xml("".join(parts))


def table_title(number: str, title: str) -> BaseOxmlElement:
    """"表1　title" centred above its table, kept on the table's page."""
    p = paragraph("BgTableTitle")
    p.append(run(f"{number}　{title}".strip() if title else number))
    return p
