"""The redline as a Word document with real tracked changes.

The newer version's text in reading order (chapters, clauses, lists, notes, tables,
annexes, numbered as GB/T 1.1 numbers them), where every difference from the older
version is a Word *revision*: inserted text in ``<w:ins>`` runs, deleted text in
``<w:del>`` runs holding ``<w:delText>``, whole clauses added or removed with their
paragraph marks marked too, table rows inserted or deleted as row revisions. Word and
LibreOffice show them as tracked changes, so a drafting group can read, accept or reject
them the way it is used to. A moved clause carries a Word comment saying from where.
At the top: a summary table (counts added / removed / moved / changed) and the list of
changed clauses.

A pure function (redline data → bytes): no session, no Flask.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from diff_match_patch import diff_match_patch
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from standards.models import ClauseKind
from standards.redline import Entry, Op, Piece, Redline, char_diff

K = ClauseKind
W_NSMAP = {"w": nsmap["w"]}
SONG, HEI = "宋体", "黑体"
TABLE_TEXT, TABLE_HEADER = "BiaoganTableText", "BiaoganTableHeader"
HEADED = frozenset({K.CHAPTER, K.CLAUSE, K.TERM})
PREFIXED = frozenset({K.LIST_ITEM, K.NOTE, K.EXAMPLE})
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


# --- Markdown bodies -----------------------------------------------------------------------------

SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def table_rows(markdown: str) -> list[list[str]] | None:
    """The rows of a Markdown pipe table (its separator line dropped), or None if it is not one."""
    lines = [line.strip() for line in markdown.strip().splitlines() if line.strip()]
    if len(lines) < 2 or not all(line.startswith("|") for line in lines) or not SEPARATOR.match(lines[1]):
        return None
    rows = []
    for line in lines:
        if SEPARATOR.match(line):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip().replace("\\|", "|") for cell in cells])
    return rows


def _same(text: str, op: Op) -> tuple[Piece, ...]:
    return (Piece(op, text),) if text else ()


def _lines(pieces: Iterable[Piece]) -> Iterator[list[Piece]]:
    """The pieces cut at line breaks: one list per non-empty line (Markdown paragraphs)."""
    line: list[Piece] = []
    for piece in pieces:
        parts = piece.text.split("\n")
        for i, part in enumerate(parts):
            if i:
                if any(p.text.strip() for p in line):
                    yield line
                line = []
            if part:
                line.append(Piece(piece.op, part))
    if any(p.text.strip() for p in line):
        yield line


def _row_cells(row: Sequence[str], op: Op) -> list[tuple[Piece, ...]]:
    return [_same(cell or "—", op) for cell in row]


def _similarity(dmp: diff_match_patch, a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return 1 - dmp.diff_levenshtein(dmp.diff_main(a, b, False)) / max(len(a), len(b))


PAIRING_LIMIT = 400  # deleted × inserted rows compared one by one; beyond, rows are replaced whole


def _pair_rows(dmp: diff_match_patch, deleted: list[list[str]], inserted: list[list[str]]
               ) -> list[tuple[list[str] | None, list[str] | None]]:
    """A block of deleted rows against a block of inserted ones: which inserted row is a
    changed deleted row (similar enough, in order), in the new table's order."""
    pairs: dict[int, int] = {}  # inserted index → deleted index
    if len(deleted) * len(inserted) <= PAIRING_LIMIT:
        start = 0
        for d, row in enumerate(deleted):
            scored = [(_similarity(dmp, "\t".join(row), "\t".join(inserted[i])), i)
                      for i in range(start, len(inserted))]
            best = max(scored, default=(0.0, -1))
            if best[0] >= 0.5:
                pairs[best[1]] = d
                start = best[1] + 1
    out: list[tuple[list[str] | None, list[str] | None]] = []
    next_deleted = 0
    for i, row in enumerate(inserted):
        if i in pairs:
            out.extend((deleted[d], None) for d in range(next_deleted, pairs[i]))
            out.append((deleted[pairs[i]], row))
            next_deleted = pairs[i] + 1
        else:
            out.append((None, row))
    out.extend((deleted[d], None) for d in range(next_deleted, len(deleted)))
    return out


