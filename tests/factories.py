"""Small factories for tests: ``make_<thing>(session, **overrides)``, plus a standard world.

Users share one precomputed password hash, so building people costs nothing; the
password of every factory user is ``PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import cache

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy.orm import Session

from app.demo import demo_credit_code
from benchmarks import campaigns, check_items, practices, services
from benchmarks.models import Campaign, CheckItem, Nomination, NominationState, RiskPoint
from benchmarks.workflow import Action
from core.accounts import hash_password
from core.attachments import FileStore
from core.audit import AuditEvent, history
from core.db import china_today
from core.enterprises import Enterprise
from core.people import Role, User, UserRole
from core.regions import Region
from core.workflow import transition
from standards.models import Clause, ClauseKind, StandardProject, StandardVersion
from standards.projects import ProjectInput, raise_project

PASSWORD = "pass1234word"
_serial = itertools.count(9000)


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def make_user(session: Session, username: str, *roles: Role, region: str | None = None,
              enterprise: Enterprise | None = None, name: str | None = None) -> User:
    user = User(
        username=username, display_name=name or username, password_hash=password_hash(),
        region_code=region, enterprise_id=enterprise.id if enterprise else None,
        role_rows=[UserRole(role=r.value) for r in roles],
    )
    session.add(user)
    session.flush()
    return user


def credit_code() -> str:
    return demo_credit_code("370303", next(_serial))


def make_enterprise(session: Session, region_code: str = "370303", industry: str = "CHEM",
                    name: str | None = None, **fields: object) -> Enterprise:
    region = session.get_one(Region, region_code)
    serial = next(_serial)
    enterprise = Enterprise(
        name=name or f"测试企业{serial}有限公司", credit_code=demo_credit_code(region_code[:6], serial),
        region_code=region.code, region_path=region.path, industry_code=industry, **fields,
    )
    session.add(enterprise)
    session.flush()
    return enterprise


def make_campaign(session: Session, actor: User, industries: tuple[str, ...] = ("CHEM", "MACH"),
                  county_days: int = 30, city_days: int = 45) -> Campaign:
    today = china_today()
    return campaigns.open_campaign(session, actor, campaigns.CampaignInput(
        title="测试遴选批次", year=today.year,
        county_deadline=today + dt.timedelta(days=county_days),
        city_deadline=today + dt.timedelta(days=max(county_days, city_days)),
        province_deadline=today + dt.timedelta(days=max(county_days, city_days) + 15),
        industry_codes=list(industries),
    ))


FULL_REASONS = services.Reasons("风险点全部分级管控", "隐患排查闭环治理", "建成信息化平台")


@dataclass
class World:
    """People at every level and enterprises inside and outside 张店区, one campaign open."""

    admin: User
    sheng: User
    zibo: User
    jinan: User
    zhangdian: User
    zhoucun: User
    expert: User
    committee: User
    ent_user: User
    ent_zd: Enterprise  # 张店区, 化工
    ent_zd2: Enterprise  # 张店区, 化工
    ent_zc: Enterprise  # 周村区, 化工
    ent_jn: Enterprise  # 济南市历城区, 化工
    campaign: Campaign
    store: FileStore

    def nomination(self, session: Session, state: NominationState = NominationState.DRAFT,
                   enterprise: Enterprise | None = None) -> Nomination:
        """A nomination walked to ``state`` through the services, as real people would.

        Enterprises in 张店区/周村区 are put forward by their county; others by their city
        directly (which skips the county steps: no 'submitted' or 'returned' for those).
        """
        enterprise = enterprise or self.ent_zd
        county = {"370303": self.zhangdian, "370306": self.zhoucun}.get(enterprise.region_path.split("/")[3])
        city = self.zibo if "/370300/" in enterprise.region_path else self.jinan
        nominator = county or city
        n = services.nominate(session, nominator, self.campaign, enterprise.id, FULL_REASONS)
        services.add_attachment(session, nominator, self.store, n, "证明材料.pdf", PDF)
        s = NominationState
        to_province = ([(county, Action.SUBMIT, ""), (city, Action.ENDORSE, "同意推荐")] if county
                       else [(city, Action.ENDORSE, "市级直接推荐")])
        steps: dict[NominationState, list[tuple[User, Action, str]]] = {
            s.DRAFT: [],
            s.SUBMITTED: to_province[:1] if county else [],
            s.RETURNED: [(nominator, Action.SUBMIT, ""), (city, Action.RETURN, "材料不全")],
            s.ENDORSED: to_province,
            s.SELECTED: [*to_province, (self.sheng, Action.SELECT, "确定为标杆")],
            s.REJECTED: [*to_province, (self.sheng, Action.REJECT, "暂不入选")],
            s.WITHDRAWN: [(nominator, Action.WITHDRAW, "暂缓推荐")],
        }
        for actor, action, reason in steps[state]:
            step(session, actor, n, action, reason)
        assert n.state == state, f"{enterprise.name} cannot reach {state} this way"
        return n


def step(session: Session, actor: User, record: object, action: object, reason: str = "") -> object:
    """Take a workflow step as a person whose page shows the record as it is now."""
    return transition(session, actor, record, action, record.lock_version, reason=reason)  # type: ignore[attr-defined]


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def build_world(session: Session, store: FileStore) -> World:
    sheng = make_user(session, "t_sheng", Role.BUREAU, region="370000")
    ent_zd = make_enterprise(session, "370303", name="张店甲化工有限公司")
    return World(
        admin=make_user(session, "t_admin", Role.ADMIN),
        sheng=sheng,
        zibo=make_user(session, "t_zibo", Role.BUREAU, region="370300"),
        jinan=make_user(session, "t_jinan", Role.BUREAU, region="370100"),
        zhangdian=make_user(session, "t_zhangdian", Role.BUREAU, region="370303"),
        zhoucun=make_user(session, "t_zhoucun", Role.BUREAU, region="370306"),
        expert=make_user(session, "t_expert", Role.EXPERT),
        committee=make_user(session, "t_committee", Role.COMMITTEE),
        ent_user=make_user(session, "t_ent", Role.ENTERPRISE, enterprise=ent_zd),
        ent_zd=ent_zd,
        ent_zd2=make_enterprise(session, "370303001", name="张店乙化工有限公司"),
        ent_zc=make_enterprise(session, "370306", name="周村丙化工有限公司"),
        ent_jn=make_enterprise(session, "370112", name="历城丁化工有限公司"),
        campaign=make_campaign(session, sheng),
        store=store,
    )


def sign_in(app: Flask, client: FlaskClient, user: User) -> FlaskClient:
    """Put ``user`` in the client's session the way Flask-Login itself would."""
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["_id"] = identifier
    return client


