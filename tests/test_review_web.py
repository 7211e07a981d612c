"""The review pages over HTTP: comment, dispose, close, vote, conclude, download — as each person sees them."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from docx import Document
from flask import render_template
from sqlalchemy.orm import Session

from benchmarks.models import NominationState
from core.db import china_today, cn_date
from core.notifications import Notification
from core.people import User
from standards.models import Stage, StandardProject
from tests.factories import World, make_expert
from tests.review_helpers import Ballot, clause_key, comment, consultation, raise_for_review, submit_for_review, vote

A, C, D = "agree", "agree_with_changes", "disagree"


@pytest.fixture
def panel(session: Session, world: World) -> list[User]:
    return [world.expert, *(make_expert(session, f"t_web{n}") for n in range(2, 5))]


@pytest.fixture
def project(session: Session, world: World, panel: list[User]) -> StandardProject:
    source = world.nomination(session, NominationState.SELECTED, world.ent_zd)
    return raise_for_review(session, world.sheng, world.zhangdian, panel, source, commenters=[world.zibo])


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_an_expert_comments_on_a_clause_from_the_round_page(client, login, session, world, project) -> None:
    round_ = consultation(session, project)
    login(world.expert)
    html = _page(client, f"/review/rounds/{round_.id}")
    assert "4.1 职责" in html and "表A.1 风险分级管控清单" in html and "附录A（资料性）" in html
    assert "对 4.1 a) 提意见" in html and "对征求意见稿全文提意见" in html
    key = clause_key(session, project, "职责")
    response = client.post(f"/review/rounds/{round_.id}/comment", data={
        "clause": key, "kind": "technical", "text": "建议写明主要负责人职责。", "proposed_text": "主要负责人……"})
    assert response.status_code == 303 and response.location.endswith(f"#clause-{key}")
    html = _page(client, f"/review/rounds/{round_.id}")
    assert "已提交意见（4.1）" in html and "意见及处理情况" in html and "建议写明主要负责人职责。" in html
    assert "下载意见汇总处理表" in html, "a panel expert may download the table"
    tasks = session.query(Notification).filter_by(user_id=world.zhangdian.id, object_type="comment").all()
    assert [t.title for t in tasks] == [f"《{project.title}》收到新意见（4.1），请处理"]


def test_a_refused_comment_keeps_what_was_typed(client, login, session, world, project) -> None:
    round_ = consultation(session, project)
    login(world.expert)
    response = client.post(f"/review/rounds/{round_.id}/comment", data={
        "clause": "", "kind": "technical", "text": " ", "proposed_text": "保留我的建议"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写意见内容" in html and "保留我的建议" in html


def test_after_the_deadline_the_page_says_so_and_a_comment_is_refused_with_the_date(
        client, login, session, world, project) -> None:
    round_ = consultation(session, project)
    round_.deadline = china_today() - dt.timedelta(days=1)
    session.flush()
    login(world.expert)
    html = _page(client, f"/review/rounds/{round_.id}")
    assert f"本轮征求意见已于{cn_date(round_.deadline)}截止" in html and "提交意见" not in html
    response = client.post(f"/review/rounds/{round_.id}/comment", data={"kind": "general", "text": "迟到的意见"})
    assert response.status_code == 409
    assert f"已于{cn_date(round_.deadline)}截止，不再接收意见" in response.get_data(as_text=True)


def test_the_editor_disposes_with_a_reason_and_closes_the_round(client, login, session, world, project) -> None:
    made = comment(session, world.expert, project)
    round_ = consultation(session, project)
    login(world.zhangdian)
    html = _page(client, f"/review/rounds/{round_.id}")
    assert "尚有 1 条意见未处理" in html and 'data-testid="count-undisposed">1 条' in html
    response = client.post(f"/review/comments/{made.id}/dispose",
                           data={"disposition": "rejected", "disposition_reason": "",
                                 "lock_version": made.lock_version})
    assert response.status_code == 422 and "意见不采纳时须说明理由" in response.get_data(as_text=True)
    response = client.post(f"/review/comments/{made.id}/dispose", data={
        "disposition": "rejected", "disposition_reason": "与 GB 30871 重复。", "lock_version": made.lock_version})
    assert response.status_code == 303 and response.location.endswith(f"#comment-{made.id}")
    html = _page(client, f"/review/rounds/{round_.id}")
    assert 'data-testid="count-rejected">1 条' in html and "与 GB 30871 重复。" in html and "结束征求意见" in html
    response = client.post(f"/review/rounds/{round_.id}/close", data={"lock_version": round_.lock_version})
    assert response.status_code == 303
    assert "本轮征求意见已结束" in _page(client, response.location)
    session.expire_all()
    assert round_.state == "closed"


def test_a_stale_disposition_shows_what_was_saved_meanwhile(client, login, session, world, project) -> None:
    made = comment(session, world.expert, project)
    seen = made.lock_version
    login(world.zhangdian)
    client.post(f"/review/comments/{made.id}/dispose", data={"disposition": "accepted", "lock_version": seen})
    response = client.post(f"/review/comments/{made.id}/dispose", data={
        "disposition": "partly", "disposition_reason": "只采纳前半句。", "lock_version": seen})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "该意见已被他人处理（当前：采纳）" in html
    assert "他人已保存的内容" in html and "只采纳前半句。" in html
    session.expire_all()
    assert made.lock_version == seen + 1
    assert f'value="{made.lock_version}"' in html, "the form now carries the current version"


def test_closing_with_an_undisposed_comment_is_refused_on_the_page(client, login, session, world, project) -> None:
    comment(session, world.expert, project)
    round_ = consultation(session, project)
    login(world.zhangdian)
    page = f"/review/rounds/{round_.id}"
    response = client.post(f"{page}/close", data={"lock_version": round_.lock_version},
                           headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 303 and response.location.endswith(page)
    assert "尚有 1 条意见未处理，不能结束本轮征求意见" in _page(client, page)


def test_an_invited_commenter_sees_only_their_own_comments_and_no_table(client, login, session, world, project) -> None:
    comment(session, world.expert, project, text="专家的意见")
    comment(session, world.zibo, project, None, "市局的意见", kind="general")
    round_ = consultation(session, project)
    login(world.zibo)
    html = _page(client, f"/review/rounds/{round_.id}")
    assert "市局的意见" in html and "专家的意见" not in html and "下载意见汇总处理表" not in html
    assert client.get(f"/review/rounds/{round_.id}/comments.docx").status_code == 403


def test_the_comment_table_downloads_as_docx(client, login, session, world, project) -> None:
    made = comment(session, world.expert, project, "培训", "频次宜为每年两次。")
    round_ = consultation(session, project)
    login(world.sheng)
    response = client.get(f"/review/rounds/{round_.id}/comments.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "意见汇总处理表" in unquote(response.headers["Content-Disposition"])
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(response.data)).tables[0].rows]
    assert rows[1][:3] == ["1", "4.2", "频次宜为每年两次。"] and rows[1][4] == "（尚未处理）"
    assert made.clause_number == "4.2"


# --- the review meeting ----------------------------------------------------------------------


def test_experts_vote_and_the_editor_concludes_with_the_tally_shown(client, login, session, world, project,
                                                                     panel) -> None:
    meeting = submit_for_review(session, world.zhangdian, project, place="济南市")
    login(world.expert)
    url = f"/review/rounds/{meeting.id}"
    assert "我的表决" in _page(client, url)
    response = client.post(f"{url}/vote", data={"choice": D, "opinion": ""})
    assert response.status_code == 422 and "表决“不同意”时须填写审查意见" in response.get_data(as_text=True)
    response = client.post(f"{url}/vote", data={"choice": C, "opinion": "表A.1 补充罐区。"})
    assert response.status_code == 303
    html = _page(client, url)
    assert "已记录您的表决意见：修改后同意" in html and "修改我的表决" in html
    vote(session, project, [Ballot(e, A) for e in panel[1:3]])

    login(world.zhangdian)
    html = _page(client, url)
    assert "应到 4 人，实投 3 票" in html and f"尚未表决：{panel[3].display_name}" in html
    assert "尚有 1 位评审专家未表决" in html and "作出审查结论</button>" not in html
    vote(session, project, [Ballot(panel[3], D, "不同意。")])
    html = _page(client, url)
    assert "按表决结果：<strong>审查通过，形成报批稿</strong>" in html
    response = client.post(f"{url}/conclude",
                           data={"conclusion": "同意通过审查。", "lock_version": project.lock_version})
    assert response.status_code == 303
    html = _page(client, response.location)
    session.expire_all()
    assert "审查通过，已形成报批稿。" in html and "审查结论：通过" in html and project.stage == Stage.APPROVAL


@pytest.mark.parametrize(("choices", "stage"), [([A, A, C, D], Stage.APPROVAL), ([A, C, D, D], Stage.DRAFTING)])
def test_the_three_quarters_rule_over_http(client, login, session, world, project, panel, choices, stage) -> None:
    meeting = submit_for_review(session, world.zhangdian, project)
    for expert, choice in zip(panel, choices, strict=True):
        login(expert)
        assert client.post(f"/review/rounds/{meeting.id}/vote",
                           data={"choice": choice, "opinion": "意见"}).status_code == 303
    login(world.zhangdian)
    response = client.post(f"/review/rounds/{meeting.id}/conclude",
                           data={"conclusion": "结论", "lock_version": project.lock_version})
    session.expire_all()
    assert response.status_code == 303 and project.stage == stage


def test_a_conclusion_needs_its_text_and_the_current_version(client, login, session, world, project, panel) -> None:
    meeting = submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(e, A) for e in panel])
    login(world.zhangdian)
    url = f"/review/rounds/{meeting.id}/conclude"
    response = client.post(url, data={"conclusion": "  ", "lock_version": project.lock_version})
    assert response.status_code == 422 and project.stage == Stage.REVIEW
    response = client.post(url, data={"conclusion": "通过", "lock_version": project.lock_version - 1})
    assert response.status_code == 409 and project.stage == Stage.REVIEW


def test_the_minutes_download_for_the_panel(client, login, session, world, project, panel) -> None:
    meeting = submit_for_review(session, world.zhangdian, project, place="济南市")
    vote(session, project, [Ballot(panel[0], C, "补充罐区。")])
    login(world.expert)
    response = client.get(f"/review/rounds/{meeting.id}/minutes.docx")
    assert response.status_code == 200 and "审查会会议纪要" in unquote(response.headers["Content-Disposition"])
    doc = Document(io.BytesIO(response.data))
    assert "会议地点：济南市" in "\n".join(p.text for p in doc.paragraphs)
    assert [r.cells[3].text for r in doc.tables[0].rows[1:]] == ["修改后同意", "未表决", "未表决", "未表决"]


# --- work queues and the project page ------------------------------------------------------


def test_the_workbench_lists_what_each_person_has_to_do(client, login, session, world, project, panel) -> None:
    comment(session, world.expert, project)
    login(world.expert)
    html = _page(client, "/")
    assert 'data-testid="to-comment"' in html and f"截止 {cn_date(consultation(session, project).deadline)}" in html
    assert "您已提 1 条" in html and "当前没有分配给您的标准评审" not in html
    login(world.zhangdian)
    assert "1 条未处理" in _page(client, "/")
    submit_for_review(session, world.zhangdian, project)
    login(world.expert)
    html = _page(client, "/")
    assert 'data-testid="to-vote"' in html and 'data-testid="to-comment"' not in html
    login(make_expert(session, "t_idle_web"))
    assert "当前没有分配给您的标准评审或审定任务" in _page(client, "/")


def test_the_project_page_block_lists_the_rounds(app, session, world, project, panel) -> None:
    submit_for_review(session, world.zhangdian, project)
    with app.test_request_context():
        html = render_template("standards/_rounds.html", project=project, current_user=world.zhangdian)
        outsider = render_template("standards/_rounds.html", project=project, current_user=world.zibo)
    assert html.count('href="/review/rounds/') == 4 and "意见汇总处理表（DOCX）" in html and "会议纪要（DOCX）" in html
    assert "征求意见稿征求意见（第 1 版）" in html and "送审稿审查会（第 2 版）" in html
    assert "已表决 0 / 4" in html
    assert "会议纪要（DOCX）" not in outsider, "an invited commenter does not get the records"


def test_the_editors_notification_opens_the_comment_to_dispose(client, login, session, world, project) -> None:
    made = comment(session, world.expert, project)
    note = session.query(Notification).filter_by(user_id=world.zhangdian.id, object_type="comment").one()
    login(world.zhangdian)
    response = client.post(f"/notifications/{note.id}/open")
    assert response.status_code == 303 and response.location.endswith(f"/review/comments/{made.id}/dispose")
    html = _page(client, response.location)
    assert "建议明确主要负责人的具体职责。" in html and "保存处理意见" in html
