"""Nomination rules as the bureaus and enterprises meet them (issue 5, items 7 and 8).

A nomination belongs to the bureau that put it forward, wherever the enterprise moves
later, and keeps the region and industry it was put forward under. Upper levels see what
was put forward, and only a count of a county's drafts. Submission needs evidence; the
province's deadline binds the province; campaign dates are dates a campaign can have.
Enterprises hear of their own nomination, every notification opens its record, the
enterprise picker is a scoped type-ahead, and the trail reads in Chinese, newest first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.links import object_url
from benchmarks import campaigns, queries, services
from benchmarks.models import Campaign, Nomination
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action, CampaignAction
from core import accounts, registry
from core.audit import ACTION_LABELS, OBJECT_LABELS, AuditEvent
from core.db import china_today
from core.enterprises import Enterprise
from core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import Notification
from core.people import Role, User
from core.registry import EnterpriseInput
from tests.factories import (
    FULL_REASONS,
    PASSWORD,
    PDF,
    World,
    credit_code,
    make_enterprise,
    make_user,
    step,
    trail,
)


def html_of(response: Any) -> str:
    return response.get_data(as_text=True)


def move(session: Session, world: World, enterprise: Enterprise, region: str | None = None,
         industry: str | None = None) -> None:
    """淄博市 corrects where an enterprise is registered, or its industry, through the registry."""
    data = EnterpriseInput.of(enterprise)
    data.region_code = region or data.region_code
    data.industry_code = industry or data.industry_code
    registry.update_enterprise(session, world.zibo, enterprise, data, enterprise.lock_version)


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


# --- enterprises hear of their own nomination --------------------------------------------------


def _news(session: Session, user: User) -> list[str]:
    return list(session.scalars(select(Notification.title).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def test_the_enterprise_hears_when_it_is_nominated_endorsed_and_selected(session: Session, world: World) -> None:
    title = world.campaign.title
    world.nomination(session, S.DRAFT)
    assert _news(session, world.ent_user) == [], "a draft is not news yet"
    world.nomination(session, S.WITHDRAWN, world.ent_zd2)  # another enterprise's: not theirs
    nomination = session.scalars(select(Nomination).where(Nomination.enterprise_id == world.ent_zd.id)).one()
    step(session, world.zhangdian, nomination, Action.SUBMIT)
    step(session, world.zibo, nomination, Action.ENDORSE, "同意")
    step(session, world.sheng, nomination, Action.SELECT, "确定")
    assert _news(session, world.ent_user) == [
        f"本企业已被推荐参加“{title}”标杆企业遴选",
        f"本企业已由市级推荐至省级，参加“{title}”标杆企业遴选",
        "本企业已被确定为省级标杆企业（危险化学品（化工））",
    ]


def test_the_enterprise_hears_when_it_is_not_selected(session: Session, world: World) -> None:
    world.nomination(session, S.REJECTED)
    assert _news(session, world.ent_user)[-1] == f"本企业在“{world.campaign.title}”中未入选省级标杆企业"


def test_the_enterprise_does_not_hear_of_a_return_a_resubmission_or_a_withdrawal(session: Session,
                                                                                 world: World) -> None:
    returned = world.nomination(session, S.RETURNED)
    heard = _news(session, world.ent_user)
    assert len(heard) == 1  # the first submission
    step(session, world.zhangdian, returned, Action.SUBMIT)
    step(session, world.zhangdian, returned, Action.WITHDRAW, "暂缓")
    assert _news(session, world.ent_user) == heard


def test_an_enterprise_put_forward_by_its_city_hears_of_it(session: Session, world: World) -> None:
    manager = make_user(session, "t_ent_jn", Role.ENTERPRISE, enterprise=world.ent_jn)
    retired = make_user(session, "t_ent_jn_old", Role.ENTERPRISE, enterprise=world.ent_jn)
    retired.is_active = False
    world.nomination(session, S.ENDORSED, world.ent_jn)
    assert _news(session, manager) == [f"本企业已由市级推荐至省级，参加“{world.campaign.title}”标杆企业遴选"]
    assert _news(session, retired) == []


def test_the_enterprises_notice_opens_its_own_page(client: FlaskClient, login, session: Session,
                                                   world: World) -> None:
    world.nomination(session, S.SELECTED)
    session.commit()
    login(world.ent_user)
    home = html_of(client.get("/"))
    ids = re.findall(r'action="/notifications/(\d+)/open"', home)
    assert ids, "the workbench shows the enterprise's notices as links"
    opened = client.post(f"/notifications/{ids[0]}/open")
    assert opened.status_code == 303 and opened.location == f"/enterprises/{world.ent_zd.id}"
    page = client.get(opened.location)
    assert page.status_code == 200 and "年度省级标杆企业" in html_of(page)


# --- notifications open their record ----------------------------------------------------------


def test_a_record_reference_becomes_the_records_page(app: Flask) -> None:
    with app.test_request_context():
        assert object_url("nomination", "8") == "/nominations/8"
        assert object_url("campaign", "3") == "/campaigns/3"
        assert object_url("enterprise", "5") == "/enterprises/5"
        assert object_url("user", "2") == "/admin/users/2"
        assert object_url("standard", "1") is None
        assert object_url("nomination", "8; drop") is None
        assert object_url("nomination", "-1") is None
        assert object_url(None, None) is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client: FlaskClient, login,
                                                                      session: Session, world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    session.commit()

    def note_about(user: User, object_type: str) -> Notification:
        return session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.object_type == object_type)).one()

    login(world.zibo)
    for object_type, page in [("nomination", f"/nominations/{nomination.id}"),
                              ("campaign", f"/campaigns/{world.campaign.id}")]:
        note = note_about(world.zibo, object_type)
        opened = client.post(f"/notifications/{note.id}/open")
        assert opened.status_code == 303 and opened.location == page
        assert client.get(page).status_code == 200
        session.refresh(note)
        assert note.read_at is not None


def test_a_notification_without_a_record_opens_the_inbox(client: FlaskClient, login, session: Session,
                                                         world: World) -> None:
    from core.notifications import notify

    notify(session, [world.zibo], "系统维护通知")
    session.commit()
    note = session.scalars(select(Notification).where(Notification.title == "系统维护通知")).one()
    login(world.zibo)
    opened = client.post(f"/notifications/{note.id}/open")
    assert opened.status_code == 303 and opened.location == "/notifications"


def test_someone_elses_notification_cannot_be_opened(client: FlaskClient, login, session: Session,
                                                     world: World) -> None:
    world.nomination(session, S.SUBMITTED)
    session.commit()
    theirs = session.scalars(select(Notification).where(Notification.user_id == world.zibo.id)).first()
    assert theirs is not None
    login(world.jinan)
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    session.refresh(theirs)
    assert theirs.read_at is None


def test_workbench_notifications_are_links_to_their_records(client: FlaskClient, login, session: Session,
                                                            world: World) -> None:
    world.nomination(session, S.SUBMITTED)
    session.commit()
    login(world.zibo)
    home = html_of(client.get("/"))
    recent = home.split('data-testid="recent-notifications"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<form method="post" action="/notifications/(\d+)/open"[^>]*>.*?<button type="submit"'
                       r'[^>]*>(.*?)</button>', recent, re.S)
    assert len(items) == 2
    assert any(f"{world.ent_zd.name}" in text and "待办" in text for _, text in items)


# --- the enterprise type-ahead -----------------------------------------------------------------


def _eligible(client: FlaskClient, world: World, q: str = "", campaign: Campaign | None = None) -> Any:
    return client.get(f"/campaigns/{(campaign or world.campaign).id}/nominations/eligible.json",
                      query_string={"q": q})


def test_the_picker_offers_only_enterprises_the_county_could_still_nominate(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    mine = [make_enterprise(session, "370303", name=f"查找{n:02d}化工有限公司") for n in range(25)]
    make_enterprise(session, "370306", name="查找周村化工有限公司")  # another county's
    make_enterprise(session, "370303", industry="TRADE", name="查找商贸有限公司")  # not in the campaign
    taken = services.nominate(session, world.zhangdian, world.campaign, mine[0].id, FULL_REASONS)
    freed = services.nominate(session, world.zhangdian, world.campaign, mine[1].id, FULL_REASONS)
    step(session, world.zhangdian, freed, Action.WITHDRAW, "换一家")
    session.commit()
    login(world.zhangdian)
    found = _eligible(client, world, "查找").get_json()
    assert len(found) == 20, "at most twenty suggestions"
    names = [e["name"] for e in found]
    assert names == sorted(names)
    assert taken.enterprise.name not in names and mine[1].name in names
    every = {e["name"] for e in _eligible(client, world, "查找0").get_json()} | {
        e["name"] for e in _eligible(client, world, "查找1").get_json()} | {
        e["name"] for e in _eligible(client, world, "查找2").get_json()}
    assert every == {e.name for e in mine[1:]}
    assert found[0] == {"id": found[0]["id"], "name": found[0]["name"], "credit_code": found[0]["credit_code"],
                        "region": "淄博市张店区", "industry": "危险化学品（化工）"}


def test_the_picker_matches_a_name_anywhere_and_a_credit_code_from_its_start(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    target = make_enterprise(session, "370303", name="淄博鲁泰化学有限公司")
    session.commit()
    login(world.zhangdian)
    code = target.credit_code

    def names(q: str) -> list[str]:
        response = _eligible(client, world, q)
        assert response.status_code == 200, q
        return [e["name"] for e in response.get_json()]

    assert names("鲁泰") == [target.name]
    assert names(code[:16]) == [target.name]
    assert names(code[:16].lower()) == [target.name]
    assert names(code) == [target.name]
    assert target.name in names(code[:8]), "the region part of a code finds every enterprise registered there"
    assert names(code[4:14]) == [], "a code matches from its start only"
    assert names("%") == [] and names("_") == [] and names("鲁泰%") == []
    assert names("鲁\x00泰") == [target.name]
    assert names("\u202e" + "鲁泰") == [target.name]
    assert len(names("化" * 5000)) == 0


def test_the_picker_is_for_nominators_only(client: FlaskClient, login, session: Session, world: World) -> None:
    for who in (world.sheng, world.expert, world.ent_user, world.admin):
        login(who)
        assert _eligible(client, world, "化工").status_code == 403
    login(world.zibo)
    offered = {e["name"] for e in _eligible(client, world, "化工").get_json()}
    assert offered == {world.ent_zd.name, world.ent_zd2.name, world.ent_zc.name}
    world.nomination(session, S.DRAFT, world.ent_zd2)
    step(session, world.sheng, world.campaign, CampaignAction.CLOSE)
    session.commit()
    assert _eligible(client, world, "化工").status_code == 403
    login(world.zhangdian)
    assert _eligible(client, world, "化工").status_code == 403


def test_an_enterprise_outside_the_county_cannot_be_nominated_by_tampering_with_the_form(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    login(world.zhangdian)
    response = client.post(f"/campaigns/{world.campaign.id}/nominations/new", data={
        "enterprise_id": str(world.ent_zc.id), "risk_control": "风险", "hidden_danger": "隐患",
        "informatisation": "信息化"})
    assert response.status_code == 404
    assert session.scalar(select(Nomination).where(Nomination.enterprise_id == world.ent_zc.id)) is None
    with pytest.raises(NotFound):
        services.nominate(session, world.zhangdian, world.campaign, world.ent_jn.id, FULL_REASONS)


# --- the trail in Chinese, newest first ---------------------------------------------------------


def _every_kind_of_event(session: Session, world: World, transactions: Any) -> None:
    world.nomination(session, S.SELECTED, world.ent_zd)
    world.nomination(session, S.REJECTED, world.ent_jn)
    world.nomination(session, S.WITHDRAWN, world.ent_zc)
    returned = world.nomination(session, S.RETURNED, world.ent_zd2)
    services.update_reasons(session, world.zhangdian, returned, services.Reasons("改", "改", "改"),
                            returned.lock_version)
    services.remove_attachment(session, world.zhangdian, returned, returned.attachments[0].id)
    step(session, world.zhangdian, returned, Action.WITHDRAW, "撤回")
    campaign = world.campaign
    campaigns.update_campaign(session, world.sheng, campaign, campaigns.CampaignInput(
        title="改名后的批次", year=campaign.year, county_deadline=campaign.county_deadline,
        city_deadline=campaign.city_deadline, province_deadline=campaign.province_deadline,
        industry_codes=sorted(campaign.industry_codes)), campaign.lock_version)
    step(session, world.sheng, campaign, CampaignAction.CLOSE)
    registry.register_enterprise(session, world.zibo, EnterpriseInput(
        name="审计用化工有限公司", credit_code=credit_code(), region_code="370303", industry_code="CHEM"))
    move(session, world, world.ent_zd2, region="370306")
    user = accounts.create_user(session, world.admin, accounts.UserInput(
        "t_audit", "审计", {Role.EXPERT}), "start-pass-1")
    accounts.update_user(session, world.admin, user, accounts.UserInput("t_audit", "审计二", {Role.EXPERT}))
    accounts.unlock_user(session, world.admin, user)
    accounts.reset_password(session, world.admin, user, "reset-pass-2")
    accounts.change_password(session, user, "reset-pass-2", "changed-pass-3")
    accounts.sign_out(session, user)
    session.commit()
    for password in ["wrong-pass-1"] * accounts.MAX_FAILED_LOGINS + [PASSWORD]:
        with contextlib.suppress(accounts.LoginRefused):
            accounts.authenticate(transactions, "t_sheng", password)
    accounts.authenticate(transactions, "t_zibo", PASSWORD)


def test_every_event_the_system_writes_has_a_chinese_name(session: Session, world: World, transactions) -> None:
    _every_kind_of_event(session, world, transactions)
    actions = set(session.scalars(select(AuditEvent.action).distinct()))
    objects = set(session.scalars(select(AuditEvent.object_type).distinct()))
    assert {"nomination.select", "nomination.reject", "campaign.close", "user.lock", "user.login"} <= actions
    assert actions <= set(ACTION_LABELS), f"no Chinese name for {sorted(actions - set(ACTION_LABELS))}"
    assert objects <= set(OBJECT_LABELS), f"no Chinese name for {sorted(objects - set(OBJECT_LABELS))}"


def test_the_audit_page_and_its_export_speak_chinese(client: FlaskClient, login, session: Session, world: World,
                                                     transactions) -> None:
    _every_kind_of_event(session, world, transactions)
    login(world.admin)
    html = html_of(client.get("/admin/audit", query_string={"size": "200"}))
    table = html.split('data-testid="audit-table"', 1)[1].split("</table>", 1)[0]
    actions = re.findall(r'<td class="small text-nowrap" title="([a-z_.]+)">([^<]+)</td>', table)
    assert len(actions) == session.scalar(select(func.count()).select_from(AuditEvent))
    for code, shown in actions:
        assert shown == ACTION_LABELS[code] and re.search(r"[\u4e00-\u9fff]", shown), code
    assert ("nomination.submit", "上报市级") in actions and ("campaign.close", "结束遴选批次") in actions
    objects = re.findall(r'<td class="small text-nowrap">(?:<a href="[^"]+">)?([^<]+)(?:</a>)?</td>', table)
    assert set(objects) >= {"推荐", "遴选批次", "用户", "企业"}
    assert not set(objects) & {"nomination", "campaign", "user", "enterprise"}
    assert "nomination #" not in table and ">nomination.return<" not in table
    filters = html.split('id="action"', 1)[1].split("</select>", 1)[0]
    assert ">上报市级<" in filters and ">nomination.submit<" not in filters
    sheet = load_workbook(io.BytesIO(client.get("/admin/audit/export.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows} >= {"上报市级", "确定为省级标杆", "结束遴选批次", "账户锁定"}
    assert all(not str(r[4]).startswith(("nomination ", "campaign ", "user ", "enterprise ")) for r in rows)


HISTORY_ROW = re.compile(r"<tr>\s*<td class=\"text-nowrap small\">[^<]*</td>\s*<td class=\"small\">[^<]*</td>"
                         r"\s*<td class=\"text-nowrap small\">[^<]*</td>\s*<td>([^<]*)</td>")


def _history(html: str) -> tuple[list[str], str]:
    section = html.split('data-testid="history"', 1)[1].split("</section>", 1)[0]
    return HISTORY_ROW.findall(section), section


@pytest.mark.parametrize("record", ["nomination", "enterprise", "campaign", "user"])
def test_a_records_history_is_newest_first_twenty_to_a_page(client: FlaskClient, login, session: Session,
                                                             world: World, record: str) -> None:
    nomination = world.nomination(session, S.DRAFT)
    for n in range(24):
        services.update_reasons(session, world.zhangdian, nomination,
                                services.Reasons(f"第{n}次修改", "隐患", "信息化"), nomination.lock_version)
        data = EnterpriseInput.of(world.ent_zd)
        data.employee_count = n + 1
        registry.update_enterprise(session, world.zibo, world.ent_zd, data, world.ent_zd.lock_version)
        accounts.update_user(session, world.admin, world.zibo, accounts.UserInput(
            "t_zibo", f"淄博{n}", {Role.BUREAU}, region_code="370300"))
        campaigns.update_campaign(session, world.sheng, world.campaign, campaigns.CampaignInput(
            title=f"批次第{n}版", year=world.campaign.year, county_deadline=world.campaign.county_deadline,
            city_deadline=world.campaign.city_deadline, province_deadline=world.campaign.province_deadline,
            industry_codes=sorted(world.campaign.industry_codes)), world.campaign.lock_version)
    session.commit()
    target, who, page = {
        "nomination": (nomination, world.zhangdian, f"/nominations/{nomination.id}"),
        "enterprise": (world.ent_zd, world.zibo, f"/enterprises/{world.ent_zd.id}"),
        "campaign": (world.campaign, world.sheng, f"/campaigns/{world.campaign.id}"),
        "user": (world.zibo, world.admin, f"/admin/users/{world.zibo.id}"),
    }[record]
    newest_first = [e.summary for e in reversed(trail(session, target))]
    assert len(newest_first) > 20
    login(who)
    first, section = _history(html_of(client.get(page)))
    assert first == newest_first[:20]
    assert f"共 {len(newest_first)} 条，最新在前" in html_of(client.get(page))
    assert "第 1 / 2 页" in section and "history=2" in section
    second, section = _history(html_of(client.get(page, query_string={"history": "2"})))
    assert second == newest_first[20:] and "第 2 / 2 页" in section
    for hostile in ("abc", "0", "-3", "99999999999999999999", "\x00"):
        assert _history(html_of(client.get(page, query_string={"history": hostile})))[0] == first
    assert _history(html_of(client.get(page, query_string={"history": "50"})))[0] == second
