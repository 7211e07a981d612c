"""Standard projects: numbers from position, frozen versions, the stage table and the ¾ rule."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import NominationState
from core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import Notification
from standards.models import AnnexType, ClauseKind, RoundKind, RoundState, Stage, Vote, VoteChoice
from standards.numbering import number_tree
from standards.projects import ProjectInput, raise_project
from standards.queries import get_project
from standards.versions import clauses_of, working_draft
from standards.workflow import StageAction, conclude, open_round, tally
from tests.factories import World, add_clause, make_expert, make_project, step

K = ClauseKind


def _node(id: int, parent: int | None, position: int, kind: ClauseKind) -> SimpleNamespace:
    return SimpleNamespace(id=id, parent_id=parent, position=position, kind=kind)


def test_numbers_follow_position_to_depth_four_and_into_annexes() -> None:
    tree = [
        _node(1, None, 0, K.CHAPTER), _node(2, None, 1, K.CHAPTER), _node(3, 2, 0, K.TERM), _node(4, 2, 1, K.TERM),
        _node(5, None, 2, K.CHAPTER), _node(6, 5, 0, K.CLAUSE), _node(7, 6, 0, K.CLAUSE), _node(8, 7, 0, K.CLAUSE),
        _node(9, 8, 0, K.CLAUSE), _node(10, 9, 0, K.PARAGRAPH), _node(11, 9, 1, K.LIST_ITEM),
        _node(12, 9, 2, K.LIST_ITEM), _node(13, 12, 0, K.LIST_ITEM), _node(14, 9, 3, K.NOTE),
        _node(15, 6, 1, K.TABLE), _node(16, 5, 1, K.CLAUSE), _node(17, 16, 0, K.NOTE), _node(18, 16, 1, K.NOTE),
        _node(19, 16, 2, K.EXAMPLE),
        _node(20, None, 3, K.ANNEX), _node(21, 20, 0, K.CLAUSE), _node(22, 21, 0, K.CLAUSE), _node(23, 20, 1, K.TABLE),
        _node(24, 20, 2, K.TABLE), _node(25, None, 4, K.ANNEX), _node(26, 25, 0, K.TABLE),
        _node(27, None, 5, K.CHAPTER), _node(28, 27, 0, K.TABLE),
    ]
    numbers = {n.clause.id: n.number for n in number_tree(tree)}
    assert [numbers[i] for i in (1, 2, 3, 4, 5, 6, 7, 8, 9)] == ["1", "2", "2.1", "2.2", "3", "3.1", "3.1.1",
                                                                   "3.1.1.1", "3.1.1.1.1"]
    assert numbers[10] == "" and (numbers[11], numbers[12], numbers[13]) == ("a)", "b)", "1)")
    assert numbers[14] == "注：" and (numbers[17], numbers[18]) == ("注1：", "注2：") and numbers[19] == "示例："
    assert (numbers[15], numbers[28]) == ("表1", "表2")  # body tables count on through the chapters
    assert (numbers[20], numbers[21], numbers[22], numbers[23], numbers[24]) == ("附录A", "A.1", "A.1.1", "表A.1",
                                                                                 "表A.2")
    assert (numbers[25], numbers[26], numbers[27]) == ("附录B", "表B.1", "4")
    order = [n.clause.id for n in number_tree(reversed(tree))]
    assert order == sorted(order), "reading order is the tree's, whatever order the rows come in"


def test_moving_a_chapter_renumbers_everything_after_it() -> None:
    tree = [_node(1, None, 0, K.CHAPTER), _node(2, None, 1, K.CHAPTER), _node(3, 2, 0, K.CLAUSE)]
    assert {n.clause.id: n.number for n in number_tree(tree)}[3] == "2.1"
    tree[1].position = -1
    assert {n.clause.id: n.number for n in number_tree(tree)} == {2: "1", 3: "1.1", 1: "2"}


@pytest.fixture
def project(session: Session, world: World):
    project = make_project(session, world)
    draft = working_draft(session, project)
    scope = add_clause(session, draft, K.CHAPTER, title="范围", body="本文件规定了……")
    add_clause(session, draft, K.CLAUSE, parent=scope, title="一般要求", body="企业应建立风险分级管控体系。",
               is_requirement=True, points=10)
    add_clause(session, draft, K.ANNEX, title="风险分级管控清单", annex_type=AnnexType.INFORMATIVE)
    return project


def test_raising_a_project_needs_a_selected_benchmark_of_its_industry(session: Session, world: World) -> None:
    submitted = world.nomination(session, NominationState.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        raise_project(session, world.sheng, ProjectInput(title="指南", industry_code="CHEM",
                                                         source_ids=[submitted.id], editor_ids=[world.zhangdian.id]))
    assert "source_ids" in refused.value.errors
    with pytest.raises(PermissionDenied):
        raise_project(session, world.zibo, ProjectInput(title="指南", industry_code="CHEM"))


def test_entering_consultation_freezes_the_text_and_opens_a_round(session: Session, world: World, project) -> None:
    draft = working_draft(session, project)
    keys = {c.key for c in clauses_of(session, draft)}
    step(session, world.zhangdian, project, StageAction.OPEN_CONSULTATION)
    assert project.stage == Stage.CONSULTATION
    frozen = session.get(type(draft), draft.id)
    assert frozen.frozen_at is not None and frozen.stage == Stage.CONSULTATION
    new_draft = working_draft(session, project)
    assert new_draft.number == frozen.number + 1 and {c.key for c in clauses_of(session, new_draft)} == keys
    copied = {c.key: c for c in clauses_of(session, new_draft)}
    original = {c.key: c for c in clauses_of(session, frozen)}
    for key, clause in copied.items():
        parent = original[key].parent_id
        assert (clause.parent_id is None) == (parent is None)
        if parent is not None:
            assert session.get(type(clause), clause.parent_id).key == session.get(type(clause), parent).key
    consultation = open_round(session, project, RoundKind.CONSULTATION)
    assert consultation is not None and consultation.version_id == frozen.id
    assert {u.id for u in consultation.participants} == {m.user_id for m in project.members if m.role == "expert"}
    asked = session.scalars(select(Notification).where(Notification.object_type == "standard_project",
                                                       Notification.task.is_(True))).all()
    assert {n.user_id for n in asked} == {u.id for u in consultation.participants}


def test_an_empty_draft_cannot_go_out_for_consultation(session: Session, world: World) -> None:
    empty = make_project(session, world, title="空白指南")
    with pytest.raises(InvalidTransition, match="尚无条文"):
        step(session, world.zhangdian, empty, StageAction.OPEN_CONSULTATION)


def test_review_waits_for_the_consultation_round_to_close(session: Session, world: World, project) -> None:
    step(session, world.zhangdian, project, StageAction.OPEN_CONSULTATION)
    with pytest.raises(InvalidTransition, match="征求意见尚未结束"):
        step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)
    open_round(session, project, RoundKind.CONSULTATION).state = RoundState.CLOSED
    step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)
    assert project.stage == Stage.REVIEW and open_round(session, project, RoundKind.MEETING) is not None


def _vote(session: Session, project, choices: list[VoteChoice]) -> None:
    meeting = open_round(session, project, RoundKind.MEETING)
    for expert, choice in zip(meeting.participants, choices, strict=False):
        meeting.votes.append(Vote(expert_id=expert.id, choice=choice, opinion="意见"))
    session.flush()


def _to_meeting(session: Session, world: World, project) -> None:
    step(session, world.zhangdian, project, StageAction.OPEN_CONSULTATION)
    open_round(session, project, RoundKind.CONSULTATION).state = RoundState.CLOSED
    step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)


A, C, D = VoteChoice.AGREE, VoteChoice.AGREE_WITH_CHANGES, VoteChoice.DISAGREE


@pytest.mark.parametrize(("votes", "passed"), [
    ([A, A, C, D], True),  # 3 of 4: exactly three quarters
    ([A, C, D, D], False),
    ([A, A, A, A], True),
])
def test_the_three_quarters_rule_at_its_edge(session: Session, world: World, project, votes, passed) -> None:
    _to_meeting(session, world, project)
    _vote(session, project, votes)
    conclude(session, world.zhangdian, project, project.lock_version, "经审查……")
    assert project.stage == (Stage.APPROVAL if passed else Stage.DRAFTING)


def test_three_of_five_is_not_three_quarters_but_four_of_five_is() -> None:
    votes = [SimpleNamespace(expert_id=i, choice=c) for i, c in enumerate([A, A, C, D, D])]
    assert not tally(votes, range(5)).passed
    votes[3].choice = A
    assert tally(votes, range(5)).passed


def test_no_conclusion_while_an_expert_has_not_voted(session: Session, world: World, project) -> None:
    _to_meeting(session, world, project)
    _vote(session, project, [A, A, A])
    with pytest.raises(InvalidTransition, match="1 位评审专家未投票"):
        conclude(session, world.zhangdian, project, project.lock_version, "结论")


def test_a_pass_freezes_the_approval_text(session: Session, world: World, project) -> None:
    _to_meeting(session, world, project)
    _vote(session, project, [A, A, A, C])
    conclude(session, world.zhangdian, project, project.lock_version, "同意报批")
    frozen = [v for v in project.versions if v.frozen_at is not None]
    assert [v.stage for v in frozen] == [Stage.CONSULTATION, Stage.REVIEW, Stage.APPROVAL]


def test_a_second_failure_ends_the_project(session: Session, world: World, project) -> None:
    _to_meeting(session, world, project)
    _vote(session, project, [D, D, D, A])
    conclude(session, world.zhangdian, project, project.lock_version, "不通过")
    assert project.stage == Stage.DRAFTING and project.failed_reviews == 1
    step(session, world.zhangdian, project, StageAction.SUBMIT_FOR_REVIEW)  # revised, straight back to review
    _vote(session, project, [D, D, A, A])
    conclude(session, world.zhangdian, project, project.lock_version, "再次不通过")
    assert project.stage == Stage.TERMINATED and project.failed_reviews == 2


def test_only_the_projects_editors_move_it(session: Session, world: World, project) -> None:
    with pytest.raises(PermissionDenied):
        step(session, world.zibo, project, StageAction.OPEN_CONSULTATION)


def test_an_expert_outside_the_panel_sees_nothing_of_the_project(session: Session, world: World, project) -> None:
    outsider = make_expert(session, "t_outsider")
    with pytest.raises(NotFound):
        get_project(session, outsider, project.id)
    assert get_project(session, world.expert, project.id) is project  # on the panel
    assert get_project(session, world.sheng, project.id) is project
