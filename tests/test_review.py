"""Consultation and review meeting: who may comment, dispose, close, vote and conclude, and when."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import NominationState
from core.db import china_today, cn_date
from core.errors import InvalidTransition, NotFound, PermissionDenied, StaleEdit, ValidationError
from core.notifications import Notification
from core.people import User
from standards.models import Disposition, RoundState, Stage, StandardProject, Vote, VoteChoice
from standards.review import (
    CommentInput,
    add_comment,
    cast_vote,
    close_consultation,
    comments_in_order,
    conclude_meeting,
    count_comments,
    dispose_comment,
    get_round,
    pending_review_work,
)
from standards.workflow import StageAction
from tests.factories import World, make_expert, step, trail
from tests.review_helpers import (
    Ballot,
    clause_key,
    comment,
    consultation,
    meeting,
    raise_for_review,
    submit_for_review,
    vote,
)


@pytest.fixture
def panel(session: Session, world: World) -> list[User]:
    return [world.expert, *(make_expert(session, f"t_panel{n}") for n in range(2, 5))]


@pytest.fixture
def project(session: Session, world: World, panel: list[User]) -> StandardProject:
    source = world.nomination(session, NominationState.SELECTED, world.ent_zd)
    return raise_for_review(session, world.sheng, world.zhangdian, panel, source, commenters=[world.zibo])


def _tasks(session: Session, user: User, about: object) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.object_type == about.audit_type,  # type: ignore[attr-defined]
        Notification.object_id == str(about.id), Notification.task.is_(True))))  # type: ignore[attr-defined]


# --- comments ----------------------------------------------------------------------------


def test_an_expert_comments_on_a_clause_and_the_editors_are_asked_to_dispose(session, world, project) -> None:
    made = comment(session, world.expert, project, "职责", proposed="主要负责人是风险管控第一责任人。")
    assert (made.clause_number, made.kind.label) == ("4.1", "技术")
    assert made.proposed_text == "主要负责人是风险管控第一责任人。"
    assert made.clause_key == clause_key(session, project, "职责")
    events = trail(session, made)
    assert [e.action for e in events] == ["review.comment"]
    assert (events[0].parent_type, events[0].parent_id) == ("standard_project", str(project.id))
    assert "4.1" in events[0].summary and "技术意见" in events[0].summary
    task = _tasks(session, world.zhangdian, made)
    assert len(task) == 1 and task[0].done_at is None and "收到新意见（4.1）" in task[0].title


def test_each_kind_of_clause_is_cited_by_its_number(session, world, project) -> None:
    round_ = consultation(session, project)
    texts = {c.title or c.body: c.key for c in round_.version.clauses}
    cited = {}
    for text in ("主要负责人全面负责；", "职责包括车间、班组和岗位。", "范围"):
        cited[text] = add_comment(session, world.expert, round_, CommentInput("editorial", "措辞", "", texts[text]))
    annex_table = next(c for c in round_.version.clauses if c.kind == "table")
    cited["table"] = add_comment(session, world.expert, round_, CommentInput("general", "补充", "", annex_table.key))
    whole = add_comment(session, world.expert, round_, CommentInput("general", "整体结构清晰。"))
    assert {k: v.clause_number for k, v in cited.items()} == {
        "主要负责人全面负责；": "4.1 a)", "职责包括车间、班组和岗位。": "4.1 注", "范围": "1", "table": "表A.1"}
    assert whole.clause_key is None and whole.clause_number == ""
    ordered = [c.clause_number or "全文" for c in comments_in_order(session, round_)]
    assert ordered == ["全文", "1", "4.1 a)", "4.1 注", "表A.1"], "the table follows the text's reading order"


def test_an_invited_commenter_comments_under_their_unit(session, world, project) -> None:
    made = comment(session, world.zibo, project, None, "建议增加典型事故案例。", kind="general")
    assert made.author_unit == world.zibo.affiliation and "淄博" in made.author_unit


def test_only_the_rounds_participants_comment(session, world, project) -> None:
    with pytest.raises(PermissionDenied, match="评审专家和特邀意见人"):
        comment(session, world.zhangdian, project)  # the editor is not asked for comments
    with pytest.raises(PermissionDenied):
        comment(session, world.sheng, project)  # sees every project, but was not asked
    outsider = make_expert(session, "t_outsider")
    with pytest.raises(NotFound):
        get_round(session, outsider, consultation(session, project).id)
    with pytest.raises(PermissionDenied):
        comment(session, outsider, project)


def test_comments_are_taken_up_to_the_deadline_day_and_refused_after_it_with_the_date(session, world, project) -> None:
    round_ = consultation(session, project)
    round_.deadline = china_today()
    comment(session, world.expert, project)  # the last day still counts
    round_.deadline = china_today() - dt.timedelta(days=1)
    with pytest.raises(InvalidTransition) as refused:
        comment(session, world.expert, project)
    assert f"已于{cn_date(round_.deadline)}截止" in refused.value.message


@pytest.mark.parametrize(("data", "field"), [
    (CommentInput("technical", "  \u3000 "), "text"),
    (CommentInput("technical", "a\x07b"), "text"),
    (CommentInput("technical", "意见", "x" * 2001), "proposed_text"),
    (CommentInput("opinion", "意见"), "kind"),
    (CommentInput("technical", "意见", "", "not-a-key"), "clause_key"),
])
def test_a_comment_obeys_the_text_rules(session, world, project, data, field) -> None:
    with pytest.raises(ValidationError) as refused:
        add_comment(session, world.expert, consultation(session, project), data)
    assert field in refused.value.errors
    assert consultation(session, project).comments == []


# --- dispositions -----------------------------------------------------------------------


@pytest.mark.parametrize("disposition", ["partly", "rejected"])
def test_partly_accepting_or_rejecting_needs_a_reason(session, world, project, disposition) -> None:
    made = comment(session, world.expert, project)
    with pytest.raises(ValidationError) as refused:
        dispose_comment(session, world.zhangdian, made, disposition, " ", made.lock_version)
    assert "须说明理由" in refused.value.errors["reason"]
    dispose_comment(session, world.zhangdian, made, disposition, "与上位标准不一致。", made.lock_version)
    assert made.disposition == Disposition(disposition) and made.disposition_reason == "与上位标准不一致。"


def test_accepting_needs_no_reason_and_answers_the_editors_task(session, world, project) -> None:
    made = comment(session, world.expert, project)
    dispose_comment(session, world.zhangdian, made, "accepted", "", made.lock_version)
    assert made.disposition == Disposition.ACCEPTED and made.disposed_by_id == world.zhangdian.id
    assert [e.action for e in trail(session, made)] == ["review.comment", "review.dispose"]
    assert all(t.done_at is not None for t in _tasks(session, world.zhangdian, made))


def test_a_disposition_is_optimistically_locked_and_may_be_changed_while_open(session, world, project) -> None:
    made = comment(session, world.expert, project)
    seen = made.lock_version
    dispose_comment(session, world.zhangdian, made, "accepted", "", seen)
    with pytest.raises(StaleEdit, match="当前：采纳"):
        dispose_comment(session, world.zhangdian, made, "rejected", "不适用。", seen)
    dispose_comment(session, world.zhangdian, made, "rejected", "不适用于小型企业。", made.lock_version)
    assert made.disposition == Disposition.REJECTED
    last = trail(session, made)[-1]
    assert last.action == "review.dispose" and "不采纳（原为采纳）" in last.summary
    assert last.reason == "不适用于小型企业。"


def test_only_the_editors_dispose(session, world, project) -> None:
    made = comment(session, world.expert, project)
    for someone in (world.expert, world.sheng):
        with pytest.raises(PermissionDenied):
            dispose_comment(session, someone, made, "accepted", "", made.lock_version)


def test_a_bad_disposition_is_refused(session, world, project) -> None:
    made = comment(session, world.expert, project)
    with pytest.raises(ValidationError) as refused:
        dispose_comment(session, world.zhangdian, made, "maybe", "", made.lock_version)
    assert "disposition" in refused.value.errors


# --- closing the consultation --------------------------------------------------------------


def test_the_round_cannot_close_nor_the_draft_advance_while_a_comment_is_undisposed(session, world, project) -> None:
    first, second = comment(session, world.expert, project), comment(session, world.zibo, project, None, kind="general")
    round_ = consultation(session, project)
    dispose_comment(session, world.zhangdian, first, "accepted", "", first.lock_version)
    with pytest.raises(InvalidTransition, match="尚有 1 条意见未处理"):
        close_consultation(session, world.zhangdian, round_, round_.lock_version)
    with pytest.raises(InvalidTransition, match="征求意见尚未结束"):
        step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)
    dispose_comment(session, world.zhangdian, second, "partly", "部分内容已在 4.1 体现。", second.lock_version)
    close_consultation(session, world.zhangdian, round_, round_.lock_version)
    assert round_.state == RoundState.CLOSED and round_.closed_at is not None
    event = trail(session, round_)[-1]
    assert event.action == "review.close" and "采纳 1 条，部分采纳 1 条，不采纳 0 条" in event.summary
    step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)
    assert project.stage == Stage.REVIEW


def test_closing_tells_the_participants_and_answers_their_requests_to_comment(session, world, project, panel) -> None:
    round_ = consultation(session, project)
    asked = _tasks(session, world.expert, project)
    assert len(asked) == 1 and asked[0].done_at is None
    close_consultation(session, world.zhangdian, round_, round_.lock_version)
    assert all(t.done_at is not None for t in _tasks(session, world.expert, project))
    told = session.scalars(select(Notification.user_id).where(
        Notification.object_type == "review_round", Notification.object_id == str(round_.id))).all()
    assert set(told) == {u.id for u in panel} | {world.zibo.id}


def test_a_closed_round_takes_no_comments_and_no_dispositions(session, world, project) -> None:
    made = comment(session, world.expert, project)
    dispose_comment(session, world.zhangdian, made, "accepted", "", made.lock_version)
    round_ = consultation(session, project)
    close_consultation(session, world.zhangdian, round_, round_.lock_version)
    with pytest.raises(InvalidTransition, match="已结束"):
        add_comment(session, world.expert, round_, CommentInput("technical", "迟到的意见"))
    with pytest.raises(InvalidTransition, match="已结束"):
        dispose_comment(session, world.zhangdian, made, "rejected", "改主意", made.lock_version)
    with pytest.raises(InvalidTransition):
        close_consultation(session, world.zhangdian, round_, round_.lock_version)


def test_closing_is_the_editors_and_checks_the_version(session, world, project) -> None:
    round_ = consultation(session, project)
    with pytest.raises(PermissionDenied):
        close_consultation(session, world.expert, round_, round_.lock_version)
    with pytest.raises(StaleEdit):
        close_consultation(session, world.zhangdian, round_, round_.lock_version - 1)


# --- votes -----------------------------------------------------------------------------------


A, C, D = "agree", "agree_with_changes", "disagree"


def test_each_panel_expert_votes_once_and_may_change_the_vote(session, world, project) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    cast_vote(session, world.expert, found, A, "")
    cast_vote(session, world.expert, found, D, "附录A的清单不完整。")
    votes = session.scalars(select(Vote).where(Vote.round_id == found.id)).all()
    assert [(v.expert_id, v.choice) for v in votes] == [(world.expert.id, VoteChoice.DISAGREE)]
    events = trail(session, votes[0])
    assert [e.action for e in events] == ["review.vote", "review.change_vote"]
    assert "同意 → 不同意" in events[1].summary and events[1].reason == "附录A的清单不完整。"


@pytest.mark.parametrize("choice", [C, D])
def test_an_opinion_is_required_unless_the_expert_simply_agrees(session, world, project, choice) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    with pytest.raises(ValidationError) as refused:
        cast_vote(session, world.expert, found, choice, "  ")
    assert "须填写审查意见" in refused.value.errors["opinion"]
    with pytest.raises(ValidationError) as refused:
        cast_vote(session, world.expert, found, "abstain", "")
    assert "choice" in refused.value.errors


def test_only_the_panel_votes(session, world, project) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    for someone in (world.zhangdian, world.zibo, make_expert(session, "t_not_on_panel")):
        with pytest.raises(PermissionDenied):
            cast_vote(session, someone, found, A, "")


def test_a_vote_answers_that_experts_request_to_vote_only(session, world, project, panel) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    cast_vote(session, world.expert, found, A, "")
    assert [t.done_at is not None for t in _tasks(session, world.expert, project) if "投票" in t.title] == [True]
    assert [t.done_at is None for t in _tasks(session, panel[1], project) if "投票" in t.title] == [True]


@pytest.mark.parametrize(("choices", "stage"), [
    ([A, A, C, D], Stage.APPROVAL),  # 3 of 4 in favour: exactly three quarters passes
    ([A, C, D, D], Stage.DRAFTING),  # 2 of 4: returned
    ([C, C, C, C], Stage.APPROVAL),  # 修改后同意 counts in favour
])
def test_the_three_quarters_rule_through_the_services(session, world, project, panel, choices, stage) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(e, c) for e, c in zip(panel, choices, strict=True)])
    conclude_meeting(session, world.zhangdian, found, project.lock_version, "经审查，……")
    assert project.stage == stage and found.state == RoundState.CLOSED
    assert found.outcome.value == ("passed" if stage == Stage.APPROVAL else "failed")
    with pytest.raises(InvalidTransition, match="已作出结论"):
        cast_vote(session, world.expert, found, A, "")


def test_three_of_five_fails_and_a_second_failure_terminates(session, world) -> None:
    panel = [world.expert, *(make_expert(session, f"t_five{n}") for n in range(2, 6))]
    source = world.nomination(session, NominationState.SELECTED, world.ent_zd)
    project = raise_for_review(session, world.sheng, world.zhangdian, panel, source)
    found = submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(e, c) for e, c in zip(panel, [A, A, C, D, D], strict=True)])  # 3/5 < 3/4
    conclude_meeting(session, world.zhangdian, found, project.lock_version, "赞成票不足四分之三。")
    assert (project.stage, project.failed_reviews) == (Stage.DRAFTING, 1)
    step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)  # revised: straight back to review
    again = meeting(session, project)
    vote(session, project, [Ballot(e, c) for e, c in zip(panel, [A, A, A, D, D], strict=True)])  # 3/5 again
    conclude_meeting(session, world.zhangdian, again, project.lock_version, "再次未通过。")
    assert (project.stage, project.failed_reviews) == (Stage.TERMINATED, 2)


def test_no_conclusion_while_a_panel_expert_has_not_voted_nor_by_the_experts(session, world, project, panel) -> None:
    found = submit_for_review(session, world.zhangdian, project)
    vote(session, project, [Ballot(e, A) for e in panel[:3]])
    with pytest.raises(InvalidTransition, match="1 位评审专家未投票"):
        conclude_meeting(session, world.zhangdian, found, project.lock_version, "结论")
    vote(session, project, [Ballot(panel[3], A)])
    with pytest.raises(PermissionDenied):
        conclude_meeting(session, world.expert, found, project.lock_version, "结论")
    with pytest.raises(ValidationError):
        conclude_meeting(session, world.zhangdian, found, project.lock_version, " ")
    conclude_meeting(session, world.zhangdian, found, project.lock_version, "同意报批。")
    assert project.stage == Stage.APPROVAL and found.conclusion == "同意报批。"


# --- queues ----------------------------------------------------------------------------------


def test_the_workbench_queues(session, world, project, panel) -> None:
    comment(session, world.expert, project)
    comment(session, world.expert, project, "培训")
    work = pending_review_work(session, world.expert)
    assert [(r.project_id, n) for r, n in work.to_comment] == [(project.id, 2)] and not work.to_vote
    assert [(r.project_id, n) for r, n in pending_review_work(session, world.zhangdian).to_dispose] == [(project.id, 2)]
    assert [r.project_id for r, _ in pending_review_work(session, world.zibo).to_comment] == [project.id]
    submit_for_review(session, world.zhangdian, project)
    work = pending_review_work(session, world.expert)
    assert not work.to_comment and [m.project_id for m in work.to_vote] == [project.id]
    vote(session, project, [Ballot(world.expert, A)])
    assert not pending_review_work(session, world.expert)
    vote(session, project, [Ballot(e, A) for e in panel[1:]])
    assert [m.project_id for m in pending_review_work(session, world.zhangdian).to_conclude] == [project.id]
    assert not pending_review_work(session, make_expert(session, "t_idle"))


def test_counts(session, world, project) -> None:
    made = [comment(session, world.expert, project) for _ in range(4)]
    for c, (d, why) in zip(made, [("accepted", ""), ("partly", "部分"), ("rejected", "不采纳")], strict=False):
        dispose_comment(session, world.zhangdian, c, d, why, c.lock_version)
    counts = count_comments(made)
    assert (counts.received, counts.accepted, counts.partly, counts.rejected, counts.undisposed) == (4, 1, 1, 1, 1)
    assert counts.text == "共收到意见 4 条，其中采纳 1 条，部分采纳 1 条，不采纳 1 条，尚未处理 1 条"
