"""Who may see and do what with assessments, outside the workflow tables.

An enterprise's safety managers see and fill in their own enterprise's assessments; bureau
staff see those of their jurisdiction (by where the enterprise stood when it started) and
verify them; admins see everything. Everyone else sees none — the lists are empty and an
id answers 404.
"""

from __future__ import annotations

from assessments.models import Assessment, AssessmentCampaign
from core.people import Role, User
from core.scope import covers


def can_use_assessments(actor: User) -> bool:
    return actor.has_role(Role.ADMIN, Role.BUREAU) or is_enterprise_user(actor)


def is_enterprise_user(actor: User) -> bool:
    return Role.ENTERPRISE in actor.roles and actor.enterprise_id is not None


def is_bureau(actor: User) -> bool:
    return Role.BUREAU in actor.roles and actor.region is not None


def fills_in(actor: User, assessment: Assessment) -> bool:
    """The enterprise's own safety managers answer, upload evidence and submit."""
    return is_enterprise_user(actor) and actor.enterprise_id == assessment.enterprise_id


def supervises(actor: User, assessment: Assessment) -> bool:
    """A bureau over where the enterprise stood verifies it (any level of its chain)."""
    return is_bureau(actor) and covers(actor, assessment.region_path)


def may_see(actor: User, assessment: Assessment) -> bool:
    return actor.is_admin or fills_in(actor, assessment) or supervises(actor, assessment)


def can_start(actor: User) -> bool:
    """An enterprise may start an assessment by itself."""
    return is_enterprise_user(actor)


def can_open_campaigns(actor: User) -> bool:
    return is_bureau(actor)


def can_manage_campaign(actor: User, campaign: AssessmentCampaign) -> bool:
    return is_bureau(actor) and actor.region_code == campaign.region_code


def can_see_dashboard(actor: User) -> bool:
    return actor.is_admin or is_bureau(actor)
