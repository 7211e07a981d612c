"""Nomination rules beyond the table: deadlines, reasons, duplicates, notices, campaigns."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks import campaigns, queries, services
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action as A
from benchmarks.workflow import CampaignAction
from core.attachments import FileStore
from core.db import china_today
from core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import Notification
from tests.factories import FULL_REASONS, World, make_enterprise, make_user, step, trail


def _titles(session: Session, user) -> list[str]:
    return list(session.scalars(select(Notification.title).where(Notification.user_id == user.id)))


def test_a_submission_after_the_county_deadline_is_refused_naming_the_deadline(
    session: Session, world: World
) -> None:
    nomination = world.nomination(session, S.DRAFT)
    world.campaign.county_deadline = china_today() - dt.timedelta(days=1)
    with pytest.raises(InvalidTransition) as refused:
        step(session, world.zhangdian, nomination, A.SUBMIT)
    deadline = world.campaign.county_deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in refused.value.message
    assert "县级上报截止日期" in refused.value.message
    assert nomination.state == S.DRAFT


def test_the_deadline_day_itself_still_counts(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.DRAFT)
    world.campaign.county_deadline = china_today()
    step(session, world.zhangdian, nomination, A.SUBMIT)
    assert nomination.state == S.SUBMITTED


def test_an_endorsement_after_the_city_deadline_is_refused(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    world.campaign.county_deadline = world.campaign.city_deadline = china_today() - dt.timedelta(days=2)
    with pytest.raises(InvalidTransition, match="市级推荐截止日期"):
        step(session, world.zibo, nomination, A.ENDORSE, "同意")


def test_the_province_may_decide_after_the_lower_deadlines(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.ENDORSED)
    world.campaign.county_deadline = world.campaign.city_deadline = china_today() - dt.timedelta(days=2)
    step(session, world.sheng, nomination, A.SELECT, "确定")
    assert nomination.state == S.SELECTED


def test_one_enterprise_cannot_be_nominated_twice_in_one_campaign(session: Session, world: World) -> None:
    world.nomination(session, S.SUBMITTED)
    with pytest.raises(Conflict, match="只能推荐一次"):
        services.nominate(session, world.zibo, world.campaign, world.ent_zd.id, FULL_REASONS)


def test_a_withdrawn_nomination_frees_the_enterprise_for_a_new_one(session: Session, world: World) -> None:
    world.nomination(session, S.WITHDRAWN)
    again = services.nominate(session, world.zhangdian, world.campaign, world.ent_zd.id, FULL_REASONS)
    assert again.state == S.DRAFT


def test_a_county_cannot_nominate_outside_its_county(session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        services.nominate(session, world.zhangdian, world.campaign, world.ent_zc.id, FULL_REASONS)


def test_only_county_and_city_bureaus_nominate(session: Session, world: World) -> None:
    for who in (world.sheng, world.admin, world.expert, world.ent_user):
        with pytest.raises(PermissionDenied):
            services.nominate(session, who, world.campaign, world.ent_zd.id, FULL_REASONS)


def test_an_industry_outside_the_campaign_is_refused(session: Session, world: World) -> None:
    trader = make_enterprise(session, "370303", industry="TRADE")
    with pytest.raises(ValidationError, match="不在本批次遴选范围内"):
        services.nominate(session, world.zhangdian, world.campaign, trader.id, FULL_REASONS)


def test_submission_needs_all_three_criteria(session: Session, world: World) -> None:
    nomination = services.nominate(session, world.zhangdian, world.campaign, world.ent_zd.id,
                                   services.Reasons(risk_control="风险管控做法"))
    with pytest.raises(ValidationError) as refused:
        step(session, world.zhangdian, nomination, A.SUBMIT)
    assert set(refused.value.errors) == {"hidden_danger", "informatisation"}
    assert "隐患排查治理" in refused.value.errors["hidden_danger"]


@pytest.mark.parametrize(("state", "action", "who"), [
    (S.SUBMITTED, A.RETURN, "zibo"),
    (S.SUBMITTED, A.ENDORSE, "zibo"),
    (S.ENDORSED, A.SELECT, "sheng"),
    (S.ENDORSED, A.REJECT, "sheng"),
    (S.SUBMITTED, A.WITHDRAW, "zhangdian"),
])
def test_steps_that_need_a_reason_refuse_an_empty_one(
    session: Session, world: World, state: S, action: A, who: str
) -> None:
    nomination = world.nomination(session, state)
    with pytest.raises(ValidationError, match="请填写"):
        step(session, getattr(world, who), nomination, action, "   ")
    assert nomination.state == state


def test_every_step_leaves_who_what_and_why_in_the_trail(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.RETURNED)
    events = trail(session, nomination)
    assert [e.action for e in events] == [
        "nomination.create", "nomination.attach", "nomination.submit", "nomination.return"]
    assert events[-1].reason == "材料不全"
    assert events[-1].actor_id == world.zibo.id
    assert "待市级审核 → 已退回县级" in events[-1].summary


def test_the_city_hears_of_a_submission_and_the_county_of_a_return(session: Session, world: World) -> None:
    world.nomination(session, S.RETURNED)
    assert any("待市级审核" in t for t in _titles(session, world.zibo))
    assert any("退回" in t for t in _titles(session, world.zhangdian))
    assert not any(world.ent_zd.name in t for t in _titles(session, world.jinan))


def test_outcomes_notify_the_nominating_county_and_its_city(session: Session, world: World) -> None:
    world.nomination(session, S.SELECTED)
    assert any("确定为省级标杆企业" in t for t in _titles(session, world.zhangdian))
    assert any("确定为省级标杆企业" in t for t in _titles(session, world.zibo))


def test_a_returned_nomination_is_corrected_and_resubmitted(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.RETURNED)
    services.update_reasons(session, world.zhangdian, nomination,
                            services.Reasons("补充后的风险管控", "隐患治理", "平台截图已补充"),
                            nomination.lock_version)
    step(session, world.zhangdian, nomination, A.SUBMIT)
    assert nomination.state == S.SUBMITTED
    assert nomination.return_reason is None
    assert nomination.informatisation == "平台截图已补充"


def test_a_stale_edit_of_the_reasons_is_refused(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.DRAFT)
    opened_at = nomination.lock_version
    services.update_reasons(session, world.zhangdian, nomination, services.Reasons("新", "新", "新"), opened_at)
    with pytest.raises(Conflict):
        services.update_reasons(session, world.zhangdian, nomination, services.Reasons("旧", "旧", "旧"), opened_at)
    assert nomination.risk_control == "新"


def test_reasons_are_frozen_once_submitted(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.update_reasons(session, world.zhangdian, nomination, FULL_REASONS, nomination.lock_version)


def test_attachments_are_kept_by_content_and_checked_by_type(session: Session, world: World, tmp_path) -> None:
    store = FileStore(tmp_path)
    nomination = world.nomination(session, S.DRAFT)
    link = services.add_attachment(session, world.zhangdian, store, nomination, "报告.pdf", b"%PDF-1.4 test\n%%EOF\n")
    assert store.path_for(link.attachment.sha256).read_bytes() == b"%PDF-1.4 test\n%%EOF\n"
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        services.add_attachment(session, world.zhangdian, store, nomination, "run.exe", b"MZ...")
    with pytest.raises(ValidationError, match="内容与扩展名"):
        services.add_attachment(session, world.zhangdian, store, nomination, "fake.pdf", b"not a pdf")
    services.remove_attachment(session, world.zhangdian, nomination, link.id)
    assert [a.attachment.filename for a in nomination.attachments] == ["证明材料.pdf"]  # the world's own


def test_the_province_compares_candidates_of_one_industry(session: Session, world: World) -> None:
    world.nomination(session, S.ENDORSED, world.ent_zd)
    world.nomination(session, S.SELECTED, world.ent_jn)
    world.nomination(session, S.SUBMITTED, world.ent_zc)  # not yet with the province
    names = [n.enterprise.name for n in queries.candidates(session, world.sheng, world.campaign, "CHEM")]
    assert sorted(names) == sorted([world.ent_zd.name, world.ent_jn.name])


def test_a_campaign_cannot_close_while_candidates_wait(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.ENDORSED)
    with pytest.raises(InvalidTransition, match="1 个候选企业"):
        step(session, world.sheng, world.campaign, CampaignAction.CLOSE)
    step(session, world.sheng, nomination, A.SELECT, "确定")
    step(session, world.sheng, world.campaign, CampaignAction.CLOSE)
    assert not world.campaign.is_open


def test_nothing_moves_in_a_closed_campaign(session: Session, world: World) -> None:
    draft = world.nomination(session, S.DRAFT)
    step(session, world.zhangdian, draft, A.WITHDRAW, "不再推荐")
    step(session, world.sheng, world.campaign, CampaignAction.CLOSE)
    with pytest.raises(InvalidTransition):
        services.nominate(session, world.zhangdian, world.campaign, world.ent_zd2.id, FULL_REASONS)


def test_only_the_province_opens_campaigns_and_deadlines_must_be_in_order(session: Session, world: World) -> None:
    today = china_today()
    data = campaigns.CampaignInput(
        title="批次", year=today.year, county_deadline=today + dt.timedelta(days=10),
        city_deadline=today + dt.timedelta(days=5), province_deadline=today + dt.timedelta(days=20),
        industry_codes=["CHEM"])
    with pytest.raises(PermissionDenied):
        campaigns.open_campaign(session, world.zibo, data)
    with pytest.raises(ValidationError) as refused:
        campaigns.open_campaign(session, world.sheng, data)
    assert "市级推荐截止日期不能早于县级上报截止日期" in refused.value.errors["city_deadline"]


def test_opening_a_campaign_tells_every_city_and_county_bureau(session: Session, world: World) -> None:
    assert any("新的标杆企业遴选批次" in t for t in _titles(session, world.zhoucun))
    assert any("新的标杆企业遴选批次" in t for t in _titles(session, world.jinan))
    assert _titles(session, world.expert) == []


def test_extending_a_deadline_reopens_late_submission(session: Session, world: World) -> None:
    nomination = world.nomination(session, S.DRAFT)
    campaign = world.campaign
    campaign.county_deadline = china_today() - dt.timedelta(days=1)
    with pytest.raises(InvalidTransition):
        step(session, world.zhangdian, nomination, A.SUBMIT)
    campaigns.update_campaign(session, world.sheng, campaign, campaigns.CampaignInput(
        title=campaign.title, year=campaign.year, county_deadline=china_today() + dt.timedelta(days=3),
        city_deadline=campaign.city_deadline, province_deadline=campaign.province_deadline,
        industry_codes=sorted(campaign.industry_codes)), campaign.lock_version)
    step(session, world.zhangdian, nomination, A.SUBMIT)
    assert nomination.state == S.SUBMITTED
    assert trail(session, campaign)[-1].action == "campaign.update"


def test_an_industry_with_nominations_stays_in_the_campaign(session: Session, world: World) -> None:
    world.nomination(session, S.DRAFT)
    campaign = world.campaign
    with pytest.raises(ValidationError, match="已有推荐"):
        campaigns.update_campaign(session, world.sheng, campaign, campaigns.CampaignInput(
            title=campaign.title, year=campaign.year, county_deadline=campaign.county_deadline,
            city_deadline=campaign.city_deadline, province_deadline=campaign.province_deadline,
            industry_codes=["MACH"]), campaign.lock_version)


def test_pending_work_is_what_waits_on_each_level(session: Session, world: World) -> None:
    world.nomination(session, S.RETURNED, world.ent_zd)
    world.nomination(session, S.SUBMITTED, world.ent_zc)
    world.nomination(session, S.ENDORSED, world.ent_jn)
    assert [n.enterprise.name for n in queries.pending_work(session, world.zhangdian).to_submit] == [
        world.ent_zd.name]
    assert [n.enterprise.name for n in queries.pending_work(session, world.zibo).to_endorse] == [
        world.ent_zc.name]
    assert queries.pending_work(session, world.sheng).to_decide == 1
    assert queries.pending_work(session, world.jinan).to_endorse == []


def test_a_county_sees_only_its_own_nominations(session: Session, world: World) -> None:
    world.nomination(session, S.SUBMITTED, world.ent_zd)
    other = world.nomination(session, S.SUBMITTED, world.ent_zc)
    with pytest.raises(NotFound):
        queries.get_nomination(session, world.zhangdian, other.id)
    assert queries.get_nomination(session, world.zibo, other.id) is other
    township = make_user(session, "t_town", *world.zhangdian.roles, region="370303001")
    assert session.scalars(queries.nominations_query(session, township, queries.NominationFilter())).all() == []


def test_a_stale_campaign_edit_is_refused(session: Session, world: World) -> None:
    campaign = world.campaign
    opened = campaign.lock_version

    def extend(days: int) -> campaigns.CampaignInput:
        return campaigns.CampaignInput(
            title=campaign.title, year=campaign.year, county_deadline=campaign.county_deadline,
            city_deadline=campaign.city_deadline + dt.timedelta(days=days),
            province_deadline=campaign.province_deadline + dt.timedelta(days=days),
            industry_codes=sorted(campaign.industry_codes))

    campaigns.update_campaign(session, world.sheng, campaign, extend(5), opened)
    with pytest.raises(Conflict, match="已被他人修改"):
        campaigns.update_campaign(session, world.sheng, campaign, extend(10), opened)