def table_revision(old: str | None, new: str | None) -> list[tuple[Op, list[tuple[Piece, ...]]]] | None:
    """Rows of a changed table aligned row by row: kept, inserted, deleted, or changed cell by cell."""
    old_rows = table_rows(old) if old is not None else []
    new_rows = table_rows(new) if new is not None else []
    if old_rows is None or new_rows is None:
        return None
    dmp = diff_match_patch()
    as_lines = ["\t".join(r) for r in old_rows], ["\t".join(r) for r in new_rows]
    chars_old, chars_new, table = dmp.diff_linesToChars("\n".join(as_lines[0]) + "\n", "\n".join(as_lines[1]) + "\n")
    diffs = dmp.diff_main(chars_old, chars_new, False)
    dmp.diff_charsToLines(diffs, table)
    out: list[tuple[Op, list[tuple[Piece, ...]]]] = []
    deleted: list[list[str]] = []
    inserted: list[list[str]] = []

    def flush() -> None:
        for before, after in _pair_rows(dmp, deleted, inserted):
            if after is None:
                out.append((Op.DELETE, _row_cells(before or [], Op.DELETE)))
            elif before is None:
                out.append((Op.INSERT, _row_cells(after, Op.INSERT)))
            else:
                width = max(len(before), len(after))
                cells = zip([*before, *[""] * (width - len(before))], [*after, *[""] * (width - len(after))],
                            strict=True)
                out.append((Op.EQUAL, [char_diff(a, b) or _same("—", Op.EQUAL) for a, b in cells]))
        deleted.clear()
        inserted.clear()

    for op, text in diffs:
        rows = [line.split("\t") for line in text.split("\n")[:-1]]
        if op == Op.DELETE:
            deleted.extend(rows)
        elif op == Op.INSERT:
            inserted.extend(rows)
        else:
            flush()
            out.extend((Op.EQUAL, _row_cells(r, Op.EQUAL)) for r in rows)
    flush()
    return out


# --- the document --------------------------------------------------------------------------------


def _style_fonts(doc: DocumentObject) -> None:
    """宋体 body, 黑体 headings in black: the theme fonts of the default template removed;
    two table styles (五号→小五 text, 黑体 header) so cells need no formatting of their own."""
    for style_id, name in ((TABLE_TEXT, "表格文字"), (TABLE_HEADER, "表头")):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    for name, east_asia, size in (("Normal", SONG, 10.5), ("Heading 1", HEI, 12), ("Heading 2", HEI, 10.5),
                                  ("Heading 3", HEI, 10.5), ("Title", HEI, 16), ("表格文字", SONG, 9),
                                  ("表头", HEI, 9)):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(size)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        rfonts.set(qn("w:eastAsia"), east_asia)
        if name not in ("Normal", "表格文字"):
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True
            style.font.italic = False


def _heading_style(entry: Entry) -> str:
    if entry.kind in (K.CHAPTER, K.ANNEX):
        return "Heading1"
    return "Heading2" if entry.depth <= 1 else "Heading3"


def _field(entry: Entry, name: str, mode: Op) -> tuple[Piece, ...]:
    """A field's text as pieces: all inserted (added clause), all deleted (removed), or as changed."""
    if mode != Op.EQUAL:
        return _same(entry.current.values[name], mode)
    change = entry.change(name)
    return change.pieces if change else _same(entry.current.values[name], Op.EQUAL)


def _number(entry: Entry) -> str:
    return entry.current.number


def _where(entry: Entry) -> str:
    """What the change list says about one entry."""
    notes = []
    if entry.added:
        notes.append(f"新增于 {entry.current.place}")
    if entry.removed:
        notes.append(f"删除原 {entry.current.place}")
    if entry.moved:
        notes.append(f"由 {entry.before.place} 移至 {entry.after.place}")  # type: ignore[union-attr]
    if entry.changed:
        notes.append("修改" + "、".join(c.label for c in entry.changes))
    return "；".join(notes)


