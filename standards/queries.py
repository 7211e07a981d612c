"""Reading standard projects through the actor's rights: what they may not see is absent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from core.people import User
from core.scope import one_or_404
from core.text import filter_text
from standards.models import ProjectMember, Stage, StandardProject, StandardVersion
from standards.permissions import sees_every_project


def visible_projects(actor: User) -> ColumnElement[bool]:
    """Every project for the province, administrators and the committee; else those the actor works on."""
    if sees_every_project(actor):
        return true()
    return StandardProject.id.in_(select(ProjectMember.project_id).where(ProjectMember.user_id == actor.id))


def projects_query(actor: User, stage: str = "", industry_code: str = "", text: str = "") -> Select[Any]:
    stmt = select(StandardProject).where(visible_projects(actor))
    if stage in Stage.__members__.values():
        stmt = stmt.where(StandardProject.stage == stage)
    if industry_code:
        stmt = stmt.where(StandardProject.industry_code == filter_text(industry_code, 10))
    if q := filter_text(text):
        stmt = stmt.where(StandardProject.title.contains(q, autoescape=True))
    return stmt.order_by(StandardProject.updated_at.desc(), StandardProject.id.desc())


def get_project(session: Session, actor: User, project_id: int) -> StandardProject:
    """One project the actor may see, or ``NotFound`` (an expert outside the panel included)."""
    return one_or_404(session, select(StandardProject).where(
        StandardProject.id == project_id, visible_projects(actor)))


def get_version(session: Session, actor: User, project: StandardProject, version_id: int) -> StandardVersion:
    """A version of a project already known to be visible."""
    return one_or_404(session, select(StandardVersion).where(
        StandardVersion.id == version_id, StandardVersion.project_id == project.id))


def versions(session: Session, project: StandardProject) -> list[StandardVersion]:
    return list(session.scalars(select(StandardVersion).where(StandardVersion.project_id == project.id)
                                .order_by(StandardVersion.number)))
