"""Reading nominations and campaigns, always through the actor's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from benchmarks.models import Campaign, CampaignStatus, Nomination, NominationState
from benchmarks.permissions import can_view_campaigns
from core.enterprises import Enterprise
from core.errors import NotFound, PermissionDenied
from core.people import User
from core.scope import in_jurisdiction, one_or_404, visible_enterprises

S = NominationState
CANDIDATE_STATES = (S.ENDORSED, S.SELECTED, S.REJECTED)


def visible_nominations(actor: User) -> ColumnElement[bool]:
    """Nominations of enterprises inside the actor's jurisdiction (officials only)."""
    return in_jurisdiction(actor, Enterprise.region_path)


def scoped_nominations(actor: User) -> Select[Any]:
    return select(Nomination).join(Nomination.enterprise).where(visible_nominations(actor))


def get_nomination(session: Session, actor: User, nomination_id: int) -> Nomination:
    return one_or_404(session, scoped_nominations(actor).where(Nomination.id == nomination_id))


def get_campaign(session: Session, actor: User, campaign_id: int) -> Campaign:
    """Campaigns are province-wide: every official may read them."""
    if not can_view_campaigns(actor):
        raise PermissionDenied()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound()
    return campaign


def campaigns(session: Session) -> list[Campaign]:
    stmt = select(Campaign).order_by(
        (Campaign.status == CampaignStatus.OPEN).desc(), Campaign.year.desc(), Campaign.id.desc()
    )
    return list(session.scalars(stmt))


def open_campaigns(session: Session) -> list[Campaign]:
    stmt = select(Campaign).where(Campaign.status == CampaignStatus.OPEN).order_by(Campaign.id)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class NominationFilter:
    campaign_id: int | None = None
    state: str = ""
    industry_code: str = ""
    name: str = ""


def nominations_query(actor: User, flt: NominationFilter) -> Select[Any]:
    stmt = scoped_nominations(actor)
    if flt.campaign_id:
        stmt = stmt.where(Nomination.campaign_id == flt.campaign_id)
    if flt.state in S.__members__.values():
        stmt = stmt.where(Nomination.state == flt.state)
    if flt.industry_code:
        stmt = stmt.where(Nomination.industry_code == flt.industry_code)
    if flt.name.strip():
        stmt = stmt.where(Enterprise.name.contains(flt.name.strip(), autoescape=True))
    return stmt.order_by(Nomination.updated_at.desc(), Nomination.id.desc())


def candidates(session: Session, actor: User, campaign: Campaign, industry_code: str) -> list[Nomination]:
    """The province's shortlist for one industry: endorsed, plus those already decided."""
    stmt = (
        scoped_nominations(actor)
        .where(
            Nomination.campaign_id == campaign.id,
            Nomination.industry_code == industry_code,
            Nomination.state.in_(CANDIDATE_STATES),
        )
        .order_by(Enterprise.region_path, Enterprise.name)
    )
    return list(session.scalars(stmt))


def state_counts_by_industry(
    session: Session, actor: User, campaign: Campaign
) -> dict[str, dict[str, int]]:
    """industry code → state → how many, within the actor's jurisdiction."""
    stmt = (
        select(Nomination.industry_code, Nomination.state, func.count())
        .join(Nomination.enterprise)
        .where(Nomination.campaign_id == campaign.id, visible_nominations(actor))
        .group_by(Nomination.industry_code, Nomination.state)
    )
    counts: dict[str, dict[str, int]] = {}
    for industry_code, state, n in session.execute(stmt):
        counts.setdefault(industry_code, {})[state] = n
    return counts


def eligible_enterprises(
    session: Session, actor: User, campaign: Campaign, query: str = "", limit: int = 300
) -> list[Enterprise]:
    """Enterprises the actor could still put forward in this campaign."""
    taken = select(Nomination.enterprise_id).where(
        Nomination.campaign_id == campaign.id, Nomination.state != S.WITHDRAWN
    )
    stmt = select(Enterprise).where(
        visible_enterprises(actor),
        Enterprise.industry_code.in_(campaign.industry_codes),
        Enterprise.id.not_in(taken),
    )
    if query.strip():
        q = query.strip()
        stmt = stmt.where(
            Enterprise.name.contains(q, autoescape=True) | (Enterprise.credit_code == q.upper())
        )
    return list(session.scalars(stmt.order_by(Enterprise.name).limit(limit)))


def selected_benchmarks(session: Session, enterprise: Enterprise) -> list[Nomination]:
    """The campaigns in which an enterprise was made a provincial benchmark."""
    stmt = (
        select(Nomination)
        .where(Nomination.enterprise_id == enterprise.id, Nomination.state == S.SELECTED)
        .order_by(Nomination.decided_at.desc())
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class PendingWork:
    """What waits on this official, by the step they own."""

    to_submit: list[Nomination]  # own drafts and returned nominations
    to_endorse: list[Nomination]  # a city's queue from its counties
    to_decide: int  # the province's undecided candidates


def pending_work(session: Session, actor: User) -> PendingWork:
    level = actor.bureau_level
    if level is None:
        return PendingWork([], [], 0)
    base = scoped_nominations(actor).join(Nomination.campaign).where(
        Campaign.status == CampaignStatus.OPEN)
    to_submit = list(session.scalars(base.where(
        Nomination.nominator_region_code == actor.region_code,
        Nomination.state.in_((S.DRAFT, S.RETURNED)),
    ).order_by(Nomination.updated_at.desc())))
    to_endorse: list[Nomination] = []
    if level == "city":
        to_endorse = list(session.scalars(base.where(Nomination.state == S.SUBMITTED)
                                          .order_by(Nomination.submitted_at)))
    to_decide = 0
    if level == "province":
        to_decide = session.scalar(
            select(func.count()).select_from(base.where(Nomination.state == S.ENDORSED).subquery())
        ) or 0
    return PendingWork(to_submit, to_endorse, to_decide)
