"""Signing in and out, and the per-client throttle on wrong passwords, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.database import database
from app.demo import DEMO_PASSWORD
from core.accounts import SIGN_IN_REFUSED
from core.people import User
from tests.browser.conftest import LiveServer
from tests.browser.pages import NewPage, alert, fill_login

pytestmark = pytest.mark.browser


def expect_login_page(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def test_login_and_logout(new_page: NewPage) -> None:
    page = new_page()
    page.goto("/login")
    fill_login(page, "expert1")

    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(alert(page, "欢迎，孙国华。")).to_be_visible()

    # The dropdown needs Bootstrap's script, so this also proves it runs under the CSP.
    page.get_by_role("button", name="孙国华").click()
    page.get_by_role("button", name="退出登录").click()

    expect_login_page(page)
    expect(alert(page, "您已安全退出。")).to_be_visible()
    page.goto("/")  # signed out for real: the 工作台 asks for a login again
    expect_login_page(page)


def test_five_wrong_guesses_from_one_client_are_throttled_without_locking_the_account(
    new_page: NewPage, live_server: LiveServer
) -> None:
    page = new_page()
    page.goto("/login")
    password_error = page.locator(".invalid-feedback")

    def attempt(password: str) -> int:
        """Sign in as expert4; a refusal must be the login page again, never an error page."""
        with page.expect_response(lambda r: r.request.method == "POST" and "/login" in r.url) as answer:
            fill_login(page, "expert4", password)
        return answer.value.status

    for _ in range(5):
        assert attempt("wrong-password-1") == 401
        expect(password_error).to_have_text(SIGN_IN_REFUSED)  # one message, whatever the reason

    assert attempt(DEMO_PASSWORD) == 429  # this client must wait, even with the right password
    expect(page.get_by_test_id("error-message")).to_contain_text("登录尝试过于频繁，请 15 分钟后再试")
    expect(page.get_by_role("heading", name="工作台")).to_have_count(0)

    # The account itself is not locked: from anywhere else its owner can still sign in.
    with live_server.app.app_context(), database().open(read_only=True) as session:
        user = session.scalars(select(User).where(User.username == "expert4")).one()
        assert user.failed_logins == 5 and user.locked_until is None
