"""Signing in and out, and the lock after five wrong passwords, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD
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


def test_five_wrong_passwords_lock_the_account(new_page: NewPage) -> None:
    page = new_page()
    page.goto("/login")
    password_error = page.locator(".invalid-feedback")

    def attempt(password: str) -> None:
        """Sign in as expert4; a refusal must be the login page again, never an error page."""
        with page.expect_response(lambda r: r.request.method == "POST" and "/login" in r.url) as answer:
            fill_login(page, "expert4", password)
        assert answer.value.status == 200, f"POST /login answered {answer.value.status}"

    for left in (4, 3, 2, 1):
        attempt("wrong-password-1")
        expect(password_error).to_contain_text(f"再错 {left} 次")

    attempt("wrong-password-1")
    expect(password_error).to_contain_text("已锁定")

    attempt(DEMO_PASSWORD)  # the right password no longer helps
    expect(password_error).to_contain_text("已锁定")
    expect(page.get_by_role("heading", name="工作台")).to_have_count(0)
