"""Versions of a standard's text: the working draft, and the frozen stage documents.

Entering a stage freezes the working draft as that stage's document (征求意见稿, 送审稿,
报批稿) and opens a fresh working draft, a copy with the same clause keys, on which the
editors go on. A frozen version is never written again: every drafting service refuses
it, and :func:`freeze` copies the whole tree in three statements whatever its size.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import InvalidTransition
from core.people import User
from standards.models import Clause, Stage, StandardProject, StandardVersion

# Every column a copy carries over, besides its new id, version and parent.
COPIED = ("key", "position", "kind", "title", "body", "annex_type", "is_requirement", "points", "veto",
          "waivable", "check_method", "evidence")


def working_draft(session: Session, project: StandardProject) -> StandardVersion:
    """The one version editors change (there is always exactly one)."""
    return session.scalars(select(StandardVersion).where(
        StandardVersion.project_id == project.id, StandardVersion.frozen_at.is_(None))).one()


def latest_frozen(session: Session, project: StandardProject, stage: Stage | None = None) -> StandardVersion | None:
    """The newest frozen version (of ``stage``, if given)."""
    stmt = select(StandardVersion).where(StandardVersion.project_id == project.id,
                                         StandardVersion.frozen_at.is_not(None))
    if stage is not None:
        stmt = stmt.where(StandardVersion.stage == stage)
    return session.scalars(stmt.order_by(StandardVersion.number.desc()).limit(1)).first()


def clauses_of(session: Session, version: StandardVersion) -> list[Clause]:
    return list(session.scalars(select(Clause).where(Clause.version_id == version.id)
                                .order_by(Clause.parent_id, Clause.position, Clause.id)))


def start_project_text(session: Session, project: StandardProject) -> StandardVersion:
    """Version 1: an empty working draft, made when the project is raised."""
    version = StandardVersion(project=project, number=1, stage=Stage.DRAFTING)
    session.add(version)
    session.flush()
    return version


def freeze(session: Session, actor: User, project: StandardProject, stage: Stage) -> StandardVersion:
    """Freeze the working draft as ``stage``'s document and open the next working draft.

    Returns the frozen version. The copy keeps every clause key, so the two versions
    compare clause by clause and links to practices follow.
    """
    frozen = working_draft(session, project)
    if not session.scalar(select(Clause.id).where(Clause.version_id == frozen.id).limit(1)):
        raise InvalidTransition(f"《{project.title}》尚无条文，不能形成{stage.document}。")
    frozen.frozen_at, frozen.frozen_by_id, frozen.stage = utcnow(), actor.id, stage
    session.flush()  # the partial unique index allows the next draft only once this one is frozen
    draft = StandardVersion(project=project, number=frozen.number + 1, stage=Stage.DRAFTING)
    session.add(draft)
    session.flush()
    copy_clauses(session, frozen, draft)
    audit.record(session, actor, "standard.freeze", frozen,
                 f"《{project.title}》形成{stage.document}（第 {frozen.number} 版），继续在第 {draft.number} 版上编辑",
                 data={"frozen": frozen.number, "stage": stage.value, "draft": draft.number})
    return frozen


def copy_clauses(session: Session, source: StandardVersion, target: StandardVersion) -> int:
    """Copy every clause of ``source`` into ``target``, the tree rebuilt by key."""
    rows = session.execute(select(*(getattr(Clause, c) for c in COPIED))
                           .where(Clause.version_id == source.id)).all()
    if not rows:
        return 0
    table = Clause.__table__
    # Core, not the ORM's bulk insert: that one splits the rows into a batch per pattern of
    # NULL columns (points, annex_type …), some 160 round trips for 1,000 clauses.
    session.execute(insert(table), [
        {"version_id": target.id, "parent_id": None, "lock_version": 1,
         **{c: getattr(row, c) for c in COPIED}} for row in rows
    ])
    # Every parent link in one statement: the copy's parent is the copy of the source's parent (by key).
    src, src_parent, dst_parent = table.alias("src"), table.alias("src_parent"), table.alias("dst_parent")
    session.execute(update(table).where(
        table.c.version_id == target.id, src.c.version_id == source.id, src.c.key == table.c.key,
        src_parent.c.id == src.c.parent_id, dst_parent.c.version_id == target.id,
        dst_parent.c.key == src_parent.c.key,
    ).values(parent_id=dst_parent.c.id))
    return len(rows)
