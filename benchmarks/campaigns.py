"""Campaign services (遴选批次): the province opens and amends them.

A campaign fixes the year, the industries in scope and each level's deadline; every
county and city bureau is told when one opens. Closing one is a step of its workflow
(``benchmarks.workflow.CAMPAIGN_FLOW``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import Campaign, Nomination
from benchmarks.models import NominationState as S
from benchmarks.permissions import can_manage_campaigns
from core import audit
from core.db import china_today, cn_date
from core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from core.notifications import notify
from core.people import Role, User, UserRole
from core.regions import Industry, Region, RegionLevel
from core.text import Text, clean_all

CAMPAIGN_TEXT = {
    "title": Text("批次名称", 200, required=True),
    "description": Text("遴选要求", 10_000, multiline=True),
}
DEADLINES = {
    "county_deadline": "县级上报截止日期",
    "city_deadline": "市级推荐截止日期",
    "province_deadline": "省级遴选截止日期",
}


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
    """Clean ``data`` in place and check it; the industries it names, or ``ValidationError``."""
    cleaned, errors = clean_all(vars(data), CAMPAIGN_TEXT)
    data.title, data.description = cleaned.get("title", ""), cleaned.get("description", "")
    if not 2016 <= data.year <= 2100:
        errors["year"] = "年度应在 2016 至 2100 之间"
    else:
        # A campaign's deadlines fall in its year or the next (a year-end campaign closes in spring).
        first, last = dt.date(data.year, 1, 1), dt.date(data.year + 1, 12, 31)
        for name, label in DEADLINES.items():
            if not first <= getattr(data, name) <= last:
                errors[name] = f"{label}应在 {data.year} 年或 {data.year + 1} 年内"
    if new and "county_deadline" not in errors and data.county_deadline < china_today():
        errors["county_deadline"] = "县级上报截止日期不能早于今天"
    if data.city_deadline < data.county_deadline:
        errors.setdefault("city_deadline", "市级推荐截止日期不能早于县级上报截止日期")
    if data.province_deadline < data.city_deadline:
        errors.setdefault("province_deadline", "省级遴选截止日期不能早于市级推荐截止日期")
    industries = list(session.scalars(select(Industry).where(Industry.code.in_(data.industry_codes[:100]))))
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
        title=data.title, year=data.year, description=data.description,
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
           f"县级上报截止 {cn_date(campaign.county_deadline)}，市级推荐截止 {cn_date(campaign.city_deadline)}。",
           about=campaign)
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


def update_campaign(session: Session, actor: User, campaign: Campaign, data: CampaignInput,
                    expected_version: int) -> Campaign:
    """Amend a campaign (typically to extend a deadline); industries in use stay."""
    if not can_manage_campaigns(actor):
        raise PermissionDenied("只有省级监管部门可以修改遴选批次。")
    if not campaign.is_open:
        raise InvalidTransition("该遴选批次已结束，不能再修改。")
    if campaign.lock_version != expected_version:
        raise Conflict("该遴选批次已被他人修改。为避免覆盖他人的修改，本次保存未生效。")
    industries = _check_campaign(session, data, new=False)
    used = set(session.scalars(select(Nomination.industry_code).where(
        Nomination.campaign_id == campaign.id, Nomination.state != S.WITHDRAWN)))
    if dropped := used - {i.code for i in industries}:
        names = "、".join(i.name for i in session.scalars(select(Industry).where(Industry.code.in_(dropped))))
        raise ValidationError({"industry_codes": f"行业“{names}”已有推荐，不能移出本批次"})
    before = _campaign_snapshot(campaign)
    campaign.title, campaign.year, campaign.description = data.title, data.year, data.description
    campaign.county_deadline, campaign.city_deadline = data.county_deadline, data.city_deadline
    campaign.province_deadline, campaign.industries = data.province_deadline, industries
    after = _campaign_snapshot(campaign)
    if changed := audit.changes(before, after):
        session.flush()
        audit.record(session, actor, "campaign.update", campaign,
                     f"修改遴选批次“{campaign.title}”", data={"changes": changed})
    return campaign
