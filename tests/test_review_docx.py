"""The 意见汇总处理表 and the 审查会会议纪要, opened again with python-docx and read row by row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from sqlalchemy.orm import Session

from benchmarks.models import NominationState
from core.people import User
from exports.review_docx import comment_table, minutes
from standards.models import MemberRole, StandardProject
from standards.review import comments_in_order, conclude_meeting, dispose_comment, round_tally
from tests.factories import World, make_expert
from tests.review_helpers import (
    Ballot,
    comment,
    consultation,
    raise_for_review,
    submit_for_review,
    vote,
)

MADE_ON = dt.date(2026, 5, 8)


@pytest.fixture
def panel(session: Session, world: World) -> list[User]:
    return [world.expert, *(make_expert(session, f"t_docx{n}") for n in range(2, 5))]


@pytest.fixture
def project(session: Session, world: World, panel: list[User]) -> StandardProject:
    source = world.nomination(session, NominationState.SELECTED, world.ent_zd)
    return raise_for_review(session, world.sheng, world.zhangdian, panel, source, commenters=[world.zibo])


def _texts(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_the_comment_table_lists_every_comment_with_its_disposition_and_the_counts(session, world, project) -> None:
    first = comment(session, world.expert, project, "职责", "建议明确主要负责人职责。",
                    proposed="主要负责人是第一责任人。")
    second = comment(session, world.zibo, project, None, "建议增加事故案例。", kind="general")
    third = comment(session, world.expert, project, "范围", "=HYPERLINK(\"x\") 范围过窄。", kind="editorial")
    comment(session, world.expert, project, "培训", "培训频次宜提高。")  # left undisposed
    for made, how, why in ((first, "accepted", ""), (second, "rejected", "超出本标准范围。"),
                           (third, "partly", "已扩大到储存环节。")):
        dispose_comment(session, world.zhangdian, made, how, why, made.lock_version)
    round_ = consultation(session, project)
    doc = Document(io.BytesIO(comment_table(round_, comments_in_order(session, round_), MADE_ON)))

    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    text = _texts(doc)
    assert "标准征求意见稿意见汇总处理表" in text and f"标准名称：{project.title}" in text
    assert "阶段：征求意见稿（第 1 版）" in text
    assert "共收到意见 4 条，其中采纳 1 条，部分采纳 1 条，不采纳 1 条，尚未处理 1 条" in text
    assert "发送征求意见稿的专家及单位数：5；提出意见的专家及单位数：2" in text
    assert "填表日期：2026年5月8日" in text and "负责起草单位：山东省化工安全生产技术中心" in text

    rows = [[cell.text for cell in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["序号", "章条编号", "意见内容", "提出单位/人", "处理意见", "备注"]
    assert rows[1] == ["1", "全文", "建议增加事故案例。", f"{world.zibo.affiliation}\n{world.zibo.display_name}",
                       "不采纳：超出本标准范围。", "一般意见"]
    assert rows[2][:3] == ["2", "1", "=HYPERLINK(\"x\") 范围过窄。"] and rows[2][4] == "部分采纳：已扩大到储存环节。"
    assert rows[3] == ["3", "4.1", "建议明确主要负责人职责。\n建议修改为：主要负责人是第一责任人。",
                       f"评审专家\n{world.expert.display_name}", "采纳", "技术意见"]
    assert rows[4][1:] == ["4.2", "培训频次宜提高。", f"评审专家\n{world.expert.display_name}", "（尚未处理）",
                           "技术意见"]
    assert len(rows) == 5
    header = doc.tables[0].rows[0]._tr
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None, "the head repeats per page"
    fonts = doc.tables[0].rows[1]._tr.xpath(".//w:rFonts")
    assert fonts and all(f.get(qn("w:eastAsia")) == "宋体" for f in fonts)


def test_an_empty_round_still_makes_a_table_with_its_head(session, world, project) -> None:
    round_ = consultation(session, project)
    doc = Document(io.BytesIO(comment_table(round_, [], MADE_ON)))
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [
        ["序号", "章条编号", "意见内容", "提出单位/人", "处理意见", "备注"]]
    assert "共收到意见 0 条" in _texts(doc)


def test_the_minutes_list_the_panel_the_tally_the_conclusion_and_each_opinion(session, world, project, panel) -> None:
    meeting = submit_for_review(session, world.zhangdian, project, place="济南市历下区 省应急管理厅 3 楼会议室")
    vote(session, project, [Ballot(panel[0], "agree", ""), Ballot(panel[1], "agree_with_changes", "修改表A.1。"),
                            Ballot(panel[2], "agree", "结构合理。"), Ballot(panel[3], "disagree", "清单不完整。")])
    conclude_meeting(session, world.zhangdian, meeting, project.lock_version,
                     "专家组同意该标准通过审查。\n请编写组按专家意见修改后形成报批稿。")
    experts = sorted((m.user for m in project.members if m.role == MemberRole.EXPERT), key=lambda u: u.id)
    doc = Document(io.BytesIO(minutes(meeting, experts, round_tally(meeting))))

    text = _texts(doc)
    assert f"《{project.title}》审查会会议纪要" in text
    assert "会议地点：济南市历下区 省应急管理厅 3 楼会议室" in text and "会议时间：" in text
    assert "本标准专家组共有专家 4 人，参加表决专家 4 人。" in text
    assert "应到 4 人，实投 4 票，赞成（同意及修改后同意）3 票" in text
    assert "其中同意 2 票，修改后同意 1 票，不同意 1 票" in text and "审查通过。" in text
    assert "审查结论：通过。" in text and "请编写组按专家意见修改后形成报批稿。" in text
    assert f"{panel[3].display_name}：不同意。清单不完整。" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "姓名", "单位", "表决意见", "签字"]
    assert [r[1:] for r in rows[1:]] == [[u.display_name, "—", label, ""] for u, label in
                                         zip(experts, ["同意", "修改后同意", "同意", "不同意"], strict=True)]
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT


def test_minutes_before_the_conclusion_say_so_and_name_who_has_not_voted(session, world, project, panel) -> None:
    meeting = submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(panel[0], "agree")])
    doc = Document(io.BytesIO(minutes(meeting, panel, round_tally(meeting))))
    assert "（审查会尚未作出结论。）" in _texts(doc)
    assert [r.cells[3].text for r in doc.tables[0].rows[1:]] == ["同意", "未表决", "未表决", "未表决"]
