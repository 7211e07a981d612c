"""Records the standards tests share: practices of a source enterprise, and the projects the
authorisation table and the hostile-input sweep point their URLs at."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from benchmarks.grading import SHANDONG_BANDS, ControlLevel, Method, control_levels, evaluate, grade
from benchmarks.models import (
    CheckCategory,
    CheckFrequency,
    CheckItem,
    ControlMeasure,
    MeasureKind,
    NominationState,
    RiskPoint,
    RiskPointKind,
)
from core.enterprises import Enterprise
from standards.drafting import ClauseInput, add_clause, link_practice
from standards.models import AnnexType, Clause, ClauseKind, ClauseSource, StandardProject
from standards.projects import ProjectInput, raise_project
from standards.versions import working_draft
from tests.factories import World, make_enterprise, make_expert

K = ClauseKind


def make_risk_point(session: Session, enterprise: Enterprise, name: str, method: Method = Method.LS,
                    inputs: dict[str, str] | None = None, location: str = "罐区") -> RiskPoint:
    """A risk point graded the way the practices service grades it (Shandong default bands)."""
    raw = inputs or ({"L": "3", "S": "4"} if method == Method.LS else {"L": "3", "E": "6", "C": "7"})
    values, result = evaluate(method, raw)
    level = grade(result, SHANDONG_BANDS[method])
    point = RiskPoint(enterprise_id=enterprise.id, name=name, kind=RiskPointKind.AREA, location=location,
                      hazards="储罐泄漏遇点火源", accident_types=["火灾", "容器爆炸"], method=method,
                      inputs={k: str(v) for k, v in values.items()}, result=result, level=int(level),
                      control_levels=[c.value for c in control_levels(level)], responsible_unit="储运车间",
                      responsible_person="王工", measures=[
                          ControlMeasure(kind=MeasureKind.ENGINEERING, content="设置可燃气体报警器", position=0),
                          ControlMeasure(kind=MeasureKind.MANAGEMENT, content="执行动火作业票证制度", position=1)])
    session.add(point)
    session.flush()
    return point


def make_check_item(session: Session, enterprise: Enterprise, content: str, point: RiskPoint | None = None
                    ) -> CheckItem:
    item = CheckItem(enterprise_id=enterprise.id, content=content, basis="GB 50160 第6.2条",
                     frequency=CheckFrequency.DAY, category=CheckCategory.SITE, check_level=ControlLevel.TEAM,
                     risk_point_id=point.id if point else None)
    session.add(item)
    session.flush()
    return item


@dataclass
class StandardObjects:
    """A project whose panel leaves out the world's expert, with a small text; and an empty one."""

    project: StandardProject
    empty: StandardProject  # its working draft has no clause yet: the generator's page
    version_id: int  # the project's working draft
    chapter: Clause
    requirement: Clause  # 1.1, under the chapter, an assessable requirement
    table: Clause  # in the annex, its row 1 traced to the risk point
    risk_point: RiskPoint
    check_item: CheckItem
    link_id: int  # the requirement's link to the check item


def standard_objects(session: Session, world: World) -> StandardObjects:
    source = make_enterprise(session, "370303", name="张店己化工有限公司")
    nomination = world.nomination(session, NominationState.SELECTED, source)
    panel = [make_expert(session, f"t_panel{n}") for n in range(1, 4)]
    data = ProjectInput(title="化工企业风险分级管控细则", industry_code="CHEM", source_ids=[nomination.id],
                        editor_ids=[world.zhangdian.id], expert_ids=[u.id for u in panel])
    project = raise_project(session, world.sheng, data)
    empty = raise_project(session, world.sheng, ProjectInput(**{**vars(data), "title": "化工企业隐患排查治理细则"}))
    point = make_risk_point(session, source, "液氯储罐区")
    check = make_check_item(session, source, "检查储罐液位计是否完好", point)
    draft = working_draft(session, project)
    editor = world.zhangdian
    chapter = add_clause(session, editor, draft, K.CHAPTER, None, ClauseInput(title="基本要求"))
    requirement = add_clause(session, editor, draft, K.CLAUSE, chapter, ClauseInput(
        title="组织机构", body="企业应成立风险分级管控工作机构。", is_requirement=True, points="10",
        check_method="查阅文件", evidence="成立文件"))
    add_clause(session, editor, draft, K.CLAUSE, chapter, ClauseInput(title="全员培训", body="企业宜开展培训。"))
    annex = add_clause(session, editor, draft, K.ANNEX, None, ClauseInput(title="风险分级管控清单",
                                                                          annex_type=AnnexType.INFORMATIVE))
    table = add_clause(session, editor, draft, K.TABLE, annex, ClauseInput(
        title="风险分级管控清单", body="| 序号 | 风险点 |\n|---|---|\n| 1 | 液氯储罐区 |"))
    session.add(ClauseSource(project_id=project.id, clause_key=table.key, row=1, risk_point_id=point.id))
    link = link_practice(session, editor, requirement, check_item_id=check.id)
    return StandardObjects(project, empty, draft.id, chapter, requirement, table, point, check, link.id)


@dataclass(frozen=True)
class StandardIds:
    """The ids the authorisation table's standards URLs use (zeros: a dummy for reading its methods)."""

    project: int = 0
    empty: int = 0
    version: int = 0
    chapter: int = 0
    requirement: int = 0
    link: int = 0
    nomination: int = 0  # a selected benchmark of 化工, for the 立项 form
    editor: int = 0


NO_STANDARDS = StandardIds()


def standard_ids(session: Session, world: World) -> StandardIds:
    made = standard_objects(session, world)
    return StandardIds(made.project.id, made.empty.id, made.version_id, made.chapter.id, made.requirement.id,
                       made.link_id, made.project.sources[0].id, world.zhangdian.id)


def standards_fill(ids: StandardIds) -> dict[str, dict[str, list[str]]]:
    """What a person fills in the standards forms the hostile-input sweep submits."""
    return {
        "standards.new": {"title": ["探针标准"], "industry_code": ["CHEM"], "source_ids": [str(ids.nomination)],
                          "editor_ids": [str(ids.editor)]},
        "standards.add_clause": {"title": ["探针条款"], "body": ["企业应开展探针检查。"]},
    }
