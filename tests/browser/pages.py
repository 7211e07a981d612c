"""What a user does often enough to name: sign in, open a nav item, find an alert."""

from __future__ import annotations

from typing import Protocol

from playwright.sync_api import Locator, Page, expect

from app.demo import DEMO_PASSWORD


class NewPage(Protocol):
    """The ``new_page`` fixture: a fresh browser context, signed in as ``username`` if given."""

    def __call__(self, username: str | None = None) -> Page: ...


def fill_login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Submit the login form as a person would: labels, then the 登录 button."""
    if not page.url.endswith("/login"):
        page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def sign_in(page: Page, username: str) -> None:
    """Sign in with the demo password and wait for the 工作台 to be there."""
    fill_login(page, username)
    expect(page.get_by_role("heading", level=1, name="工作台")).to_be_visible()


def nav(page: Page, label: str) -> None:
    """Follow one item of the main navigation."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label, exact=True).click()


def alert(page: Page, text: str) -> Locator:
    """The alert (flash message or form error) that says ``text``."""
    return page.get_by_role("alert").filter(has_text=text)
