"""Choices the project forms offer: selected benchmarks, people who may edit, experts, commenters."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from app.forms import options
from benchmarks.models import Nomination, NominationState
from core.people import Role, User, UserRole
from standards.models import StandardProject

LIMIT = 500


def benchmark_choices(session: Session) -> list[SelectChoice]:
    """Every enterprise the province selected as a benchmark, with its industry and year."""
    found = session.scalars(select(Nomination).where(Nomination.state == NominationState.SELECTED)
                            .order_by(Nomination.industry_code, Nomination.id).limit(LIMIT)).all()
    return options((str(n.id), f"{n.enterprise.name}（{n.industry.name}，{n.campaign.year} 年度）") for n in found)


def _with_role(session: Session, *roles: Role) -> list[User]:
    return list(session.scalars(
        select(User).where(User.is_active.is_(True), User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_([r.value for r in roles]))))
        .order_by(User.region_code, User.display_name).limit(LIMIT)))


def _label(user: User) -> str:
    return f"{user.display_name}（{user.affiliation or user.role_labels}）"


def editor_choices(session: Session, enterprise_ids: set[int] | None = None) -> list[SelectChoice]:
    """Bureau staff, and the safety managers of benchmark enterprises (of ``enterprise_ids`` if given)."""
    people = [u for u in _with_role(session, Role.BUREAU, Role.ENTERPRISE)
              if Role.BUREAU in u.roles or (u.enterprise_id is not None
                                            and (enterprise_ids is None or u.enterprise_id in enterprise_ids))]
    if enterprise_ids is None:
        benchmarks = set(session.scalars(select(Nomination.enterprise_id).where(
            Nomination.state == NominationState.SELECTED)))
        people = [u for u in people if Role.BUREAU in u.roles or u.enterprise_id in benchmarks]
    return options((str(u.id), _label(u)) for u in people)


def expert_choices(session: Session) -> list[SelectChoice]:
    return options((str(u.id), _label(u)) for u in _with_role(session, Role.EXPERT))


def commenter_choices(session: Session, project: StandardProject) -> list[SelectChoice]:
    """Who may be invited to comment besides the panel: bureau staff and the benchmarks' managers."""
    members = {m.user_id for m in project.members}
    enterprises = {n.enterprise_id for n in project.sources}
    return options((str(u.id), _label(u)) for u in _with_role(session, Role.BUREAU, Role.ENTERPRISE)
                   if u.id not in members and (Role.BUREAU in u.roles or u.enterprise_id in enterprises))
