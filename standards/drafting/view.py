"""The editor's view of a version: the outline it draws, and the projects an editor writes.

One pass over the tree gives every clause its number, obligation reading, requirement
warning, links and the moves it allows — two queries (clauses, links) whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.people import User
from standards.drafting.rules import Move, addable_under, allowed_under
from standards.drafting.sources import SourceLink, _source_rows
from standards.drafting.tree import Tree
from standards.models import Clause, ClauseKind, MemberRole, ProjectMember, StandardProject, StandardVersion
from standards.numbering import number_tree
from standards.obligation import Reading, read, requirement_warning
from standards.permissions import EDITABLE_STAGES
from standards.versions import clauses_of

K = ClauseKind


def projects_to_write(session: Session, actor: User) -> list[StandardProject]:
    """The projects whose text ``actor`` edits now (the 工作台's "my drafts")."""
    return list(session.scalars(
        select(StandardProject).join(ProjectMember, ProjectMember.project_id == StandardProject.id)
        .where(ProjectMember.user_id == actor.id, ProjectMember.role == MemberRole.EDITOR,
               StandardProject.stage.in_(EDITABLE_STAGES))
        .order_by(StandardProject.updated_at.desc(), StandardProject.id.desc()).limit(20)))


@dataclass(frozen=True)
class Entry:
    """One clause as the editor page draws it."""

    clause: Clause
    number: str
    depth: int
    reading: Reading
    warning: str
    sources: tuple[SourceLink, ...]
    moves: frozenset[Move] = field(default_factory=frozenset)
    children_kinds: tuple[ClauseKind, ...] = ()  # what may be added under it

    @property
    def indent(self) -> int:
        """How far the page indents it (deeper levels line up with the sixth)."""
        return min(self.depth, 6)


def outline(session: Session, version: StandardVersion) -> list[Entry]:
    """The whole tree in reading order with numbers, obligations, warnings, links and the
    moves each clause allows — two queries (clauses, links) whatever its size."""
    tree = Tree(clauses_of(session, version))
    links = _source_rows(session, version.project)
    place = {c.id: i for siblings in tree.children.values() for i, c in enumerate(siblings)}
    entries = []
    for numbered in number_tree(tree.clauses):
        clause: Clause = numbered.clause  # type: ignore[assignment]
        siblings = tree.children[clause.parent_id]
        index = place[clause.id]
        parent = tree.parent(clause)
        moves = set()
        if index > 0:
            moves.add(Move.UP)
            if allowed_under(clause.kind, siblings[index - 1]):
                moves.add(Move.INDENT)
        if index < len(siblings) - 1:
            moves.add(Move.DOWN)
        if parent is not None and allowed_under(clause.kind, tree.parent(parent)):
            moves.add(Move.OUTDENT)
        reading = read(clause.body) if clause.kind != K.TABLE else Reading(None, ())
        entries.append(Entry(clause, numbered.number, numbered.depth, reading,
                             requirement_warning(clause.is_requirement, clause.body),
                             tuple(links.get(clause.key, ())), frozenset(moves), addable_under(clause)))
    return entries
