"""The editing services: add, edit, move (up, down, indent, outdent) and delete a clause.

Each checks the guard and the placement table (``rules``), writes one audit event about the
clause naming it by the number it had, and is guarded by the clause's ``lock_version``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, NotFound, StaleEdit
from core.people import User
from standards.drafting.rules import ClauseInput, Move, _check_version, _cleaned, _refuse_placement, check_editable
from standards.drafting.tree import Tree, _name, _reposition
from standards.models import Clause, ClauseKind, StandardVersion
from standards.numbering import descendants, number_tree
from standards.versions import clauses_of

K = ClauseKind


def add_clause(session: Session, actor: User, version: StandardVersion, kind: ClauseKind,
               parent: Clause | None, data: ClauseInput, after: Clause | None = None) -> Clause:
    """Add a clause of ``kind`` under ``parent`` (the top when None): last, or right after ``after``."""
    project = check_editable(actor, version)
    if parent is not None and parent.version_id != version.id:
        raise NotFound("上级条款不存在或已被删除。")
    _refuse_placement(kind, parent)
    fields = _cleaned(kind, data)
    tree = Tree(clauses_of(session, version))
    siblings = list(tree.children[parent.id if parent else None])
    clause = Clause(version=version, kind=kind, parent_id=parent.id if parent else None, position=len(siblings),
                    **fields)
    index = siblings.index(after) + 1 if after is not None and after in siblings else len(siblings)
    session.add(clause)
    session.flush()
    siblings.insert(index, clause)
    _reposition(session, siblings)
    session.flush()
    tree = Tree([*tree.clauses, clause])
    number = tree.numbers().get(clause.id, "")
    audit.record(session, actor, "clause.add", clause, f"《{project.title}》新增{kind.label} {_name(clause, number)}",
                 data={"key": clause.key, "kind": kind.value, "number": number, "title": clause.title,
                       "body": clause.body, "parent": parent.key if parent else None})
    return clause


EDITED = ("title", "body", "is_requirement", "points", "veto", "waivable", "check_method", "evidence", "annex_type")


def edit_clause(session: Session, actor: User, clause: Clause, data: ClauseInput, expected_version: int) -> Clause:
    """Save an editor's text and requirement fields, if nobody saved the clause since they opened it."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    if clause.kind != K.ANNEX:
        data.annex_type = None
    fields = _cleaned(clause.kind, data)
    before = {name: _plain(getattr(clause, name)) for name in EDITED}
    for name, value in fields.items():
        setattr(clause, name, value)
    after = {name: _plain(getattr(clause, name)) for name in EDITED}
    changed = audit.changes(before, after)
    if not changed:
        return clause
    session.flush()
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    audit.record(session, actor, "clause.edit", clause, f"《{project.title}》修改 {_name(clause, number)}",
                 data={"key": clause.key, "number": number, "changes": changed})
    return clause


def _plain(value: object) -> object:
    """A field's value as an event stores it (JSON: Decimal and enums as text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def move_clause(session: Session, actor: User, clause: Clause, move: Move, expected_version: int) -> Clause:
    """Move a clause among its siblings (up, down) or through the levels (indent, outdent)."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    tree = Tree(clauses_of(session, clause.version))
    clause = tree.by_id[clause.id]
    before = tree.numbers().get(clause.id, "")
    siblings = list(tree.siblings(clause))
    index = siblings.index(clause)
    if move in (Move.UP, Move.DOWN):
        target = index - 1 if move == Move.UP else index + 1
        if not 0 <= target < len(siblings):
            raise Conflict(f"该条款已是同级的{'第一' if move == Move.UP else '最后一'}条，不能{move.label}。")
        siblings[index], siblings[target] = siblings[target], siblings[index]
        _reposition(session, siblings, keep=clause)
    elif move == Move.INDENT:
        if index == 0:
            raise Conflict("前面没有同级条款，不能降级。")
        new_parent = siblings[index - 1]
        _refuse_placement(clause.kind, new_parent)
        children = tree.children[new_parent.id]
        clause.parent_id, clause.position = new_parent.id, (max((c.position for c in children), default=-1) + 1)
    else:
        parent = tree.parent(clause)
        if parent is None:
            raise Conflict("该条款已在顶层，不能升级。")
        grandparent = tree.parent(parent)
        _refuse_placement(clause.kind, grandparent)
        uncles = list(tree.children[parent.parent_id])
        uncles.insert(uncles.index(parent) + 1, clause)
        clause.parent_id = parent.parent_id
        _reposition(session, uncles, keep=clause)
    session.flush()
    tree = Tree(tree.clauses)
    after = tree.numbers().get(clause.id, "")
    where = f"（{before} → {after}）" if before != after else ""
    audit.record(session, actor, f"clause.{move.value}", clause,
                 f"《{project.title}》{move.label} {_name(clause, before)}{where}",
                 data={"key": clause.key, "from": before, "to": after,
                       "parent": tree.by_id[clause.parent_id].key if clause.parent_id else None})
    return clause


@dataclass(frozen=True)
class Removed:
    """A clause a deletion takes with it (what the confirmation lists and the event keeps)."""

    key: str
    number: str
    kind: ClauseKind
    title: str
    excerpt: str


def doomed(session: Session, clause: Clause) -> list[Removed]:
    """The clause and every clause below it, in reading order: what deleting it removes."""
    tree = Tree(clauses_of(session, clause.version))
    going = {clause.id, *descendants(tree.clauses, clause.id)}
    return [Removed(n.clause.key, n.number, n.clause.kind, n.clause.title,  # type: ignore[attr-defined]
                    n.clause.body[:40]) for n in number_tree(tree.clauses) if n.clause.id in going]  # type: ignore[attr-defined]


def delete_clause(session: Session, actor: User, clause: Clause, expected_version: int) -> list[Removed]:
    """Delete a clause with everything below it; the event lists what went."""
    project = check_editable(actor, clause.version)
    _check_version(clause, expected_version)
    version = clause.version
    gone = doomed(session, clause)
    audit.record(session, actor, "clause.delete", clause,
                 f"《{project.title}》删除 {_name(clause, gone[0].number)}"
                 + (f"及其下 {len(gone) - 1} 个条款" if len(gone) > 1 else ""),
                 data={"removed": [{"key": r.key, "number": r.number, "kind": r.kind.value, "title": r.title,
                                    "excerpt": r.excerpt} for r in gone]})
    keys = [r.key for r in gone]
    table = Clause.__table__
    deleted = session.execute(delete(table).where(table.c.id == clause.id, table.c.lock_version == expected_version))
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleEdit("该条款已被他人修改或删除。为避免误删他人的修改，本次删除未执行。")
    session.execute(delete(table).where(table.c.version_id == version.id, table.c.key.in_(keys)))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Clause) and obj.version_id == version.id and obj.key in keys:
            session.expunge(obj)
    session.expire(version, ["clauses"])
    return gone


audit.name_things(actions={
    "clause.add": "新增条款", "clause.edit": "修改条款", "clause.up": "上移条款", "clause.down": "下移条款",
    "clause.indent": "条款降级", "clause.outdent": "条款升级", "clause.delete": "删除条款",
})
