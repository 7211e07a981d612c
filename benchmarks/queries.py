"""Reading nominations and campaigns, always through the actor's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from benchmarks.models import Campaign, CampaignStatus, Nomination, NominationState
from benchmarks.permissions import can_view_campaigns
from core.enterprises import Enterprise
from core.errors import NotFound, PermissionDenied
from core.people import Role, User
from core.regions import Region
from core.scope import covers, in_jurisdiction, one_or_404, visible_enterprises
from core.text import filter_text

S = NominationState
CANDIDATE_STATES = (S.ENDORSED, S.SELECTED, S.REJECTED)


def visible_nominations(actor: User) -> ColumnElement[bool]:
    """Nominations an official may see.

    Their own, as the nominating bureau, wherever the enterprise has moved since; and
    those put forward (submitted at least once) from inside their jurisdiction, judged
    by where the enterprise stood when put forward. A county's drafts stay its own:
    the levels above see only how many there are (:func:`unsubmitted_drafts`).
    """
    if actor.is_admin:
        return true()
    if Role.BUREAU not in actor.roles or actor.region_code is None:
        return false()
    return or_(
        Nomination.nominator_region_code == actor.region_code,
        Nomination.submitted_at.is_not(None) & in_jurisdiction(actor, Nomination.region_path),
    )


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
        (Campaign.state == CampaignStatus.OPEN).desc(), Campaign.year.desc(), Campaign.id.desc()
    )
    return list(session.scalars(stmt))


def open_campaigns(session: Session) -> list[Campaign]:
    stmt = select(Campaign).where(Campaign.state == CampaignStatus.OPEN).order_by(Campaign.id)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class NominationFilter:
    campaign_id: int | None = None
    state: str = ""
    industry_code: str = ""
    name: str = ""
    region_code: str = ""  # a city or county inside the actor's jurisdiction


def nominations_query(session: Session, actor: User, flt: NominationFilter) -> Select[Any]:
    """The actor's nominations narrowed by ``flt``, newest activity first."""
    stmt = scoped_nominations(actor)
    if flt.campaign_id:
        stmt = stmt.where(Nomination.campaign_id == flt.campaign_id)
    if flt.state in S.__members__.values():
        stmt = stmt.where(Nomination.state == flt.state)
    if flt.industry_code:
        stmt = stmt.where(Nomination.industry_code == filter_text(flt.industry_code, 10))
    if name := filter_text(flt.name):
        stmt = stmt.where(Enterprise.name.contains(name, autoescape=True))
    if flt.region_code and (region := session.get(Region, filter_text(flt.region_code, 12))) is not None:
        stmt = stmt.where(Nomination.region_path.like(f"{region.path}%"))
    return stmt.order_by(Nomination.updated_at.desc(), Nomination.id.desc())


def unsubmitted_drafts(session: Session, actor: User, campaign: Campaign) -> int:
    """How many drafts lower bureaus in the actor's jurisdiction have not yet put forward."""
    if actor.region_code is None and not actor.is_admin:
        return 0
    stmt = select(func.count()).where(
        Nomination.campaign_id == campaign.id, Nomination.state == S.DRAFT,
        Nomination.submitted_at.is_(None), in_jurisdiction(actor, Nomination.region_path),
        Nomination.nominator_region_code != (actor.region_code or ""),
    )
    return session.scalar(stmt) or 0


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
        .where(Nomination.campaign_id == campaign.id, visible_nominations(actor))
        .group_by(Nomination.industry_code, Nomination.state)
    )
    counts: dict[str, dict[str, int]] = {}
    for industry_code, state, n in session.execute(stmt):
        counts.setdefault(industry_code, {})[state] = n
    return counts


def _eligible(actor: User, campaign: Campaign) -> Select[Any]:
    taken = select(Nomination.enterprise_id).where(
        Nomination.campaign_id == campaign.id, Nomination.state != S.WITHDRAWN
    )
    return select(Enterprise).where(
        visible_enterprises(actor),
        Enterprise.industry_code.in_(campaign.industry_codes),
        Enterprise.id.not_in(taken),
    )


def eligible_enterprise(session: Session, actor: User, campaign: Campaign, enterprise_id: int) -> Enterprise | None:
    """One enterprise, if the actor could still put it forward in this campaign."""
    return session.scalars(_eligible(actor, campaign).where(Enterprise.id == enterprise_id)).one_or_none()


def eligible_enterprises(
    session: Session, actor: User, campaign: Campaign, query: str = "", limit: int = 20
) -> list[Enterprise]:
    """Enterprises the actor could still put forward in this campaign, matching ``query``
    by name or credit code (the type-ahead of the new-nomination form)."""
    stmt = _eligible(actor, campaign)
    if q := filter_text(query):
        stmt = stmt.where(
            Enterprise.name.contains(q, autoescape=True) | Enterprise.credit_code.startswith(q.upper(), autoescape=True)
        )
    return list(session.scalars(stmt.order_by(Enterprise.name, Enterprise.id).limit(limit)))


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
        Campaign.state == CampaignStatus.OPEN)
    to_submit = list(session.scalars(base.where(
        Nomination.nominator_region_code == actor.region_code,
        Nomination.state.in_((S.DRAFT, S.RETURNED)),
    ).order_by(Nomination.updated_at.desc())))
    to_endorse: list[Nomination] = []
    if level == "city":
        to_endorse = [n for n in session.scalars(base.where(Nomination.state == S.SUBMITTED)
                                                 .order_by(Nomination.submitted_at))
                      if covers(actor, n.region_path)]
    to_decide = 0
    if level == "province":
        to_decide = session.scalar(
            select(func.count()).select_from(base.where(Nomination.state == S.ENDORSED).subquery())
        ) or 0
    return PendingWork(to_submit, to_endorse, to_decide)
