"""One nomination from a county's draft to the province's decision, three people at once.

Each official works in their own browser context, so this is the procedure of the notice
as the people themselves see it: the county puts an enterprise forward with a file, the
city endorses it from its 工作台, the province compares and selects it, and the county
is told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import NewPage, alert, nav

pytestmark = pytest.mark.browser

CAMPAIGN = re.compile("年度风险管控标杆企业遴选")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REASONS = {
    "风险管控方面": "风险点全部辨识评价，四色分布图上墙，重大风险四级管控。",
    "隐患排查治理方面": "隐患排查清单化，自查自改自报闭环率 100%。",
    "信息化管理方面": "建成双重预防信息平台，重大危险源在线监测。",
}


@dataclass(frozen=True)
class Candidate:
    """The enterprise the county picked, as the type-ahead showed it."""

    name: str
    industry: str

    @classmethod
    def from_option(cls, option: Locator) -> Candidate:
        """An option shows the name, then "信用代码 · 地区 · 行业" (an industry may hold brackets)."""
        name = option.locator("div").inner_text().strip()
        meta = option.locator("small").inner_text().strip()
        return cls(name=name, industry=meta.split(" · ")[-1])


def county_puts_forward(page: Page) -> tuple[Candidate, str]:
    """zhangdian: draft, reasons, a supporting PDF, then 上报市级. Returns the page's path."""
    nav(page, "标杆遴选")
    page.get_by_role("link", name=CAMPAIGN).click()
    page.get_by_role("link", name="新增推荐").click()

    search = page.get_by_role("combobox", name="推荐企业")
    search.fill("化工")  # the type-ahead asks the server as the county types
    first = page.get_by_role("listbox").get_by_role("option").first
    candidate = Candidate.from_option(first)
    first.click()
    expect(page.get_by_text(f"已选：{candidate.name}")).to_be_visible()
    for label, text in REASONS.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="保存草稿").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(candidate.name)
    expect(page.get_by_test_id("state")).to_have_text("草稿")

    page.get_by_label("证明材料").set_input_files(
        files=[{"name": "双重预防运行报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="上传", exact=True).click()
    expect(alert(page, "已上传证明材料“双重预防运行报告.pdf”。")).to_be_visible()
    expect(page.get_by_test_id("attachments")).to_contain_text("双重预防运行报告.pdf")

    page.get_by_test_id("actions").get_by_role("button", name="上报市级").click()
    expect(page.get_by_test_id("state")).to_have_text("待市级审核")
    return candidate, urlsplit(page.url).path


def city_endorses(page: Page, candidate: Candidate) -> None:
    """zibo: from the 工作台's 待市级审核 panel, with the city's opinion."""
    page.get_by_test_id("panel-to-endorse").get_by_role("link", name=candidate.name, exact=True).click()
    actions = page.get_by_test_id("actions")
    actions.get_by_label("市级推荐意见").fill("经市级审核，该企业双重预防机制运行有效，同意推荐。")
    actions.get_by_role("button", name="推荐至省级").click()
    expect(page.get_by_test_id("state")).to_have_text("待省级遴选")


def province_selects(page: Page, candidate: Candidate, nomination_path: str) -> None:
    """sheng: the industry's 遴选比较 from the 工作台, then 确定为省级标杆 in its column."""
    industries = page.get_by_test_id("panel-campaigns").get_by_role("row")
    industry = industries.filter(has=page.get_by_role("cell", name=candidate.industry, exact=True))
    industry.get_by_role("link", name="遴选比较").click()

    table = page.get_by_test_id("compare-table")
    expect(table.get_by_role("link", name=candidate.name, exact=True)).to_be_visible()
    decide = table.locator(f'form[action="{nomination_path}/actions/select"]')
    decide.get_by_label("遴选意见").fill("体系完整、做法可复制，确定为省级标杆企业。")
    decide.get_by_role("button", name="确定为省级标杆").click()

    expect(alert(page, f"已确定为省级标杆：{candidate.name}")).to_be_visible()
    column = table.get_by_role("columnheader").filter(has_text=candidate.name)
    expect(column.get_by_test_id("state")).to_have_text("已确定为省级标杆")


def test_a_nomination_from_county_draft_to_provincial_selection(new_page: NewPage) -> None:
    county, city, province = new_page("zhangdian"), new_page("zibo"), new_page("sheng")

    candidate, nomination_path = county_puts_forward(county)
    city.reload()  # the 工作台 was opened before the county submitted
    city_endorses(city, candidate)
    province.reload()
    province_selects(province, candidate, nomination_path)

    county.reload()
    expect(county.get_by_test_id("state")).to_have_text("已确定为省级标杆")
    expect(county.get_by_test_id("unread-count")).to_be_visible()
    history = county.get_by_role("region", name="操作记录").get_by_role("row")
    for who, what in [
        ("李海燕", f"推荐“{candidate.name}”"),
        ("李海燕", "上传证明材料“双重预防运行报告.pdf”"),
        ("李海燕", "草稿 → 待市级审核（上报市级）"),
        ("张立新", "待市级审核 → 待省级遴选（推荐至省级）"),
        ("刘明远", "待省级遴选 → 已确定为省级标杆（确定为省级标杆）"),
    ]:
        expect(history.filter(has_text=who).filter(has_text=what)).to_have_count(1)

    county.get_by_test_id("nav-notifications").click()
    expect(county.get_by_test_id("notification-list")).to_contain_text(f"“{candidate.name}”确定为省级标杆企业")
