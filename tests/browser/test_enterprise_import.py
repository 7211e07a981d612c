"""Bulk import from a real file input: a refused file changes nothing, a good one registers."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.demo import demo_credit_code
from tests.browser.pages import NewPage, alert, nav
from tests.xlsx import row, workbook

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREFIX = "浏览器导入"  # every enterprise this test creates, and nothing in the demo, has it
BAD_CHECK_DIGIT = "91350100M000100Y44"


def upload(page: Page, filename: str, content: bytes) -> None:
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        files=[{"name": filename, "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="上传并导入").click()


def search_registry(page: Page, name: str) -> None:
    nav(page, "企业名录")
    page.get_by_label("企业名称").fill(name)
    page.get_by_role("button", name="筛选").click()


def test_a_failed_then_a_successful_import(new_page: NewPage) -> None:
    page = new_page("zhoucun")
    first, second = f"{PREFIX}甲机械有限公司", f"{PREFIX}乙化工有限公司"
    nav(page, "企业名录")
    page.get_by_role("link", name="批量导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量导入企业")

    upload(page, "有错误.xlsx", workbook([
        row(first, demo_credit_code("370306", 700_001), region="淄博市周村区", industry="MACH"),
        row(f"{PREFIX}丙有限公司", BAD_CHECK_DIGIT, region="淄博市周村区"),
        row(f"{PREFIX}丁有限公司", demo_credit_code("370306", 700_003), region="淄博市张店区"),
    ]))

    expect(alert(page, "导入未执行：发现 2 处错误")).to_be_visible()
    problems = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("第 3 行")
    expect(problems.nth(0)).to_contain_text("统一社会信用代码")
    expect(problems.nth(0)).to_contain_text("校验位错误")
    expect(problems.nth(1)).to_contain_text("第 4 行")
    expect(problems.nth(1)).to_contain_text("所在地区")
    expect(problems.nth(1)).to_contain_text("不在您的辖区内")

    search_registry(page, first)  # all or nothing: the good row was not registered either
    expect(page.get_by_test_id("total")).to_have_text("共 0 条")

    page.get_by_role("link", name="批量导入").click()
    upload(page, "改正后.xlsx", workbook([
        row(first, demo_credit_code("370306", 700_001), region="淄博市周村区", industry="MACH"),
        row(second, demo_credit_code("370306", 700_002), region="淄博市周村区"),
    ]))

    expect(alert(page, "导入成功：共登记 2 家企业。")).to_be_visible()
    search_registry(page, PREFIX)
    expect(page.get_by_test_id("total")).to_have_text("共 2 条")
    for name in (first, second):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
