"""The trail of nominations, campaigns, enterprises and users as a reader meets it (issue 5, item 4).

Every event the system writes has a Chinese name, on the audit page and in its export;
a record's history reads newest first, twenty to a page, whatever page number is asked for.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks import campaigns, services
from benchmarks.models import NominationState as S
from benchmarks.workflow import Action, CampaignAction
from core import accounts, registry
from core.audit import ACTION_LABELS, OBJECT_LABELS, AuditEvent
from core.people import Role
from core.registry import EnterpriseInput
from tests.factories import PASSWORD, World, credit_code, step, trail
from tests.nomination_helpers import html_of, move

# --- the trail in Chinese, newest first ---------------------------------------------------------


def _every_kind_of_event(session: Session, world: World, transactions: Any) -> None:
    world.nomination(session, S.SELECTED, world.ent_zd)
    world.nomination(session, S.REJECTED, world.ent_jn)
    world.nomination(session, S.WITHDRAWN, world.ent_zc)
    returned = world.nomination(session, S.RETURNED, world.ent_zd2)
    services.update_reasons(session, world.zhangdian, returned, services.Reasons("改", "改", "改"),
                            returned.lock_version)
    services.remove_attachment(session, world.zhangdian, returned, returned.attachments[0].id)
    step(session, world.zhangdian, returned, Action.WITHDRAW, "撤回")
    campaign = world.campaign
    campaigns.update_campaign(session, world.sheng, campaign, campaigns.CampaignInput(
        title="改名后的批次", year=campaign.year, county_deadline=campaign.county_deadline,
        city_deadline=campaign.city_deadline, province_deadline=campaign.province_deadline,
        industry_codes=sorted(campaign.industry_codes)), campaign.lock_version)
    step(session, world.sheng, campaign, CampaignAction.CLOSE)
    registry.register_enterprise(session, world.zibo, EnterpriseInput(
        name="审计用化工有限公司", credit_code=credit_code(), region_code="370303", industry_code="CHEM"))
    move(session, world, world.ent_zd2, region="370306")
    user = accounts.create_user(session, world.admin, accounts.UserInput(
        "t_audit", "审计", {Role.EXPERT}), "start-pass-1")
    accounts.update_user(session, world.admin, user, accounts.UserInput("t_audit", "审计二", {Role.EXPERT}))
    accounts.unlock_user(session, world.admin, user)
    accounts.reset_password(session, world.admin, user, "reset-pass-2")
    accounts.change_password(session, user, "reset-pass-2", "changed-pass-3")
    accounts.sign_out(session, user)
    session.commit()
    for password in ["wrong-pass-1"] * accounts.MAX_FAILED_LOGINS + [PASSWORD]:
        with contextlib.suppress(accounts.LoginRefused):
            accounts.authenticate(transactions, "t_sheng", password)
    accounts.authenticate(transactions, "t_zibo", PASSWORD)


def test_every_event_the_system_writes_has_a_chinese_name(session: Session, world: World, transactions) -> None:
    _every_kind_of_event(session, world, transactions)
    actions = set(session.scalars(select(AuditEvent.action).distinct()))
    objects = set(session.scalars(select(AuditEvent.object_type).distinct()))
    assert {"nomination.select", "nomination.reject", "campaign.close", "user.lock", "user.login"} <= actions
    assert actions <= set(ACTION_LABELS), f"no Chinese name for {sorted(actions - set(ACTION_LABELS))}"
    assert objects <= set(OBJECT_LABELS), f"no Chinese name for {sorted(objects - set(OBJECT_LABELS))}"


def test_the_audit_page_and_its_export_speak_chinese(client: FlaskClient, login, session: Session, world: World,
                                                     transactions) -> None:
    _every_kind_of_event(session, world, transactions)
    login(world.admin)
    html = html_of(client.get("/admin/audit", query_string={"size": "200"}))
    table = html.split('data-testid="audit-table"', 1)[1].split("</table>", 1)[0]
    actions = re.findall(r'<td class="small text-nowrap" title="([a-z_.]+)">([^<]+)</td>', table)
    assert len(actions) == session.scalar(select(func.count()).select_from(AuditEvent))
    for code, shown in actions:
        assert shown == ACTION_LABELS[code] and re.search(r"[\u4e00-\u9fff]", shown), code
    assert ("nomination.submit", "上报市级") in actions and ("campaign.close", "结束遴选批次") in actions
    objects = re.findall(r'<td class="small text-nowrap">(?:<a href="[^"]+">)?([^<]+)(?:</a>)?</td>', table)
    assert set(objects) >= {"推荐", "遴选批次", "用户", "企业"}
    assert not set(objects) & {"nomination", "campaign", "user", "enterprise"}
    assert "nomination #" not in table and ">nomination.return<" not in table
    filters = html.split('id="action"', 1)[1].split("</select>", 1)[0]
    assert ">上报市级<" in filters and ">nomination.submit<" not in filters
    sheet = load_workbook(io.BytesIO(client.get("/admin/audit/export.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows} >= {"上报市级", "确定为省级标杆", "结束遴选批次", "账户锁定"}
    assert all(not str(r[4]).startswith(("nomination ", "campaign ", "user ", "enterprise ")) for r in rows)


HISTORY_ROW = re.compile(r"<tr>\s*<td class=\"text-nowrap small\">[^<]*</td>\s*<td class=\"small\">[^<]*</td>"
                         r"\s*<td class=\"text-nowrap small\">[^<]*</td>\s*<td>([^<]*)</td>")


def _history(html: str) -> tuple[list[str], str]:
    section = html.split('data-testid="history"', 1)[1].split("</section>", 1)[0]
    return HISTORY_ROW.findall(section), section


@pytest.mark.parametrize("record", ["nomination", "enterprise", "campaign", "user"])
def test_a_records_history_is_newest_first_twenty_to_a_page(client: FlaskClient, login, session: Session,
                                                             world: World, record: str) -> None:
    nomination = world.nomination(session, S.DRAFT)
    for n in range(24):
        services.update_reasons(session, world.zhangdian, nomination,
                                services.Reasons(f"第{n}次修改", "隐患", "信息化"), nomination.lock_version)
        data = EnterpriseInput.of(world.ent_zd)
        data.employee_count = n + 1
        registry.update_enterprise(session, world.zibo, world.ent_zd, data, world.ent_zd.lock_version)
        accounts.update_user(session, world.admin, world.zibo, accounts.UserInput(
            "t_zibo", f"淄博{n}", {Role.BUREAU}, region_code="370300"))
        campaigns.update_campaign(session, world.sheng, world.campaign, campaigns.CampaignInput(
            title=f"批次第{n}版", year=world.campaign.year, county_deadline=world.campaign.county_deadline,
            city_deadline=world.campaign.city_deadline, province_deadline=world.campaign.province_deadline,
            industry_codes=sorted(world.campaign.industry_codes)), world.campaign.lock_version)
    session.commit()
    target, who, page = {
        "nomination": (nomination, world.zhangdian, f"/nominations/{nomination.id}"),
        "enterprise": (world.ent_zd, world.zibo, f"/enterprises/{world.ent_zd.id}"),
        "campaign": (world.campaign, world.sheng, f"/campaigns/{world.campaign.id}"),
        "user": (world.zibo, world.admin, f"/admin/users/{world.zibo.id}"),
    }[record]
    newest_first = [e.summary for e in reversed(trail(session, target))]
    assert len(newest_first) > 20
    login(who)
    first, section = _history(html_of(client.get(page)))
    assert first == newest_first[:20]
    assert f"共 {len(newest_first)} 条，最新在前" in html_of(client.get(page))
    assert "第 1 / 2 页" in section and "history=2" in section
    second, section = _history(html_of(client.get(page, query_string={"history": "2"})))
    assert second == newest_first[20:] and "第 2 / 2 页" in section
    for hostile in ("abc", "0", "-3", "99999999999999999999", "\x00"):
        assert _history(html_of(client.get(page, query_string={"history": hostile})))[0] == first
    assert _history(html_of(client.get(page, query_string={"history": "50"})))[0] == second
