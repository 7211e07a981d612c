"""The practices pages over HTTP: the register, the forms, downloads, the enterprise summary, the bands."""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

from docx import Document
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks import bands
from benchmarks.grading import Method, RiskLevel
from benchmarks.models import CheckItem, RiskPoint
from tests.factories import World, make_check_item, make_risk_point

LEC_POINT = {
    "name": "液氯钢瓶装卸作业", "kind": "activity", "location": "液氯库", "post": "装卸工",
    "hazards": "钢瓶碰撞、阀门泄漏", "accident_types": ["中毒和窒息"], "consequences": "氯气中毒",
    "method": "lec", "lec_l": "3", "lec_e": "6", "lec_c": "15", "added_controls": [],
    "measures_engineering": "液氯库设氯气泄漏检测报警并联锁碱液吸收装置",
    "measures_protection": "佩戴防毒面具\n穿戴防护手套", "measures_video": "装卸区视频监控接入中控室",
    "responsible_unit": "储运车间", "responsible_person": "刘洋", "report_phone": "0533-6180110",
    "emergency_measures": "发现泄漏立即撤离至上风向，报告中控室",
}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_an_enterprise_manager_records_a_risk_point_and_sees_it_graded(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    login(world.ent_user)
    page = client.get(f"/enterprises/{world.ent_zd.id}/practices/risk-points/new")
    assert page.status_code == 200
    assert "3 — 可能，但不经常" in _text(page) and "每周一次或偶然暴露" in _text(page)
    saved = client.post(f"/enterprises/{world.ent_zd.id}/practices/risk-points/new", data=LEC_POINT,
                        follow_redirects=True)
    text = _text(saved)
    assert saved.status_code == 200
    assert ("已新增风险点“液氯钢瓶装卸作业”：D = L × E × C = 3 × 6 × 15 = 270，评为较大风险（橙色），"
            "由公司（厂）级、车间（部室）级、班组级、岗位级管控。") in text
    assert "E（暴露频率）= 6：每天工作时间内暴露" in text
    assert "佩戴防毒面具" in text and "视频监控" in text
    point = session.scalars(select(RiskPoint)).one()
    assert point.risk_level is RiskLevel.SERIOUS and point.inputs == {"L": "3", "E": "6", "C": "15"}
    register = _text(client.get(f"/enterprises/{world.ent_zd.id}/practices/"))
    assert "液氯钢瓶装卸作业" in register and "较大风险" in register and "E=6" in register


def test_an_off_scale_value_comes_back_on_its_field_with_the_input_kept(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    login(world.zhangdian)
    refused = client.post(f"/enterprises/{world.ent_zd.id}/practices/risk-points/new",
                          data={**LEC_POINT, "lec_e": "4"})
    assert refused.status_code == 422
    text = _text(refused)
    assert "暴露频率（E）应取 10、6、3、2、1、0.5 之一" in text
    assert 'value="液氯钢瓶装卸作业"' in text
    assert session.scalar(select(RiskPoint.id)) is None


def test_a_blank_factor_is_refused_by_the_service_naming_it(client: FlaskClient, login, world: World) -> None:
    login(world.ent_user)
    refused = client.post(f"/enterprises/{world.ent_zd.id}/practices/risk-points/new",
                          data={**LEC_POINT, "lec_c": "", "name": ""})
    text = _text(refused)
    assert refused.status_code == 422
    assert "事故后果（C）应取 100、40、15、7、3、1 之一" in text and "请填写风险点名称" in text


def test_the_edit_form_shows_the_saved_evaluation_and_refuses_a_stale_save(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, measures={"monitoring": "液位远传\n温度远传"})
    login(world.ent_user)
    page = _text(client.get(f"/practices/risk-points/{point.id}/edit"))
    assert '<option selected value="4">4 — ' in page and "液位远传\n温度远传" in client.get(
        f"/practices/risk-points/{point.id}/edit").get_data(as_text=True)
    form = {**LEC_POINT, "name": "改过的名称", "lock_version": str(point.lock_version - 1)}
    stale = client.post(f"/practices/risk-points/{point.id}/edit", data=form)
    assert stale.status_code == 409
    text = _text(stale)
    assert "已被他人修改" in text and '他人已保存的内容：<span class="prewrap">1#甲醇储罐</span>' in text
    assert f'name="lock_version" type="hidden" value="{point.lock_version}"' in text
    session.refresh(point)
    assert point.name == "1#甲醇储罐"


def test_saving_an_edit_reports_a_level_that_moved(client: FlaskClient, login, session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    login(world.zibo)
    form = {**LEC_POINT, "method": "ls", "ls_l": "5", "ls_s": "4", "lock_version": str(point.lock_version)}
    text = _text(client.post(f"/practices/risk-points/{point.id}/edit", data=form, follow_redirects=True))
    assert "R = L × S = 5 × 4 = 20，评为重大风险（红色）" in text and "（风险等级由一般风险变为重大风险）" in text


def test_a_risk_point_is_deleted_from_its_page(client: FlaskClient, login, session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    login(world.ent_user)
    done = client.post(f"/practices/risk-points/{point.id}/delete", data={"lock_version": point.lock_version},
                       follow_redirects=True)
    assert "已删除风险点“1#甲醇储罐”" in _text(done)
    assert session.scalar(select(RiskPoint.id)) is None


def test_check_items_are_added_edited_and_deleted(client: FlaskClient, login, session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    login(world.ent_user)
    new = client.get(f"/enterprises/{world.ent_zd.id}/practices/check-items/new?risk_point={point.id}")
    assert f'<option selected value="{point.id}">罐区／1#甲醇储罐</option>' in new.get_data(as_text=True)
    data = {"content": "防雷防静电接地是否完好", "basis": "GB 50057", "frequency": "month", "category": "site",
            "check_level": "workshop", "risk_point_id": str(point.id)}
    added = client.post(f"/enterprises/{world.ent_zd.id}/practices/check-items/new", data=data,
                        follow_redirects=True)
    assert "已新增隐患排查项（现场类）" in _text(added) and "防雷防静电接地是否完好" in _text(added)
    item = session.scalars(select(CheckItem)).one()
    edited = client.post(f"/practices/check-items/{item.id}/edit",
                         data={**data, "frequency": "quarter", "lock_version": item.lock_version},
                         follow_redirects=True)
    assert "隐患排查项已保存" in _text(edited) and "每季度" in _text(edited)
    session.refresh(item)
    gone = client.post(f"/practices/check-items/{item.id}/delete", data={"lock_version": item.lock_version},
                       follow_redirects=True)
    assert "已删除隐患排查项" in _text(gone)
    assert session.scalar(select(CheckItem.id)) is None


def test_the_enterprise_page_shows_the_four_colour_summary(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    make_risk_point(session, world.ent_user, world.ent_zd, location="罐区", inputs={"L": "5", "S": "5"})
    make_risk_point(session, world.ent_user, world.ent_zd, location="罐区")
    make_check_item(session, world.ent_user, world.ent_zd)
    login(world.ent_user)
    text = _text(client.get(f"/enterprises/{world.ent_zd.id}"))
    assert "风险分级管控（共 2 个风险点）" in text
    assert 'data-testid="tile-1"> <div class="small">重大风险（红）</div> <div class="stat">1</div>' in text
    assert 'data-testid="tile-3"> <div class="small">一般风险（黄）</div> <div class="stat">1</div>' in text
    assert f'href="/enterprises/{world.ent_zd.id}/practices/"' in text
    assert '<th scope="row" class="fw-normal">罐区</th><td class="text-center">1</td>' in text


def test_the_downloads_open_as_the_files_they_say(client: FlaskClient, login, session: Session, world: World) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    make_check_item(session, world.ent_user, world.ent_zd, risk_point_id=point.id)
    login(world.zhangdian)
    base = f"/enterprises/{world.ent_zd.id}/practices"
    risk = client.get(f"{base}/risk-list.xlsx")
    assert "张店甲化工有限公司风险分级管控清单-" in unquote(risk.headers["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(risk.data))["风险分级管控清单（LS）"]
    assert sheet.cell(row=4, column=2).value == "罐区\n1#甲醇储罐"
    checks = load_workbook(io.BytesIO(client.get(f"{base}/check-list.xlsx").data)).active
    assert checks.cell(row=3, column=7).value == "1#甲醇储罐"
    for name in ("risk-list.docx", "check-list.docx", "cards.docx"):
        answer = client.get(f"{base}/{name}")
        assert answer.mimetype.endswith("wordprocessingml.document")
        assert Document(io.BytesIO(answer.data)).tables
    card = Document(io.BytesIO(client.get(f"/practices/risk-points/{point.id}/card.docx").data))
    assert card.tables[0].rows[0].cells[0].text == "岗位安全风险告知卡"
    assert client.get(f"{base}/cards.xlsx").status_code == 404


def test_out_of_scope_bureaus_and_other_enterprises_get_not_found(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd)
    login(world.zhoucun)
    assert client.get(f"/enterprises/{world.ent_zd.id}/practices/").status_code == 404
    assert client.get(f"/practices/risk-points/{point.id}").status_code == 404
    assert client.get(f"/enterprises/{world.ent_zd.id}/practices/cards.docx").status_code == 404
    login(world.ent_user)
    assert client.get(f"/enterprises/{world.ent_zd2.id}/practices/").status_code == 404
    login(world.expert)
    assert client.get(f"/enterprises/{world.ent_zd.id}/practices/").status_code == 403


def test_an_admin_rebands_an_industry_and_regrades_its_points(
    client: FlaskClient, login, session: Session, world: World
) -> None:
    point = make_risk_point(session, world.ent_user, world.ent_zd, inputs={"L": "2", "S": "4"})  # R = 8, 低
    login(world.admin)
    page = client.get("/admin/risk-bands/CHEM/ls")
    shown = bands.fingerprint(bands.bands_in_force(session, "CHEM", Method.LS))
    assert f'value="{shown}"' in page.get_data(as_text=True)
    form = {"fingerprint": shown, "lower_1": "16", "inclusive_1": "1", "lower_2": "12", "inclusive_2": "1",
            "lower_3": "6", "inclusive_3": "1", "lower_4": "1", "inclusive_4": "1"}
    saved = _text(client.post("/admin/risk-bands/CHEM/ls", data=form, follow_redirects=True))
    assert "分级标准已保存。现有 1 个风险点的等级与现行标准不一致" in saved
    assert "重大 ≥ 16、较大 ≥ 12、一般 ≥ 6、低 ≥ 1" in saved and "按新标准重新分级（1）" in saved
    session.refresh(point)
    assert point.risk_level is RiskLevel.LOW
    login(world.ent_user)
    assert "现行标准：一般风险" in _text(client.get(f"/enterprises/{world.ent_zd.id}/practices/"))
    login(world.admin)
    again = client.post("/admin/risk-bands/CHEM/ls", data=form)
    assert again.status_code == 409 and "已被他人修改" in _text(again)
    refreshed = bands.fingerprint(bands.bands_in_force(session, "CHEM", Method.LS))
    assert f'value="{refreshed}"' in again.get_data(as_text=True)
    done = _text(client.post("/admin/risk-bands/CHEM/regrade", follow_redirects=True))
    assert "已按现行分级标准重新分级 1 个风险点" in done
    session.refresh(point)
    assert point.risk_level is RiskLevel.GENERAL
    reset = _text(client.post("/admin/risk-bands/CHEM/ls", data={**form, "fingerprint": refreshed,
                                                                  "action": "reset"}, follow_redirects=True))
    assert "已恢复为全省默认分级标准" in reset


def test_a_band_table_out_of_order_is_refused_on_the_page(client: FlaskClient, login, session: Session,
                                                          world: World) -> None:
    login(world.admin)
    shown = bands.fingerprint(bands.bands_in_force(session, None, Method.LEC))
    form = {"fingerprint": shown, "lower_1": "100", "inclusive_1": "0", "lower_2": "160", "inclusive_2": "0",
            "lower_3": "-1", "inclusive_3": "0", "lower_4": "0", "inclusive_4": "1"}
    refused = client.post("/admin/risk-bands/default/lec", data=form)
    assert refused.status_code == 422
    assert "一般风险的下限应在 0 到 10000（该方法的最大值）之间" in _text(refused)
    form["lower_3"] = "70"
    assert "重大风险的下限应高于较大风险的下限" in _text(client.post("/admin/risk-bands/default/lec", data=form))
    login(world.sheng)
    assert client.get("/admin/risk-bands").status_code == 403
