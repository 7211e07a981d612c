"""Demo data: the real region tree plus invented enterprises, people and one campaign.

Everything is created through the services, as the people themselves, so the audit
trail and the notifications of the demo are the real thing. The campaign's deadlines
are set relative to the day of seeding so every step can still be taken.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import data
from app.demo.assessments import seed_assessments
from app.demo.practices import CHECK_ITEMS, RISK_POINTS
from app.demo.standards import seed_standards
from benchmarks import campaigns, check_items, practices
from benchmarks import services as benchmarks
from benchmarks.models import Campaign, Nomination, NominationState
from benchmarks.workflow import Action
from core.accounts import UserInput, create_user
from core.attachments import FileStore
from core.creditcode import make_code
from core.db import china_today
from core.enterprises import Enterprise, Scale
from core.people import Role, User
from core.regions import Region
from core.registry import EnterpriseInput, register_enterprise
from core.workflow import transition
from standards.models import Publication

DEMO_PASSWORD = "demo12345"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code(body: str) -> str:
    """A GB 11714 organisation code (8 characters + check) for the credit code's middle."""
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_credit_code(county: str, serial: int) -> str:
    """A valid, unique code for demo enterprise number ``serial`` registered in ``county``."""
    return make_code(f"91{county}{org_code(f'MA{serial % 1_000_000:06d}')}")


def seed(session: Session, upload_dir: str) -> bool:
    """Load the demo into an empty database; False (and nothing done) when users exist."""
    if session.scalar(select(func.count()).select_from(User)):
        return False
    rng = random.Random(2016_36)
    people = {u[0]: _official(session, *u[:4]) for u in data.OFFICIALS}
    enterprises = _enterprises(session, people["sheng"], rng)
    for number, enterprise in enumerate(_enterprise_users(enterprises), start=1):
        create_user(session, None, UserInput(
            username=f"ent{number}", display_name=rng.choice(data.PEOPLE), roles={Role.ENTERPRISE},
            enterprise_code=enterprise.credit_code), DEMO_PASSWORD)
    campaign = _campaign(session, people, enterprises, FileStore(Path(upload_dir)), rng)
    _practices(session, campaign)
    seed_standards(session, people, upload_dir)
    current = session.scalars(select(Publication).order_by(Publication.issued_on.desc())).first()
    if current is not None:
        seed_assessments(session, people, current, upload_dir, DEMO_PASSWORD, rng, _pdf("Evidence"))
    return True


def demo_accounts(session: Session) -> list[tuple[str, str]]:
    """The demo accounts present in this database, with who each one is."""
    notes = {u[0]: u[4] for u in data.OFFICIALS}
    users = session.scalars(select(User).where(
        User.username.in_(notes) | User.username.like("ent%")).order_by(User.id))

    def who(user: User) -> str:
        if user.username in notes:
            return notes[user.username]
        if user.enterprise is not None:
            return f"企业用户（{user.enterprise.name}，{user.enterprise.region.full_name}）"
        return ""

    return [(u.username, who(u)) for u in users]


def _official(session: Session, username: str, name: str, roles: tuple[str, ...],
              region: str | None) -> User:
    return create_user(session, None, UserInput(
        username=username, display_name=name, roles={Role(r) for r in roles}, region_code=region,
    ), DEMO_PASSWORD)


def _enterprises(session: Session, registrar: User, rng: random.Random) -> list[Enterprise]:
    made: list[Enterprise] = []
    serial = 0
    for county_code, count in data.SPREAD.items():
        county = session.get_one(Region, county_code)
        townships = list(session.scalars(select(Region).where(Region.parent_code == county_code)))
        for k in range(count):
            serial += 1
            # Each county's first enterprise is a chemical plant, so the province's
            # comparison page has several candidates of one industry to weigh.
            industry = "CHEM" if k == 0 else data.INDUSTRY_CYCLE[serial % len(data.INDUSTRY_CYCLE)]
            name = (data.CITY_PREFIX[county_code[:4]] + data.TRADE_NAMES[serial % len(data.TRADE_NAMES)]
                    + rng.choice(data.INDUSTRY_WORDS[industry]) + "有限公司")
            region = rng.choice(townships) if townships and serial % 3 else county
            employees = rng.choice([45, 120, 260, 380, 650, 1200, 2400]) + rng.randint(0, 40)
            scale = (Scale.LARGE if employees >= 1000 else Scale.MEDIUM if employees >= 300
                     else Scale.SMALL if employees >= 100 else Scale.MICRO)
            made.append(register_enterprise(session, registrar, EnterpriseInput(
                name=name, credit_code=demo_credit_code(county_code, serial),
                region_code=region.code, industry_code=industry,
                address=f"{region.full_name}{rng.choice(['工业园', '经济开发区', '高新区'])}{rng.randint(1, 99)}号",
                legal_representative=rng.choice(data.PEOPLE), safety_contact=rng.choice(data.PEOPLE),
                safety_phone=f"0{rng.choice(['533', '531', '532'])}-{rng.randint(6000000, 8999999)}",
                employee_count=employees, scale=scale.value,
                major_hazard=industry in ("CHEM", "GAS") and serial % 2 == 0,
            )))
    return made


