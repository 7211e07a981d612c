"""WordprocessingML built the fast way: elements made straight from the parser, revisions numbered.

A 1,000-clause redline makes some 100,000 elements, so they are not built through
python-docx's object API.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterable, Sequence

from docx.document import Document as DocumentObject
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.xmlchemy import BaseOxmlElement

from standards.redline import Op, Piece

W_NSMAP = {"w": nsmap["w"]}
TABLE_TEXT, TABLE_HEADER = "BiaoganTableText", "BiaoganTableHeader"
# Characters XML 1.0 cannot carry (text is cleaned on input; this keeps old rows safe too).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@functools.cache
def _clark(tag: str) -> str:
    return qn(tag)


def _element(tag: str, parent: BaseOxmlElement | None = None, **attrs: str) -> BaseOxmlElement:
    """A WordprocessingML element (python-docx's own class for its tag), built the fast way:
    a 1,000-clause redline makes some 100,000 of them."""
    element = oxml_parser.makeelement(_clark(tag), nsmap=W_NSMAP)
    for name, value in attrs.items():
        element.set(_clark(f"w:{name}"), value)
    if parent is not None:
        parent.append(element)
    return element


class Builder:
    """Appends paragraphs and tables to a document body, numbering the revisions."""

    def __init__(self, doc: DocumentObject, author: str, when: dt.datetime) -> None:
        self.doc = doc
        self.body = doc.element.body
        self.sect = self.body.sectPr
        self.author = author
        self.date = when.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.ids = itertools.count(1)

    # --- revisions and runs -----------------------------------------------------------------

    def revision(self, tag: str, parent: BaseOxmlElement | None = None) -> BaseOxmlElement:
        return _element(tag, parent, id=str(next(self.ids)), author=self.author, date=self.date)

    @staticmethod
    def run(text: str, deleted: bool = False, bold: bool = False, east_asia: str | None = None,
            size: float | None = None, grey: bool = False) -> BaseOxmlElement:
        """A run; its fonts come from the paragraph's style unless asked for here."""
        r = _element("w:r")
        if bold or east_asia or size or grey:
            rpr = _element("w:rPr", r)
            if east_asia:
                _element("w:rFonts", rpr, ascii="Times New Roman", hAnsi="Times New Roman", eastAsia=east_asia)
            if bold:
                _element("w:b", rpr)
            if grey:
                _element("w:color", rpr, val="7F7F7F")
            if size:
                _element("w:sz", rpr, val=str(round(size * 2)))
                _element("w:szCs", rpr, val=str(round(size * 2)))
        t = _element("w:delText" if deleted else "w:t", r)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = NOT_XML.sub("", text)
        return r

    def pieces(self, p: BaseOxmlElement, pieces: Iterable[Piece], **style: object) -> list[BaseOxmlElement]:
        """Runs for the pieces, inserted and deleted ones wrapped in revisions; returns the runs."""
        runs = []
        for piece in pieces:
            if not piece.text:
                continue
            if piece.op == Op.EQUAL:
                runs.append(self.run(piece.text, **style))  # type: ignore[arg-type]
                p.append(runs[-1])
            else:
                wrapper = self.revision("w:ins" if piece.op == Op.INSERT else "w:del", p)
                runs.append(self.run(piece.text, deleted=piece.op == Op.DELETE, **style))  # type: ignore[arg-type]
                wrapper.append(runs[-1])
        return runs

    # --- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, style: str | None = None, align: str | None = None, mark: Op = Op.EQUAL,
                  indent: int = 0, keep_next: bool = False) -> BaseOxmlElement:
        p = _element("w:p")
        ppr = _element("w:pPr", p)
        if style:
            _element("w:pStyle", ppr, val=style)
        if keep_next:
            _element("w:keepNext", ppr)
        if indent:
            _element("w:ind", ppr, left=str(indent * 420))
        if align:
            _element("w:jc", ppr, val=align)
        if mark != Op.EQUAL:  # the paragraph mark itself was inserted or deleted
            rpr = _element("w:rPr", ppr)
            self.revision("w:ins" if mark == Op.INSERT else "w:del", rpr)
        self.sect.addprevious(p)
        return p

    def text(self, text: str, style: str | None = None, align: str | None = None, **run: object) -> BaseOxmlElement:
        p = self.paragraph(style, align)
        p.append(self.run(text, **run))  # type: ignore[arg-type]
        return p

    # --- tables -------------------------------------------------------------------------------

    def table(self, rows: Sequence[tuple[Op, Sequence[Sequence[Piece]]]], header: bool = True,
              style: str = TABLE_TEXT) -> BaseOxmlElement:
        """A grid table; each row has its revision (EQUAL, INSERT, DELETE) and its cells' pieces."""
        columns = max((len(cells) for _, cells in rows), default=1)
        tbl = _element("w:tbl")
        tblpr = _element("w:tblPr", tbl)
        _element("w:tblStyle", tblpr, val="TableGrid")
        _element("w:tblW", tblpr, w="5000", type="pct")
        grid = _element("w:tblGrid", tbl)
        for width in _widths(rows, columns):
            _element("w:gridCol", grid, w=str(width))
        for index, (op, cells) in enumerate(rows):
            tr = _element("w:tr", tbl)
            if op != Op.EQUAL or (header and index == 0):
                trpr = _element("w:trPr", tr)
                if header and index == 0:
                    _element("w:tblHeader", trpr)
                if op != Op.EQUAL:
                    self.revision("w:ins" if op == Op.INSERT else "w:del", trpr)
            cell_style = TABLE_HEADER if header and index == 0 else style
            for column in range(columns):
                p = _element("w:p", _element("w:tc", tr))  # widths from the grid: no w:tcPr needed
                ppr = _element("w:pPr", p)
                _element("w:pStyle", ppr, val=cell_style)
                if op != Op.EQUAL:
                    self.revision("w:ins" if op == Op.INSERT else "w:del", _element("w:rPr", ppr))
                self.pieces(p, cells[column] if column < len(cells) else ())
        self.sect.addprevious(tbl)
        return tbl


def _widths(rows: Sequence[tuple[Op, Sequence[Sequence[Piece]]]], columns: int, total: int = 9000) -> list[int]:
    """Column widths after the text they hold: a 12-column risk list gives its 管控措施
    room instead of wrapping it one character a line."""
    lengths = [[0] for _ in range(columns)]
    for _, cells in rows:
        for column, cell in enumerate(cells[:columns]):
            lengths[column].append(sum(len(p.text) for p in cell))
    weights = [min(max(sum(found) / len(found), 2.0), 40.0) ** 0.75 for found in lengths]
    return [max(int(total * w / sum(weights)), 560) for w in weights]
