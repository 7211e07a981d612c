"""Nominations keep their owner, and what they were put forward under (issue 5, items 7 and 8).

A nomination belongs to the bureau that put it forward, wherever the enterprise moves
later, and keeps the region and industry it was put forward under. Upper levels see what
was put forward, and only a count of a county's drafts. Submission needs evidence; the
province's deadline binds the province; campaign dates are dates a campaign can have.
What the enterprise and the bureaus are told is in ``test_nomination_notices``; the trail
in ``test_nomination_trail``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks import campaigns, queries, services
from benchmarks.models import Campaign, Nomination
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action
from core.db import china_today
from core.errors import InvalidTransition, PermissionDenied, ValidationError
from tests.factories import FULL_REASONS, PDF, World, step, trail
from tests.nomination_helpers import html_of, move


def act(client: FlaskClient, nomination: Nomination, action: str, reason: str = "") -> Any:
    page = f"/nominations/{nomination.id}"
    return client.post(f"{page}/actions/{action}", data={
        "lock_version": str(nomination.lock_version), "reason": reason, "back": page})


# --- nominations keep their owner -----------------------------------------------------------


def test_a_county_keeps_and_can_withdraw_its_draft_after_the_city_moves_the_enterprise(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    draft = world.nomination(session, S.DRAFT)
    move(session, world, world.ent_zd, region="370306")
    session.commit()
    page = f"/nominations/{draft.id}"
    login(world.zhoucun)
    assert client.get(page).status_code == 404, "周村区 gained 张店区's nomination"
    assert world.ent_zd.name not in html_of(client.get("/nominations/"))
    login(world.zhangdian)
    shown = html_of(client.get(page))
    assert world.ent_zd.name in shown and 'data-testid="action-withdraw"' in shown
    assert world.ent_zd.name in html_of(client.get("/nominations/"))
    assert act(client, draft, "withdraw", "企业已迁出本区").status_code == 303
    session.refresh(draft)
    assert draft.state == S.WITHDRAWN


def test_a_submitted_nomination_stays_with_its_county_and_its_city_after_a_move(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    submitted = world.nomination(session, S.SUBMITTED)
    move(session, world, world.ent_zd, region="370306")
    session.commit()
    page = f"/nominations/{submitted.id}"
    login(world.zhoucun)
    assert client.get(page).status_code == 404
    with pytest.raises(PermissionDenied):
        step(session, world.zhoucun, submitted, Action.WITHDRAW, "不是我们的")
    login(world.zhangdian)
    assert client.get(page).status_code == 200
    login(world.zibo)
    assert act(client, submitted, "endorse", "同意推荐").status_code == 303
    session.refresh(submitted)
    assert submitted.state == S.ENDORSED
    assert submitted.region_path == "/370000/370300/370303/", "it stays where it was put forward"


def test_submitting_an_enterprise_that_has_left_the_county_is_refused_saying_where_it_went(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    draft = world.nomination(session, S.DRAFT)
    move(session, world, world.ent_zd, region="370306")
    session.commit()
    events = len(trail(session, draft))
    login(world.zhangdian)
    response = act(client, draft, "submit")
    assert response.status_code == 303
    message = "“张店甲化工有限公司”已迁至淄博市周村区，不在本单位辖区内，不能再上报。可撤回本推荐。"
    assert message in html_of(client.get(response.location))
    session.refresh(draft)
    assert draft.state == S.DRAFT and len(trail(session, draft)) == events


def test_a_returned_nomination_of_an_enterprise_that_moved_away_cannot_be_resubmitted(
    session: Session, world: World
) -> None:
    returned = world.nomination(session, S.RETURNED)
    move(session, world, world.ent_zd, region="370306")
    with pytest.raises(InvalidTransition, match="已迁至淄博市周村区"):
        step(session, world.zhangdian, returned, Action.SUBMIT)
    step(session, world.zhangdian, returned, Action.WITHDRAW, "企业已迁出")
    assert returned.state == S.WITHDRAWN


def test_a_move_inside_the_county_does_not_stop_the_submission(session: Session, world: World) -> None:
    draft = world.nomination(session, S.DRAFT)
    move(session, world, world.ent_zd, region="370303001")
    step(session, world.zhangdian, draft, Action.SUBMIT)
    assert draft.region_path == "/370000/370300/370303/370303001/", "recorded where it stands when put forward"


# --- region and industry are recorded when put forward -------------------------------------


def test_the_industry_and_region_recorded_at_submission_survive_later_changes(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    selected = world.nomination(session, S.SELECTED)
    move(session, world, world.ent_zd, region="370306", industry="MACH")
    session.commit()
    session.refresh(selected)
    assert (selected.industry_code, selected.region_path) == ("CHEM", "/370000/370300/370303/")
    login(world.sheng)
    chemistry = html_of(client.get(f"/campaigns/{world.campaign.id}/industries/CHEM"))
    assert world.ent_zd.name in chemistry
    assert world.ent_zd.name not in html_of(client.get(f"/campaigns/{world.campaign.id}/industries/MACH"))
    assert "危险化学品（化工）" in html_of(client.get(f"/nominations/{selected.id}"))


def test_a_draft_takes_the_industry_the_enterprise_has_when_it_is_put_forward(session: Session,
                                                                              world: World) -> None:
    draft = world.nomination(session, S.DRAFT)
    move(session, world, world.ent_zd, industry="MACH")
    assert draft.industry_code == "CHEM"
    step(session, world.zhangdian, draft, Action.SUBMIT)
    assert draft.industry_code == "MACH"


def test_a_draft_whose_enterprise_left_the_campaigns_industries_cannot_be_put_forward(
    session: Session, world: World
) -> None:
    draft = world.nomination(session, S.DRAFT)
    move(session, world, world.ent_zd, industry="TRADE")
    with pytest.raises(InvalidTransition) as refused:
        step(session, world.zhangdian, draft, Action.SUBMIT)
    assert "“张店甲化工有限公司”的行业现为“商贸”，不在本批次遴选行业内" in refused.value.message
    assert draft.state == S.DRAFT and draft.industry_code == "CHEM"
    own = services.nominate(session, world.zibo, world.campaign, world.ent_zc.id, FULL_REASONS)
    services.add_attachment(session, world.zibo, world.store, own, "证明材料.pdf", PDF)
    move(session, world, world.ent_zc, industry="TRADE")
    with pytest.raises(InvalidTransition, match="不在本批次遴选行业内"):
        step(session, world.zibo, own, Action.ENDORSE, "市级直接推荐")


# --- upper levels see what was put forward, and a count of drafts --------------------------


def test_upper_levels_see_only_a_count_of_a_countys_drafts(client: FlaskClient, login, session: Session,
                                                            world: World) -> None:
    draft = world.nomination(session, S.DRAFT, world.ent_zd)
    world.nomination(session, S.DRAFT, world.ent_zd2)
    submitted = world.nomination(session, S.SUBMITTED, world.ent_zc)
    session.commit()
    campaign_page = f"/campaigns/{world.campaign.id}"
    for upper in (world.zibo, world.sheng):
        login(upper)
        assert client.get(f"/nominations/{draft.id}").status_code == 404
        listed = html_of(client.get("/nominations/"))
        assert world.ent_zd.name not in listed and world.ent_zd2.name not in listed
        page = html_of(client.get(campaign_page))
        assert "辖区内另有 2 个推荐草稿尚未上报" in page
        assert world.ent_zd.name not in page
        assert queries.unsubmitted_drafts(session, upper, world.campaign) == 2
    login(world.zibo)
    assert world.ent_zc.name in html_of(client.get("/nominations/")), "what was put forward is seen"
    assert client.get(f"/nominations/{submitted.id}").status_code == 200
    login(world.jinan)
    assert 'data-testid="draft-count"' not in html_of(client.get(campaign_page))
    login(world.zhangdian)
    own = html_of(client.get(campaign_page))
    assert 'data-testid="draft-count"' not in own and world.ent_zd.name in own


def test_a_returned_nomination_stays_visible_to_the_city_and_is_not_counted_as_a_draft(
    session: Session, world: World
) -> None:
    returned = world.nomination(session, S.RETURNED)
    assert queries.get_nomination(session, world.zibo, returned.id) is returned
    assert queries.unsubmitted_drafts(session, world.zibo, world.campaign) == 0


# --- evidence before submission ---------------------------------------------------------------


def test_a_nomination_without_evidence_cannot_be_submitted(client: FlaskClient, login, session: Session,
                                                           world: World) -> None:
    draft = services.nominate(session, world.zhangdian, world.campaign, world.ent_zd.id, FULL_REASONS)
    session.commit()
    login(world.zhangdian)
    page = f"/nominations/{draft.id}"
    refused = act(client, draft, "submit")
    assert "请先上传至少一份证明材料，再上报推荐" in html_of(client.get(refused.location))
    session.refresh(draft)
    assert draft.state == S.DRAFT
    client.post(f"{page}/attachments", data={"file": (io.BytesIO(PDF), "安全生产标准化证书.pdf")},
                content_type="multipart/form-data")
    session.refresh(draft)
    assert act(client, draft, "submit").status_code == 303
    session.refresh(draft)
    assert draft.state == S.SUBMITTED


def test_removing_the_only_evidence_blocks_the_resubmission(session: Session, world: World) -> None:
    returned = world.nomination(session, S.RETURNED)
    services.remove_attachment(session, world.zhangdian, returned, returned.attachments[0].id)
    with pytest.raises(ValidationError) as refused:
        step(session, world.zhangdian, returned, Action.SUBMIT)
    assert refused.value.errors == {"file": "请先上传至少一份证明材料，再上报推荐"}


def test_a_city_putting_forward_its_own_needs_evidence_too(session: Session, world: World) -> None:
    own = services.nominate(session, world.jinan, world.campaign, world.ent_jn.id, FULL_REASONS)
    with pytest.raises(ValidationError, match="证明材料"):
        step(session, world.jinan, own, Action.ENDORSE, "市级直接推荐")
    assert own.state == S.DRAFT


# --- the province's deadline ------------------------------------------------------------------


def _all_deadlines_passed(campaign: Campaign, days_ago: int = 1) -> None:
    past = china_today() - dt.timedelta(days=days_ago)
    campaign.county_deadline = campaign.city_deadline = campaign.province_deadline = past


@pytest.mark.parametrize("action", [Action.SELECT, Action.REJECT])
def test_the_province_cannot_decide_after_its_own_deadline(session: Session, world: World,
                                                           action: Action) -> None:
    candidate = world.nomination(session, S.ENDORSED)
    _all_deadlines_passed(world.campaign)
    with pytest.raises(InvalidTransition) as refused:
        step(session, world.sheng, candidate, action, "决定")
    deadline = world.campaign.province_deadline
    named = f"已超过本批次的省级遴选截止日期（{deadline.year}年{deadline.month}月{deadline.day}日）"
    assert named in refused.value.message
    assert candidate.state == S.ENDORSED and candidate.decided_at is None


def test_the_province_may_still_decide_on_its_deadline_day(session: Session, world: World) -> None:
    candidate = world.nomination(session, S.ENDORSED)
    _all_deadlines_passed(world.campaign, days_ago=0)
    step(session, world.sheng, candidate, Action.SELECT, "确定为标杆")
    assert candidate.state == S.SELECTED


def test_a_late_decision_over_http_returns_with_the_deadline_named(client: FlaskClient, login, session: Session,
                                                                   world: World) -> None:
    candidate = world.nomination(session, S.ENDORSED)
    _all_deadlines_passed(world.campaign, days_ago=3)
    session.commit()
    login(world.sheng)
    response = act(client, candidate, "select", "确定")
    assert response.status_code == 303
    assert "已超过本批次的省级遴选截止日期" in html_of(client.get(response.location))


# --- campaign dates ---------------------------------------------------------------------------


def _campaign(year: int | None = None, **dates: dt.date) -> campaigns.CampaignInput:
    today = china_today()
    return campaigns.CampaignInput(
        title="日期检查批次", year=year or today.year, industry_codes=["CHEM"],
        county_deadline=dates.get("county", today + dt.timedelta(days=10)),
        city_deadline=dates.get("city", today + dt.timedelta(days=20)),
        province_deadline=dates.get("province", today + dt.timedelta(days=30)))


@pytest.mark.parametrize(("field", "dates", "says"), [
    ("county_deadline", {"county": dt.date(1, 1, 1)}, "县级上报截止日期应在"),
    ("province_deadline", {"province": dt.date(9999, 12, 31)}, "省级遴选截止日期应在"),
    ("city_deadline", {"city": dt.date(china_today().year + 2, 1, 1)}, "市级推荐截止日期应在"),
    ("county_deadline", {"county": china_today() - dt.timedelta(days=1)}, "县级上报截止日期不能早于今天"),
    ("city_deadline", {"county": china_today() + dt.timedelta(days=20), "city": china_today() + dt.timedelta(days=10)},
     "市级推荐截止日期不能早于县级上报截止日期"),
    ("province_deadline", {"province": china_today() + dt.timedelta(days=15)},
     "省级遴选截止日期不能早于市级推荐截止日期"),
])
def test_campaign_dates_must_be_sane(session: Session, world: World, field: str, dates: dict[str, dt.date],
                                     says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        campaigns.open_campaign(session, world.sheng, _campaign(**dates))
    assert says in refused.value.errors[field]


def test_a_campaign_year_outside_the_notices_era_is_refused(session: Session, world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        campaigns.open_campaign(session, world.sheng, _campaign(year=1))
    assert refused.value.errors["year"] == "年度应在 2016 至 2100 之间"


def test_deadlines_may_run_into_the_next_year(session: Session, world: World) -> None:
    year = china_today().year
    campaign = campaigns.open_campaign(session, world.sheng, _campaign(
        year=year, province=dt.date(year + 1, 3, 31)))
    assert campaign.province_deadline == dt.date(year + 1, 3, 31)


def test_a_campaign_dated_year_one_is_refused_on_the_form(client: FlaskClient, login, session: Session,
                                                          world: World) -> None:
    login(world.sheng)
    today = china_today()
    form = {"title": "公元一年批次", "year": str(today.year), "county_deadline": "0001-01-01",
            "city_deadline": (today + dt.timedelta(days=20)).isoformat(),
            "province_deadline": (today + dt.timedelta(days=30)).isoformat(), "industry_codes": ["CHEM"]}
    response = client.post("/campaigns/new", data=form)
    assert response.status_code == 422
    assert f"县级上报截止日期应在 {today.year} 年或 {today.year + 1} 年内" in html_of(response)
    assert session.scalar(select(Campaign).where(Campaign.title == "公元一年批次")) is None
    edit = client.post(f"/campaigns/{world.campaign.id}/edit", data={
        **form, "title": world.campaign.title, "lock_version": str(world.campaign.lock_version)})
    assert edit.status_code == 422 and "县级上报截止日期应在" in html_of(edit)
    session.refresh(world.campaign)
    assert world.campaign.county_deadline >= today
