"""Nomination services: campaigns, nominations, and moving them through the table.

Each function takes the session, the acting user and plain values; checks permission
and state; changes the models; writes the audit event and notifications in the same
transaction; and raises a domain error on refusal. None of them commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks import workflow
from benchmarks.models import Campaign, CampaignStatus, Nomination, NominationAttachment
from benchmarks.models import NominationState as S
from benchmarks.permissions import can_edit_nomination, can_manage_campaigns, can_nominate
from benchmarks.workflow import Action, Deadline, Party
from core import audit
from core.attachments import FileStore, store_attachment
from core.db import china_today, utcnow
from core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.notifications import bureau_staff_at, notify
from core.people import Role, User, UserRole
from core.regions import Industry, Region, RegionLevel
from core.registry import get_enterprise

CRITERIA = {
    "risk_control": "风险管控",
    "hidden_danger": "隐患排查治理",
    "informatisation": "信息化管理",
}
PROVINCE_CODE = "370000"


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# --- campaigns ----------------------------------------------------------------------


@dataclass
class CampaignInput:
    title: str
    year: int
    county_deadline: dt.date
    city_deadline: dt.date
    province_deadline: dt.date
    industry_codes: list[str] = field(default_factory=list)
    description: str = ""


def _check_campaign(session: Session, data: CampaignInput, *, new: bool) -> list[Industry]:
    errors: dict[str, str] = {}
    data.title = data.title.strip()
    if not data.title:
        errors["title"] = "请填写批次名称"
    if not 2016 <= data.year <= 2100:
        errors["year"] = "年度应在 2016 至 2100 之间"
    if new and data.county_deadline < china_today():
        errors["county_deadline"] = "县级上报截止日期不能早于今天"
    if data.city_deadline < data.county_deadline:
        errors["city_deadline"] = "市级推荐截止日期不能早于县级上报截止日期"
    if data.province_deadline < data.city_deadline:
        errors["province_deadline"] = "省级遴选截止日期不能早于市级推荐截止日期"
    industries = list(session.scalars(select(Industry).where(Industry.code.in_(data.industry_codes))))
    if not industries:
        errors["industry_codes"] = "请至少选择一个遴选行业"
    if errors:
        raise ValidationError(errors)
    return industries


def open_campaign(session: Session, actor: User, data: CampaignInput) -> Campaign:
    """The province opens a campaign; every county and city bureau hears of it."""
    if not can_manage_campaigns(actor):
        raise PermissionDenied("只有省级监管部门可以发起遴选批次。")
    industries = _check_campaign(session, data, new=True)
    campaign = Campaign(
        title=data.title, year=data.year, description=data.description.strip(),
        county_deadline=data.county_deadline, city_deadline=data.city_deadline,
        province_deadline=data.province_deadline, created_by_id=actor.id, industries=industries,
    )
    session.add(campaign)
    session.flush()
    audit.record(session, actor, "campaign.open", campaign, f"发起遴选批次“{campaign.title}”",
                 data=_campaign_snapshot(campaign))
    staff = session.scalars(
        select(User).join(UserRole).join(Region, Region.code == User.region_code).where(
            UserRole.role == Role.BUREAU,
            Region.level.in_([RegionLevel.CITY.value, RegionLevel.COUNTY.value]),
        )
    ).unique()
    notify(session, staff, f"新的标杆企业遴选批次：{campaign.title}",
           f"县级上报截止 {_date(campaign.county_deadline)}，市级推荐截止 {_date(campaign.city_deadline)}。",
           f"/campaigns/{campaign.id}")
    return campaign


def _campaign_snapshot(campaign: Campaign) -> dict[str, object]:
    return {
        "title": campaign.title, "year": campaign.year,
        "county_deadline": campaign.county_deadline.isoformat(),
        "city_deadline": campaign.city_deadline.isoformat(),
        "province_deadline": campaign.province_deadline.isoformat(),
        "industries": sorted(campaign.industry_codes),
        "description": campaign.description,
    }


def update_campaign(session: Session, actor: User, campaign: Campaign, data: CampaignInput) -> Campaign:
    """Amend a campaign (typically to extend a deadline); industries in use stay."""
    if not can_manage_campaigns(actor):
        raise PermissionDenied("只有省级监管部门可以修改遴选批次。")
    if not campaign.is_open:
        raise InvalidTransition("该遴选批次已结束，不能再修改。")
    industries = _check_campaign(session, data, new=False)
    used = set(session.scalars(select(Nomination.industry_code).where(
        Nomination.campaign_id == campaign.id, Nomination.state != S.WITHDRAWN)))
    if dropped := used - {i.code for i in industries}:
        names = "、".join(i.name for i in session.scalars(select(Industry).where(Industry.code.in_(dropped))))
        raise ValidationError({"industry_codes": f"行业“{names}”已有推荐，不能移出本批次"})
    before = _campaign_snapshot(campaign)
    campaign.title, campaign.year, campaign.description = data.title, data.year, data.description.strip()
    campaign.county_deadline, campaign.city_deadline = data.county_deadline, data.city_deadline
    campaign.province_deadline, campaign.industries = data.province_deadline, industries
    after = _campaign_snapshot(campaign)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        session.flush()
        audit.record(session, actor, "campaign.update", campaign,
                     f"修改遴选批次“{campaign.title}”", data={"changes": changes})
    return campaign


def close_campaign(session: Session, actor: User, campaign: Campaign, reason: str = "") -> Campaign:
    """End a campaign once every endorsed candidate has been decided."""
    if not can_manage_campaigns(actor):
        raise PermissionDenied("只有省级监管部门可以结束遴选批次。")
    if not campaign.is_open:
        raise InvalidTransition("该遴选批次已经结束。")
    pending = session.scalar(select(func.count()).where(
        Nomination.campaign_id == campaign.id, Nomination.state == S.ENDORSED)) or 0
    if pending:
        raise InvalidTransition(f"尚有 {pending} 个候选企业未作出遴选决定，不能结束本批次。")
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, utcnow()
    audit.record(session, actor, "campaign.close", campaign, f"结束遴选批次“{campaign.title}”",
                 reason=reason.strip() or None)
    return campaign


# --- nominations --------------------------------------------------------------------


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
            f"已超过本批次的{name}（{_date(deadline)}），不能再{doing}。如确需延期，请联系省级监管部门。"
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
    clean = reasons.cleaned()
    changes = {k: [getattr(nomination, k), v] for k, v in vars(clean).items()
               if getattr(nomination, k) != v}
    if not changes:
        return nomination
    for key, (_, value) in changes.items():
        setattr(nomination, key, value)
    session.flush()
    labels = "、".join(CRITERIA[k] for k in changes)
    audit.record(session, actor, "nomination.update", nomination,
                 f"修改“{nomination.enterprise.name}”的推荐理由：{labels}", data={"changes": changes})
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


def _city_code(nomination: Nomination) -> str:
    return nomination.enterprise.region_path.strip("/").split("/")[1]


def _announce(session: Session, actor: User, nomination: Nomination, action: Action,
              before: S, reason: str) -> None:
    """Tell whoever now holds the nomination, and the nominators of every outcome."""
    name, link = nomination.enterprise.name, f"/nominations/{nomination.id}"
    nominator, city = nomination.nominator_region_code, _city_code(nomination)
    reason_line = f"理由：{reason}" if reason else ""
    messages: list[tuple[list[str], str]] = []
    if action == Action.SUBMIT:
        messages.append(([city], f"{nomination.nominator_region.name}推荐“{name}”，待市级审核"))
    elif action == Action.ENDORSE:
        messages.append(([PROVINCE_CODE], f"推荐“{name}”（{nomination.industry.name}）待省级遴选"))
        if nominator != city:
            messages.append(([nominator], f"“{name}”已由市级推荐至省级"))
    elif action == Action.RETURN:
        messages.append(([nominator], f"“{name}”的推荐被市级退回，请修改后重新上报"))
    elif action in (Action.SELECT, Action.REJECT):
        outcome = "确定为省级标杆企业" if action == Action.SELECT else "未入选省级标杆企业"
        messages.append(([nominator, city], f"“{name}”{outcome}（{nomination.industry.name}）"))
    elif action == Action.WITHDRAW:
        holder = {S.SUBMITTED: [city], S.ENDORSED: [PROVINCE_CODE, city]}.get(before, [])
        if holder:
            messages.append((holder, f"“{name}”的推荐已被推荐单位撤回"))
    for codes, title in messages:
        recipients = [u for u in bureau_staff_at(session, codes) if u.id != actor.id]
        notify(session, recipients, title, reason_line, link)


def party_label(party: Party) -> str:
    return {
        Party.COUNTY_NOMINATOR: "推荐单位（县级）", Party.CITY_NOMINATOR: "推荐单位（市级）",
        Party.CITY: "市级监管部门", Party.PROVINCE: "省级监管部门",
    }[party]
