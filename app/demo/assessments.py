"""The demo's self-assessments: 淄博市 pushes DB37/T 4608—2026 to its chemical plants, and the
plants stand in every state — ent1's half-filled draft (left for the browser), one submitted,
one returned, the benchmark's own and others verified — with rectifications open, done,
accepted and overdue."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import data
from assessments import answers, campaigns, rectifications, reminders
from assessments.items import requirements_of
from assessments.models import Assessment, Rectification
from assessments.scoring import Result
from assessments.workflow import Action, RectificationAction
from core.accounts import UserInput, create_user
from core.attachments import FileStore
from core.db import china_today
from core.people import Role, User
from core.workflow import transition
from standards.models import Publication

MEASURES = ("补充完善风险点台账并组织复核", "修订管控措施，落实到岗位责任人", "组织专项培训并考核",
            "更换老化设施，增设监测报警装置", "完善隐患排查记录，建立闭环台账")


def seed_assessments(session: Session, people: dict[str, User], publication: Publication, upload_dir: str,
                     password: str, rng: random.Random, pdf: bytes) -> None:
    today = china_today()
    campaign = campaigns.open_campaign(session, people["zibo"], campaigns.CampaignInput(
        title=f"{today.year} 年度氯碱企业对标达标自评估", publication_id=publication.id,
        deadline=today + dt.timedelta(days=30),
        description="请辖区内氯碱生产企业对照 DB37/T 4608—2026 逐条开展自评估，查找差距并制定整改计划。"),
        [publication])
    drafts = list(session.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id)
                                  .order_by(Assessment.id)))
    store = FileStore(Path(upload_dir))
    staff = {u.enterprise_id: u for u in session.scalars(select(User).where(User.enterprise_id.is_not(None)))}
    serial = len(staff) + 1
    for a in drafts:  # every plant gets a safety manager of its own
        if a.enterprise_id not in staff:
            staff[a.enterprise_id] = create_user(session, None, UserInput(
                username=f"ent{serial}", display_name=rng.choice(data.PEOPLE), roles={Role.ENTERPRISE},
                enterprise_code=a.enterprise.credit_code), password)
            serial += 1
    ent1 = next(u for u in staff.values() if u.username == "ent1")
    benchmark = next(u for u in staff.values() if u.username == "ent3")  # 周村区's selected plant
    bureau = {"370303": people["zhangdian"], "370306": people["zhoucun"]}
    outcomes = ["submitted", "returned", "verified", "verified", "verified"]
    for a in drafts:
        user = staff[a.enterprise_id]
        if user is ent1:
            _answer(session, user, a, rng, store, pdf, share=0.4, gaps=0.2)
            continue
        verifier = bureau.get(a.county_code, people["zibo"])
        if user is benchmark:
            _answer(session, user, a, rng, store, pdf, share=1.0, gaps=0.08)
            _step(session, user, a, Action.SUBMIT)
            _step(session, verifier, a, Action.VERIFY, "资料齐全，现场核查与自评一致")
            continue
        outcome = outcomes.pop(0) if outcomes else "draft"
        if outcome == "draft":
            _answer(session, user, a, rng, store, pdf, share=0.6, gaps=0.3)
            continue
        _answer(session, user, a, rng, store, pdf, share=1.0, gaps=rng.choice((0.15, 0.25, 0.35)))
        _step(session, user, a, Action.SUBMIT)
        if outcome == "returned":
            _step(session, verifier, a, Action.RETURN, "部分证据与现场不符，请核实后重新提交")
        elif outcome == "verified":
            _step(session, verifier, a, Action.VERIFY, "同意")
            _follow_up(session, user, verifier, a, store, pdf)
    reminders.send_reminders(session, today)


def _step(session: Session, actor: User, a: Assessment, action: Action, reason: str = "") -> None:
    transition(session, actor, a, action, a.lock_version, reason=reason)


def _answer(session: Session, user: User, a: Assessment, rng: random.Random, store: FileStore, pdf: bytes, *,
            share: float, gaps: float) -> None:
    """Answer ``share`` of the requirements, a ``gaps`` part of them not (fully) met, each gap planned."""
    items = requirements_of(session, a.publication).items
    today = china_today()
    for n, item in enumerate(items[: max(1, round(len(items) * share))]):
        if rng.random() < gaps and not (item.veto and gaps < 0.1):
            result = rng.choice((Result.PARTIAL, Result.NONCONFORM))
        elif item.waivable and rng.random() < 0.05:
            result = Result.NOT_APPLICABLE
        else:
            result = Result.CONFORM
        answers.save_answer(session, user, a, item.key, result=result.value,
                            na_reason="本企业无该类设施" if result == Result.NOT_APPLICABLE else "",
                            note="现场核对相符" if result == Result.CONFORM else "", seen_revision=0)
        if n % 4 == 0 and result != Result.NOT_APPLICABLE:
            answers.attach(session, user, store, a, item.key, f"{item.number} 证明材料.pdf", pdf)
        if result.is_gap:
            rectifications.save_plan(session, user, a, item.key, rectifications.PlanInput(
                measure=rng.choice(MEASURES), responsible=user.display_name, funds=str(rng.choice((0, 0.5, 2, 8))),
                deadline=today + dt.timedelta(days=rng.choice((-5, 3, 6, 20, 45))),
                contingency="整改完成前加强巡检，落实临时管控措施"), None)


def _follow_up(session: Session, user: User, bureau: User, a: Assessment, store: FileStore, pdf: bytes) -> None:
    """Some rectifications are reported done, and of those some accepted (验收销号)."""
    found = session.scalars(select(Rectification).where(Rectification.assessment_id == a.id)
                            .order_by(Rectification.id)).all()
    for n, r in enumerate(found):
        if n % 3 == 2 or r.deadline < china_today():
            continue  # left open (a past deadline stays overdue)
        rectifications.attach(session, user, store, r, "整改完成照片.pdf", pdf)
        transition(session, user, r, RectificationAction.COMPLETE, r.lock_version, reason="已按计划完成整改")
        if n % 3 == 0:
            transition(session, bureau, r, RectificationAction.ACCEPT, r.lock_version, reason="现场验收合格")
