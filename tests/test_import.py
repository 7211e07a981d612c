"""XLSX import: all or nothing, every problem named by row, column and reason; and the
"update existing" mode, which changes only what differs and audits each change.

Files that are not workbooks, or would cost too much to read, are in test_spreadsheets.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import demo_credit_code
from core.audit import AuditEvent
from core.enterprise_import import ImportRejected, import_enterprises
from core.enterprises import Enterprise
from core.regions import Region, list_industries, regions_under
from exports.enterprise_register import COLUMNS, read_import_rows, render_enterprise_list, render_import_template
from exports.enterprise_register import _row as _exported_row
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
    created = import_enterprises(session, world.zhangdian, read_import_rows(data)).created
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
    assert "已登记，未覆盖" in problems[(6, "统一社会信用代码")]
    assert "企业规模" in problems[(6, "企业规模")] and "是 或 否" in problems[(6, "涉及重大危险源")]
    assert (2, "企业名称") not in problems
    assert _count(session) == before


def test_an_excel_number_in_the_code_column_is_explained(session: Session, world: World) -> None:
    data = workbook([row("数字代码有限公司", 913703031234567890)])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(data))
    assert "存成了数字" in rejected.value.problems[0].message


def test_blank_rows_are_skipped_and_row_numbers_stay_true() -> None:
    rows = read_import_rows(workbook([row("甲有限公司", "X"), [None] * len(HEADERS), row("乙有限公司", "Y")]))
    assert [(r.number, r.values["name"]) for r in rows] == [(2, "甲有限公司"), (4, "乙有限公司")]


def test_five_thousand_rows_import_in_one_go(session: Session, world: World) -> None:
    rows = [row(f"批量企业{i:04d}有限公司", demo_credit_code("370303", 500_000 + i)) for i in range(5000)]
    created = import_enterprises(session, world.zibo, read_import_rows(workbook(rows))).created
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


# --- update mode ------------------------------------------------------------------------


def row_of(enterprise: Enterprise, **changes: Any) -> list[Any]:
    """The enterprise's row as an export writes it, with some cells (by field name) changed."""
    assert set(changes) <= set(COLUMNS)
    values = dict(zip(COLUMNS, _exported_row(enterprise), strict=True)) | changes
    return [values[c] for c in COLUMNS]


def _events(session: Session, action: str, enterprise: Enterprise) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_id == str(enterprise.id))))


def test_update_mode_registers_updates_and_counts_the_unchanged(session: Session, world: World) -> None:
    changed, same = world.ent_zd, world.ent_zd2
    version, same_version = changed.lock_version, same.lock_version
    data = workbook([
        row_of(changed, address="张店区新村西路 1 号", employee_count=320, major_hazard="是"),
        row_of(same),
        row("张店新登记有限公司", credit_code()),
    ])
    result = import_enterprises(session, world.zhangdian, read_import_rows(data), update_existing=True)
    assert [e.name for e in result.created] == ["张店新登记有限公司"]
    assert result.updated == [changed] and result.unchanged == 1
    assert (changed.address, changed.employee_count, changed.major_hazard) == ("张店区新村西路 1 号", 320, True)
    assert changed.lock_version == version + 1 and same.lock_version == same_version
    [event] = _events(session, "enterprise.import_update", changed)
    assert event.details == {"changes": {"address": ["", "张店区新村西路 1 号"], "employee_count": [0, 320],
                                         "major_hazard": [False, True]}}
    assert "地址、从业人数、涉及重大危险源" in event.summary
    assert _events(session, "enterprise.import_update", same) == []


def test_without_update_mode_registered_codes_are_errors_and_nothing_changes(session: Session,
                                                                            world: World) -> None:
    before = world.ent_zd.address
    data = workbook([row_of(world.ent_zd, address="不应写入"), row("新企业有限公司", credit_code())])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(data))
    [problem] = rejected.value.problems
    assert (problem.row, problem.column) == (2, "统一社会信用代码") and "已登记，未覆盖" in problem.message
    assert world.ent_zd.address == before
    assert session.scalar(select(Enterprise).where(Enterprise.name == "新企业有限公司")) is None


