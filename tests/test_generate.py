"""The first draft generated from the benchmark enterprises' practices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.check_items import delete_check_item
from benchmarks.grading import Method
from benchmarks.practices import delete_risk_point
from core.errors import Conflict, PermissionDenied
from core.markup import render_markdown
from standards.drafting import ClauseInput, add_clause, clauses_using, outline
from standards.generate import generate_draft
from standards.models import AnnexType, ClauseKind, ClauseSource
from standards.numbering import number_tree
from standards.versions import clauses_of, working_draft
from tests.factories import World, make_enterprise, make_project, trail
from tests.standards_objects import make_check_item, make_risk_point

K = ClauseKind


@pytest.fixture
def project(session: Session, world: World):
    return make_project(session, world)


@pytest.fixture
def practices(session: Session, world: World):
    ent = world.ent_zd
    points = [make_risk_point(session, ent, "液氯储罐区", inputs={"L": "4", "S": "5"}),  # R=20 重大
              make_risk_point(session, ent, "氯化反应釜", Method.LEC, {"L": "3", "E": "6", "C": "15"}),  # D=270 较大
              make_risk_point(session, ent, "中控室", inputs={"L": "1", "S": "2"})]  # R=2 低
    items = [make_check_item(session, ent, "储罐液位计是否完好", points[0]),
             make_check_item(session, ent, "反应釜温度联锁是否投用", points[1])]
    other = make_enterprise(session, "370303", name="别处化工有限公司")
    make_risk_point(session, other, "不属于本项目的风险点")
    return points, items


def _generate(session: Session, world: World, project):
    draft = working_draft(session, project)
    return draft, generate_draft(session, world.zhangdian, project, draft)


def test_the_outline_follows_db37_2882(session: Session, world: World, project, practices) -> None:
    draft, done = _generate(session, world, project)
    tree = number_tree(clauses_of(session, draft))
    top = [(n.number, n.clause.title) for n in tree if n.depth == 0]
    assert top == [("1", "范围"), ("2", "规范性引用文件"), ("3", "术语和定义"), ("4", "基本要求"),
                   ("5", "工作程序和内容"), ("6", "文件管理"), ("7", "分级管控的效果"), ("8", "持续改进"),
                   ("附录A", "风险分级管控清单"), ("附录B", "隐患排查清单"), ("附录C", "风险评价方法")]
    by_number = {n.number: n.clause for n in tree}
    assert [by_number[f"5.{i}"].title for i in range(1, 6)] == ["风险点确定", "危险源辨识", "风险评价", "风险控制措施",
                                                               "风险分级管控"]
    assert by_number["3.1"].kind == K.TERM and by_number["3.1"].title == "风险"
    assert by_number["3.1"].body == "生产安全事故或健康损害事件发生的可能性和严重性的组合。"
    assert by_number["3.2"].title == "危险源" and "根源、状态或行为" in by_number["3.2"].body
    assert any("GB/T 23694—2013" in c.body for c in clauses_of(session, draft))
    assert all(by_number[a].annex_type == AnnexType.INFORMATIVE for a in ("附录A", "附录B", "附录C"))
    assert "前言" not in {c.title for c in clauses_of(session, draft)}, "the 前言 is written at publication"
    assert done.clauses == len(tree)


def test_requirements_carry_points_that_add_up_to_100(session: Session, world: World, project, practices) -> None:
    draft, done = _generate(session, world, project)
    requirements = [c for c in clauses_of(session, draft) if c.is_requirement]
    assert sum(c.points for c in requirements) == Decimal(100) == done.points
    assert all(c.check_method and c.evidence for c in requirements)
    assert any(c.veto for c in requirements)
    assert not [e for e in outline(session, draft) if e.warning], "every generated requirement says 应"


def test_annex_tables_hold_one_row_per_practice_each_traced(session: Session, world: World, project,
                                                           practices) -> None:
    points, items = practices
    draft, done = _generate(session, world, project)
    tree = {n.number: n.clause for n in number_tree(clauses_of(session, draft))}
    risk_table, check_table = tree["表A.1"], tree["表B.1"]
    assert "表A.2" not in tree and "表B.2" not in tree
    html = render_markdown(risk_table.body)
    assert html.count("<tr>") == 1 + len(points), "a header and a row per risk point"
    assert "液氯储罐区" in html and "重大风险（红）" in html and "不属于本项目" not in html
    assert "R=20" in risk_table.body and "D=270" in risk_table.body
    assert render_markdown(check_table.body).count("<tr>") == 1 + len(items)
    sources = session.scalars(select(ClauseSource).where(ClauseSource.project_id == project.id)
                              .order_by(ClauseSource.clause_key, ClauseSource.row)).all()
    risk_rows = [(s.row, s.risk_point_id) for s in sources if s.clause_key == risk_table.key]
    check_rows = [(s.row, s.check_item_id) for s in sources if s.clause_key == check_table.key]
    assert risk_rows == [(1, points[0].id), (2, points[1].id), (3, points[2].id)], "ordered by level, 重大 first"
    assert check_rows == [(1, items[0].id), (2, items[1].id)]
    assert (done.risk_rows, done.check_rows) == (3, 2)
    used = clauses_using(session, points[1])
    assert [(u.number, u.row) for u in used] == [("表A.1", 2)]


def test_the_evaluation_method_of_the_sources_is_named(session: Session, world: World, project, practices) -> None:
    draft, _ = _generate(session, world, project)
    tree = {n.number: n.clause for n in number_tree(clauses_of(session, draft))}
    note = next(c for c in clauses_of(session, draft) if c.kind == K.NOTE and "采用的评价方法" in c.body)
    assert "风险矩阵分析法（LS） 2 个风险点" in note.body and "作业条件危险性分析法（LEC） 1 个风险点" in note.body
    assert [tree["C.1"].title, tree["C.2"].title] == [Method.LS.label, Method.LEC.label]
    assert "| R ≥ 20 | 重大风险 | 红 |" in tree["表C.3"].body


def test_a_long_register_is_cut_into_tables_of_100_rows(session: Session, world: World, project) -> None:
    for n in range(130):
        make_risk_point(session, world.ent_zd, f"风险点{n:03d}")
    draft, done = _generate(session, world, project)
    tree = {n.number: n.clause for n in number_tree(clauses_of(session, draft))}
    assert tree["表A.1"].title.endswith("（1/2）") and tree["表A.2"].title.endswith("（2/2）")
    rows = session.scalars(select(ClauseSource.row).where(ClauseSource.clause_key == tree["表A.2"].key)).all()
    assert sorted(rows) == list(range(1, 31)) and done.risk_rows == 130


def test_without_practices_the_annexes_say_so(session: Session, world: World, project) -> None:
    draft, done = _generate(session, world, project)
    texts = [c.body for c in clauses_of(session, draft)]
    assert "标杆企业尚未录入风险点，生成初稿后可补充。" in texts and done.risk_rows == 0


def test_generating_is_refused_on_a_draft_with_text_and_for_non_editors(session: Session, world: World,
                                                                        project) -> None:
    draft = working_draft(session, project)
    with pytest.raises(PermissionDenied):
        generate_draft(session, world.sheng, project, draft)
    add_clause(session, world.zhangdian, draft, K.CHAPTER, None, ClauseInput(title="范围"))
    with pytest.raises(Conflict, match="已有条文"):
        generate_draft(session, world.zhangdian, project, draft)


def test_generating_writes_one_event_under_the_project(session: Session, world: World, project, practices) -> None:
    before = len(trail(session, project))
    _generate(session, world, project)
    events = trail(session, project)[before:]
    assert [e.action for e in events] == ["standard.generate"]
    assert "张店甲化工有限公司" in events[0].summary and events[0].details["risk_rows"] == 3


def test_a_practice_a_standard_refers_to_cannot_be_deleted(session: Session, world: World, project,
                                                          practices) -> None:
    _generate(session, world, project)
    (point, *_), (item, *_) = practices
    with pytest.raises(Conflict, match=f"已被标准《{project.title}》.*引用，不能删除"):
        delete_risk_point(session, world.zhangdian, point, point.lock_version)
    with pytest.raises(Conflict, match="引用，不能删除"):
        delete_check_item(session, world.zhangdian, item, item.lock_version)
    assert session.get(type(point), point.id) is not None
    assert session.scalars(select(ClauseSource).where(ClauseSource.risk_point_id == point.id)).first() is not None


def test_a_risk_points_page_names_the_clauses_that_use_it(client, login, session: Session, world: World, project,
                                                          practices) -> None:
    _generate(session, world, project)
    session.commit()
    point = practices[0][0]
    login(world.zhangdian)
    html = client.get(f"/practices/risk-points/{point.id}").get_data(as_text=True)
    assert 'data-testid="used-in-standards"' in html and f"《{project.title}》表A." in html
    login(world.ent_user)  # the enterprise's own user sees its point, but not the province's draft
    assert "used-in-standards" not in client.get(f"/practices/risk-points/{point.id}").get_data(as_text=True)
