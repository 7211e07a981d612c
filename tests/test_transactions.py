"""The request's one transaction boundary, as a user meets it when something goes wrong.

A view that returns commits (whatever status it answers); anything raised rolls the whole
request back — the data and its audit event together — before a page is drawn, and the
page never touches the failed session. Refusals read as the user expects: a form comes
back with what they typed and the message at its field; a button that only posts returns
them to where they were with the message; two people colliding (a unique rule, a stale
version) get a 409 naming the conflict; an unexpected failure gets a Chinese 500 page.

Races are simulated on the test's one connection: another session writes between the
service's check and its flush (``racing``), which is exactly the window a second worker
would hit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

import core.notifications
from app.database import database, db
from benchmarks import campaigns as campaign_services
from benchmarks import services
from benchmarks.models import Campaign, Nomination
from benchmarks.models import NominationState as S
from core import audit, registry
from core.audit import AuditEvent
from core.enterprises import Enterprise
from core.errors import Conflict, ValidationError
from core.notifications import Notification
from core.people import User
from core.regions import Region
from tests.factories import FULL_REASONS, PASSWORD, World, credit_code

UnitOfWork = Callable[[], AbstractContextManager[Session]]


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def events(session: Session) -> int:
    return count(session, AuditEvent)


@contextmanager
def racing(flushing: type, race: Callable[[], None]) -> Iterator[list[bool]]:
    """Run ``race`` (another person's committed write) just before the first flush that
    writes a ``flushing`` record — after the service has made its own checks."""
    fired: list[bool] = []

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        if fired or not any(isinstance(o, flushing) for o in [*session.new, *session.dirty]):
            return
        fired.append(True)
        race()

    event.listen(Session, "before_flush", before_flush)
    try:
        yield fired
    finally:
        event.remove(Session, "before_flush", before_flush)


def page_text(response: Any) -> str:
    return response.get_data(as_text=True)


def nav_drawn(html: str) -> bool:
    return "退出登录" in html and 'id="mainnav"' in html


# --- a returning view commits; a raising one leaves nothing ------------------------------


def test_a_view_that_answers_with_a_refusal_status_still_keeps_its_writes(app: Flask, client: FlaskClient,
                                                                          session: Session, world: World) -> None:
    @app.post("/_probe/refuse-politely")
    def refuse_politely() -> tuple[str, int]:
        user = db().get_one(User, world.zhoucun.id)
        audit.record(db(), user, "user.update", user, "探针：返回 409 也要保存")
        user.phone = "0533-1234567"
        return "已记录，但答复 409", 409

    before = events(session)
    assert client.post("/_probe/refuse-politely").status_code == 409
    session.expire_all()
    assert world.zhoucun.phone == "0533-1234567"
    assert events(session) == before + 1


def test_a_wrong_password_answers_401_and_its_count_and_event_persist(client: FlaskClient, session: Session,
                                                                      world: World) -> None:
    before = events(session)
    response = client.post("/login", data={"username": "t_zibo", "password": "wrong-pass-1"})
    assert response.status_code == 401
    session.expire_all()
    assert world.zibo.failed_logins == 1
    newest = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert events(session) == before + 1 and newest.action == "user.login_failed"


def test_a_view_that_raises_after_writing_leaves_neither_data_nor_event(app: Flask, client: FlaskClient,
                                                                       session: Session, world: World) -> None:
    @app.post("/_probe/write-then-refuse")
    def write_then_refuse() -> str:
        user = db().get_one(User, world.zhoucun.id)
        user.phone = "0533-7654321"
        audit.record(db(), user, "user.update", user, "探针：之后被拒绝")
        db().flush()
        raise Conflict("探针：写入之后被拒绝")

    before = events(session)
    response = client.post("/_probe/write-then-refuse")
    assert response.status_code == 409 and "探针：写入之后被拒绝" in page_text(response)
    session.expire_all()
    assert world.zhoucun.phone is None and events(session) == before


# --- a refused form comes back with what was typed ---------------------------------------


def test_a_refused_form_comes_back_with_the_input_and_the_message_at_its_field(
    client: FlaskClient, login, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = campaign_services.open_campaign

    def open_then_refuse(db_session: Session, actor: User, data: campaign_services.CampaignInput) -> Campaign:
        real(db_session, actor, data)  # the campaign, its event and every bureau's notice are written…
        db_session.flush()
        raise ValidationError({"county_deadline": "县级上报截止日期与另一批次冲突"})  # …then refused

    monkeypatch.setattr(campaign_services, "open_campaign", open_then_refuse)
    login(world.sheng)
    before = (events(session), count(session, Campaign), count(session, Notification))
    response = client.post("/campaigns/new", data={
        "title": "二〇二六年度补充遴选", "year": str(world.campaign.year),
        "county_deadline": world.campaign.county_deadline.isoformat(),
        "city_deadline": world.campaign.city_deadline.isoformat(),
        "province_deadline": world.campaign.province_deadline.isoformat(),
        "industry_codes": ["CHEM"], "description": "请各地认真组织"})
    html = page_text(response)
    assert response.status_code == 422
    assert 'value="二〇二六年度补充遴选"' in html and "请各地认真组织" in html
    assert re.search(r'id="county_deadline"[^>]*>\s*(?:<div class="form-text">[^<]*</div>\s*)?'
                     r'<div class="invalid-feedback">县级上报截止日期与另一批次冲突</div>', html), \
        "the message is not at its field"
    assert nav_drawn(html)
    assert (events(session), count(session, Campaign), count(session, Notification)) == before


# --- a refused button returns to where the user was ---------------------------------------


@pytest.fixture
def draft_without_files(session: Session, world: World) -> Nomination:
    nomination = services.nominate(session, world.zhangdian, world.campaign, world.ent_zd.id, FULL_REASONS)
    session.commit()
    return nomination


def _submit(client: FlaskClient, nomination: Nomination, **kwargs: Any) -> Any:
    data = {"lock_version": str(nomination.lock_version), **kwargs.pop("data", {})}
    return client.post(f"/nominations/{nomination.id}/actions/submit", data=data, **kwargs)


def test_a_refused_step_returns_to_the_back_field_with_its_message(
    client: FlaskClient, login, session: Session, world: World, draft_without_files: Nomination
) -> None:
    login(world.zhangdian)
    before = events(session)
    back = f"/campaigns/{world.campaign.id}?sort=enterprise"
    response = _submit(client, draft_without_files, data={"back": back})
    assert response.status_code == 303 and response.location == back
    landed = client.get(response.location)
    assert "请先上传至少一份证明材料，再上报推荐" in page_text(landed)
    session.refresh(draft_without_files)
    assert draft_without_files.state == S.DRAFT and events(session) == before


def test_a_refused_step_returns_to_the_referring_page_on_this_site(
    client: FlaskClient, login, world: World, draft_without_files: Nomination
) -> None:
    login(world.zhangdian)
    page = f"/nominations/{draft_without_files.id}"
    response = _submit(client, draft_without_files, headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 303 and response.location == page
    hostile = _submit(client, draft_without_files, data={"back": "/\t/evil.com"},
                      headers={"Referer": f"http://localhost{page}"})
    assert hostile.status_code == 303 and hostile.location == page


def test_a_refused_step_from_a_foreign_page_gets_a_page_not_a_redirect_off_site(
    client: FlaskClient, login, world: World, draft_without_files: Nomination
) -> None:
    login(world.zhangdian)
    for back, referer in [("//evil.com", "https://evil.com/x"), ("/ok\r\nX: y", None), ("https://evil.com", None)]:
        headers = {"Referer": referer} if referer else {}
        response = _submit(client, draft_without_files, data={"back": back}, headers=headers)
        assert response.status_code == 422, back
        assert "请先上传至少一份证明材料" in page_text(response)
        assert "Location" not in response.headers


def test_a_step_refused_after_it_was_written_leaves_neither_state_nor_event_nor_notice(
    client: FlaskClient, login, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    nomination = world.nomination(session, S.DRAFT)
    session.commit()

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise Conflict("通知发送失败，本次操作未生效")

    monkeypatch.setattr(core.notifications, "notify", refuse)  # runs after the state, effects and event
    login(world.zhangdian)
    before = (events(session), count(session, Notification))
    page = f"/nominations/{nomination.id}"
    response = _submit(client, nomination, data={"back": page})
    assert response.status_code == 303 and response.location == page
    assert "通知发送失败，本次操作未生效" in page_text(client.get(page))
    session.refresh(nomination)
    assert nomination.state == S.DRAFT and nomination.submitted_at is None
    assert (events(session), count(session, Notification)) == before


# --- two people at once: a unique rule ---------------------------------------------------


def _enterprise_form(code: str, name: str = "竞态登记化工有限公司") -> dict[str, str]:
    return {"name": name, "credit_code": code, "county_code": "370303", "township_code": "",
            "industry_code": "CHEM", "employee_count": "10", "scale": "small"}


def test_two_bureaus_registering_one_credit_code_at_once_get_a_409_naming_it(
    client: FlaskClient, login, session: Session, world: World, transactions: UnitOfWork
) -> None:
    code = credit_code()

    def the_other_bureau() -> None:
        with transactions() as other:
            region = other.get_one(Region, "370303")
            other.add(Enterprise(name="另一局登记的企业", credit_code=code, region_code=region.code,
                                 region_path=region.path, industry_code="CHEM"))

    login(world.zhangdian)
    before = events(session)
    with racing(Enterprise, the_other_bureau) as fired:
        response = client.post("/enterprises/new", data=_enterprise_form(code))
    html = page_text(response)
    assert fired, "the race never ran"
    assert response.status_code == 409
    assert "该统一社会信用代码已登记（可能有人刚刚登记了同一家企业）" in html
    assert 'value="竞态登记化工有限公司"' in html and nav_drawn(html)
    assert session.scalar(select(Enterprise).where(Enterprise.name == "竞态登记化工有限公司")) is None
    assert events(session) == before


def test_two_bureaus_nominating_one_enterprise_at_once_get_a_409_naming_it(
    client: FlaskClient, login, session: Session, world: World, transactions: UnitOfWork
) -> None:
    def the_city_at_the_same_moment() -> None:
        with transactions() as other:
            services.nominate(other, other.get_one(User, world.zibo.id), other.get_one(Campaign, world.campaign.id),
                              world.ent_zd.id, FULL_REASONS)

    login(world.zhangdian)
    with racing(Nomination, the_city_at_the_same_moment) as fired:
        response = client.post(f"/campaigns/{world.campaign.id}/nominations/new", data={
            "enterprise_id": str(world.ent_zd.id), "risk_control": "县级填写的理由", "hidden_danger": "隐患",
            "informatisation": "信息化"})
    html = page_text(response)
    assert fired and response.status_code == 409
    assert "该企业在本批次已有推荐（可能有人刚刚推荐了同一家企业）" in html
    assert "县级填写的理由" in html, "what the county typed is lost"
    assert session.scalar(select(Nomination).where(Nomination.risk_control == "县级填写的理由")) is None


# --- two people at once: a stale version --------------------------------------------------


def test_an_edit_overtaken_between_its_check_and_its_write_gets_the_form_back_at_409(
    client: FlaskClient, login, session: Session, world: World, transactions: UnitOfWork
) -> None:
    e = world.ent_zd
    session.commit()

    def the_city_saves_first() -> None:
        with transactions() as other:
            other.get_one(Enterprise, e.id).employee_count = 77

    login(world.zhangdian)
    before = events(session)
    form = {**_enterprise_form(e.credit_code, e.name), "employee_count": "55", "lock_version": str(e.lock_version)}
    with racing(Enterprise, the_city_saves_first) as fired:
        response = client.post(f"/enterprises/{e.id}/edit", data=form)
    html = page_text(response)
    assert fired and response.status_code == 409
    assert "已被他人修改" in html and 'value="55"' in html and nav_drawn(html)
    assert events(session) == before


def test_a_step_overtaken_between_its_check_and_its_write_returns_with_a_409_message(
    client: FlaskClient, login, session: Session, world: World, transactions: UnitOfWork
) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    session.commit()

    def the_county_withdraws_first() -> None:
        with transactions() as other:
            other.get_one(Nomination, nomination.id).city_opinion = "同时写入"

    login(world.zibo)
    before = events(session)
    page = f"/nominations/{nomination.id}"
    with racing(Nomination, the_county_withdraws_first) as fired:
        response = client.post(f"{page}/actions/endorse", data={
            "reason": "同意", "lock_version": str(nomination.lock_version), "back": page})
    assert fired and response.status_code == 303 and response.location == page
    assert "已被他人修改" in page_text(client.get(page))
    assert events(session) == before


def test_a_stale_version_on_a_page_without_a_way_back_is_a_409_page(
    client: FlaskClient, login, session: Session, world: World, transactions: UnitOfWork
) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    session.commit()

    def someone_else() -> None:
        with transactions() as other:
            other.get_one(Nomination, nomination.id).city_opinion = "同时写入"

    login(world.zibo)
    with racing(Nomination, someone_else):
        response = client.post(f"/nominations/{nomination.id}/actions/return",
                               data={"reason": "退回", "lock_version": str(nomination.lock_version)})
    assert response.status_code == 409 and "已被他人修改" in page_text(response)


# --- the unexpected ----------------------------------------------------------------------


def test_an_unexpected_failure_gets_a_chinese_500_page_that_needs_no_database(
    app: Flask, client: FlaskClient, login, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unusable(*_args: object, **_kwargs: object) -> Session:
        raise AssertionError("the error page touched the database")

    @app.post("/_probe/crash")
    def crash() -> str:
        user = db().get_one(User, world.zhoucun.id)
        user.phone = "0533-0000000"
        audit.record(db(), user, "user.update", user, "探针：随后崩溃")
        db().flush()
        monkeypatch.setattr(database(), "open", unusable)
        raise RuntimeError("bug")

    login(world.zhoucun)
    before = events(session)
    response = client.post("/_probe/crash")
    html = page_text(response)
    assert response.status_code == 500
    assert "系统出错了" in html and "本次操作未生效" in html
    assert not nav_drawn(html) and "Traceback" not in html and "RuntimeError" not in html
    monkeypatch.undo()
    session.expire_all()
    assert world.zhoucun.phone is None and events(session) == before


def test_an_unexpected_failure_on_a_form_page_is_a_500_not_the_form_again(
    client: FlaskClient, login, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> Enterprise:
        raise KeyError("bug")

    monkeypatch.setattr(registry, "register_enterprise", broken)
    login(world.zhangdian)
    response = client.post("/enterprises/new", data=_enterprise_form(credit_code()))
    assert response.status_code == 500 and "系统出错了" in page_text(response)


def test_the_right_password_after_a_refused_one_signs_in_and_clears_the_count(client: FlaskClient,
                                                                              session: Session, world: World) -> None:
    """The refusal's count was committed on its own; the next request starts clean."""
    client.post("/login", data={"username": "t_zibo", "password": "wrong-pass-1"})
    assert client.post("/login", data={"username": "t_zibo", "password": PASSWORD}).status_code == 302
    session.expire_all()
    assert world.zibo.failed_logins == 0
