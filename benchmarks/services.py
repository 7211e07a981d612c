"""Nomination services: putting enterprises forward and moving them through the table.

Each function takes the session, the acting user and plain values; checks permission
and state; changes the models; writes the audit event and notifications in the same
transaction; and raises a domain error on refusal. None of them commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks import workflow
from benchmarks.models import Campaign, Nomination, NominationAttachment
from benchmarks.models import NominationState as S
from benchmarks.permissions import can_edit_nomination, can_nominate
from benchmarks.workflow import Action, Deadline
from core import audit
from core.attachments import FileStore, store_attachment
from core.db import china_today, cn_date, utcnow
from core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import bureau_staff_at, notify
from core.people import User
from core.regions import RegionLevel
from core.registry import get_enterprise

CRITERIA = {
    "risk_control": "风险管控",
    "hidden_danger": "隐患排查治理",
    "informatisation": "信息化管理",
}


@dataclass
class Reasons:
    """推荐理由 under the notice's three criteria."""

    risk_control: str = ""
    hidden_danger: str = ""
    informatisation: str = ""

    def cleaned(self) -> Reasons:
        return Reasons(*(getattr(self, k).strip() for k in CRITERIA))


def _deadline(campaign: Campaign, which: Deadline) -> tuple[dt.date, str]:
    if which == Deadline.COUNTY:
        return campaign.county_deadline, "县级上报截止日期"
    return campaign.city_deadline, "市级推荐截止日期"


def _refuse_if_late(campaign: Campaign, which: Deadline, doing: str) -> None:
    deadline, name = _deadline(campaign, which)
    if china_today() > deadline:
        raise InvalidTransition(
            f"已超过本批次的{name}（{cn_date(deadline)}），不能再{doing}。如确需延期，请联系省级监管部门。"
        )


def nominate(
    session: Session, actor: User, campaign: Campaign, enterprise_id: int, reasons: Reasons
) -> Nomination:
    """A county or city bureau puts an enterprise of its jurisdiction forward (a draft)."""
    if not can_nominate(actor, campaign):
        if not campaign.is_open:
            raise InvalidTransition("该遴选批次已结束。")
        raise PermissionDenied("只有县级或市级监管部门可以推荐标杆企业。")
    enterprise = get_enterprise(session, actor, enterprise_id)
    level = actor.bureau_level
    assert level is not None and actor.region_code is not None
    _refuse_if_late(campaign, Deadline.COUNTY if level == RegionLevel.COUNTY else Deadline.CITY,
                    "新增推荐")
    if enterprise.industry_code not in campaign.industry_codes:
        raise ValidationError({"enterprise_id": f"“{enterprise.industry.name}”行业不在本批次遴选范围内"})
    existing = session.scalar(select(Nomination).where(
        Nomination.campaign_id == campaign.id, Nomination.enterprise_id == enterprise.id,
        Nomination.state != S.WITHDRAWN))
    if existing is not None:
        raise Conflict(f"“{enterprise.name}”已由{existing.nominator_label}在本批次推荐"
                       f"（{existing.state_enum.label}），同一企业在一个批次中只能推荐一次。")
    clean = reasons.cleaned()
    nomination = Nomination(
        campaign=campaign, enterprise=enterprise, industry_code=enterprise.industry_code,
        nominator_region_code=actor.region_code, nominator_level=level.value,
        created_by_id=actor.id, **vars(clean),
    )
    session.add(nomination)
    session.flush()
    audit.record(session, actor, "nomination.create", nomination,
                 f"推荐“{enterprise.name}”参加“{campaign.title}”（草稿）", data=vars(clean))
    return nomination


def update_reasons(
    session: Session, actor: User, nomination: Nomination, reasons: Reasons, expected_version: int
) -> Nomination:
    if not can_edit_nomination(actor, nomination):
        raise PermissionDenied("只有推荐单位可以在草稿或退回状态下修改推荐理由。")
    if nomination.version != expected_version:
        raise Conflict("该推荐已被他人修改。为避免覆盖他人的修改，本次保存未生效，请重新打开后再编辑。")
    clean = vars(reasons.cleaned())
    changed = audit.changes({k: getattr(nomination, k) for k in clean}, clean)
    if not changed:
        return nomination
    for key, (_, value) in changed.items():
        setattr(nomination, key, value)
    session.flush()
    labels = "、".join(CRITERIA[k] for k in changed)
    audit.record(session, actor, "nomination.update", nomination,
                 f"修改“{nomination.enterprise.name}”的推荐理由：{labels}", data={"changes": changed})
    return nomination


def add_attachment(
    session: Session, actor: User, store: FileStore, nomination: Nomination,
    filename: str, data: bytes, description: str = "",
) -> NominationAttachment:
    if not can_edit_nomination(actor, nomination):
        raise PermissionDenied("只有推荐单位可以在草稿或退回状态下上传证明材料。")
    attachment = store_attachment(session, actor, store, filename, data)
    link = NominationAttachment(attachment=attachment, description=description.strip()[:200])
    nomination.attachments.append(link)
    session.flush()
    audit.record(session, actor, "nomination.attach", nomination,
                 f"为“{nomination.enterprise.name}”上传证明材料“{attachment.filename}”",
                 data={"file": attachment.filename, "sha256": attachment.sha256, "size": attachment.size})
    return link


