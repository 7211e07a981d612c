"""Who may do what with standard projects: ``can_*(actor, …) -> bool``.

A project is the province's: the provincial bureau raises and steers it, its editors
write it, its expert panel reviews it, the standards committee follows it to approval.
Nobody else sees its drafts — an expert outside the panel included (``queries`` answers
404 for them).
"""

from __future__ import annotations

from benchmarks.permissions import is_province_bureau
from core.people import Role, User
from standards.models import MemberRole, Stage, StandardProject

EDITABLE_STAGES = frozenset({Stage.DRAFTING, Stage.CONSULTATION, Stage.REVIEW})


def sees_every_project(actor: User) -> bool:
    """The province, administrators and the standards committee see every project."""
    return actor.is_admin or is_province_bureau(actor) or Role.COMMITTEE in actor.roles


def can_browse_projects(actor: User) -> bool:
    """The 标准制定 area: everyone who may see at least one project could have some there."""
    return sees_every_project(actor) or actor.has_role(Role.BUREAU, Role.EXPERT, Role.ENTERPRISE)


def can_raise_project(actor: User) -> bool:
    """立项 is the provincial bureau's."""
    return is_province_bureau(actor)


def is_editor(actor: User, project: StandardProject) -> bool:
    return actor.id in project.member_ids(MemberRole.EDITOR)


def is_panel_expert(actor: User, project: StandardProject) -> bool:
    return actor.id in project.member_ids(MemberRole.EXPERT) and Role.EXPERT in actor.roles


def can_manage_project(actor: User, project: StandardProject) -> bool:
    """Project facts and members: the province (and its editors for the facts they draft)."""
    return is_province_bureau(actor) or actor.is_admin


def can_edit_text(actor: User, project: StandardProject) -> bool:
    """The working draft is the editors' while the project is still being written or reviewed."""
    return project.stage in EDITABLE_STAGES and is_editor(actor, project)
