"""The standards pages over HTTP: the project list and page, raising a project, the stage
steps, the clause editor, and the 409 page of a stale clause edit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from core.db import china_today
from core.people import Role
from standards.drafting import ClauseInput, edit_clause
from standards.models import MemberRole, RoundKind, Stage, StandardProject, StandardVersion
from standards.projects import DEFAULT_PROPOSER, DEFAULT_RESPONSIBLE_BODY
from standards.versions import clauses_of, working_draft
from standards.workflow import open_round
from tests.factories import World, make_user, trail
from tests.standards_objects import StandardObjects, standard_objects


@pytest.fixture
def objs(session: Session, world: World) -> StandardObjects:
    made = standard_objects(session, world)
    session.commit()
    return made


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_list_shows_the_projects_each_may_see_and_exports_them(client: FlaskClient, login, world: World,
                                                                  objs: StandardObjects) -> None:
    login(world.sheng)
    page = client.get("/standards/")
    assert page.status_code == 200 and objs.project.title in page.get_data(as_text=True)
    assert "标准制定" in page.get_data(as_text=True) and "标准立项" in page.get_data(as_text=True)
    export = client.get("/standards/export.xlsx?sort=title")
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    login(world.expert)
    listed = client.get("/standards/").get_data(as_text=True)
    assert objs.project.title not in listed, "an expert outside the panel does not see the project"
    assert client.get(f"/standards/{objs.project.id}").status_code == 404
    assert client.get(f"/standards/{objs.project.id}/text").status_code == 404


def test_the_province_raises_a_project_with_the_default_bodies(client: FlaskClient, login, session: Session,
                                                              world: World, objs: StandardObjects) -> None:
    login(world.sheng)
    form = client.get("/standards/new").get_data(as_text=True)
    assert f'value="{DEFAULT_PROPOSER}"' in form and f'value="{DEFAULT_RESPONSIBLE_BODY}"' in form
    nomination = objs.project.sources[0]
    response = client.post("/standards/new", data={
        "title": "化工企业安全风险分级管控实施指南", "industry_code": "CHEM", "source_ids": [str(nomination.id)],
        "proposer": DEFAULT_PROPOSER, "responsible_body": DEFAULT_RESPONSIBLE_BODY,
        "editor_ids": [str(world.zhangdian.id)], "expert_ids": [str(world.expert.id)]})
    assert response.status_code == 302
    project = session.get(StandardProject, int(response.location.rsplit("/", 1)[1]))
    assert project.proposer == DEFAULT_PROPOSER and project.drafting_units == nomination.enterprise.name
    assert project.member_ids(MemberRole.EXPERT) == {world.expert.id}
    refused = client.post("/standards/new", data={"title": "指南", "industry_code": "CHEM",
                                                  "editor_ids": [str(world.zhangdian.id)]})
    assert refused.status_code == 422 and "请选择本行业已确定为省级标杆的企业" in refused.get_data(as_text=True)


def test_the_project_page_shows_facts_sources_members_versions_and_history(
        client: FlaskClient, login, world: World, objs: StandardObjects) -> None:
    login(world.zhangdian)
    page = client.get(f"/standards/{objs.project.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in ("山东省应急管理厅", "山东省安全生产标准化技术委员会", "张店己化工有限公司", "专家t_panel1", "第 1 版",
                  "起草中（草案）", "发布征求意见稿", "征求意见与审查", "操作记录", "标准立项"):
        assert shown in html, shown
    deadline = china_today() + dt.timedelta(days=30)
    assert f'value="{deadline.isoformat()}"' in html, "the deadline defaults to 30 days"
    assert "提交送审稿" not in html, "only the steps the engine allows are offered"
    login(world.sheng)
    assert 'data-testid="action-open_consultation"' not in client.get(f"/standards/{objs.project.id}").get_data(
        as_text=True), "the province steers the project; its editors take the steps"


def test_an_editor_opens_the_consultation_and_the_draft_is_frozen(client: FlaskClient, login, session: Session,
                                                                 world: World, objs: StandardObjects) -> None:
    invited = make_user(session, "t_invited", Role.BUREAU, region="370300")
    session.commit()
    login(world.zhangdian)
    deadline = china_today() + dt.timedelta(days=20)
    response = client.post(f"/standards/{objs.project.id}/actions/open_consultation", data={
        "lock_version": str(objs.project.lock_version), "deadline": deadline.isoformat(),
        "commenter_ids": [str(invited.id)]})
    assert response.status_code == 303
    session.expire_all()
    project = session.get(StandardProject, objs.project.id)
    assert project.stage == Stage.CONSULTATION
    consultation = open_round(session, project, RoundKind.CONSULTATION)
    assert consultation.deadline == deadline and invited in consultation.participants
    assert session.get(StandardVersion, objs.version_id).frozen_at is not None
    frozen_page = client.get(f"/standards/{project.id}/versions/{objs.version_id}").get_data(as_text=True)
    assert "组织机构" in frozen_page and 'data-testid="inline-edit"' not in frozen_page
    refused = client.post(f"/standards/{project.id}/clauses/{objs.requirement.id}", data={
        "lock_version": str(objs.requirement.lock_version), "title": "改", "body": "企业应……"})
    assert refused.status_code == 409 and "已定稿" in text(refused)


def test_a_past_deadline_is_refused_with_its_message(client: FlaskClient, login, session: Session, world: World,
                                                     objs: StandardObjects) -> None:
    login(world.zhangdian)
    page = f"/standards/{objs.project.id}"
    response = client.post(f"{page}/actions/open_consultation", headers={"Referer": f"http://localhost{page}"},
                           data={"lock_version": str(objs.project.lock_version), "deadline": "2001-01-01"})
    assert response.status_code == 303
    assert "征求意见截止日期应晚于今天" in text(client.get(page))
    session.expire_all()
    assert session.get(StandardProject, objs.project.id).stage == Stage.DRAFTING


def test_the_editor_page_shows_the_tree_with_numbers_obligations_and_links(
        client: FlaskClient, login, world: World, objs: StandardObjects) -> None:
    login(world.zhangdian)
    html = client.get(f"/standards/{objs.project.id}/text").get_data(as_text=True)
    assert re.findall(r'data-number="([^"]*)"', html) == ["1", "1.1", "1.2", "附录A", "表A.1"]
    assert "评估要求 · 10.0 分" in html and ">要求<" in html and ">推荐<" in html
    assert "表中 1 行可追溯至标杆企业的做法" in html and "第 1 行 → 风险点" in html and "液氯储罐区" in html
    assert html.count('data-testid="inline-edit"') == 5
    assert f'/clauses/{objs.chapter.id}/move/down"' in html and f'/clauses/{objs.chapter.id}/move/up"' not in html
    login(world.sheng)
    read_only = client.get(f"/standards/{objs.project.id}/text").get_data(as_text=True)
    assert "组织机构" in read_only and 'data-testid="inline-edit"' not in read_only and "/move/" not in read_only


def test_an_inline_edit_saves_and_a_move_renumbers(client: FlaskClient, login, session: Session, world: World,
                                                   objs: StandardObjects) -> None:
    login(world.zhangdian)
    clause = objs.requirement
    response = client.post(f"/standards/{objs.project.id}/clauses/{clause.id}", data={
        "lock_version": str(clause.lock_version), "title": "组织机构", "body": "企业应成立领导小组。",
        "is_requirement": "y", "points": "12.5", "check_method": "查阅文件", "evidence": "成立文件"})
    assert response.status_code == 302 and response.location.endswith(f"#c-{clause.id}")
    session.expire_all()
    clause = session.get(type(clause), clause.id)
    assert clause.body == "企业应成立领导小组。" and str(clause.points) == "12.5"
    second = next(c for c in clauses_of(session, clause.version) if c.title == "全员培训")
    moved = client.post(f"/standards/{objs.project.id}/clauses/{second.id}/move/up",
                        data={"lock_version": str(second.lock_version)})
    assert moved.status_code == 303
    html = client.get(f"/standards/{objs.project.id}/text").get_data(as_text=True)
    assert html.index("全员培训") < html.index("组织机构")


def test_a_stale_save_gets_a_409_page_with_both_texts_and_the_differences(
        client: FlaskClient, login, session: Session, world: World, objs: StandardObjects) -> None:
    clause = objs.requirement
    seen = clause.lock_version
    edit_clause(session, world.zhangdian, clause, ClauseInput(
        title="组织机构", body="企业应成立风险分级管控领导小组。", is_requirement=True, points="10"), seen)
    session.commit()
    login(world.zhangdian)
    mine = "企业应成立风险分级管控工作机构，明确职责。"
    response = client.post(f"/standards/{objs.project.id}/clauses/{clause.id}", data={
        "lock_version": str(seen), "title": "组织机构", "body": mine, "is_requirement": "y", "points": "10"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已被他人修改" in html
    assert "企业应成立风险分级管控领导小组。" in html, "the saved text is shown"
    assert re.search(f">\\s*{mine}</textarea>", html), "the user's text is kept in the form"
    diff = re.search(r'data-testid="diff">(.*?)</div>', html, re.S).group(1)
    assert "<del>领导小组</del>" in diff and "<ins>工作机构，明确职责</ins>" in diff
    assert f'name="lock_version" type="hidden" value="{clause.lock_version}"' in html, "ready to apply theirs"
    session.expire_all()
    assert session.get(type(clause), clause.id).body == "企业应成立风险分级管控领导小组。", "nothing was overwritten"
    again = client.post(f"/standards/{objs.project.id}/clauses/{clause.id}", data={
        "lock_version": str(clause.lock_version), "title": "组织机构", "body": mine, "is_requirement": "y",
        "points": "10"})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(type(clause), clause.id).body == mine


def test_a_refused_new_clause_keeps_what_was_typed(client: FlaskClient, login, world: World,
                                                   objs: StandardObjects) -> None:
    login(world.zhangdian)
    url = f"/standards/{objs.project.id}/clauses/new?parent={objs.chapter.id}"
    form = client.get(url).get_data(as_text=True)
    assert 'value="clause" selected' in form or 'selected value="clause"' in form
    response = client.post(url, data={"kind": "clause", "title": "应急管理", "body": "企业应编制预案。",
                                      "is_requirement": "y", "points": "2.55"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "最多保留一位小数" in html and "企业应编制预案。" in html
    added = client.post(url, data={"kind": "clause", "title": "应急管理", "body": "企业应编制预案。"})
    assert added.status_code == 302
    assert "1.3" in re.findall(r'data-number="([^"]*)"', client.get(f"/standards/{objs.project.id}/text")
                               .get_data(as_text=True))


def test_deleting_asks_first_and_lists_what_goes(client: FlaskClient, login, session: Session, world: World,
                                                 objs: StandardObjects) -> None:
    login(world.zhangdian)
    url = f"/standards/{objs.project.id}/clauses/{objs.chapter.id}/delete"
    confirm = client.get(url).get_data(as_text=True)
    assert "以下 3 个条款将被删除" in confirm and "全员培训" in confirm
    done = client.post(url, data={"lock_version": str(objs.chapter.lock_version)})
    assert done.status_code == 302
    left = [c.title for c in clauses_of(session, working_draft(session, objs.project))]
    assert left == ["风险分级管控清单", "风险分级管控清单"]
    assert trail(session, objs.project)[-1].action == "clause.delete"


def test_generating_from_the_page_then_again_is_refused(client: FlaskClient, login, session: Session, world: World,
                                                        objs: StandardObjects) -> None:
    login(world.zhangdian)
    page = f"/standards/{objs.empty.id}/text"
    assert "由标杆企业做法生成初稿" in client.get(page).get_data(as_text=True)
    done = client.post(f"/standards/{objs.empty.id}/generate", headers={"Referer": f"http://localhost{page}"})
    assert done.status_code == 303
    html = client.get(page).get_data(as_text=True)
    assert "已由标杆企业的做法生成初稿" in html and "风险分级管控清单" in html and "液氯储罐区" in html
    again = client.post(f"/standards/{objs.empty.id}/generate", headers={"Referer": f"http://localhost{page}"})
    assert again.status_code == 303 and "已有条文" in text(client.get(page))


def test_links_to_practices_from_the_clause_page(client: FlaskClient, login, session: Session, world: World,
                                                 objs: StandardObjects) -> None:
    login(world.zhangdian)
    page = f"/standards/{objs.project.id}/clauses/{objs.chapter.id}"
    html = client.get(page).get_data(as_text=True)
    assert f'value="rp:{objs.risk_point.id}"' in html and f'value="ci:{objs.check_item.id}"' in html
    linked = client.post(f"{page}/sources", data={"practice": f"rp:{objs.risk_point.id}"})
    assert linked.status_code == 303 and "液氯储罐区" in client.get(page).get_data(as_text=True)
    unlinked = client.post(f"/standards/{objs.project.id}/clauses/{objs.requirement.id}/sources/{objs.link_id}/delete")
    assert unlinked.status_code == 303
    assert [e.action for e in trail(session, objs.project)[-2:]] == ["clause.link", "clause.unlink"]


def test_an_editors_workbench_lists_the_standards_they_write(client: FlaskClient, login, world: World,
                                                             objs: StandardObjects) -> None:
    login(world.zhangdian)
    html = client.get("/").get_data(as_text=True)
    assert "我编写的标准" in html and objs.project.title in html and objs.empty.title in html
    login(world.sheng)
    assert "我编写的标准" not in client.get("/").get_data(as_text=True)
