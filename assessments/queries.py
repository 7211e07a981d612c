"""Scoped reads: every list and fetch of assessments goes through :func:`visible`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from assessments.models import Assessment, AssessmentCampaign, AssessmentState, Rectification, RectificationState
from assessments.permissions import is_enterprise_user
from core.db import china_today
from core.enterprises import Enterprise
from core.people import User
from core.scope import in_jurisdiction, jurisdiction_path, one_or_404
from core.text import filter_text
from standards.catalogue import status_is
from standards.models import Publication, PublicationStatus


def visible(actor: User) -> ColumnElement[bool]:
    """Assessments the actor may open: their jurisdiction, or their own enterprise's."""
    if actor.is_admin:
        return true()
    clauses: list[ColumnElement[bool]] = [in_jurisdiction(actor, Assessment.region_path)]
    if is_enterprise_user(actor):
        clauses.append(Assessment.enterprise_id == actor.enterprise_id)
    return or_(*clauses) if clauses else false()


def get_assessment(session: Session, actor: User, assessment_id: int) -> Assessment:
    return one_or_404(session, select(Assessment).where(Assessment.id == assessment_id, visible(actor)))


def get_rectification(session: Session, actor: User, rectification_id: int) -> Rectification:
    return one_or_404(session, select(Rectification).join(Assessment).where(
        Rectification.id == rectification_id, visible(actor)))


@dataclass(frozen=True)
class AssessmentFilter:
    state: str = ""
    publication_id: int | None = None
    campaign_id: int | None = None
    q: str = ""
    region_code: str = ""
    current_only: bool = False


def assessments_query(actor: User, flt: AssessmentFilter) -> Select[tuple[Assessment]]:
    stmt = select(Assessment).join(Enterprise, Enterprise.id == Assessment.enterprise_id).where(visible(actor))
    if flt.state in AssessmentState.__members__.values():
        stmt = stmt.where(Assessment.state == flt.state)
    if flt.publication_id:
        stmt = stmt.where(Assessment.publication_id == flt.publication_id)
    if flt.campaign_id:
        stmt = stmt.where(Assessment.campaign_id == flt.campaign_id)
    if q := filter_text(flt.q):
        stmt = stmt.where(Enterprise.name.contains(q, autoescape=True))
    if flt.region_code.isdigit():
        stmt = stmt.where(Assessment.region_path.like(f"%/{flt.region_code}/%"))
    return stmt.order_by(Assessment.updated_at.desc(), Assessment.id.desc())


def campaigns_query(actor: User) -> Select[tuple[AssessmentCampaign]]:
    """Campaigns the actor sees: their bureau's and those above it over them, or their enterprise's."""
    stmt = select(AssessmentCampaign).order_by(AssessmentCampaign.created_at.desc())
    if actor.is_admin:
        return stmt
    region = actor.region.path if actor.region is not None else None
    conditions: list[ColumnElement[bool]] = [in_jurisdiction(actor, AssessmentCampaign.region_path)]
    if region:  # campaigns of regions above one's own reach one's enterprises too
        conditions.append(AssessmentCampaign.region_path.in_(_ancestors(region)))
    if is_enterprise_user(actor):
        conditions.append(AssessmentCampaign.id.in_(
            select(Assessment.campaign_id).where(Assessment.enterprise_id == actor.enterprise_id)))
    return stmt.where(or_(*conditions))


def _ancestors(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return [f"/{'/'.join(parts[:i])}/" for i in range(1, len(parts))]


def get_campaign(session: Session, actor: User, campaign_id: int) -> AssessmentCampaign:
    return one_or_404(session, campaigns_query(actor).where(AssessmentCampaign.id == campaign_id))


def assessable_publications(session: Session, industry_code: str | None = None) -> list[Publication]:
    """Standards in force (or about to be) that enterprises may assess against."""
    today = china_today()
    stmt = select(Publication).where(
        or_(status_is(PublicationStatus.CURRENT, today), status_is(PublicationStatus.UPCOMING, today)))
    if industry_code:
        stmt = stmt.where(Publication.industry_code == industry_code)
    return list(session.scalars(stmt.order_by(Publication.number)))


@dataclass(frozen=True)
class Work:
    """What the 工作台 shows about assessments: one's own in progress, or what waits for the bureau."""

    mine: list[Assessment]  # the enterprise's assessments not yet verified
    to_verify: int  # submitted, in the bureau's jurisdiction
    to_accept: int  # rectifications reported done, waiting for 验收销号
    overdue: int  # open rectifications past their deadline


def pending_work(session: Session, actor: User) -> Work:
    mine: list[Assessment] = []
    if is_enterprise_user(actor):
        mine = list(session.scalars(select(Assessment).where(
            Assessment.enterprise_id == actor.enterprise_id, Assessment.state != AssessmentState.VERIFIED)
            .order_by(Assessment.deadline.is_(None), Assessment.deadline, Assessment.id)))
    if jurisdiction_path(actor) is None:  # not an official: nothing waits on them
        return Work(mine, 0, 0, 0)
    scoped = in_jurisdiction(actor, Assessment.region_path)
    to_verify = session.scalar(select(func.count()).select_from(Assessment).where(
        scoped, Assessment.state == AssessmentState.SUBMITTED)) or 0
    rectifications = select(func.count()).select_from(Rectification).join(
        Assessment, Assessment.id == Rectification.assessment_id).where(scoped)
    to_accept = session.scalar(rectifications.where(Rectification.state == RectificationState.DONE)) or 0
    overdue = session.scalar(rectifications.where(Rectification.state == RectificationState.OPEN,
                                                  Rectification.deadline < china_today())) or 0
    return Work(mine, to_verify, to_accept, overdue)
