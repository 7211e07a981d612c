"""The body of a standard: the clause tree in reading order, numbered from position.

Numbers come from ``standards.numbering.number_tree`` — the same numbers the editor,
the comment table and the redline show — and each kind is laid out per GB/T 1.1-2020:

- chapter "1　范围" and titled clauses "4.2　…" as headings (五号黑体; chapters and
  first-level clauses reach the 目次); an untitled clause opens its paragraph with its
  number ("4.2.1.1　企业应……");
- paragraphs 五号宋体 with a two-character first-line indent;
- list items "a)" / "1)" with a hanging indent, one level deeper per enclosing item;
- notes "注：" / "注1：" and examples "示例：" / "示例1：" 小五号, the label in 黑体;
- term entries: the number on its own line, the term in 黑体, the definition below;
- tables: "表1　title" centred above, the table below (``tables.py``);
- annexes on a new page: "附录A", "（规范性）", the title — three centred lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from docx.oxml.xmlchemy import BaseOxmlElement

from exports.standard_docx.markdown import Block, blocks, pipe_rows, table_block
from exports.standard_docx.ooxml import HEI, el, paragraph, run, span_runs, text_paragraph
from exports.standard_docx.pages import WIDE_TABLE, section_break, text_width
from exports.standard_docx.styles import CHAR
from exports.standard_docx.tables import table, table_title
from standards.models import Clause, ClauseKind
from standards.numbering import Numbered, number_tree

K = ClauseKind
TOC_DEPTH = 1  # clauses at this depth (4.1, A.1) are listed in the 目次 with the chapters


def label_width(label: str, size: float = 9) -> float:
    """The width of a 注/示例 label in points (Chinese characters a full em, digits half)."""
    return sum(size if ord(ch) > 0x2e7f else size / 2 for ch in label)


def _columns(markdown: str) -> int:
    """How many columns a table clause's body has (its header row), without parsing it all."""
    head = markdown.strip().split("\n", 2)[:2]
    rows = pipe_rows("\n".join(head)) if len(head) == 2 else None
    return len(rows[0]) if rows else 0


def landscape_annexes(numbered: Sequence[Numbered]) -> set[int]:
    """The ids of the annexes holding a table wider than :data:`WIDE_TABLE` columns."""
    wide: set[int] = set()
    annex: int | None = None
    for entry in numbered:
        if entry.depth == 0:
            annex = entry.clause.id if entry.clause.kind == K.ANNEX else None
        elif annex is not None and entry.clause.kind == K.TABLE and _columns(entry.clause.body) > WIDE_TABLE:
            wide.add(annex)
    return wide


def split_introduction(numbered: Sequence[Numbered]) -> tuple[list[Numbered], list[Numbered]]:
    """The 引言 — top-level paragraphs (with what hangs under them) before the first
    chapter or annex — and the rest of the tree."""
    for index, entry in enumerate(numbered):
        if entry.depth == 0 and entry.clause.kind != K.PARAGRAPH:
            return list(numbered[:index]), list(numbered[index:])
    return list(numbered), []