def _in(enterprises: list[Enterprise], county: str, industry: str | None = None) -> list[Enterprise]:
    return [e for e in enterprises if f"/{county}/" in e.region_path
            and (industry is None or e.industry_code == industry)]


def _enterprise_users(enterprises: list[Enterprise]) -> list[Enterprise]:
    """ent1, ent2 in 张店区, ent3 in 周村区, ent4 in 济南市历城区, ent5 in 临淄区."""
    return [*_in(enterprises, "370303")[:2], _in(enterprises, "370306")[0],
            _in(enterprises, "370112")[0], _in(enterprises, "370305")[0]]


def _reasons(rng: random.Random) -> benchmarks.Reasons:
    return benchmarks.Reasons(*(
        rng.choice(texts).format(n=rng.randint(30, 160), m=rng.randint(120, 600))
        for texts in data.REASONS.values()
    ))


def _pdf(title: str) -> bytes:
    """A one-page PDF standing in for a scanned supporting document."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _campaign(session: Session, people: dict[str, User], enterprises: list[Enterprise],
              store: FileStore, rng: random.Random) -> Campaign:
    """One open campaign with a nomination in every state of the workflow."""
    today = china_today()
    campaign = campaigns.open_campaign(session, people["sheng"], campaigns.CampaignInput(
        title=f"{today.year} 年度风险管控标杆企业遴选", year=today.year,
        county_deadline=today + dt.timedelta(days=30), city_deadline=today + dt.timedelta(days=45),
        province_deadline=today + dt.timedelta(days=60),
        industry_codes=["CHEM", "METAL", "MACH", "BUILD", "LIGHT", "TRADE"],
        description="按照鲁政办字〔2016〕36号要求，请各市、县（市、区）监管部门根据本地产业结构，"
                    "推荐在风险管控、隐患排查治理、信息化管理方面效果较好的企业。",
    ))
    eligible, used = campaign.industry_codes, set[int]()

    def pick(county: str, industry: str | None) -> Enterprise:
        found = next(e for e in _in(enterprises, county, industry)
                     if e.industry_code in eligible and e.id not in used)
        used.add(found.id)
        return found

    def put_forward(who: str, county: str, *steps: tuple[str, Action, str], industry: str | None = None
                    ) -> Nomination:
        nomination = benchmarks.nominate(session, people[who], campaign, pick(county, industry).id,
                                         _reasons(rng))
        benchmarks.add_attachment(session, people[who], store, nomination,
                                  "风险分级管控体系运行情况报告.pdf", _pdf("Risk control report"))
        for actor, action, reason in steps:
            transition(session, people[actor], nomination, action, nomination.lock_version, reason=reason)
        return nomination

    opinion = rng.choice(data.CITY_OPINIONS)
    submit, endorse = ("zhangdian", Action.SUBMIT, ""), ("zibo", Action.ENDORSE, opinion)
    # The chemical plants reach the province first, so its comparison page has four.
    put_forward("zhangdian", "370303", submit, endorse, industry="CHEM")  # waiting for the province
    put_forward("zhoucun", "370306", ("zhoucun", Action.SUBMIT, ""), ("zibo", Action.ENDORSE, opinion),
                ("sheng", Action.SELECT, "体系完整、做法可复制，确定为省级标杆企业"), industry="CHEM")
    put_forward("jinan", "370112", ("jinan", Action.ENDORSE, opinion), industry="CHEM")  # the city's own
    put_forward("jinan", "370114", ("jinan", Action.ENDORSE, opinion),
                ("sheng", Action.REJECT, "隐患排查治理台账不完整，本批次暂不入选"), industry="CHEM")
    put_forward("zhangdian", "370303")  # a draft
    put_forward("zhangdian", "370303", submit)  # waiting for the city
    put_forward("zhangdian", "370303", submit, ("zhangdian", Action.WITHDRAW, "企业近期发生一般事故，暂缓推荐"))
    put_forward("zhoucun", "370306", ("zhoucun", Action.SUBMIT, ""),
                ("zibo", Action.RETURN, "信息化管理方面的材料不足，请补充平台运行截图和数据"))
    return campaign


def _practices(session: Session, campaign: Campaign) -> None:
    """The province's selected benchmark (周村区's chemical plant) records its full register as its
    own safety manager would: risk points of every kind and level, then its check items."""
    nomination = session.scalars(select(Nomination).where(
        Nomination.campaign_id == campaign.id, Nomination.state == NominationState.SELECTED)).first()
    if nomination is None:
        return
    enterprise = nomination.enterprise
    manager = session.scalars(select(User).where(User.enterprise_id == enterprise.id).order_by(User.id)).first()
    assert manager is not None, "the demo's benchmark has a safety manager (ent3)"
    points = {}
    for fields in RISK_POINTS:
        point = practices.add_risk_point(session, manager, enterprise, practices.RiskPointInput(
            **{"report_phone": enterprise.safety_phone, **fields}))  # type: ignore[arg-type]
        points[point.name] = point
    for content, basis, frequency, category, level, point_name in CHECK_ITEMS:
        check_items.add_check_item(session, manager, enterprise, check_items.CheckItemInput(
            content=content, basis=basis, frequency=frequency, category=category, check_level=level,
            risk_point_id=points[point_name].id if point_name else None))
