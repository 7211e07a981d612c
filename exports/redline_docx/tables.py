"""Table clauses hold Markdown pipe tables: their rows, and two versions aligned row by row.

Rows are matched by line diff; a block of deleted rows against a block of inserted ones is
paired by similarity, so a changed row shows its changed cells instead of a delete and an
insert.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from diff_match_patch import diff_match_patch

from standards.redline import Op, Piece, char_diff

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
