"""Page geometry: A4 with GB/T margins, portrait or — for an annex whose tables are too
wide to read upright — landscape.

A section's properties (``w:sectPr``) are built here for the breaks the body writer
places (before and after a landscape annex) and for the document's last section. They
carry no header or footer references, so every body section shows the header and the
page numbers of the one before it, and no ``w:pgNumType``, so the Arabic page numbers
run on from the first body page.
"""

from __future__ import annotations

from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.ooxml import clark, el

MM = 72 / 25.4  # points
WIDTH, HEIGHT = 210.0, 297.0  # A4, mm
TOP, BOTTOM, INNER, OUTER = 25.0, 20.0, 25.0, 20.0  # 天头, 地脚, 订口, 切口 (mm)
HEADER, FOOTER = 12.0, 10.0  # distance of the header and footer from the page's edge (mm)
WIDE_TABLE = 8  # columns: an annex holding a wider table is laid out landscape
BEFORE_SIZE = frozenset(clark(t) for t in ("w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr",
                                            "w:type"))


def text_width(landscape: bool = False) -> float:
    """The width between the margins, in points."""
    return ((HEIGHT if landscape else WIDTH) - INNER - OUTER) * MM


def _twips(mm: float) -> str:
    return str(round(mm * MM * 20))


def geometry(sect: BaseOxmlElement, landscape: bool) -> BaseOxmlElement:
    """Set ``sect``'s page size and margins (replacing any it had)."""
    for tag in ("w:pgSz", "w:pgMar"):
        for old in sect.findall(clark(tag)):
            sect.remove(old)
    size = el("w:pgSz", w=_twips(HEIGHT if landscape else WIDTH), h=_twips(WIDTH if landscape else HEIGHT))
    if landscape:
        size.set(clark("w:orient"), "landscape")
    margins = el("w:pgMar", top=_twips(TOP), bottom=_twips(BOTTOM), left=_twips(INNER), right=_twips(OUTER),
                 header=_twips(HEADER), footer=_twips(FOOTER), gutter="0")
    anchor = next((c for c in sect if c.tag not in BEFORE_SIZE), None)
    if anchor is not None:
        anchor.addprevious(size)
    else:
        sect.append(size)
    size.addnext(margins)
    return sect


def section_break(landscape: bool) -> BaseOxmlElement:
    """An empty paragraph ending a section laid out ``landscape`` (or upright); the next
    section starts on a new page."""
    p = el("w:p")
    sect = el("w:sectPr", el("w:pPr", p))
    el("w:type", sect, val="nextPage")
    geometry(sect, landscape)
    el("w:cols", sect, space="425")
    el("w:docGrid", sect, linePitch="312")
    return p