def _clause(b: Builder, entry: Entry) -> None:
    mode = Op.INSERT if entry.added else Op.DELETE if entry.removed else Op.EQUAL
    number, kind = _number(entry), entry.kind
    anchor: BaseOxmlElement | None = None
    paragraph: BaseOxmlElement | None = None
    if kind in HEADED or kind == K.ANNEX:
        paragraph = b.paragraph(_heading_style(entry), "center" if kind == K.ANNEX else None, mark=mode,
                                keep_next=True)
        head = [Piece(mode, number + ("" if kind == K.ANNEX else "　"))] if number else []
        if kind == K.ANNEX:
            head += [Piece(mode, "（"), *_field(entry, "annex_type", mode), Piece(mode, "）　")]
        runs = b.pieces(paragraph, [*head, *_field(entry, "title", mode)])
        anchor = runs[0] if runs else None
    elif kind == K.TABLE:
        paragraph = b.paragraph(None, "center", mark=mode, keep_next=True)
        runs = b.pieces(paragraph, [Piece(mode, f"{number}　"), *_field(entry, "title", mode)], east_asia=HEI,
                        bold=True)
        anchor = runs[0] if runs else None
    body = _field(entry, "body", mode)
    rows = None
    if kind == K.TABLE:
        old = entry.before.body if entry.before else None
        new = entry.after.body if entry.after else None
        rows = table_revision(old, new)
    if rows:
        b.table(rows)
    else:
        indent = entry.depth if kind in PREFIXED or kind == K.PARAGRAPH else 0
        small = 9 if kind in (K.NOTE, K.EXAMPLE) else None
        for i, line in enumerate(list(_lines(body)) or ([[]] if kind in PREFIXED else [])):
            p = b.paragraph(None, None, mark=mode, indent=indent)
            prefix = []
            if i == 0 and kind in PREFIXED:
                prefix = b.pieces(p, [Piece(mode, number + ("" if kind != K.LIST_ITEM else " "))],
                                  east_asia=HEI if kind != K.LIST_ITEM else SONG, size=small)
            runs = b.pieces(p, line, size=small)
            if anchor is None and (prefix or runs):
                anchor, paragraph = (prefix or runs)[0], p
    if entry.current.is_requirement or entry.change("is_requirement"):
        p = b.paragraph(None, None, mark=mode, indent=1)
        parts: list[Piece] = [Piece(mode, "【评估要求】")]
        if entry.change("is_requirement"):
            parts += [Piece(mode, "是否评估项："), *_field(entry, "is_requirement", mode), Piece(mode, "　")]
        parts += [Piece(mode, "分值："), *_field(entry, "points", mode), Piece(mode, "　否决项："),
                  *_field(entry, "veto", mode)]
        for name, label in (("check_method", "评估方法"), ("evidence", "证据要求")):
            if entry.current.values[name] or entry.change(name):
                parts += [Piece(mode, f"　{label}："), *_field(entry, name, mode)]
        b.pieces(p, parts, size=9, grey=True)
    if entry.moved and anchor is not None and paragraph is not None:
        holder = Paragraph(paragraph, b.doc._body)  # type: ignore[arg-type]
        b.doc.add_comment(Run(anchor, holder), f"本条由 {entry.before.place} 移至 {entry.after.place}",  # type: ignore[union-attr]
                          author=b.author, initials="")


def redline_docx(redline: Redline, title: str, author: str, when: dt.datetime) -> bytes:
    """The redline of ``redline`` as a DOCX with tracked changes by ``author`` dated ``when``."""
    doc = Document()
    _style_fonts(doc)
    b = Builder(doc, author or "起草组", when)
    b.text(f"《{title}》修订对照", "Title", "center")
    b.text(f"由 {redline.old_label} 至 {redline.new_label}", None, "center")
    counts = redline.counts
    b.text("一、变更统计", "Heading1")
    b.table([(Op.EQUAL, [_same(t, Op.EQUAL) for t in ("新增", "删除", "移动", "修改", "未变")]),
             (Op.EQUAL, [_same(str(n), Op.EQUAL) for n in (counts.added, counts.removed, counts.moved,
                                                           counts.changed, counts.unchanged)])])
    touched = redline.touched
    if touched:
        b.text("二、变更条款", "Heading1")
        b.table([(Op.EQUAL, [_same(t, Op.EQUAL) for t in ("序号", "章条编号", "类型", "变更", "说明")])] + [
            (Op.EQUAL, [_same(str(i), Op.EQUAL), _same(e.current.place or "—", Op.EQUAL),
                        _same(e.kind.label, Op.EQUAL), _same("、".join(e.labels), Op.EQUAL),
                        _same(_where(e), Op.EQUAL)])
            for i, e in enumerate(touched, start=1)])
    b.text("三、修订文本" if touched else "二、修订文本", "Heading1")
    b.text("插入的文字、删除的文字及整条增删均以修订标记显示，可在 Word 或 WPS 的“审阅”中逐条接受或拒绝；"
           "移动的条款附有批注说明原位置。", None, None, size=9, grey=True)
    for entry in redline.entries:
        _clause(b, entry)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
