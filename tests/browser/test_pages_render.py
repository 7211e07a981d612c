"""Every page of a journey renders in Chinese with no console error.

The app's Content-Security-Policy allows scripts and styles only from its own files. An
inline ``<script>``, ``style=""`` or ``onclick`` slipped into a template would be
blocked silently for the user; the browser reports it only on the console, so this
test reads the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from tests.browser.pages import NewPage, fill_login, nav

pytestmark = pytest.mark.browser

@dataclass
class Console:
    """Console errors (CSP violations among them) and uncaught exceptions of one page."""

    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, page: Page) -> Console:
        console = cls()
        page.on("console", console.message)
        page.on("pageerror", console.exception)
        return console

    def message(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.problems.append(f"{msg.text} ({msg.location.get('url', '')})")

    def exception(self, error: Error) -> None:
        self.problems.append(f"uncaught: {error.message}")


def expect_chinese_page(page: Page, heading: str | re.Pattern[str]) -> None:
    """The page is the one we meant, in Chinese, and its stylesheet applied."""
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title(re.compile("标杆 — 双重预防标杆企业与地方标准管理系统$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Bootstrap's CSS loaded: the navbar is laid out as flex, not as a plain list.
    expect(page.locator("nav.navbar")).to_have_css("display", "flex")


def test_every_page_of_the_journey_renders_chinese_and_no_console_errors(new_page: NewPage) -> None:
    page = new_page()
    console = Console.of(page)

    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("双重预防标杆企业与地方标准管理系统")
    fill_login(page, "jinan")
    expect_chinese_page(page, "工作台")

    nav(page, "企业名录")
    expect_chinese_page(page, "企业名录")
    page.get_by_role("link", name="登记企业").click()
    expect_chinese_page(page, "登记企业")
    # app.js refills the townships from the server: a fetch the CSP must allow.
    townships = page.get_by_label("所在乡镇（街道）")
    expect(townships).not_to_contain_text("洪家楼街道")
    page.get_by_label("所在区县").select_option(label="历城区")
    expect(townships).to_contain_text("洪家楼街道")

    nav(page, "标杆遴选")
    expect_chinese_page(page, "标杆企业遴选批次")
    page.get_by_role("link", name=re.compile("年度风险管控标杆企业遴选")).click()
    expect_chinese_page(page, re.compile("年度风险管控标杆企业遴选"))

    nav(page, "推荐记录")
    expect_chinese_page(page, "推荐记录")
    page.get_by_test_id("nomination-list").locator("tbody").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="操作记录")).to_be_visible()

    page.get_by_test_id("nav-notifications").click()
    expect_chinese_page(page, "通知")
    page.get_by_role("button", name="赵文静").click()  # the dropdown runs Bootstrap's script
    expect(page.get_by_role("link", name="修改密码")).to_be_visible()

    assert console.problems == []
