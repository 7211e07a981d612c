"""What the people around a nomination are told and offered (issue 5, item 8).

Enterprises hear of their own nomination (put forward, endorsed, selected, not selected)
and of nothing else; every notification opens its record and is marked read, and the
workbench shows them as links. The enterprise picker is a type-ahead over a scoped JSON
endpoint that offers only what the bureau could still nominate.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.links import object_url
from benchmarks import services
from benchmarks.models import Campaign, Nomination
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action, CampaignAction
from core.errors import NotFound
from core.notifications import Notification
from core.people import Role, User
from tests.factories import FULL_REASONS, World, make_enterprise, make_user, step
from tests.nomination_helpers import html_of

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

