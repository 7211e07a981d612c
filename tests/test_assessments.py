"""Self-assessments as the enterprise and its bureau live them: answering, N/A rules, evidence,
plans, submission rounds, verification, rectifications to closure, reminders, copying."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from assessments import answers, campaigns, rectifications, reminders, stats
from assessments.items import requirements_of
from assessments.models import (
    AssessmentRound,
    AssessmentState,
    AssessmentTally,
    ClauseTally,
    Rectification,
    RectificationState,
    RectificationTally,
)
from assessments.workflow import Action, RectificationAction
from core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import Notification
from core.people import Role
from core.workflow import transition
from standards.models import Clause
from tests.assessment_helpers import PLAN, answer_all, standard, submit
from tests.factories import PDF, World, make_user, trail


def _start(session: Session, world: World):
    publication = standard(session, world)
    return publication, answers.start(session, world.ent_user, publication)


def test_an_enterprise_answers_sees_its_score_and_submits_with_a_digest_in_the_trail(
        session: Session, world: World) -> None:
    publication, a = _start(session, world)
    items = requirements_of(session, publication).items
    assert a.total == len(items) > 3 and a.progress == 0
    saved = answers.save_answer(session, world.ent_user, a, items[0].key, result="conform")
    assert saved.card.answered == 1 and saved.card.score == Decimal("100.0") and a.progress == 100 // len(items)
    with pytest.raises(InvalidTransition, match="未作答"):
        submit(session, world.ent_user, a)
    answer_all(session, world.ent_user, a, gaps=1)
    submit(session, world.ent_user, a)
    assert a.state == AssessmentState.SUBMITTED and a.round == 1 and a.score is not None
    events = [e for e in trail(session, a) if e.action == "assessment.answers"]
    assert len(events) == 1 and len(json.loads(events[0].data)["digest"]) == 64
    asked = session.query(Notification).filter_by(user_id=world.zhangdian.id, task=True).all()
    assert any("待核查" in n.title for n in asked), "the county hears of it"


def test_not_applicable_needs_a_reason_and_is_refused_on_veto_and_non_waivable_items(
        session: Session, world: World) -> None:
    publication, a = _start(session, world)
    items = requirements_of(session, publication).items
    veto = next(i for i in items if i.veto)
    with pytest.raises(ValidationError) as refused:
        answers.save_answer(session, world.ent_user, a, veto.key, result="na", na_reason="本企业无此类设施")
    assert "否决项" in refused.value.errors["result"]
    plain = next(i for i in items if not i.veto)
    with pytest.raises(ValidationError) as refused:
        answers.save_answer(session, world.ent_user, a, plain.key, result="na")
    assert refused.value.errors == {"na_reason": "选择“不适用”时请填写理由"}
    clause = session.query(Clause).filter_by(version_id=publication.version_id, key=plain.key).one()
    clause.waivable = False  # the standard marks it not waivable (the cache keys on the rows, so re-read it)
    session.flush()
    session.expire_all()
    answers.save_answer(session, world.ent_user, a, plain.key, result="conform")


def test_an_assessment_with_every_item_not_applicable_cannot_be_submitted(session: Session, world: World) -> None:
    publication = standard(session, world)
    for clause in session.query(Clause).filter_by(version_id=publication.version_id, veto=True):
        clause.veto, clause.waivable = False, True  # a standard without veto items: everything may be waived
    session.flush()
    a = answers.start(session, world.ent_user, publication)
    for item in requirements_of(session, publication).items:
        answers.save_answer(session, world.ent_user, a, item.key, result="na", na_reason="不涉及")
    with pytest.raises(InvalidTransition, match="不适用"):
        submit(session, world.ent_user, a)


def test_two_tabs_saving_one_item_keep_the_later_answer_and_report_what_it_replaced(
        session: Session, world: World) -> None:
    publication, a = _start(session, world)
    key = requirements_of(session, publication).items[0].key
    first = answers.save_answer(session, world.ent_user, a, key, result="conform", note="甲窗口", seen_revision=0)
    assert first.replaced is None and first.answer is not None and first.answer.revision == 1
    later = answers.save_answer(session, world.ent_user, a, key, result="nonconform", note="乙窗口", seen_revision=0)
    assert later.answer is not None and later.answer.result == "nonconform" and later.answer.note == "乙窗口"
    assert later.replaced is not None and later.replaced.result == "符合" and later.replaced.note == "甲窗口"
    again = answers.save_answer(session, world.ent_user, a, key, result="partial", seen_revision=2)
    assert again.replaced is None, "a tab that saw the latest revision overwrites nothing unseen"


def test_only_the_enterprise_answers_and_only_while_it_is_editable(session: Session, world: World) -> None:
    publication, a = _start(session, world)
    key = requirements_of(session, publication).items[0].key
    with pytest.raises(PermissionDenied):
        answers.save_answer(session, world.zhangdian, a, key, result="conform")
    other = make_user(session, "t_other_ent", Role.ENTERPRISE, enterprise=world.ent_zd2)
    with pytest.raises(PermissionDenied):
        answers.save_answer(session, other, a, key, result="conform")
    with pytest.raises(NotFound):
        answers.save_answer(session, world.ent_user, a, "no-such-key", result="conform")
    answer_all(session, world.ent_user, a)
    submit(session, world.ent_user, a)
    with pytest.raises(InvalidTransition):
        answers.save_answer(session, world.ent_user, a, key, result="conform")


def test_every_gap_needs_a_complete_plan_before_submission(session: Session, world: World) -> None:
    publication, a = _start(session, world)
    items = requirements_of(session, publication).items
    for n, item in enumerate(items):
        answers.save_answer(session, world.ent_user, a, item.key, result="partial" if n == 0 else "conform")
    with pytest.raises(ValidationError, match=f"整改计划.*{items[0].number} {items[0].title}"):
        submit(session, world.ent_user, a)  # the gap named as a reader finds it
    with pytest.raises(ValidationError) as refused:
        rectifications.save_plan(session, world.ent_user, a, items[0].key, rectifications.PlanInput(
            "", "", "-1", None, ""), None)
    assert set(refused.value.errors) == {"measure", "responsible", "funds", "deadline", "contingency"}
    with pytest.raises(ValidationError, match="部分符合"):
        rectifications.save_plan(session, world.ent_user, a, items[1].key, PLAN, None)
    rectifications.save_plan(session, world.ent_user, a, items[0].key, PLAN, None)
    submit(session, world.ent_user, a)
    plan = session.query(Rectification).filter_by(assessment_id=a.id).one()
    assert plan.state == RectificationState.OPEN and plan.funds == Decimal("1.50")


def test_the_bureau_returns_with_reasons_per_item_and_the_rounds_are_kept(session: Session, world: World) -> None:
    publication, a = _start(session, world)
    key = requirements_of(session, publication).items[1].key
    answer_all(session, world.ent_user, a)
    submit(session, world.ent_user, a)
    with pytest.raises(PermissionDenied):
        transition(session, world.jinan, a, Action.VERIFY, a.lock_version)
    with pytest.raises(ValidationError):
        transition(session, world.zhangdian, a, Action.RETURN, a.lock_version)
    transition(session, world.zhangdian, a, Action.RETURN, a.lock_version, reason="证据不足",
               item_reasons={key: "请补充培训记录"})
    assert a.state == AssessmentState.RETURNED and a.return_reason == "证据不足"
    answers.save_answer(session, world.ent_user, a, key, result="conform", note="已补充", seen_revision=1)
    submit(session, world.ent_user, a)
    transition(session, world.zhangdian, a, Action.VERIFY, a.lock_version, reason="同意")
    rounds = session.query(AssessmentRound).filter_by(assessment_id=a.id).order_by(AssessmentRound.number).all()
    assert [(r.number, r.outcome) for r in rounds] == [(1, AssessmentState.RETURNED), (2, AssessmentState.VERIFIED)]
    assert [i.reason for i in rounds[0].item_reasons] == ["请补充培训记录"] and rounds[0].digest != rounds[1].digest
    assert a.current and a.verified_at is not None


def test_a_rectification_is_done_with_evidence_then_accepted_or_reopened(session: Session, world: World) -> None:
    _publication, a = _start(session, world)
    answer_all(session, world.ent_user, a, gaps=2)
    submit(session, world.ent_user, a)
    first, second = session.query(Rectification).filter_by(assessment_id=a.id).order_by(Rectification.id).all()
    with pytest.raises(ValidationError, match="证明材料"):
        transition(session, world.ent_user, first, RectificationAction.COMPLETE, first.lock_version, reason="完成")
    for r in (first, second):
        rectifications.attach(session, world.ent_user, world.store, r, "照片.pdf", PDF)
        transition(session, world.ent_user, r, RectificationAction.COMPLETE, r.lock_version, reason="已完成")
    with pytest.raises(PermissionDenied):
        transition(session, world.ent_user, first, RectificationAction.ACCEPT, first.lock_version)
    transition(session, world.zhangdian, first, RectificationAction.ACCEPT, first.lock_version, reason="验收合格")
    transition(session, world.zhangdian, second, RectificationAction.REOPEN, second.lock_version, reason="未整改到位")
    assert (first.state, second.state) == (RectificationState.ACCEPTED, RectificationState.OPEN)
    tally = session.get_one(RectificationTally, a.county_code)
    assert (tally.open, tally.done, tally.accepted) == (1, 0, 1)


def test_reminders_go_out_once_a_week_and_a_day_before_and_when_overdue(session: Session, world: World) -> None:
    _publication, a = _start(session, world)
    deadline = dt.date(2030, 6, 30)
    answer_all(session, world.ent_user, a, gaps=1, plan=rectifications.PlanInput("措施", "张三", "0", deadline, "巡检"))
    submit(session, world.ent_user, a)

    def sent(day: dt.date) -> list[int]:
        return list(reminders.send_reminders(session, day).values())  # overdue, day, week

    assert sent(deadline - dt.timedelta(days=8)) == [0, 0, 0]
    assert sent(deadline - dt.timedelta(days=7)) == [0, 0, 1]
    assert sent(deadline - dt.timedelta(days=7)) == [0, 0, 0], "running twice sends nothing twice"
    assert sent(deadline - dt.timedelta(days=1)) == [0, 1, 0]
    assert sent(deadline) == [0, 0, 0]
    assert sent(deadline + dt.timedelta(days=1)) == [1, 0, 0]
    assert sent(deadline + dt.timedelta(days=2)) == [0, 0, 0]
    assert session.get_one(RectificationTally, a.county_code).overdue == 1
    told = session.query(Notification).filter_by(user_id=world.zhangdian.id).filter(
        Notification.title.contains("逾期")).count()
    assert told == 1, "the overdue notice escalates to the county"
    plan = session.query(Rectification).filter_by(assessment_id=a.id).one()
    rectifications.attach(session, world.ent_user, world.store, plan, "照片.pdf", PDF)
    transition(session, world.ent_user, plan, RectificationAction.COMPLETE, plan.lock_version, reason="完成")
    assert session.get_one(RectificationTally, a.county_code).overdue == 0


def test_starting_from_the_previous_assessment_copies_answers_notes_and_evidence(
        session: Session, world: World) -> None:
    publication, a = _start(session, world)
    key = requirements_of(session, publication).items[0].key
    answer_all(session, world.ent_user, a)
    answers.save_answer(session, world.ent_user, a, key, result="nonconform", note="上次的说明", seen_revision=1)
    answers.attach(session, world.ent_user, world.store, a, key, "证据.pdf", PDF)
    submit(session, world.ent_user, a)
    transition(session, world.zhangdian, a, Action.VERIFY, a.lock_version)
    again = answers.start(session, world.ent_user, publication, from_previous=True)
    assert again.id != a.id and again.based_on_id == a.id and again.answered == a.answered
    copied = {x.clause_key: x for x in again.answers}
    assert copied[key].note == "上次的说明" and [e.attachment.filename for e in copied[key].evidence] == ["证据.pdf"]


def test_a_campaign_gives_each_enterprise_of_the_industry_in_the_region_a_draft_and_a_task(
        session: Session, world: World) -> None:
    publication = standard(session, world)
    with pytest.raises(ValidationError) as refused:
        campaigns.open_campaign(session, world.zhangdian, campaigns.CampaignInput("", publication.id, None),
                                [publication])
    assert set(refused.value.errors) == {"title", "deadline"}
    campaign = campaigns.open_campaign(session, world.zhangdian, campaigns.CampaignInput(
        "张店区对标", publication.id, dt.date.today() + dt.timedelta(days=20)), [publication])
    progress = campaigns.progress(session, [campaign.id])[campaign.id]
    assert progress.total == 2 and progress.by_state == {"draft": 2}  # 张店甲 and 张店乙, not 周村 or 历城
    assert session.query(Notification).filter_by(user_id=world.ent_user.id, task=True).count() == 1


def test_verifying_counts_the_answers_for_the_most_failed_clauses_and_supersedes_the_last_result(
        session: Session, world: World) -> None:
    publication, a = _start(session, world)
    answer_all(session, world.ent_user, a, gaps=2)
    submit(session, world.ent_user, a)
    transition(session, world.zhangdian, a, Action.VERIFY, a.lock_version)
    failed = session.query(ClauseTally).filter_by(publication_id=publication.id).filter(ClauseTally.failed > 0).all()
    assert len(failed) == 2 and all(t.assessed == 1 for t in failed)
    again = answers.start(session, world.ent_user, publication, from_previous=True)
    for answer in again.answers:  # the answers come over; the plans are this round's to make
        if answer.result != "conform":
            rectifications.save_plan(session, world.ent_user, again, answer.clause_key, PLAN, None)
    submit(session, world.ent_user, again)
    transition(session, world.zhangdian, again, Action.VERIFY, again.lock_version)
    assert not a.current and again.current
    verified = session.query(AssessmentTally).filter_by(publication_id=publication.id, state="verified").one()
    assert verified.assessments == 1, "an enterprise's superseded result no longer counts"
    stats_rows = stats.expected_assessment_tallies(session)
    assert stats_rows[(a.county_code, publication.id, 0, "verified")]["assessments"] == 1