class BodyWriter:
    """Turns numbered clauses into paragraphs and tables, collecting the 目次 entries."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self.kinds = {c.id: c.kind for c in clauses}
        self.out: list[BaseOxmlElement] = []
        self.toc: list[tuple[int, str]] = []
        self.landscape = False  # the page the writer is on
        self.wide: set[int] = set()  # annexes laid out landscape
        self.writers: dict[ClauseKind, Callable[[Numbered], None]] = {
            K.CHAPTER: self.chapter, K.ANNEX: self.annex, K.CLAUSE: self.clause, K.TERM: self.term,
            K.PARAGRAPH: self.paragraph, K.LIST_ITEM: self.list_item, K.NOTE: self.aside,
            K.EXAMPLE: self.aside, K.TABLE: self.table,
        }

    def write(self, numbered: Sequence[Numbered]) -> None:
        self.wide = landscape_annexes(numbered)
        for entry in numbered:
            self.writers[entry.clause.kind](entry)

    # --- blocks of Markdown -------------------------------------------------------------------

    def blocks(self, found: Sequence[Block], style: str, prefix: Sequence[BaseOxmlElement] = (),
               list_level: int = 0, continuation: tuple[float, float] | None = None,
               first: tuple[float, float] | None = None) -> None:
        """Paragraphs for a body's blocks; ``prefix`` runs open the first paragraph (a number,
        a label) and ``first`` indents it, ``continuation`` indents the paragraphs after it."""
        prefix = list(prefix)
        for index, block in enumerate(found):
            if block.rows:
                self.out.append(table(block.rows, text_width(self.landscape)))
                continue
            if block.item:
                level = min(list_level + block.level, 3)
                p = paragraph("BgDash" if block.item == "——" and level == 1 else f"BgList{level}")
                p.append(run(block.item if block.item == "——" else f"{block.item}\t"))
            elif block.level:
                level = min(list_level + block.level, 3)
                p = paragraph(f"BgList{level}", indent=((2 + 2 * level) * CHAR, 0))
            else:
                p = paragraph(style, indent=continuation if index else first)
            if prefix:
                p.extend(prefix)
                prefix = []
            span_runs(p, block.spans)
            self.out.append(p)
        if prefix:  # a clause with a number and no text
            p = paragraph(style, indent=first)
            p.extend(prefix)
            self.out.append(p)

    def body(self, clause: Clause, style: str = "BgBody") -> None:
        self.blocks(blocks(clause.body), style)

    # --- the kinds ------------------------------------------------------------------------------

    def heading(self, entry: Numbered, level: int) -> None:
        text = f"{entry.number}　{entry.clause.title.strip()}"
        p = paragraph(f"Heading{min(level, 6)}")
        p.append(run(text))
        self.out.append(p)
        if level <= TOC_DEPTH + 1:
            self.toc.append((level, text))

    def chapter(self, entry: Numbered) -> None:
        self.heading(entry, 1)
        self.body(entry.clause)

    def annex(self, entry: Numbered) -> None:
        clause = entry.clause
        kind = f"（{clause.annex_type.label}）" if clause.annex_type else ""
        title = clause.title.strip()
        p = paragraph("BgAnnex")
        landscape = clause.id in self.wide
        if landscape != self.landscape:  # the section break starts the new page already
            self.out.append(section_break(self.landscape))
            self.landscape = landscape
            p[0].append(el("w:pageBreakBefore", val="0"))
        p.append(run(f"{entry.number}\n{kind}\n{title}" if kind else f"{entry.number}\n{title}"))
        self.out.append(p)
        self.toc.append((1, f"{entry.number}{kind}　{title}"))
        self.body(clause)

    def clause(self, entry: Numbered) -> None:
        clause = entry.clause
        if clause.title.strip():
            self.heading(entry, entry.depth + 1)
            self.body(clause)
            return
        prefix = [run(f"{entry.number}　", east_asia=HEI)]
        self.blocks(blocks(clause.body), "BgClause", prefix)

    def term(self, entry: Numbered) -> None:
        self.out.append(text_paragraph("BgTermNumber", entry.number))
        self.out.append(text_paragraph("BgTermName", entry.clause.title.strip()))
        self.body(entry.clause)

    def paragraph(self, entry: Numbered) -> None:
        self.body(entry.clause)

    def list_level(self, entry: Numbered) -> int:
        """1 for an item under text, 2 under an item, 3 below that."""
        return sum(1 for ancestor in entry.path[:-1] if self.kinds.get(ancestor) == K.LIST_ITEM) + 1

    def list_item(self, entry: Numbered) -> None:
        level = min(self.list_level(entry), 3)
        style = f"BgList{level}"
        left = (2 + 2 * level) * CHAR
        self.blocks(blocks(entry.clause.body), style, [run(f"{entry.number}\t")], list_level=level,
                    continuation=(left, 0))

    def aside(self, entry: Numbered) -> None:
        """A note or an example: its label (注： / 示例1：) in 黑体, the text right after it and
        its following lines aligned with the text (a hanging indent as wide as the label)."""
        style = "BgNote" if entry.clause.kind == K.NOTE else "BgExample"
        width = label_width(entry.number)
        self.blocks(blocks(entry.clause.body), style, [run(entry.number, east_asia=HEI)],
                    continuation=(2 * CHAR + width, 0), first=(2 * CHAR + width, -width))

    def table(self, entry: Numbered) -> None:
        clause = entry.clause
        found = table_block(clause.body)
        self.out.append(table_title(entry.number, clause.title.strip()))
        if found is None:
            self.body(clause)
            return
        self.out.append(table(found.rows, text_width(self.landscape)))

    # --- around the text -------------------------------------------------------------------------

    def title(self, text: str) -> None:
        """The standard's name at the head of the first body page (三号黑体)."""
        self.out.append(text_paragraph("BgStdTitle", text))

    def closing_line(self) -> None:
        """The short centred rule that ends a standard (终结线)."""
        self.out.append(paragraph("BgEnd"))



def body_of(clauses: Sequence[Clause], title: str) -> tuple[list[Numbered], BodyWriter]:
    """The 引言 entries, and a writer holding the body (title, clauses, closing line)."""
    introduction, rest = split_introduction(number_tree(clauses))
    writer = BodyWriter(clauses)
    writer.title(title)
    writer.write(rest)
    writer.closing_line()
    return introduction, writer
