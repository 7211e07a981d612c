"""One redline entry as paragraphs: headings, bodies, tables, requirements, and a comment on a move."""

from __future__ import annotations

from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from exports.redline_docx.builder import Builder
from exports.redline_docx.tables import _lines, _same, table_revision
from standards.models import ClauseKind
from standards.redline import Entry, Op, Piece

K = ClauseKind
SONG, HEI = "宋体", "黑体"
HEADED = frozenset({K.CHAPTER, K.CLAUSE, K.TERM})
PREFIXED = frozenset({K.LIST_ITEM, K.NOTE, K.EXAMPLE})


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
