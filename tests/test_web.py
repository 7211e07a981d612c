"""The web layer as a user meets it: sign-in, CSRF, headers, error pages, one flow per feature."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import create_app
from benchmarks.models import Nomination
from benchmarks.models import NominationState as S
from core.accounts import SIGN_IN_REFUSED
from core.audit import AuditEvent
from core.enterprises import Enterprise
from core.people import User
from tests.factories import PASSWORD, PDF, World, credit_code, make_enterprise
from tests.xlsx import row, workbook


def _csrf_app(app: Flask) -> Flask:
    """The same app with CSRF protection on, as in production."""
    keep = ("SECRET_KEY", "AUDIT_KEY", "AUDIT_CHECKPOINTS", "DATABASE_URL", "UPLOAD_DIR", "SESSION_FACTORY",
            "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")
    return create_app({**{k: app.config[k] for k in keep}, "TESTING": True})


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_signing_in_with_a_csrf_token_lands_on_the_workbench(app: Flask, world: World) -> None:
    client = _csrf_app(app).test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"username": "t_zhangdian", "password": PASSWORD,
                                           "csrf_token": _token(page)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "工作台" in html and "欢迎，t_zhangdian" in html
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_without_its_csrf_token_is_refused_in_chinese(app: Flask, world: World) -> None:
    client = _csrf_app(app).test_client()
    response = client.post("/login", data={"username": "t_zhangdian", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True) and "刷新页面" in response.get_data(as_text=True)


def test_a_wrong_password_keeps_the_count_after_the_request(client: FlaskClient, session: Session,
                                                            world: World) -> None:
    response = client.post("/login", data={"username": "t_zhangdian", "password": "wrong-pass-1"})
    assert response.status_code == 401 and SIGN_IN_REFUSED in response.get_data(as_text=True)
    session.expire_all()
    assert world.zhangdian.failed_logins == 1  # counted in a transaction of its own


def test_every_page_carries_the_security_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client: FlaskClient, login, world: World) -> None:
    login(world.zibo)
    for url in ("/", "/enterprises/", f"/enterprises/{world.ent_zd.id}", "/campaigns/", "/notifications"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html, url


def test_bootstrap_is_served_by_the_app_itself(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html and "//cdn" not in html
    with client.get("/static/vendor/bootstrap/bootstrap.bundle.min.js") as script:
        assert script.status_code == 200 and script.mimetype == "text/javascript"


def test_an_unknown_page_answers_404_in_chinese(client: FlaskClient, login, world: World) -> None:
    login(world.zibo)
    response = client.get("/enterprises/999999")
    assert response.status_code == 404 and "不在您的辖区内" in response.get_data(as_text=True)


def test_an_oversized_upload_is_refused_in_chinese(app: Flask, client: FlaskClient, login,
                                                    world: World) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login(world.zhangdian)
    response = client.post("/enterprises/import", data={"file": (io.BytesIO(b"x" * 4096), "big.xlsx")})
    assert response.status_code == 413 and "文件过大" in response.get_data(as_text=True)


def test_registering_an_enterprise_through_the_form(client: FlaskClient, login, session: Session,
                                                    world: World) -> None:
    login(world.zhangdian)
    form = {"name": "表单登记化工有限公司", "credit_code": "91350100M000100Y44", "county_code": "370303",
            "township_code": "370303001", "industry_code": "CHEM", "employee_count": "50", "scale": "small"}
    refused = client.post("/enterprises/new", data=form)
    assert refused.status_code == 422
    assert "校验位错误" in refused.get_data(as_text=True)
    assert session.scalar(select(Enterprise).where(Enterprise.name == form["name"])) is None
    form["credit_code"] = credit_code()
    created = client.post("/enterprises/new", data=form, follow_redirects=True)
    assert "已登记企业“表单登记化工有限公司”" in created.get_data(as_text=True)
    assert "淄博市张店区车站街道" in created.get_data(as_text=True)


def test_a_stale_edit_shows_both_versions_and_can_be_applied_again(client: FlaskClient, login, world: World) -> None:
    login(world.zhangdian)
    e = world.ent_zd
    form = {"name": e.name, "credit_code": e.credit_code, "county_code": "370303", "township_code": "",
            "industry_code": "CHEM", "employee_count": "10", "scale": "small", "lock_version": str(e.lock_version)}
    assert client.post(f"/enterprises/{e.id}/edit", data=form).status_code == 302
    form["employee_count"] = "20"  # typed on a page opened before the save above
    response = client.post(f"/enterprises/{e.id}/edit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "已被他人修改" in html
    assert 'value="20"' in html  # what the user typed is still there…
    assert 'data-testid="saved-employee_count"' in html and "10" in html  # …beside what was saved
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', html)
    assert version and int(version.group(1)) == e.lock_version + 1
    again = client.post(f"/enterprises/{e.id}/edit", data={**form, "lock_version": version.group(1)})
    assert again.status_code == 302
    assert client.get(f"/enterprises/{e.id}").status_code == 200


def test_the_export_holds_exactly_what_the_filter_shows(client: FlaskClient, login, session: Session,
                                                        world: World) -> None:
    make_enterprise(session, "370303", industry="MACH", name="张店机械厂有限公司")
    session.commit()
    login(world.zibo)
    listed = client.get("/enterprises/?industry=MACH").get_data(as_text=True)
    assert "张店机械厂有限公司" in listed and world.ent_zd.name not in listed
    response = client.get("/enterprises/export.xlsx?industry=MACH")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert names == ["张店机械厂有限公司"]
    everything = load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx").data)).active
    exported = {r[0].value for r in everything.iter_rows(min_row=2)}
    assert world.ent_zc.name in exported and world.ent_jn.name not in exported  # 济南 is not 淄博's


def test_a_failed_import_lists_the_rows_and_keeps_nothing(client: FlaskClient, login, session: Session,
                                                          world: World) -> None:
    login(world.zhangdian)
    bad = workbook([row("导入甲有限公司", credit_code()), row("导入乙有限公司", "123")])
    response = client.post("/enterprises/import", data={"file": (io.BytesIO(bad), "list.xlsx")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 3 行" in html and "应为 18 位" in html
    assert session.scalar(select(Enterprise).where(Enterprise.name == "导入甲有限公司")) is None
    not_excel = client.post("/enterprises/import", data={"file": (io.BytesIO(b"a,b\n"), "list.csv")})
    assert not_excel.status_code == 422 and "不是 Excel 工作簿" in not_excel.get_data(as_text=True)


def test_a_nomination_climbs_through_the_pages(client: FlaskClient, login, session: Session,
                                               world: World) -> None:
    campaign = world.campaign
    login(world.zhangdian)
    response = client.post(f"/campaigns/{campaign.id}/nominations/new", data={
        "enterprise_id": str(world.ent_zd.id), "risk_control": "风险", "hidden_danger": "隐患",
        "informatisation": "信息化"})
    nomination = session.scalar(select(Nomination).where(Nomination.enterprise_id == world.ent_zd.id))
    assert nomination is not None and response.location.endswith(f"/nominations/{nomination.id}")
    page = f"/nominations/{nomination.id}"

    def act(action: str, reason: str = "") -> str:
        session.refresh(nomination)
        answer = client.post(f"{page}/actions/{action}", follow_redirects=True, headers={"Referer": page},
                             data={"reason": reason, "lock_version": str(nomination.lock_version)})
        return answer.get_data(as_text=True)

    assert "请先上传至少一份证明材料" in act("submit")
    client.post(f"{page}/attachments", data={"file": (io.BytesIO(PDF), "报告.pdf")},
                content_type="multipart/form-data")
    act("submit")
    login(world.zibo)
    assert "请填写退回理由" in act("return", "")
    act("endorse", "同意推荐")
    login(world.sheng)
    compare = client.get(f"/campaigns/{campaign.id}/industries/CHEM").get_data(as_text=True)
    assert world.ent_zd.name in compare and "同意推荐" in compare
    act("select", "确定")
    session.refresh(nomination)
    assert nomination.state == S.SELECTED
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "已确定为省级标杆" in page and "操作记录" in page and "同意推荐" in page


def test_notifications_count_then_open_and_follow(client: FlaskClient, login, session: Session,
                                                  world: World) -> None:
    nomination = world.nomination(session, S.SUBMITTED)
    session.commit()
    login(world.zibo)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="unread-count">2<' in home  # the campaign, and the submission
    inbox = client.get("/notifications").get_data(as_text=True)
    note_id = re.findall(r"/notifications/(\d+)/open", inbox)[0]
    opened = client.post(f"/notifications/{note_id}/open")
    assert opened.status_code == 303
    assert opened.location.endswith(f"/nominations/{nomination.id}")
    assert 'data-testid="unread-count">1<' in client.get("/").get_data(as_text=True)


def test_an_administrator_creates_a_user_and_verifies_the_trail(client: FlaskClient, login,
                                                                session: Session, world: World) -> None:
    login(world.admin)
    response = client.post("/admin/users/new", data={
        "username": "wang_zd", "display_name": "王", "roles": ["bureau"], "region_code": "370303",
        "password": "start-pass-1", "is_active": "y"})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "wang_zd"))
    assert user is not None and user.region_code == "370303"
    verified = client.post("/admin/audit/verify", follow_redirects=True).get_data(as_text=True)
    assert "审计链校验通过" in verified
    listed = client.get("/admin/audit?q=wang_zd").get_data(as_text=True)
    assert "创建用户 wang_zd" in listed
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert last is not None and last.action == "user.create" and last.actor_id == world.admin.id


def test_form_messages_are_chinese_even_from_wtforms_itself(client: FlaskClient, login, world: World) -> None:
    login(world.sheng)
    response = client.post("/campaigns/new", data={"title": "批次", "year": "二〇二六", "county_deadline": "明天",
                                                   "industry_codes": ["CHEM"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "不是有效的整数" in html and "不是有效的日期值" in html and "请填写市级推荐截止日期" in html


def test_a_campaign_description_is_markdown_without_script(client: FlaskClient, login, session: Session,
                                                           world: World) -> None:
    world.campaign.description = "- **重点**行业\n<script>alert(1)</script>"
    session.commit()
    login(world.zibo)
    html = client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
    assert "<li><strong>重点</strong>行业</li>" in html and "alert(1)" not in html


def test_a_button_form_posted_without_its_required_input_says_so(client: FlaskClient, login, session: Session,
                                                                 world: World) -> None:
    """Forms posted from another page's button are refused with a message, never silently dropped."""
    login(world.admin)
    before = world.zibo.password_hash
    page = f"/admin/users/{world.zibo.id}"
    response = client.post(f"{page}/password", data={"password": ""}, headers={"Referer": page},
                           follow_redirects=True)
    assert "请填写新密码" in response.get_data(as_text=True)
    session.expire_all()
    assert world.zibo.password_hash == before
