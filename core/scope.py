"""Jurisdiction scoping: the one rule for "which records may this person see".

Every list, count, export and fetch of region-bound records goes through these
filters. A record outside them is simply absent: fetching it raises ``NotFound``, the
same answer as for an id that never existed, so nothing leaks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.enterprises import Enterprise
from core.errors import NotFound
from core.people import Role, User


def jurisdiction_path(actor: User) -> str | None:
    """The path prefix an official supervises: everything at or under their region."""
    if actor.is_admin:
        return "/"
    if Role.BUREAU in actor.roles and actor.region is not None:
        return actor.region.path
    return None


def in_jurisdiction(actor: User, path_column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """A filter on a region path column: one indexed ``LIKE '<prefix>%'``."""
    prefix = jurisdiction_path(actor)
    if prefix == "/":
        return true()
    if prefix is None:
        return false()
    return path_column.like(f"{prefix}%")


def covers(actor: User, path: str) -> bool:
    """The same rule, for one path already in hand (a loaded record)."""
    prefix = jurisdiction_path(actor)
    return prefix is not None and path.startswith(prefix)


def visible_enterprises(actor: User) -> ColumnElement[bool]:
    """Enterprises the actor may see: their jurisdiction, or their own enterprise."""
    clauses: list[ColumnElement[bool]] = [in_jurisdiction(actor, Enterprise.region_path)]
    if Role.ENTERPRISE in actor.roles and actor.enterprise_id is not None:
        clauses.append(Enterprise.id == actor.enterprise_id)
    return or_(*clauses)


def one_or_404(session: Session, stmt: Select[Any]) -> Any:
    """Run a scoped select for one record; absent or out of scope both raise ``NotFound``."""
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound()
    return found
