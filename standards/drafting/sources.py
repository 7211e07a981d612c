"""Traceability: which source-enterprise practices a clause generalises, and where a practice is used.

Links are kept by clause key, so they follow a clause from version to version; a practice's
page names the clauses that use it, numbered in the newest version still holding them. A
practice a standard refers to cannot be deleted: this module registers itself with
``benchmarks.practices.REFERRERS`` (``benchmarks`` may not import ``standards``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import CheckItem, RiskPoint
from benchmarks.practices import REFERRERS
from core import audit
from core.errors import Conflict, NotFound, ValidationError
from core.people import User
from standards.drafting.rules import check_editable
from standards.drafting.tree import Tree, _name
from standards.models import Clause, ClauseSource, StandardProject, StandardVersion
from standards.numbering import number_tree
from standards.queries import visible_projects
from standards.versions import clauses_of


def source_enterprise_ids(project: StandardProject) -> set[int]:
    return {n.enterprise_id for n in project.sources}


def practices_of(session: Session, project: StandardProject) -> tuple[list[RiskPoint], list[CheckItem]]:
    """The source enterprises' risk points and check items (what a clause may be linked to)."""
    ids = source_enterprise_ids(project)
    points = session.scalars(select(RiskPoint).where(RiskPoint.enterprise_id.in_(ids))
                             .order_by(RiskPoint.enterprise_id, RiskPoint.level, RiskPoint.id)).all()
    items = session.scalars(select(CheckItem).where(CheckItem.enterprise_id.in_(ids))
                            .order_by(CheckItem.enterprise_id, CheckItem.id)).all()
    return list(points), list(items)


def link_practice(session: Session, actor: User, clause: Clause, risk_point_id: int | None = None,
                  check_item_id: int | None = None) -> ClauseSource:
    """Record that ``clause`` generalises a source enterprise's risk point or check item."""
    project = check_editable(actor, clause.version)
    if (risk_point_id is None) == (check_item_id is None):
        raise ValidationError({"practice": "请选择一个风险点或隐患排查项"})
    model = RiskPoint if risk_point_id is not None else CheckItem
    practice = session.get(model, risk_point_id or check_item_id)
    if practice is None or practice.enterprise_id not in source_enterprise_ids(project):
        raise ValidationError({"practice": "只能关联本项目标杆企业的风险点或隐患排查项"})
    column = ClauseSource.risk_point_id if risk_point_id is not None else ClauseSource.check_item_id
    exists = session.scalar(select(ClauseSource.id).where(
        ClauseSource.project_id == project.id, ClauseSource.clause_key == clause.key, column == practice.id))
    if exists:
        raise Conflict("该条款已关联此做法。")
    link = ClauseSource(project_id=project.id, clause_key=clause.key, risk_point_id=risk_point_id,
                        check_item_id=check_item_id)
    session.add(link)
    session.flush()
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    what = _practice_label(practice)
    audit.record(session, actor, "clause.link", clause, f"《{project.title}》{_name(clause, number)} 关联做法：{what}",
                 data={"key": clause.key, "risk_point": risk_point_id, "check_item": check_item_id})
    return link


def unlink_practice(session: Session, actor: User, clause: Clause, source_id: int) -> None:
    project = check_editable(actor, clause.version)
    link = session.scalars(select(ClauseSource).where(
        ClauseSource.id == source_id, ClauseSource.project_id == project.id,
        ClauseSource.clause_key == clause.key)).first()
    if link is None:
        raise NotFound("该关联不存在或已被移除。")
    what = _practice_label(link.risk_point or link.check_item)
    number = Tree(clauses_of(session, clause.version)).numbers().get(clause.id, "")
    audit.record(session, actor, "clause.unlink", clause,
                 f"《{project.title}》{_name(clause, number)} 取消关联做法：{what}",
                 data={"key": clause.key, "risk_point": link.risk_point_id, "check_item": link.check_item_id,
                       "row": link.row})
    session.delete(link)
    session.flush()


def _practice_label(practice: RiskPoint | CheckItem | None) -> str:
    if isinstance(practice, RiskPoint):
        return f"风险点「{practice.name}」"
    if isinstance(practice, CheckItem):
        return f"隐患排查项「{practice.content[:30]}」"
    return "（已删除的做法）"


@dataclass(frozen=True)
class SourceLink:
    """One practice a clause (or one row of a table clause) was generalised from."""

    id: int
    row: int | None
    kind: str  # "risk_point" | "check_item"
    practice_id: int
    label: str
    level: int | None  # a risk point's level, for its colour


