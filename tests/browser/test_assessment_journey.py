"""An enterprise completes its self-assessment in the browser — answers (autosaved), evidence, a
gap's plan — and submits; the county returns it with a reason on one item; it corrects and
resubmits; the county verifies; the county's dashboard shows the new score. And two tabs of one
assessment: the later answer is kept and the later tab is told what it replaced."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import NewPage, alert, nav, sign_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _open_my_assessment(page: Page) -> None:
    nav(page, "对标达标")
    page.get_by_test_id("assessment-list").locator("tbody a").first.click()
    expect(page.get_by_test_id("scorecard")).to_be_visible()


def _unanswered(page: Page) -> list[int]:
    states = page.get_by_test_id("item").locator("[data-save-state]").all_text_contents()
    return [i for i, state in enumerate(states) if "未作答" in state]


def _answer(item, label: str) -> None:
    item.get_by_label(label, exact=True).check()
    expect(item.locator("[data-save-state]")).to_contain_text("已保存")


def test_an_enterprise_submits_the_county_returns_then_verifies_and_the_dashboard_shows_it(
        new_page: NewPage, tmp_path) -> None:
    ent = new_page()
    sign_in(ent, "ent1")
    _open_my_assessment(ent)
    items = ent.get_by_test_id("item")
    unanswered = _unanswered(ent)
    assert unanswered, "the demo leaves ent1's assessment part-done"
    gap = unanswered[-1]  # answered last: a new gap reloads the page to draw its plan form
    for i in unanswered:
        _answer(items.nth(i), "不符合" if i == gap else "符合")
    expect(ent.get_by_test_id("progress")).to_have_text("100%")
    expect(items.nth(gap).get_by_test_id("plan")).to_be_visible()
    score_before = ent.get_by_test_id("score").text_content()
    assert score_before and score_before != "—"

    plan = items.nth(gap).get_by_test_id("plan")
    expect(plan).to_be_visible()  # the gap's plan form opened by itself
    plan.get_by_label("整改措施").fill("增设可燃气体检测报警仪并定期校验")
    plan.get_by_label("责任人").fill("王强")
    plan.get_by_label("资金（万元）").fill("3.5")
    plan.get_by_label("整改时限").fill("2030-06-30")
    plan.get_by_label("应急措施").fill("整改期间每班巡检两次")
    plan.get_by_role("button", name="保存整改计划").click()
    expect(alert(ent, "整改计划已保存")).to_be_visible()

    evidence = tmp_path / "培训签到表.pdf"
    evidence.write_bytes(PDF)
    first = ent.get_by_test_id("item").first
    first.get_by_test_id("evidence-form").locator("input[type=file]").set_input_files(str(evidence))
    first.get_by_role("button", name="上传证据").click()
    expect(alert(ent, "已上传证据“培训签到表.pdf”")).to_be_visible()
    expect(ent.get_by_test_id("item").first.get_by_test_id("evidence-link").last).to_have_text("培训签到表.pdf")

    ent.get_by_test_id("action-submit").get_by_role("button", name="提交核查").click()
    expect(alert(ent, "已提交核查")).to_be_visible()
    url = ent.url.split("#")[0]

    county = new_page()
    sign_in(county, "zhangdian")
    county.goto(url)
    reason = county.get_by_test_id("item").nth(gap).get_by_test_id("item-reason")
    reason.fill("检测报警仪的校验记录未上传")
    county.get_by_label("退回理由").fill("请补充证据后重新提交")
    county.get_by_test_id("action-return").get_by_role("button", name="退回修改").click()
    expect(alert(county, "已退回企业修改")).to_be_visible()

    ent.goto(url)
    expect(ent.get_by_test_id("return-reason")).to_contain_text("请补充证据后重新提交")
    expect(ent.get_by_test_id("item").nth(gap).get_by_test_id("item-returned")).to_contain_text("校验记录")
    _answer(ent.get_by_test_id("item").nth(gap), "部分符合")
    new_score = ent.get_by_test_id("score").text_content()
    assert new_score != score_before, "partial credit raises the running score"
    ent.get_by_test_id("action-submit").get_by_role("button", name="提交核查").click()
    expect(alert(ent, "已提交核查")).to_be_visible()

    county.goto(url)
    expect(county.get_by_test_id("rounds")).to_contain_text("已退回")
    county.get_by_test_id("action-verify").get_by_role("button", name="核查通过").click()
    expect(alert(county, "已核查通过")).to_be_visible()
    nav(county, "对标达标")
    county.get_by_role("link", name="对标达标总览").click()
    enterprise = ent.locator("h1").text_content().split()[0]  # type: ignore[union-attr]
    row = county.get_by_test_id("enterprise-table").get_by_role("row").filter(has_text=enterprise)
    expect(row.get_by_test_id("enterprise-score")).to_have_text(new_score or "")
    expect(row).to_contain_text("已核查")


def test_two_tabs_keep_the_later_answer_and_tell_the_later_tab(new_page: NewPage) -> None:
    first = new_page()
    sign_in(first, "ent10")
    _open_my_assessment(first)
    second = first.context.new_page()
    second.goto(first.url)
    index = _unanswered(first)[0]
    _answer(first.get_by_test_id("item").nth(index), "不符合")
    _answer(second.get_by_test_id("item").nth(index), "符合")
    expect(second.locator("[data-conflict]")).to_contain_text(re.compile("另一窗口.*“不符合”"))
    first.reload()
    expect(first.get_by_test_id("item").nth(index).get_by_label("符合", exact=True)).to_be_checked()