def remove_attachment(session: Session, actor: User, nomination: Nomination, link_id: int) -> None:
    if not can_edit_nomination(actor, nomination):
        raise PermissionDenied("只有推荐单位可以在草稿或退回状态下删除证明材料。")
    link = next((a for a in nomination.attachments if a.id == link_id), None)
    if link is None:
        raise NotFound()
    nomination.attachments.remove(link)
    session.flush()
    audit.record(session, actor, "nomination.detach", nomination,
                 f"删除“{nomination.enterprise.name}”的证明材料“{link.attachment.filename}”",
                 data={"file": link.attachment.filename, "sha256": link.attachment.sha256})


def _missing_reasons(nomination: Nomination) -> None:
    missing = {k: f"请填写{label}方面的推荐理由" for k, label in CRITERIA.items()
               if not getattr(nomination, k).strip()}
    if missing:
        raise ValidationError(missing)


def act(session: Session, actor: User, nomination: Nomination, action: Action, reason: str = "") -> Nomination:
    """Move a nomination one step along the table, with its reason, trail and notices."""
    rule = workflow.rule_for(nomination, action)
    if rule is None:
        raise InvalidTransition(
            f"当前状态为“{nomination.state_enum.label}”，不能执行“{action.label}”。")
    if not rule.parties & workflow.parties(actor, nomination):
        raise PermissionDenied(f"您不能对该推荐执行“{action.label}”。")
    if not nomination.campaign.is_open:
        raise InvalidTransition("该遴选批次已结束。")
    reason = reason.strip()
    if rule.reason_label and not reason:
        raise ValidationError({"reason": f"请填写{rule.reason_label}"})
    if rule.deadline is not None:
        _refuse_if_late(nomination.campaign, rule.deadline, action.label)
    if action in (Action.SUBMIT, Action.ENDORSE) and nomination.state_enum == S.DRAFT:
        _missing_reasons(nomination)
    before = nomination.state_enum
    _apply(nomination, action, rule.to, reason)
    session.flush()
    audit.record(session, actor, f"nomination.{action.value}", nomination,
                 f"“{nomination.enterprise.name}”：{before.label} → {rule.to.label}（{action.label}）",
                 reason=reason or None, data={"from": before.value, "to": rule.to.value})
    _announce(session, actor, nomination, action, before, reason)
    return nomination


def _apply(nomination: Nomination, action: Action, to: S, reason: str) -> None:
    now = utcnow()
    nomination.state = to
    if action == Action.SUBMIT:
        nomination.submitted_at, nomination.return_reason = now, None
    elif action == Action.ENDORSE:
        nomination.endorsed_at, nomination.city_opinion = now, reason
        if nomination.submitted_at is None:
            nomination.submitted_at = now
    elif action == Action.RETURN:
        nomination.return_reason = reason
    elif action in (Action.SELECT, Action.REJECT):
        nomination.decided_at, nomination.decision_reason = now, reason


def _province_and_city(nomination: Nomination) -> tuple[str, str]:
    """The codes of the enterprise's province and city, read off its region path."""
    province, city, *_ = nomination.enterprise.region_path.strip("/").split("/")
    return province, city


def _announce(session: Session, actor: User, nomination: Nomination, action: Action,
              before: S, reason: str) -> None:
    """Tell whoever now holds the nomination, and the nominators of every outcome."""
    name, link = nomination.enterprise.name, f"/nominations/{nomination.id}"
    nominator = nomination.nominator_region_code
    province, city = _province_and_city(nomination)
    reason_line = f"理由：{reason}" if reason else ""
    messages: list[tuple[list[str], str]] = []
    if action == Action.SUBMIT:
        messages.append(([city], f"{nomination.nominator_region.name}推荐“{name}”，待市级审核"))
    elif action == Action.ENDORSE:
        messages.append(([province], f"推荐“{name}”（{nomination.industry.name}）待省级遴选"))
        if nominator != city:
            messages.append(([nominator], f"“{name}”已由市级推荐至省级"))
    elif action == Action.RETURN:
        messages.append(([nominator], f"“{name}”的推荐被市级退回，请修改后重新上报"))
    elif action in (Action.SELECT, Action.REJECT):
        outcome = "确定为省级标杆企业" if action == Action.SELECT else "未入选省级标杆企业"
        messages.append(([nominator, city], f"“{name}”{outcome}（{nomination.industry.name}）"))
    elif action == Action.WITHDRAW:
        holder = {S.SUBMITTED: [city], S.ENDORSED: [province, city]}.get(before, [])
        if holder:
            messages.append((holder, f"“{name}”的推荐已被推荐单位撤回"))
    for codes, title in messages:
        recipients = [u for u in bureau_staff_at(session, codes) if u.id != actor.id]
        notify(session, recipients, title, reason_line, link)