def _source_rows(session: Session, project: StandardProject) -> dict[str, list[SourceLink]]:
    """Every link of the project, by clause key — one query, whatever the size of the text."""
    stmt = (select(ClauseSource.id, ClauseSource.clause_key, ClauseSource.row, ClauseSource.risk_point_id,
                   ClauseSource.check_item_id, RiskPoint.name, RiskPoint.level, CheckItem.content)
            .outerjoin(RiskPoint, RiskPoint.id == ClauseSource.risk_point_id)
            .outerjoin(CheckItem, CheckItem.id == ClauseSource.check_item_id)
            .where(ClauseSource.project_id == project.id)
            .order_by(ClauseSource.clause_key, ClauseSource.row, ClauseSource.id))
    links: dict[str, list[SourceLink]] = defaultdict(list)
    for row in session.execute(stmt):
        if row.risk_point_id is not None:
            link = SourceLink(row.id, row.row, "risk_point", row.risk_point_id, row.name, row.level)
        else:
            link = SourceLink(row.id, row.row, "check_item", row.check_item_id, row.content, None)
        links[row.clause_key].append(link)
    return links


def sources_of(session: Session, clause: Clause) -> list[SourceLink]:
    return _source_rows(session, clause.version.project).get(clause.key, [])


@dataclass(frozen=True)
class Usage:
    """Where a practice is used: "《标准》 4.2" (the newest version holding the clause)."""

    project_id: int
    project_title: str
    version_id: int
    clause_key: str
    number: str
    title: str
    row: int | None


def clauses_using(session: Session, practice: RiskPoint | CheckItem, actor: User | None = None) -> list[Usage]:
    """The clauses that generalise ``practice``, for its page ("used in standard X, clause 4.2").

    Each is numbered in the newest version of its project that still holds it. Given an
    ``actor``, projects they may not see are left out (a draft is the panel's business).
    """
    column = ClauseSource.risk_point_id if isinstance(practice, RiskPoint) else ClauseSource.check_item_id
    stmt = (select(ClauseSource.project_id, ClauseSource.clause_key, ClauseSource.row, StandardProject.title)
            .join(StandardProject, StandardProject.id == ClauseSource.project_id)
            .where(column == practice.id).order_by(ClauseSource.project_id, ClauseSource.row))
    if actor is not None:
        stmt = stmt.where(visible_projects(actor))
    links = session.execute(stmt).all()
    if not links:
        return []
    holders = session.execute(
        select(Clause.key, StandardVersion.project_id, StandardVersion.id, StandardVersion.number)
        .join(StandardVersion, StandardVersion.id == Clause.version_id)
        .where(StandardVersion.project_id.in_({link.project_id for link in links}),
               Clause.key.in_({link.clause_key for link in links}))).all()
    newest: dict[tuple[int, str], tuple[int, int]] = {}
    for key, project_id, version_id, number in holders:
        if (project_id, key) not in newest or number > newest[(project_id, key)][1]:
            newest[(project_id, key)] = (version_id, number)
    numbered: dict[int, dict[str, tuple[str, str]]] = {}
    usages = []
    for link in links:
        found = newest.get((link.project_id, link.clause_key))
        if found is None:
            continue  # the clause was deleted from every version
        version_id = found[0]
        if version_id not in numbered:
            version_clauses = session.scalars(select(Clause).where(Clause.version_id == version_id)).all()
            numbered[version_id] = {n.clause.key: (n.number, n.clause.title)  # type: ignore[attr-defined]
                                    for n in number_tree(version_clauses)}
        number, title = numbered[version_id].get(link.clause_key, ("", ""))
        usages.append(Usage(link.project_id, link.title, version_id, link.clause_key, number, title, link.row))
    return usages


audit.name_things(actions={"clause.link": "关联做法", "clause.unlink": "取消关联做法"})


def _used_in_a_standard(session: Session, practice: RiskPoint | CheckItem) -> str | None:
    """How a standard refers to ``practice`` (for ``benchmarks.practices.refuse_if_referred``)."""
    usages = clauses_using(session, practice)
    if not usages:
        return None
    first = usages[0]
    more = f"等 {len(usages)} 处" if len(usages) > 1 else ""
    return f"已被标准《{first.project_title}》{first.number}{more}引用"


REFERRERS.append(_used_in_a_standard)
