"""Assessment campaigns: a bureau pushes a published standard to the enterprises of its industry
in its jurisdiction, with a deadline. Each enterprise gets its draft and a to-do at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments.answers import new_assessment
from assessments.models import Assessment, AssessmentCampaign, AssessmentState, AssessmentTally
from assessments.permissions import can_open_campaigns
from core import audit
from core.db import china_today, cn_date
from core.enterprises import Enterprise
from core.errors import NotFound, PermissionDenied, ValidationError
from core.notifications import notify
from core.people import Role, User, UserRole
from core.text import Text, clean
from standards.models import Publication

TITLE = Text("任务名称", 200, required=True)
DESCRIPTION = Text("说明", 2000, multiline=True)
LONGEST = dt.timedelta(days=3 * 366)  # a campaign runs for months, not decades


@dataclass(frozen=True)
class CampaignInput:
    title: str
    publication_id: int
    deadline: dt.date | None
    description: str = ""


def open_campaign(session: Session, actor: User, data: CampaignInput,
                  publications: list[Publication]) -> AssessmentCampaign:
    """``publications``: those the actor may push (in force); the form offered exactly these."""
    if not can_open_campaigns(actor) or actor.region is None:
        raise PermissionDenied("对标评估任务由监管部门下达。")
    errors: dict[str, str] = {}
    publication = next((p for p in publications if p.id == data.publication_id), None)
    if publication is None:
        errors["publication_id"] = "请选择一项现行的地方标准"
    if data.deadline is None or not china_today() <= data.deadline <= china_today() + LONGEST:
        errors["deadline"] = "截止日期应在今天至三年内"
    try:
        title = clean(data.title, TITLE, "title")
        description = clean(data.description, DESCRIPTION, "description")
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    assert publication is not None and data.deadline is not None
    campaign = AssessmentCampaign(title=title, publication_id=publication.id, publication=publication,
                                  region_code=actor.region.code, region_path=actor.region.path,
                                  deadline=data.deadline, description=description, created_by_id=actor.id)
    session.add(campaign)
    session.flush()
    enterprises = session.scalars(select(Enterprise).where(
        Enterprise.industry_code == publication.industry_code, Enterprise.region_path.like(f"{actor.region.path}%"),
        ~Enterprise.id.in_(select(Assessment.enterprise_id).where(
            Assessment.publication_id == publication.id, Assessment.state != AssessmentState.VERIFIED)),
    ).order_by(Enterprise.id)).all()
    if not enterprises:
        raise ValidationError({"publication_id": f"辖区内没有尚未开展《{publication.number}》自评估的"
                                                 f"“{publication.industry.name}”企业"})
    assessments = [new_assessment(session, actor, e, publication, campaign) for e in enterprises]
    _tell_enterprises(session, campaign, assessments)
    audit.record(session, actor, "assessment_campaign.open", campaign,
                 f"{actor.region.full_name}下达对标评估任务“{campaign.title}”（《{publication.number}》，"
                 f"{len(assessments)} 家企业，截止 {cn_date(campaign.deadline)}）")
    return campaign


def _tell_enterprises(session: Session, campaign: AssessmentCampaign, assessments: list[Assessment]) -> None:
    by_enterprise = {a.enterprise_id: a for a in assessments}
    staff = session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.ENTERPRISE, User.is_active.is_(True), User.enterprise_id.in_(by_enterprise))).all()
    for user in staff:
        assert user.enterprise_id is not None
        notify(session, [user], f"请于 {cn_date(campaign.deadline)} 前完成《{campaign.publication.number}》对标自评估",
               campaign.title, about=by_enterprise[user.enterprise_id], task=True)


@dataclass(frozen=True)
class Progress:
    """A campaign's progress from the aggregates: counts by state."""

    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def finished(self) -> int:
        return self.by_state.get(AssessmentState.VERIFIED.value, 0)

    @property
    def handed_in(self) -> int:
        return self.total - self.by_state.get(AssessmentState.DRAFT.value, 0)

    @property
    def percent(self) -> int:
        return 100 * self.handed_in // self.total if self.total else 0


def progress(session: Session, campaign_ids: list[int]) -> dict[int, Progress]:
    rows = session.execute(select(AssessmentTally.campaign_id, AssessmentTally.state, AssessmentTally.assessments)
                           .where(AssessmentTally.campaign_id.in_(campaign_ids)))
    found: dict[int, dict[str, int]] = {i: {} for i in campaign_ids}
    for campaign_id, state, n in rows:
        found[campaign_id][state] = found[campaign_id].get(state, 0) + n
    return {i: Progress(states) for i, states in found.items()}


def get_publication(session: Session, publication_id: int) -> Publication:
    found = session.get(Publication, publication_id)
    if found is None:
        raise NotFound()
    return found
