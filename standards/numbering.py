"""Clause numbers from position alone (GB/T 1.1-2020 §7, §9.6, §9.10–9.11, §10.4).

Numbers are never typed or stored: move a clause and every number after it follows.

- chapters 1, 2, 3 …; clauses and term entries below them 4.2, 4.2.1, 3.1 …;
- annexes 附录A, 附录B … with their clauses A.1, A.1.1 …;
- tables 表1, 表2 … through the body, 表A.1 … within each annex;
- list items a) b) c) at the first level, 1) 2) below;
- a single note 注：, several 注1： 注2： (likewise 示例： / 示例1：) within one parent;
- paragraphs (段) carry no number.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from standards.models import ClauseKind

K = ClauseKind
NUMBERED_CHILDREN = frozenset({K.CLAUSE, K.TERM})


class Node(Protocol):
    id: int
    parent_id: int | None
    position: int
    kind: ClauseKind


@dataclass(frozen=True)
class Numbered:
    """One clause in reading order: its number (may be empty), depth and ancestry."""

    clause: Node
    number: str
    depth: int  # 0 for chapters and annexes
    path: tuple[int, ...]  # ids from the top-level ancestor down to this clause

    @property
    def label(self) -> str:
        """The number as a heading shows it ("4.2.1", "附录A", "表A.1", "a)", "注1：")."""
        return self.number


def _letters(index: int) -> str:
    """A, B … Z, then AA, AB … (a standard with more than 26 annexes is hypothetical)."""
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def number_tree(clauses: Iterable[Node]) -> list[Numbered]:
    """Every clause of one version in reading order, each with its number."""
    children: dict[int | None, list[Node]] = defaultdict(list)
    for clause in clauses:
        children[clause.parent_id].append(clause)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.id))
    out: list[Numbered] = []
    body_tables = [0]

    def walk(parent: Node | None, prefix: str, annex: str | None, depth: int, path: tuple[int, ...],
             list_depth: int, annex_tables: list[int]) -> None:
        siblings = children.get(parent.id if parent else None, [])
        counters: dict[str, int] = defaultdict(int)
        notes = sum(1 for c in siblings if c.kind == K.NOTE)
        examples = sum(1 for c in siblings if c.kind == K.EXAMPLE)
        for clause in siblings:
            number, child_prefix, child_list_depth = "", prefix, list_depth
            tables = annex_tables
            if clause.kind == K.CHAPTER:
                counters["chapter"] += 1
                number = child_prefix = str(counters["chapter"])
            elif clause.kind == K.ANNEX:
                letter = _letters(counters["annex"])
                counters["annex"] += 1
                number, child_prefix, tables = f"附录{letter}", letter, [0]
            elif clause.kind in NUMBERED_CHILDREN:
                counters["clause"] += 1
                number = child_prefix = f"{prefix}.{counters['clause']}" if prefix else str(counters["clause"])
            elif clause.kind == K.TABLE:
                if annex is not None:
                    annex_tables[0] += 1
                    number = f"表{annex}.{annex_tables[0]}"
                else:
                    body_tables[0] += 1
                    number = f"表{body_tables[0]}"
            elif clause.kind == K.LIST_ITEM:
                counters["item"] += 1
                n = counters["item"]
                number = f"{string.ascii_lowercase[(n - 1) % 26]})" if list_depth == 0 else f"{n})"
                child_list_depth = list_depth + 1
            elif clause.kind == K.NOTE:
                counters["note"] += 1
                number = "注：" if notes == 1 else f"注{counters['note']}："
            elif clause.kind == K.EXAMPLE:
                counters["example"] += 1
                number = "示例：" if examples == 1 else f"示例{counters['example']}："
            child_annex = annex if clause.kind != K.ANNEX else child_prefix
            out.append(Numbered(clause, number, depth, (*path, clause.id)))
            walk(clause, child_prefix, child_annex, depth + 1, (*path, clause.id), child_list_depth, tables)

    walk(None, "", None, 0, (), 0, [0])
    return out


def numbers_by_id(clauses: Iterable[Node]) -> dict[int, str]:
    return {n.clause.id: n.number for n in number_tree(clauses)}


def number_of(clauses: Sequence[Node], clause_id: int) -> str:
    """The number of one clause (the comment table's 章条编号)."""
    return numbers_by_id(clauses).get(clause_id, "")


def descendants(clauses: Iterable[Node], clause_id: int) -> Iterator[int]:
    """The ids below ``clause_id`` (deleting a clause deletes these with it)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for clause in clauses:
        children[clause.parent_id].append(clause.id)
    stack = list(children.get(clause_id, []))
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children.get(current, []))