def trail(session: Session, record: object) -> list[AuditEvent]:
    """A record's events, oldest first (the page shows them newest first)."""
    return list(reversed(session.scalars(history(record)).all()))  # type: ignore[arg-type]


# --- standards ------------------------------------------------------------------------------


def make_expert(session: Session, username: str) -> User:
    return make_user(session, username, Role.EXPERT, name=f"专家{username}")


def make_project(session: Session, world: World, experts: int = 4, title: str = "化工企业风险分级管控实施指南"
                 ) -> StandardProject:
    """A project raised by the province from 张店甲化工 (selected), 张店区 as its editor,
    ``experts`` panel experts (the world's own expert first)."""
    source = world.nomination(session, NominationState.SELECTED, world.ent_zd)
    panel = [world.expert, *(make_expert(session, f"t_expert{n}") for n in range(2, experts + 1))][:experts]
    return raise_project(session, world.sheng, ProjectInput(
        title=title, industry_code="CHEM", source_ids=[source.id], editor_ids=[world.zhangdian.id],
        expert_ids=[u.id for u in panel], english_title="Implementation guide"))


def add_clause(session: Session, version: StandardVersion, kind: ClauseKind, parent: Clause | None = None,
               title: str = "", body: str = "", **fields: object) -> Clause:
    """A clause appended under ``parent`` (or at the top), as the editor would add it."""
    siblings = [c for c in version.clauses if c.parent_id == (parent.id if parent else None)]
    clause = Clause(version=version, kind=kind, parent_id=parent.id if parent else None, position=len(siblings),
                    title=title, body=body, **fields)
    session.add(clause)
    session.flush()
    return clause


def make_risk_point(session: Session, actor: User, enterprise: Enterprise, **overrides: object) -> RiskPoint:
    """A risk point recorded through the service (LS 4 × 3 = 12, 一般风险 unless overridden)."""
    values: dict[str, object] = {
        "name": "1#甲醇储罐", "kind": "equipment", "location": "罐区", "post": "罐区操作工",
        "hazards": "储罐液位计失灵导致冒罐，甲醇泄漏遇点火源", "accident_types": ["火灾", "其他爆炸"],
        "consequences": "火灾、爆炸，人员伤亡", "method": "ls", "inputs": {"L": "4", "S": "3"},
        "measures": {"engineering": "设液位高高报警并联锁关闭进料阀", "protection": "佩戴防静电工作服"},
        "responsible_unit": "储运车间", "responsible_person": "王强", "report_phone": "0533-6180119",
        "emergency_measures": "立即关闭进料阀，启动泡沫灭火系统，报告值班长",
    }
    values.update(overrides)
    return practices.add_risk_point(session, actor, enterprise, practices.RiskPointInput(**values))  # type: ignore[arg-type]


def make_check_item(session: Session, actor: User, enterprise: Enterprise, **overrides: object) -> CheckItem:
    values: dict[str, object] = {"content": "储罐液位高高报警及联锁是否完好投用", "basis": "GB 50160-2008 第 6.2 条",
                                 "frequency": "day", "category": "site", "check_level": "team"}
    values.update(overrides)
    return check_items.add_check_item(session, actor, enterprise, check_items.CheckItemInput(**values))  # type: ignore[arg-type]
