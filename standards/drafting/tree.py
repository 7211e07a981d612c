"""One version's clauses in memory, how events name a clause, and re-positioning siblings.

A move re-positions the clause's siblings without bumping their versions: a neighbour's
text has not changed, so whoever is editing it is not interrupted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from standards.models import Clause, ClauseKind
from standards.numbering import number_tree

K = ClauseKind


class Tree:
    """One version's clauses, loaded once, with their children in reading order."""

    def __init__(self, clauses: Iterable[Clause]) -> None:
        self.clauses = list(clauses)
        self.by_id = {c.id: c for c in self.clauses}
        self.children: dict[int | None, list[Clause]] = defaultdict(list)
        for clause in self.clauses:
            self.children[clause.parent_id].append(clause)
        for siblings in self.children.values():
            siblings.sort(key=lambda c: (c.position, c.id))

    def parent(self, clause: Clause) -> Clause | None:
        return self.by_id.get(clause.parent_id) if clause.parent_id is not None else None

    def siblings(self, clause: Clause) -> list[Clause]:
        return self.children[clause.parent_id]

    def numbers(self) -> dict[int, str]:
        return {n.clause.id: n.number for n in number_tree(self.clauses)}


def _name(clause: Clause, number: str) -> str:
    """How an event names a clause: "4.2「风险评价」", "列项 a)", "段「本文件规定……」"."""
    words = clause.title or (clause.body[:20] + ("……" if len(clause.body) > 20 else ""))
    label = number if number and clause.kind in (K.CHAPTER, K.CLAUSE, K.TERM, K.ANNEX, K.TABLE) else (
        f"{clause.kind.label} {number}".strip())
    return f"{label}「{words}」" if words else label


def _reposition(session: Session, ordered: Sequence[Clause], keep: Clause | None = None) -> None:
    """Give ``ordered`` the positions 0, 1, 2 … without bumping their versions (``keep`` is
    changed through the ORM by the caller, so its own version moves)."""
    rows = [{"cid": c.id, "pos": i} for i, c in enumerate(ordered) if c.position != i and c is not keep]
    if rows:
        table = Clause.__table__
        session.execute(update(table).where(table.c.id == bindparam("cid")).values(position=bindparam("pos")), rows)
        for i, clause in enumerate(ordered):
            if clause is not keep:
                set_committed_value(clause, "position", i)
    if keep is not None:
        keep.position = ordered.index(keep)
