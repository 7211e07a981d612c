"""Sessions and sign-in as an attacker tries them: copied cookies, guessing, locking others out.

Signing out or changing the password ends the user's sessions on the server, so a copied
cookie (or another device) stops working at once. Every refused sign-in reads the same.
One client is throttled after five wrong passwords on one account — with the rate limiter
on, as in production — while the owner, elsewhere, still signs in; only failures from
several clients lock the account.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app import create_app
from core.accounts import MAX_FAILED_LOGINS, SIGN_IN_REFUSED
from core.audit import AuditEvent
from core.db import utcnow
from core.people import User
from tests.factories import PASSWORD, World, trail

COOKIE = "biaogan_session"


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD, **kwargs: object):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def signed_in(client: FlaskClient) -> bool:
    """Whether the workbench opens (a signed-out visitor is sent to the login page)."""
    response = client.get("/")
    if response.status_code == 302:
        assert "/login" in response.location
        return False
    assert response.status_code == 200 and "工作台" in response.get_data(as_text=True)
    return True


def copy_cookie(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None, "the sign-in set no session cookie"
    target.set_cookie(COOKIE, cookie.value)


def refusal_shown(html: str) -> str:
    """The message under the password field (what the person reads)."""
    found = re.findall(r'<div class="invalid-feedback">([^<]*)</div>', html)
    assert found, "the login page shows no message"
    return " ".join(m.strip() for m in found)


# --- signing out ------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_once_its_owner_signs_out(app: Flask, world: World) -> None:
    browser, thief = app.test_client(), app.test_client()
    assert sign_in(browser, "t_zhangdian").status_code == 302
    copy_cookie(browser, thief)
    assert signed_in(thief), "the copied cookie should work while its owner is signed in"
    logout = browser.post("/logout")
    assert logout.status_code == 303 and logout.location.endswith("/login")
    assert not signed_in(browser)
    assert not signed_in(thief), "a copied cookie outlived the sign-out"
    assert thief.get("/nominations/").status_code == 302


def test_signing_out_ends_the_sessions_on_other_devices_too(app: Flask, world: World) -> None:
    office, phone = app.test_client(), app.test_client()
    sign_in(office, "t_zhangdian")
    sign_in(phone, "t_zhangdian")
    assert signed_in(office) and signed_in(phone)
    office.post("/logout")
    assert not signed_in(phone)


def test_a_cookie_kept_from_before_signing_out_does_not_come_back_after_signing_in_again(
    app: Flask, world: World
) -> None:
    browser, thief = app.test_client(), app.test_client()
    sign_in(browser, "t_zhangdian")
    copy_cookie(browser, thief)
    browser.post("/logout")
    sign_in(browser, "t_zhangdian")
    assert signed_in(browser) and not signed_in(thief)


def test_signing_out_is_recorded(app: Flask, session: Session, world: World) -> None:
    browser = app.test_client()
    sign_in(browser, "t_zhangdian")
    browser.post("/logout")
    assert [e.action for e in trail(session, world.zhangdian)][-2:] == ["user.login", "user.logout"]


def test_changing_the_password_keeps_this_session_and_ends_the_others(app: Flask, world: World) -> None:
    office, phone = app.test_client(), app.test_client()
    sign_in(office, "t_zhangdian")
    sign_in(phone, "t_zhangdian")
    changed = office.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "new-secret-42", "confirm": "new-secret-42"},
        follow_redirects=True)
    assert "其他设备上的登录已失效" in changed.get_data(as_text=True)
    assert signed_in(office)
    assert not signed_in(phone)
    assert sign_in(app.test_client(), "t_zhangdian", "new-secret-42").status_code == 302
    assert sign_in(app.test_client(), "t_zhangdian", PASSWORD).status_code == 401


def test_an_administrator_deactivating_an_account_ends_its_sessions(app: Flask, login, session: Session,
                                                                   world: World) -> None:
    victim = app.test_client()
    sign_in(victim, "t_zhoucun")
    admin = login(world.admin, app.test_client())
    response = admin.post(f"/admin/users/{world.zhoucun.id}", data={
        "username": "t_zhoucun", "display_name": "t_zhoucun", "roles": ["bureau"], "region_code": "370306"})
    assert response.status_code == 302
    assert not signed_in(victim)


# --- one answer for every refused sign-in -----------------------------------------------


@pytest.mark.parametrize("case", ["unknown user", "wrong password", "locked", "deactivated", "hostile name"])
def test_every_refused_sign_in_shows_the_same_message(client: FlaskClient, session: Session, world: World,
                                                      case: str) -> None:
    username, password = "t_zhangdian", PASSWORD
    if case == "unknown user":
        username = "t_nobody"
    elif case == "wrong password":
        password = "wrong-pass-1"
    elif case == "locked":
        world.zhangdian.locked_until = utcnow() + dt.timedelta(minutes=10)
    elif case == "deactivated":
        world.zhangdian.is_active = False
    else:
        username = "t_zhang\x00dian"
    session.commit()
    response = sign_in(client, username, password)
    assert response.status_code == 401
    assert refusal_shown(response.get_data(as_text=True)) == SIGN_IN_REFUSED
    assert not signed_in(client)


def test_the_login_page_only_follows_a_next_on_this_site(client: FlaskClient, world: World) -> None:
    for target, lands in [("/nominations/?state=submitted", "/nominations/?state=submitted"),
                          ("//evil.com", "/"), ("https://evil.com/", "/"), ("/\t/evil.com", "/"),
                          ("/\\evil.com", "/"), ("/ok\r\nSet-Cookie:x=1", "/"), ("javascript:alert(1)", "/")]:
        client.post("/logout")
        response = client.post("/login", query_string={"next": target},
                               data={"username": "t_zhangdian", "password": PASSWORD})
        assert response.status_code == 302, target
        assert response.location == lands, f"next={target!r} sent the user to {response.location!r}"


# --- guessing: per-client limits before the account lock --------------------------------


def _guarded(app: Flask, **config: object) -> Flask:
    """The same app with the rate limiter on, as in production."""
    keep = ("SECRET_KEY", "AUDIT_KEY", "AUDIT_CHECKPOINTS", "DATABASE_URL", "UPLOAD_DIR", "SESSION_FACTORY")
    return create_app({**{k: app.config[k] for k in keep}, "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", **config})


@pytest.fixture
def limited(app: Flask) -> Callable[[str], FlaskClient]:
    """Clients of a rate-limited app, by client address."""
    guarded = _guarded(app)

    def client_at(address: str) -> FlaskClient:
        client = guarded.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return client_at


def test_one_client_guessing_is_throttled_in_chinese_while_the_owner_signs_in_elsewhere(
    limited: Callable[[str], FlaskClient], session: Session, world: World
) -> None:
    attacker, owner = limited("203.0.113.7"), limited("10.1.2.3")
    for attempt in range(5):
        assert sign_in(attacker, "t_sheng", f"guess-{attempt}x").status_code == 401
    throttled = sign_in(attacker, "t_sheng", PASSWORD)
    html = throttled.get_data(as_text=True)
    assert throttled.status_code == 429
    assert "操作过于频繁" in html and "请 15 分钟后再试" in html
    session.expire_all()
    assert world.sheng.failed_logins == 5 and world.sheng.locked_until is None, "one client locked the account"
    assert sign_in(owner, "t_sheng").status_code == 302
    assert signed_in(owner)


def test_a_throttled_client_may_still_sign_in_to_another_account(limited: Callable[[str], FlaskClient],
                                                                world: World) -> None:
    shared_office = limited("198.51.100.20")
    for attempt in range(5):
        sign_in(shared_office, "t_sheng", f"guess-{attempt}x")
    assert sign_in(shared_office, "t_sheng").status_code == 429
    assert sign_in(shared_office, "t_zibo").status_code == 302


def test_failures_from_several_clients_lock_the_account(limited: Callable[[str], FlaskClient], session: Session,
                                                        world: World) -> None:
    attackers = [limited(f"203.0.113.{n}") for n in range(1, 4)]
    failures = 0
    for attacker in attackers:
        for attempt in range(4):
            if failures < MAX_FAILED_LOGINS:
                assert sign_in(attacker, "t_zibo", f"guess-{attempt}x").status_code == 401
                failures += 1
    session.expire_all()
    assert world.zibo.failed_logins == MAX_FAILED_LOGINS
    assert world.zibo.locked_until is not None and world.zibo.locked_until > utcnow()
    refused = sign_in(limited("10.9.9.9"), "t_zibo")  # the owner, with the right password
    assert refused.status_code == 401 and refusal_shown(refused.get_data(as_text=True)) == SIGN_IN_REFUSED
    locks = [e for e in trail(session, world.zibo) if e.action == "user.lock"]
    assert len(locks) == 1 and isinstance(locks[0], AuditEvent)


def test_a_successful_sign_in_does_not_count_against_the_client(limited: Callable[[str], FlaskClient],
                                                               world: World) -> None:
    desk = limited("10.0.0.5")
    for _ in range(8):
        assert sign_in(desk, "t_zhangdian").status_code == 302
        desk.post("/logout")


def test_a_deactivated_account_is_not_counted_or_locked(client: FlaskClient, session: Session,
                                                        world: World) -> None:
    world.zhoucun.is_active = False
    session.commit()
    for _ in range(3):
        sign_in(client, "t_zhoucun", "wrong-pass-1")
    session.expire_all()
    user = session.get_one(User, world.zhoucun.id)
    assert user.failed_logins == 0 and user.locked_until is None


def _behind(app: Flask, proxy: str, client_address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = proxy
    client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
    return client


def test_behind_a_proxy_the_throttle_counts_the_client_the_proxy_names(app: Flask, world: World) -> None:
    guarded = _guarded(app, PROXY_HOPS=1)
    attacker, owner = _behind(guarded, "10.0.0.1", "203.0.113.7"), _behind(guarded, "10.0.0.1", "198.51.100.4")
    for attempt in range(5):
        sign_in(attacker, "t_sheng", f"guess-{attempt}x")
    assert sign_in(attacker, "t_sheng").status_code == 429
    assert sign_in(owner, "t_sheng").status_code == 302, "everyone behind the proxy was throttled"


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(app: Flask, world: World) -> None:
    guarded = _guarded(app)
    for attempt in range(5):
        sign_in(_behind(guarded, "203.0.113.7", f"10.0.0.{attempt}"), "t_sheng", f"guess-{attempt}x")
    assert sign_in(_behind(guarded, "203.0.113.7", "10.0.0.99"), "t_sheng").status_code == 429
