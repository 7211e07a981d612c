"""The committee approves and publishes the demo's 报批稿; a visitor who never signs in finds the
standard in the catalogue, reads it and downloads its DOCX — the bytes that were issued."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from core.db import china_today
from tests.browser.pages import NewPage, alert, nav, sign_in

pytestmark = pytest.mark.browser

TITLE = "危险化学品生产企业安全生产风险分级管控体系实施指南"  # the demo's project at 报批
PUBLISH_MS = 60_000


def test_the_committee_publishes_and_an_anonymous_visitor_downloads(new_page: NewPage) -> None:
    number = f"DB37/T 4700—{china_today().year}"
    committee = new_page()
    sign_in(committee, "committee")
    committee.on("dialog", lambda dialog: dialog.accept())
    nav(committee, "标准制定")
    committee.get_by_role("link", name=TITLE).click()
    committee.get_by_role("button", name="批准报批稿").click()
    expect(alert(committee, "报批稿已批准")).to_be_visible()
    committee.get_by_role("link", name="发布标准…").click()
    committee.get_by_label("标准编号").fill(number.replace("—", "-"))  # typed with a hyphen, as people do
    committee.get_by_label("ICS 分类号").fill("13.100")
    committee.get_by_label("CCS 分类号").fill("C67")
    # Here the job queue runs inside the request: publishing waits for LibreOffice's PDF too, which a
    # busy machine (the rest of the suite on the other cores) can stretch past the usual 10 s.
    committee.get_by_role("button", name="发布").click(timeout=PUBLISH_MS)
    expect(alert(committee, f"已发布 {number}")).to_be_visible(timeout=PUBLISH_MS)
    expect(committee.get_by_test_id("number")).to_have_text(number)

    visitor = new_page()  # never signs in
    visitor.goto("/")
    expect(visitor).to_have_url(re.compile(r"/login"))
    visitor.get_by_role("link", name="标准目录").click()
    visitor.get_by_label("状态").select_option(label="即将实施")
    visitor.get_by_role("button", name="筛选").click()
    row = visitor.get_by_test_id("catalogue-row").filter(has_text=number)
    expect(row).to_have_count(1)
    expect(visitor.get_by_test_id("catalogue")).not_to_contain_text("DB37/T 3012—2024")  # 被代替, filtered out
    row.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_test_id("standard-text")).to_contain_text("范围")
    expect(visitor.get_by_test_id("files")).to_contain_text("PDF")
    with visitor.expect_download() as download:
        visitor.get_by_test_id("download-docx").click()
    data = download.value.path().read_bytes()
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert number in texts and "山东省地方标准" in texts
    with visitor.expect_download() as again:
        visitor.get_by_test_id("download-docx").click()
    assert again.value.path().read_bytes() == data, "the issued bytes, every time"
