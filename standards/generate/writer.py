"""Writing the draft: the outline inserted level by level (one flush per level), the table rows
traced in ``clause_sources`` in one insert, and one audit event saying what was made."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from benchmarks.grading import Method
from benchmarks.models import CheckItem, RiskPoint
from core import audit
from core.errors import Conflict
from core.people import User
from standards.drafting import check_editable
from standards.generate.chapters import outline
from standards.generate.nodes import Generated, Node
from standards.generate.practices import _names, bands_for, load_practices
from standards.generate.tables import _plain
from standards.models import Clause, ClauseSource, StandardProject, StandardVersion

NOT_EMPTY = "工作稿中已有条文，不能再由做法生成初稿。如需重新生成，请先删除全部条文。"


def generate_draft(session: Session, actor: User, project: StandardProject, version: StandardVersion) -> Generated:
    """Fill the empty working draft from the source enterprises' practices."""
    check_editable(actor, version)
    if session.scalar(select(Clause.id).where(Clause.version_id == version.id).limit(1)) is not None:
        raise Conflict(NOT_EMPTY)
    practices = load_practices(session, project)
    bands = {m: bands_for(session, project.industry_code, m) for m in Method}
    roots = outline(project, practices, bands)
    traced: list[dict[str, object]] = []
    made = 0
    level: list[tuple[Node, int | None]] = [(n, None) for n in roots]
    while level:
        clauses = []
        positions: Counter[int | None] = Counter()
        for item, parent_id in level:
            position = positions[parent_id]
            positions[parent_id] += 1
            clauses.append(Clause(version_id=version.id, parent_id=parent_id, position=position, kind=item.kind,
                                  title=item.title, body=item.body, annex_type=item.annex_type,
                                  is_requirement=item.points is not None, points=item.points, veto=item.veto,
                                  waivable=not item.veto,
                                  check_method=item.check_method, evidence=item.evidence))
        session.add_all(clauses)
        session.flush()
        made += len(clauses)
        following: list[tuple[Node, int | None]] = []
        for (item, _parent), clause in zip(level, clauses, strict=True):
            for n, practice in enumerate(item.rows, start=1):
                traced.append({"project_id": project.id, "clause_key": clause.key, "row": n,
                               "risk_point_id": practice.id if isinstance(practice, RiskPoint) else None,
                               "check_item_id": practice.id if isinstance(practice, CheckItem) else None})
            following += [(child, clause.id) for child in item.children]
        level = following
    if traced:
        session.execute(insert(ClauseSource), traced)
    session.expire(version, ["clauses"])
    requirements = [n for n in _walk(roots) if n.points is not None]
    result = Generated(made, len(requirements), sum((n.points or Decimal(0) for n in requirements), Decimal(0)),
                       sum(1 for t in traced if t["risk_point_id"]), sum(1 for t in traced if t["check_item_id"]))
    audit.record(session, actor, "standard.generate", version,
                 f"《{project.title}》由标杆企业（{_names(practices)}）的做法生成初稿：{result.clauses} 个条款，"
                 f"{result.requirements} 项评估要求共 {_plain(result.points)} 分，"
                 f"附录表格收录风险点 {result.risk_rows} 个、隐患排查项 {result.check_rows} 项",
                 data={"clauses": result.clauses, "requirements": result.requirements, "points": str(result.points),
                       "risk_rows": result.risk_rows, "check_rows": result.check_rows,
                       "sources": [e.id for e in practices.enterprises]})
    return result


def _walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for n in nodes:
        yield n
        yield from _walk(n.children)


audit.name_things(actions={"standard.generate": "由做法生成初稿"})
