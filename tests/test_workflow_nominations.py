"""The nomination and campaign tables on the shared engine (``core.workflow``).

Each refusal names the record and its state in Chinese and changes nothing — no state,
no audit event, no notice. A reason a row requires is refused when missing or unclean,
and stored clean. A task is marked done by the record's next step, whoever takes it. A
campaign closes through the engine once every candidate is decided. The buttons a page
offers (``Workflow.allowed``) are exactly the steps the engine accepts. The engine's own
behaviour on a table of its own is in ``test_workflow_engine``.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import CampaignStatus, Nomination
from benchmarks.models import NominationState as S
from benchmarks.workflow import CAMPAIGN_FLOW, NOMINATION_FLOW, Action, CampaignAction
from core.audit import AuditEvent
from core.errors import DomainError, InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from core.notifications import Notification
from core.people import User
from core.workflow import transition
from tests.factories import World, step, trail
from tests.marks import newest, nothing_since

# --- refusals name what is wrong and change nothing ---------------------------------------


def test_a_step_on_a_page_opened_before_someone_else_acted_is_refused_naming_the_state_now(
    session: Session, world: World
) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    seen_by_the_city = nomination.lock_version
    step(session, world.zhangdian, nomination, Action.WITHDRAW, "企业申请暂缓")
    marks = newest(session, AuditEvent), newest(session, Notification)
    with pytest.raises(StaleEdit) as refused:
        transition(session, world.zibo, nomination, Action.RETURN, seen_by_the_city, reason="材料不全")
    assert refused.value.message.startswith(f"“{world.ent_zd.name}”的推荐已被他人处理，当前状态为“已撤回”")
    assert refused.value.status == 409
    assert nomination.state == S.WITHDRAWN and nomination.return_reason is None
    assert nothing_since(session, *marks)


def test_a_stale_step_that_would_have_been_allowed_is_still_refused(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    with pytest.raises(StaleEdit, match="当前状态为“待市级审核”"):
        transition(session, world.zibo, nomination, Action.ENDORSE, nomination.lock_version - 1, reason="同意")
    assert nomination.state == S.SUBMITTED and nomination.endorsed_at is None


@pytest.mark.parametrize(("who", "action"), [
    ("zhangdian", Action.ENDORSE), ("zhoucun", Action.WITHDRAW), ("jinan", Action.RETURN),
    ("sheng", Action.ENDORSE), ("admin", Action.WITHDRAW), ("ent_user", Action.WITHDRAW), ("expert", Action.RETURN),
])
def test_someone_the_table_does_not_name_is_refused(session: Session, world: World, who: str,
                                                    action: Action) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    marks = newest(session, AuditEvent), newest(session, Notification)
    with pytest.raises(PermissionDenied) as refused:
        step(session, getattr(world, who), nomination, action, "理由")
    assert refused.value.message == f"您不能对“{world.ent_zd.name}”的推荐执行“{action.label}”。"
    assert nomination.state == S.SUBMITTED and nothing_since(session, *marks)


def test_a_step_with_no_row_from_this_state_is_an_invalid_transition(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.DRAFT)
    marks = newest(session, AuditEvent), newest(session, Notification)
    with pytest.raises(InvalidTransition) as refused:
        step(session, world.sheng, nomination, Action.SELECT, "确定")
    assert refused.value.message == f"“{world.ent_zd.name}”的推荐当前状态为“草稿”，不能执行“确定为省级标杆”。"
    assert nomination.state == S.DRAFT and nothing_since(session, *marks)


# --- reasons ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "says"), [
    ("", "请填写市级推荐意见"),
    ("\u3000\u200b \n", "请填写市级推荐意见"),
    ("同意\x00推荐", "市级推荐意见不能包含控制字符"),
    ("同意\x1b推荐", "市级推荐意见不能包含控制字符"),
    ("同意\u202e推荐", "市级推荐意见含有改变文字显示方向的控制字符，请删除后重新填写"),
    ("同" * 2001, "市级推荐意见不能超过 2000 个字（当前 2001 个）"),
])
def test_a_reason_the_row_requires_is_refused_when_missing_or_unclean(session: Session, world: World,
                                                                      typed: str, says: str) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    marks = newest(session, AuditEvent), newest(session, Notification)
    with pytest.raises(ValidationError) as refused:
        step(session, world.zibo, nomination, Action.ENDORSE, typed)
    assert refused.value.errors == {"reason": says}
    assert nomination.state == S.SUBMITTED and nomination.city_opinion is None
    assert nothing_since(session, *marks)


def test_a_reason_is_stored_clean_on_the_record_and_in_the_trail(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    step(session, world.zibo, nomination, Action.ENDORSE, "\u3000 同意推荐\r\n\t理由充分 \u200b")
    assert nomination.city_opinion == "同意推荐\n\t理由充分"
    assert trail(session, nomination)[-1].reason == "同意推荐\n\t理由充分"


def test_an_optional_reason_is_cleaned_too(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.DRAFT)
    with pytest.raises(ValidationError, match="理由不能包含控制字符"):
        step(session, world.zhangdian, nomination, Action.SUBMIT, "按时\x00上报")
    step(session, world.zhangdian, nomination, Action.SUBMIT, "  ")
    assert nomination.state == S.SUBMITTED and trail(session, nomination)[-1].reason is None



# --- tasks are done when the record moves on -----------------------------------------------


def _tasks(session: Session, user: User, nomination: Nomination) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.object_type == "nomination",
        Notification.object_id == str(nomination.id), Notification.task.is_(True))))


def test_the_citys_task_is_done_when_the_county_withdraws(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    [task] = _tasks(session, world.zibo, nomination)
    assert task.is_open_task
    step(session, world.zhangdian, nomination, Action.WITHDRAW, "暂缓推荐")
    session.refresh(task)
    assert task.done_at is not None and not task.is_open_task


def test_the_countys_task_after_a_return_is_done_by_its_resubmission(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.RETURNED)
    [returned] = _tasks(session, world.zhangdian, nomination)
    assert returned.is_open_task
    step(session, world.zhangdian, nomination, Action.SUBMIT)
    session.refresh(returned)
    assert returned.done_at is not None
    open_for_city = [t for t in _tasks(session, world.zibo, nomination) if t.is_open_task]
    assert len(open_for_city) == 1, "the resubmission is a new task for the city"


def test_a_refused_step_leaves_the_task_open(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    with pytest.raises(ValidationError):
        step(session, world.zibo, nomination, Action.ENDORSE, "")
    [task] = _tasks(session, world.zibo, nomination)
    session.refresh(task)
    assert task.is_open_task


def test_the_workbench_shows_a_task_as_to_do_then_as_done(client: FlaskClient, login, session: Session,
                                                          world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    session.commit()
    login(world.zibo)
    assert "待办</span>" in client.get("/").get_data(as_text=True)
    step(session, world.zhangdian, nomination, Action.WITHDRAW, "暂缓推荐")
    session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "已办结</span>" in home and "待办</span>" not in home


# --- campaigns -------------------------------------------------------------------------------


def test_a_campaign_closes_through_the_engine_once_every_candidate_is_decided(session: Session,
                                                                               world: World) -> None:
    campaign = world.campaign
    waiting = world.nomination(session, S.ENDORSED)
    with pytest.raises(InvalidTransition, match="尚有 1 个候选企业未作出遴选决定，不能结束本批次"):
        step(session, world.sheng, campaign, CampaignAction.CLOSE)
    with pytest.raises(PermissionDenied):
        step(session, world.zibo, campaign, CampaignAction.CLOSE)
    assert campaign.is_open and campaign.closed_at is None
    step(session, world.sheng, waiting, Action.REJECT, "不符合条件")
    step(session, world.sheng, campaign, CampaignAction.CLOSE, "本批次遴选结束")
    assert campaign.state == CampaignStatus.CLOSED and campaign.closed_at is not None
    last = trail(session, campaign)[-1]
    assert last.action == "campaign.close" and last.reason == "本批次遴选结束"
    assert json.loads(last.data) == {"from": "open", "to": "closed"}
    with pytest.raises(InvalidTransition, match="当前状态为“已结束”"):
        step(session, world.sheng, campaign, CampaignAction.CLOSE)
    assert CAMPAIGN_FLOW.allowed(world.sheng, campaign) == []


def test_nothing_moves_in_a_closed_campaign_and_no_button_is_offered(session: Session, world: World) -> None:
    draft = world.nomination(session, S.DRAFT)
    world.nomination(session, S.WITHDRAWN, world.ent_zd2)
    step(session, world.sheng, world.campaign, CampaignAction.CLOSE)
    assert NOMINATION_FLOW.allowed(world.zhangdian, draft) == []
    with pytest.raises(InvalidTransition, match="不能执行“上报市级”"):
        step(session, world.zhangdian, draft, Action.SUBMIT)


def test_closing_over_http_returns_to_the_campaign_with_the_outcome(client: FlaskClient, login, session: Session,
                                                                    world: World) -> None:
    campaign = world.campaign
    world.nomination(session, S.ENDORSED)
    session.commit()
    login(world.sheng)
    page = f"/campaigns/{campaign.id}"
    assert 'data-testid="action-close"' in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/actions/close", data={"lock_version": str(campaign.lock_version)},
                          headers={"Referer": f"http://localhost{page}"})
    assert refused.status_code == 303 and refused.location == page
    assert "尚有 1 个候选企业未作出遴选决定" in client.get(page).get_data(as_text=True)
    session.refresh(campaign)
    assert campaign.is_open


# --- the buttons offered are exactly the steps accepted -------------------------------------


PERSONAS = ("admin", "sheng", "zibo", "jinan", "zhangdian", "zhoucun", "expert", "committee", "ent_user")


def _accepts(session: Session, actor: User, record: Any, action: enum.StrEnum) -> bool:
    attempt = session.begin_nested()
    try:
        transition(session, actor, record, action, record.lock_version, reason="理由")
        return True
    except DomainError:
        return False
    finally:
        attempt.rollback()


# A county's nomination in every state, and a city's own in every state it can reach
# (it never passes through the county steps).
NOMINATIONS = [("ent_zd", state) for state in S] + [
    ("ent_jn", state) for state in S if state not in (S.SUBMITTED, S.RETURNED)]


@pytest.mark.parametrize(("enterprise", "state"), NOMINATIONS, ids=lambda v: str(v))
def test_the_steps_offered_are_exactly_the_steps_the_engine_accepts(session: Session, world: World,
                                                                    state: S, enterprise: str) -> None:
    nomination = world.nomination(session, state, getattr(world, enterprise))
    offered_to_someone = False
    for who in PERSONAS:
        actor = getattr(world, who)
        offered = NOMINATION_FLOW.allowed(actor, nomination)
        offered_to_someone |= bool(offered)
        for action in Action:
            accepted = _accepts(session, actor, nomination, action)
            session.refresh(nomination)
            assert nomination.state == state
            assert accepted == (action in offered), (
                f"{who} on a {state} nomination: {action} offered={action in offered} accepted={accepted}")
    assert offered_to_someone == (state not in (S.SELECTED, S.REJECTED, S.WITHDRAWN))


def test_the_campaign_buttons_offered_are_exactly_the_steps_accepted(session: Session, world: World) -> None:
    for who in PERSONAS:
        actor = getattr(world, who)
        accepted = _accepts(session, actor, world.campaign, CampaignAction.CLOSE)
        session.refresh(world.campaign)
        assert accepted == (CampaignAction.CLOSE in CAMPAIGN_FLOW.allowed(actor, world.campaign)) == (who == "sheng")
