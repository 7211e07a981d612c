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
from exports.standard_docx.ooxml import el, paragraph, run, span_runs
from exports.standard_docx.styles import TEXT_WIDTH

EMPTY = (Span("—"),)
SHORT = 12  # a column whose cells are all this short (序号, 等级 …, in half-characters) is centred
CELL_MARGIN = 85  # twips left and right inside a cell


def _length(cell: Sequence[Span]) -> int:
    """A cell's width in half-characters (a Chinese character is two, a digit or letter one)."""
    return sum(2 if ord(ch) > 0x2e7f else 1 for s in cell for ch in s.text)


def _widths(rows: Sequence[Cells], columns: int, width: float) -> list[int]:
    """Column widths (twips) after the text they hold, the way a browser lays out a table:
    every column gets room for its header or a few characters, and what is left goes to
    the columns with the most text — a long 管控措施 column gets room, and a 序号 column
    does not wrap its header one character a line."""
    total = int(width * 20)
    half, padding = 90, 2 * CELL_MARGIN + 20  # half a 小五 character; cell margins
    least, wanted = [], []
    for column in range(columns):
        found = [_length(row[column]) for row in rows if column < len(row)] or [2]
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


def _borders(tbl_pr: BaseOxmlElement) -> None:
    borders = el("w:tblBorders", tbl_pr)
    for side, size in (("top", "8"), ("left", "8"), ("bottom", "8"), ("right", "8"), ("insideH", "4"),
                       ("insideV", "4")):
        el(f"w:{side}", borders, val="single", sz=size, space="0", color="000000")


def table(rows: Sequence[Cells], width: float = TEXT_WIDTH) -> BaseOxmlElement:
    """One ``w:tbl`` ``width`` points wide: the first row is the header (repeated on each
    page), empty cells "—"."""
    columns = max((len(r) for r in rows), default=1)
    widths = _widths(rows, columns, width)
    centred = [all(_length(r[c]) <= SHORT for r in rows[1:] if c < len(r)) for c in range(columns)]
    tbl = el("w:tbl")
    tbl_pr = el("w:tblPr", tbl)
    el("w:tblW", tbl_pr, w=str(sum(widths)), type="dxa")
    el("w:jc", tbl_pr, val="center")
    _borders(tbl_pr)
    el("w:tblLayout", tbl_pr, type="fixed")
    cell_mar = el("w:tblCellMar", tbl_pr)
    el("w:left", cell_mar, w=str(CELL_MARGIN), type="dxa")
    el("w:right", cell_mar, w=str(CELL_MARGIN), type="dxa")
    grid = el("w:tblGrid", tbl)
    for width in widths:
        el("w:gridCol", grid, w=str(width))
    for index, row in enumerate(rows):
        tr = el("w:tr", tbl)
        if index == 0:
            el("w:tblHeader", el("w:trPr", tr))
        for column in range(columns):
            tc = el("w:tc", tr)
            tc_pr = el("w:tcPr", tc)
            el("w:tcW", tc_pr, w=str(widths[column]), type="dxa")
            el("w:vAlign", tc_pr, val="center")
            head = index == 0
            p = paragraph("BgTableHead" if head else "BgTableText", align="center" if centred[column] and not head
                          else None)
            cell = row[column] if column < len(row) else ()
            span_runs(p, cell if any(s.text.strip() for s in cell) else EMPTY)
            tc.append(p)
    return tbl


def table_title(number: str, title: str) -> BaseOxmlElement:
    """"表1　title" centred above its table, kept on the table's page."""
    p = paragraph("BgTableTitle")
    p.append(run(f"{number}　{title}".strip() if title else number))
    return p
