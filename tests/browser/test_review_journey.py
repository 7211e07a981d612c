"""A standard's 征求意见稿 through consultation and the review meeting to 报批稿, in the browser.

The project is set up through the services on the live server's own database (raised by
the province from the demo's selected benchmark, its text written, out for consultation),
with accounts of its own: an editor and a panel of four experts. Then each person works
in their own browser: an expert comments on clause 4.1 from the 工作台, the editor
disposes of it and closes the round, submits the 送审稿 from the project page, the four
experts vote (3 of 4 in favour — exactly three quarters), the editor concludes, and the
project stands at 报批. The comment table and the minutes download and read back.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from benchmarks.models import Nomination, NominationState
from core.accounts import UserInput, create_user
from core.people import Role, User
from core.workflow import transition
from standards.projects import ProjectInput, raise_project
from standards.workflow import StageAction
from tests.browser.conftest import LiveServer
from tests.browser.pages import NewPage, alert
from tests.review_helpers import write_text

pytestmark = pytest.mark.browser

TITLE = "化工企业双重预防机制建设规范（评审流程）"
EDITOR = "rv_editor"
EXPERTS = ("rv_expert1", "rv_expert2", "rv_expert3", "rv_expert4")
VOTES = (("同意", ""), ("同意", "结构清晰，同意报批。"), ("修改后同意", "表A.1 宜补充罐区的管控层级。"),
         ("不同意", "附录A的清单不完整，建议补充后再审。"))


@pytest.fixture(scope="module")
def project_id(live_server: LiveServer) -> int:
    """The project, out for consultation, with its own editor and panel (committed)."""
    session = live_server.app.extensions["db"].open()
    try:
        province = session.scalars(select(User).where(User.username == "sheng")).one()
        source = session.scalars(select(Nomination).where(
            Nomination.state == NominationState.SELECTED, Nomination.industry_code == "CHEM")).first()
        assert source is not None, "the demo has a selected chemical benchmark"
        editor = create_user(session, None, UserInput(EDITOR, "王编写", {Role.BUREAU}, region_code="370000"),
                             DEMO_PASSWORD)
        names = ("钱立人", "孔德明", "曹建国", "严秀英")
        panel = [create_user(session, None, UserInput(u, n, {Role.EXPERT}), DEMO_PASSWORD)
                 for u, n in zip(EXPERTS, names, strict=True)]
        project = raise_project(session, province, ProjectInput(
            title=TITLE, industry_code="CHEM", source_ids=[source.id], editor_ids=[editor.id],
            expert_ids=[u.id for u in panel], drafting_units="山东省化工安全生产技术中心"))
        write_text(session, project)
        transition(session, editor, project, StageAction.OPEN_CONSULTATION, project.lock_version)
        session.commit()
        return project.id
    finally:
        session.close()


def accepting(page: Page) -> Page:
    """Answer the pages' 确定…吗？ confirmations with yes, as the user means to."""
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def expert_comments_on_4_1(page: Page) -> None:
    page.get_by_test_id("panel-review").get_by_test_id("to-comment").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    clause = page.locator('[data-testid="clause"][data-number="4.1"]')
    clause.get_by_text("对 4.1 提意见").click()
    clause.get_by_label("意见类型").select_option(label="技术")
    clause.get_by_label("意见内容").fill("主要负责人的职责应逐项列明。")
    clause.get_by_label("建议修改为").fill("主要负责人是本单位风险分级管控的第一责任人。")
    clause.get_by_role("button", name="提交意见").click()
    expect(alert(page, "已提交意见（4.1）")).to_be_visible()
    expect(page.get_by_test_id("comments")).to_contain_text("主要负责人的职责应逐项列明。")


