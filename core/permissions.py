"""Who may do what with the kernel's records: ``can_*(actor, …) -> bool``.

Services call these before acting; templates call the same predicates to decide which
buttons to draw, so the page never offers what the service would refuse.
"""

from __future__ import annotations

from core.enterprises import Enterprise
from core.people import Role, User
from core.scope import covers


def can_browse_registry(actor: User) -> bool:
    """The enterprise list, export and import belong to regulators."""
    return actor.has_role(Role.ADMIN, Role.BUREAU)


def can_open_enterprises(actor: User) -> bool:
    """An enterprise's own page: regulators (in scope), and the enterprise's own users."""
    return can_browse_registry(actor) or Role.ENTERPRISE in actor.roles


def can_register_enterprise(actor: User) -> bool:
    return can_browse_registry(actor)


def can_edit_enterprise(actor: User, enterprise: Enterprise) -> bool:
    return can_browse_registry(actor) and covers(actor, enterprise.region_path)


def can_manage_users(actor: User) -> bool:
    return actor.is_admin


def can_browse_audit(actor: User) -> bool:
    return actor.is_admin