def test_a_code_registered_outside_the_jurisdiction_is_a_row_error(session: Session, world: World) -> None:
    data = workbook([
        row_of(world.ent_zd, address="应随整批放弃"),
        row_of(world.ent_zc, region_code="淄博市张店区"),  # 周村's enterprise, claimed into 张店区
    ])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(data), update_existing=True)
    assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "统一社会信用代码")]
    assert "辖区以外登记，不能更新" in rejected.value.problems[0].message
    assert world.ent_zd.address == "" and world.ent_zc.region_code == "370306"
    assert _events(session, "enterprise.import_update", world.ent_zd) == []


def test_an_update_is_cleaned_by_the_form_rules(session: Session, world: World) -> None:
    ent = world.ent_zd
    padded = f"\u3000{ent.name} "  # trimmed to the saved name: no change
    result = import_enterprises(session, world.zhangdian, read_import_rows(workbook([row_of(ent, name=padded)])),
                                update_existing=True)
    assert result.unchanged == 1 and result.updated == []
    bad = workbook([row_of(ent, name="张店\x7f甲化工"), row_of(world.ent_zd2, safety_contact="\u202e张三"),
                    row_of(world.ent_zc, address="第一行\n第二行")])
    with pytest.raises(ImportRejected) as rejected:
        import_enterprises(session, world.zhangdian, read_import_rows(bad), update_existing=True)
    problems = {(p.row, p.column): p.message for p in rejected.value.problems}
    assert problems[(2, "企业名称")] == "企业名称不能包含控制字符"
    assert "改变文字显示方向" in problems[(3, "安全负责人")]
    assert problems[(4, "地址")] == "地址不能包含换行符"


def test_an_update_can_move_an_enterprise_inside_the_jurisdiction(session: Session, world: World) -> None:
    ent = world.ent_zd
    result = import_enterprises(session, world.zibo, read_import_rows(workbook([
        row_of(ent, region_code="淄博市周村区", industry_code="机械")])), update_existing=True)
    assert result.updated == [ent]
    assert (ent.region_code, ent.region_path, ent.region.full_name) == ("370306", "/370000/370300/370306/",
                                                                       "淄博市周村区")
    assert ent.industry_code == "MACH"
    [event] = _events(session, "enterprise.import_update", ent)
    assert event.details["changes"] == {"region_code": ["370303", "370306"], "industry_code": ["CHEM", "MACH"]}


def test_columns_left_out_of_the_sheet_keep_their_values(session: Session, world: World) -> None:
    ent = world.ent_zd
    ent.address, ent.employee_count = "原地址", 50
    session.flush()
    headers = ["企业名称", "统一社会信用代码", "所在地区", "行业", "联系电话"]
    data = workbook([[ent.name, ent.credit_code, "淄博市张店区", "危险化学品（化工）", "0533-1234567"]],
                    headers=headers)
    result = import_enterprises(session, world.zhangdian, read_import_rows(data), update_existing=True)
    assert result.updated == [ent]
    assert (ent.safety_phone, ent.address, ent.employee_count) == ("0533-1234567", "原地址", 50)
    [event] = _events(session, "enterprise.import_update", ent)
    assert list(event.details["changes"]) == ["safety_phone"]


def test_an_exported_list_reimports_in_update_mode_without_a_change(session: Session, world: World) -> None:
    exported = render_enterprise_list([world.ent_zd, world.ent_zd2])
    result = import_enterprises(session, world.zhangdian, read_import_rows(exported), update_existing=True)
    assert (result.created, result.updated, result.unchanged) == ([], [], 2)


# --- the page -----------------------------------------------------------------------------