def editor_disposes_and_closes(page: Page) -> str:
    page.reload()
    page.get_by_test_id("panel-review").get_by_test_id("to-dispose").get_by_role("link").click()
    row = page.get_by_test_id("comment").filter(has_text="主要负责人的职责应逐项列明。")
    row.get_by_label("处理意见").select_option(label="部分采纳")
    row.get_by_label("处理说明").fill("已列明主要职责；细化内容放入附录。")
    row.get_by_role("button", name="保存处理意见").click()
    expect(alert(page, "意见（4.1）已处理：部分采纳")).to_be_visible()
    expect(page.get_by_test_id("count-partly")).to_have_text("1 条")
    expect(page.get_by_test_id("count-undisposed")).to_have_text("0 条")
    round_url = page.url.split("#")[0]
    page.get_by_role("button", name="结束征求意见").click()
    expect(alert(page, "本轮征求意见已结束")).to_be_visible()
    expect(page.get_by_test_id("round-state")).to_have_text("已结束")
    return round_url


def editor_submits_for_review(page: Page) -> None:
    page.get_by_role("navigation", name="位置").get_by_role("link", name=TITLE).click()
    actions = page.get_by_test_id("actions")
    actions.get_by_label(re.compile("地点")).fill("济南市历下区 省应急管理厅 3 楼会议室")
    actions.get_by_role("button", name="提交送审稿").click()
    expect(page.get_by_test_id("rounds").get_by_test_id("round-meeting")).to_contain_text("进行中")


def expert_votes(page: Page, choice: str, opinion: str) -> None:
    page.get_by_test_id("panel-review").get_by_test_id("to-vote").get_by_role("link").click()
    form = page.get_by_test_id("vote-form")
    form.get_by_label(choice, exact=True).check()
    if opinion:
        form.get_by_label("审查意见").fill(opinion)
    form.get_by_role("button", name="提交表决").click()
    expect(alert(page, f"已记录您的表决意见：{choice}")).to_be_visible()


def editor_concludes(page: Page) -> str:
    page.get_by_test_id("rounds").get_by_test_id("round-meeting").get_by_role("link").first.click()
    expect(page.get_by_test_id("tally")).to_contain_text("应到 4 人，实投 4 票，赞成（同意及修改后同意）3 票")
    conclude = page.get_by_test_id("conclude")
    expect(conclude.get_by_test_id("pending-conclusion")).to_contain_text("审查通过，形成报批稿")
    conclude.get_by_label("审查结论").fill("专家组认为该标准结构合理、内容可行，同意通过审查，请按专家意见修改后报批。")
    conclude.get_by_role("button", name="作出审查结论").click()
    expect(alert(page, "审查通过，已形成报批稿。")).to_be_visible()
    expect(page.get_by_test_id("outcome")).to_have_text("通过")
    return page.url


def test_consultation_and_review_to_the_approval_draft(new_page: NewPage, project_id: int) -> None:
    expert_comments_on_4_1(new_page(EXPERTS[0]))

    editor = accepting(new_page(EDITOR))
    round_url = editor_disposes_and_closes(editor)
    editor_submits_for_review(editor)

    for username, (choice, opinion) in zip(EXPERTS, VOTES, strict=True):
        expert_votes(new_page(username), choice, opinion)

    editor.goto(f"/standards/{project_id}")
    meeting_url = editor_concludes(editor)
    editor.goto(f"/standards/{project_id}")
    expect(editor.get_by_role("heading", level=1)).to_contain_text("报批")
    history = editor.get_by_test_id("history")
    for what in ("提出技术意见", "：部分采纳", "征求意见结束", "审查会上表决：不同意", "审查会结论：通过"):
        expect(history.get_by_text(what).first).to_be_visible()

    editor.goto(round_url)
    with editor.expect_download() as table:
        editor.get_by_test_id("download-comment-table").click()
    doc = Document(io.BytesIO(table.value.path().read_bytes()))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[1][:2] == ["1", "4.1"] and rows[1][4] == "部分采纳：已列明主要职责；细化内容放入附录。"
    assert "共收到意见 1 条，其中采纳 0 条，部分采纳 1 条，不采纳 0 条" in "\n".join(p.text for p in doc.paragraphs)

    editor.goto(meeting_url)
    with editor.expect_download() as minutes:
        editor.get_by_test_id("download-minutes").click()
    text = "\n".join(p.text for p in Document(io.BytesIO(minutes.value.path().read_bytes())).paragraphs)
    assert "应到 4 人，实投 4 票，赞成（同意及修改后同意）3 票" in text and "审查结论：通过。" in text
    assert "严秀英：不同意。附录A的清单不完整，建议补充后再审。" in text
