"""Rectification plans (整改计划) for the gaps of an assessment, and their evidence.

A plan is drawn up while the assessment is being filled in (or after a return) and
becomes live on submission; its steps afterwards (done, accepted, reopened) are the
table in ``assessments.workflow``. Funds are in 万元, as the 五到位 forms write them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.answers import requirement
from assessments.models import Answer, Assessment, Rectification, RectificationEvidence, RectificationState
from assessments.permissions import fills_in
from assessments.scoring import Result
from core import audit
from core.attachments import FileStore, store_attachment
from core.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from core.people import User
from core.text import Text, clean_all

RULES = {
    "measure": Text("整改措施", 2000, required=True, multiline=True),
    "responsible": Text("责任人", 50, required=True),
    "contingency": Text("应急措施", 2000, required=True, multiline=True),
}
FUNDS_MAX = Decimal("100000000")
EDITABLE_PLANS = frozenset({RectificationState.PLANNED, RectificationState.OPEN})


@dataclass(frozen=True)
class PlanInput:
    measure: str
    responsible: str
    funds: str
    deadline: dt.date | None
    contingency: str


def parse_funds(raw: str) -> Decimal:
    try:
        value = Decimal((raw or "0").strip() or "0")
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or value < 0 or value > FUNDS_MAX or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"funds": "资金应为不小于 0 的数（万元），最多两位小数"})
    return value


def plan_for(session: Session, assessment: Assessment, key: str) -> Rectification | None:
    return session.scalars(select(Rectification).where(
        Rectification.assessment_id == assessment.id, Rectification.clause_key == key)).one_or_none()


def save_plan(session: Session, actor: User, assessment: Assessment, key: str, data: PlanInput,
              expected_version: int | None) -> Rectification:
    """Create or change the plan of one gap; a stale page's change is refused, not applied."""
    if not fills_in(actor, assessment):
        raise PermissionDenied("只有本企业的安全管理人员可以制定整改计划。")
    if not assessment.is_editable:
        raise InvalidTransition("自评估已提交，整改计划随提交生效；如需调整，请在退回后修改。")
    item = requirement(session, assessment, key)
    answer = session.scalars(select(Answer).where(Answer.assessment_id == assessment.id,
                                                  Answer.clause_key == key)).one_or_none()
    if answer is None or not Result(answer.result).is_gap:
        raise ValidationError({"measure": "只有评为“部分符合”或“不符合”的项需要制定整改计划"})
    values, errors = clean_all(vars(data), RULES)
    try:
        funds = parse_funds(data.funds)
    except ValidationError as exc:
        errors.update(exc.errors)
    if data.deadline is None or data.deadline.year > 2100:
        errors["deadline"] = "请填写整改时限"
    if errors:
        raise ValidationError(errors)
    plan = plan_for(session, assessment, key)
    if plan is None:
        plan = Rectification(assessment_id=assessment.id, assessment=assessment, clause_key=key,
                             clause_label=item.label[:250], county_code=assessment.county_code,
                             region_path=assessment.region_path, deadline=data.deadline)
        session.add(plan)
    else:
        if expected_version is not None and plan.lock_version != expected_version:
            raise StaleEdit("该项整改计划已在其他窗口修改，您的修改未保存。请刷新后重新填写。")
        if plan.state not in EDITABLE_PLANS:
            raise InvalidTransition(f"该项整改当前为“{RectificationState(plan.state).label}”，不能修改计划。")
    plan.measure, plan.responsible, plan.contingency = values["measure"], values["responsible"], values["contingency"]
    plan.funds, plan.deadline = funds, data.deadline  # type: ignore[assignment]
    session.flush()
    audit.record(session, actor, "rectification.plan", plan,
                 f"{item.label}整改计划：{plan.responsible}负责，{plan.deadline:%Y-%m-%d} 前完成")
    return plan


def attach(session: Session, actor: User, store: FileStore, plan: Rectification, filename: str,
           data: bytes) -> RectificationEvidence:
    if not fills_in(actor, plan.assessment):
        raise PermissionDenied("只有本企业的安全管理人员可以上传整改材料。")
    if plan.state != RectificationState.OPEN:
        raise InvalidTransition("只有整改中的项可以上传整改材料。")
    attachment = store_attachment(session, actor, store, filename, data)
    link = RectificationEvidence(attachment_id=attachment.id, attachment=attachment)
    plan.evidence.append(link)
    session.flush()
    audit.record(session, actor, "rectification.attach", plan,
                 f"{plan.clause_label}上传整改材料“{attachment.filename}”")
    return link