def _post(client: FlaskClient, data: bytes, update: bool = False) -> Any:
    form: dict[str, Any] = {"file": (io.BytesIO(data), "企业名录.xlsx")}
    if update:
        form["update_existing"] = "y"
    return client.post("/enterprises/import", data=form, follow_redirects=True)


def test_the_page_updates_when_asked_and_says_what_it_did(client: FlaskClient, login, session: Session,
                                                          world: World) -> None:
    login(world.zhangdian)
    new_code = credit_code()
    data = workbook([row_of(world.ent_zd, employee_count=77), row_of(world.ent_zd2),
                     row("页面新登记有限公司", new_code)])
    refused = _post(client, data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "导入未执行：发现 2 处错误" in page
    assert page.count("已登记，未覆盖") == 2 and 'data-testid="import-problems"' in page
    session.expire_all()
    assert world.ent_zd.employee_count == 0
    done = _post(client, data, update=True)
    assert done.status_code == 200
    assert "导入成功：新登记 1 家，更新 1 家，1 家无变化。" in done.get_data(as_text=True)
    session.expire_all()
    assert world.ent_zd.employee_count == 77
    assert session.scalar(select(Enterprise.name).where(Enterprise.credit_code == new_code)) == "页面新登记有限公司"
    plain = _post(client, workbook([row("页面又一家有限公司", credit_code())]))
    assert "导入成功：共登记 1 家企业。" in plain.get_data(as_text=True)


def test_a_refused_update_lists_problems_and_keeps_nothing(client: FlaskClient, login, session: Session,
                                                           world: World) -> None:
    login(world.zhangdian)
    data = workbook([row_of(world.ent_zd, employee_count=99), row_of(world.ent_zc, region_code="淄博市张店区")])
    response = _post(client, data, update=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 3 行" in page and "辖区以外登记，不能更新" in page
    session.expire_all()
    assert world.ent_zd.employee_count == 0
    assert _events(session, "enterprise.import_update", world.ent_zd) == []


def test_the_page_asks_for_a_file(client: FlaskClient, login, world: World) -> None:
    login(world.zhangdian)
    response = client.post("/enterprises/import", data={})
    assert response.status_code == 422 and "请选择要导入的 .xlsx 文件" in response.get_data(as_text=True)


def test_the_import_form_shows_progress_without_inline_script_or_style(client: FlaskClient, login,
                                                                       world: World) -> None:
    login(world.zhangdian)
    page = client.get("/enterprises/import").get_data(as_text=True)
    assert '<form method="post" enctype="multipart/form-data" novalidate data-progress="#import-progress">' in page
    box = page[page.index('id="import-progress"'):]
    assert 'class="progress-bar"' in box and "data-progress-label" in box
    assert "更新已登记企业（按统一社会信用代码匹配）" in page and 'name="update_existing"' in page
    assert " style=" not in page and "<style" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


def test_a_scripted_upload_is_told_where_to_go_next(client: FlaskClient, login, world: World) -> None:
    """The progress script posts with XMLHttpRequest: a success names the next page, a refusal is the page."""
    login(world.zhangdian)
    scripted = {"X-Requested-With": "XMLHttpRequest"}
    good = {"file": (io.BytesIO(workbook([row("脚本上传有限公司", credit_code())])), "企业名录.xlsx")}
    done = client.post("/enterprises/import", data=good, headers=scripted)
    assert done.status_code == 200 and done.headers["X-Location"] == "/enterprises/"
    assert "导入成功：共登记 1 家企业。" in client.get("/enterprises/").get_data(as_text=True)
    bad = {"file": (io.BytesIO(b"not a workbook"), "企业名录.xlsx")}
    refused = client.post("/enterprises/import", data=bad, headers=scripted)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "X-Location" not in refused.headers
    assert "<main" in page and "不是 Excel 工作簿" in page and 'data-progress="#import-progress"' in page
