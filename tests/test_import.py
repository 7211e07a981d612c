"""XLSX import: all or nothing, every problem named by row, column and reason."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import demo_credit_code
from core.audit import AuditEvent
from core.enterprise_import import ImportRejected, import_enterprises
from core.enterprises import Enterprise
from core.regions import Region, list_industries, regions_under
from exports.enterprise_register import (
    UnreadableFile,
    read_import_rows,
    render_enterprise_list,
    render_import_template,
)
from tests.factories import World, credit_code
from tests.xlsx import HEADERS, row, workbook


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Enterprise)) or 0


def test_a_good_file_registers_every_row(session: Session, world: World) -> None:
    data = workbook([
        row("张店一号化工有限公司", credit_code(), major_hazard="是", employee_count=320),
        row("张店二号机械有限公司", credit_code(), region="淄博市张店区车站街道", industry="MACH", scale="小型"),
        row("张店三号有限公司", credit_code(), region="370303", industry="机械"),
    ])
    created = import_enterprises(session, world.zhangdian, read_import_rows(data))
    assert [e.name for e in created] == ["张店一号化工有限公司", "张店二号机械有限公司", "张店三号有限公司"]
    assert created[0].major_hazard and created[0].employee_count == 320 and created[0].scale == "medium"
    assert created[1].region_code == "370303001" and created[1].scale == "small"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "enterprise.import")).all()
    assert len(events) == 3


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(session: Session, world: World) -> None:
    before = _count(session)
    dup = credit_code()
    data = workbook([
        row("好的企业有限公司", credit_code()),
        row("", "91350100M000100Y44", region="淄博市周村区"),
        row("重复一有限公司", dup),
        row("重复二有限公司", dup, industry="不存在的行业", employee_count="很多"),
        row("已登记有限公司", world.ent_zd.credit_code, scale="巨型", major_hazard="也许"),
    ])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(data))
    problems = {(p.row, p.column): p.message for p in rejected.value.problems}
    assert problems[(3, "企业名称")] == "请填写企业名称"
    assert "校验位错误" in problems[(3, "统一社会信用代码")]
    assert "不在您的辖区内" in problems[(3, "所在地区")]
    assert problems[(5, "统一社会信用代码")] == "与第 4 行的统一社会信用代码重复"
    assert "找不到行业" in problems[(5, "行业")]
    assert "不是整数" in problems[(5, "从业人数")]
    assert "已登记" in problems[(6, "统一社会信用代码")]
    assert "企业规模" in problems[(6, "企业规模")] and "是 或 否" in problems[(6, "涉及重大危险源")]
    assert (2, "企业名称") not in problems
    assert _count(session) == before


def test_an_excel_number_in_the_code_column_is_explained(session: Session, world: World) -> None:
    data = workbook([row("数字代码有限公司", 913703031234567890)])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(data))
    assert "存成了数字" in rejected.value.problems[0].message


@pytest.mark.parametrize(("content", "message"), [
    (b"name,code\n", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
    (b"PK\x03\x04 truncated zip", "已损坏"),
])
def test_files_that_are_not_workbooks_get_a_clear_message(content: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_import_rows(content)


def test_a_sheet_without_the_required_columns_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="缺少必填列：统一社会信用代码、所在地区"):
        read_import_rows(workbook([["甲", "乙"]], headers=["企业名称", "行业"]))


def test_blank_rows_are_skipped_and_row_numbers_stay_true() -> None:
    rows = read_import_rows(workbook([row("甲有限公司", "X"), [None] * len(HEADERS), row("乙有限公司", "Y")]))
    assert [(r.number, r.values["name"]) for r in rows] == [(2, "甲有限公司"), (4, "乙有限公司")]


def test_five_thousand_rows_import_in_one_go(session: Session, world: World) -> None:
    rows = [row(f"批量企业{i:04d}有限公司", demo_credit_code("370303", 500_000 + i)) for i in range(5000)]
    created = import_enterprises(session, world.zibo, read_import_rows(workbook(rows)))
    assert len(created) == 5000
    assert session.scalar(select(func.count()).select_from(Enterprise).where(
        Enterprise.name.like("批量企业%"))) == 5000


def test_the_export_reimports_as_it_is(session: Session, world: World) -> None:
    exported = render_enterprise_list([world.ent_zd, world.ent_zc])
    rows = read_import_rows(exported)
    assert [r.values["credit_code"] for r in rows] == [world.ent_zd.credit_code, world.ent_zc.credit_code]
    assert rows[0].values["region_code"] == world.ent_zd.region.full_name


def test_the_template_offers_the_actors_regions_and_every_industry(session: Session) -> None:
    county = session.get_one(Region, "370303")
    data = render_import_template(regions_under(session, county, ("county", "township")), list_industries(session))
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb["企业名录"][1]] == HEADERS
    region_names = [r[0].value for r in wb["地区代码"].iter_rows(min_row=2)]
    assert region_names[0] == "淄博市张店区" and "淄博市张店区车站街道" in region_names
    assert not any("周村" in name for name in region_names)
    assert len(list(wb["行业"].iter_rows(min_row=2))) == 16
