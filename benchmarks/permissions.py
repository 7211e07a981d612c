"""Who may do what in benchmark nomination: ``can_*(actor, …) -> bool``.

Workflow steps are decided by the tables in ``benchmarks.workflow`` (pages ask
``Workflow.allowed``); these predicates cover everything that is not a step.
"""

from __future__ import annotations

from benchmarks.models import Campaign, Nomination
from benchmarks.workflow import EDITABLE_STATES, NOMINATORS, is_province_bureau, parties
from core.people import Role, User
from core.regions import RegionLevel

__all__ = [
    "can_edit_nomination", "can_manage_campaigns", "can_nominate", "can_select", "can_view_campaigns",
    "can_work_on_nominations", "is_province_bureau",
]


def can_view_campaigns(actor: User) -> bool:
    return actor.has_role(Role.ADMIN, Role.BUREAU)


def can_work_on_nominations(actor: User) -> bool:
    """Bureau staff draft, file and move nominations (which ones, the table and scope decide)."""
    return Role.BUREAU in actor.roles


def can_manage_campaigns(actor: User) -> bool:
    """The provincial bureau opens and amends campaigns."""
    return is_province_bureau(actor)


def can_nominate(actor: User, campaign: Campaign | None = None) -> bool:
    """County and city bureaus put enterprises forward while a campaign is open."""
    level_ok = actor.bureau_level in (RegionLevel.COUNTY, RegionLevel.CITY)
    return level_ok and (campaign is None or campaign.is_open)


def can_edit_nomination(actor: User, nomination: Nomination) -> bool:
    """The nominator edits the reasons and files while the nomination is with them."""
    return (
        nomination.campaign.is_open
        and nomination.state in EDITABLE_STATES
        and bool(parties(actor, nomination) & NOMINATORS)
    )


def can_select(actor: User, campaign: Campaign) -> bool:
    """The side-by-side selection page is the province's."""
    return is_province_bureau(actor) or actor.is_admin
