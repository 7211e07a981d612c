"""Raising a standard project (立项) and keeping its facts and people.

The province raises a project for an industry from one or more enterprises it selected
as benchmarks; the project records who proposes it (提出单位), who is responsible for it
(归口单位), who drafts it, and names its editors and its expert panel. Editors are
bureau staff or the safety managers of the source enterprises; the panel are experts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import Nomination, NominationState
from core import audit
from core.errors import PermissionDenied, StaleEdit, ValidationError
from core.notifications import notify
from core.people import Role, User
from core.regions import Industry
from core.text import Text, clean_all
from standards.models import MemberRole, ProjectMember, StandardProject
from standards.permissions import can_manage_project, can_raise_project
from standards.versions import start_project_text

DEFAULT_PROPOSER = "山东省应急管理厅"
DEFAULT_RESPONSIBLE_BODY = "山东省安全生产标准化技术委员会"
PROJECT_TEXT = {
    "title": Text("标准名称", 200, required=True),
    "english_title": Text("英文名称", 300),
    "proposer": Text("提出单位", 200, required=True),
    "responsible_body": Text("归口单位", 200, required=True),
    "drafting_units": Text("起草单位", 2000, multiline=True),
    "drafters": Text("主要起草人", 500),
}


@dataclass
class ProjectInput:
    title: str
    industry_code: str
    source_ids: list[int] = field(default_factory=list)  # selected nominations
    english_title: str = ""
    proposer: str = DEFAULT_PROPOSER
    responsible_body: str = DEFAULT_RESPONSIBLE_BODY
    drafting_units: str = ""
    drafters: str = ""
    editor_ids: list[int] = field(default_factory=list)
    expert_ids: list[int] = field(default_factory=list)


def _facts(data: ProjectInput) -> tuple[dict[str, str], dict[str, str]]:
    return clean_all(vars(data), PROJECT_TEXT)


def _sources(session: Session, data: ProjectInput, errors: dict[str, str]) -> list[Nomination]:
    found = list(session.scalars(select(Nomination).where(Nomination.id.in_(data.source_ids[:50]))))
    chosen = [n for n in found if n.state == NominationState.SELECTED and n.industry_code == data.industry_code]
    if not chosen or len(chosen) != len(set(data.source_ids)):
        errors["source_ids"] = "请选择本行业已确定为省级标杆的企业（至少一家）"
    return chosen


def _people(session: Session, ids: list[int], allowed: Callable[[User], bool]) -> list[User]:
    users = list(session.scalars(select(User).where(User.id.in_(ids[:100]), User.is_active.is_(True))))
    return [u for u in users if allowed(u)]


def _members(session: Session, data: ProjectInput, sources: list[Nomination],
             errors: dict[str, str]) -> list[ProjectMember]:
    enterprises = {n.enterprise_id for n in sources}
    editors = _people(session, data.editor_ids, lambda u: Role.BUREAU in u.roles or (
        Role.ENTERPRISE in u.roles and u.enterprise_id in enterprises))
    experts = _people(session, data.expert_ids, lambda u: Role.EXPERT in u.roles)
    if not editors or len(editors) != len(set(data.editor_ids)):
        errors["editor_ids"] = "编写人员应为监管部门人员或标杆企业的安全管理人员（至少一人）"
    if len(experts) != len(set(data.expert_ids)):
        errors["expert_ids"] = "评审专家应为具有专家角色的用户"
    return ([ProjectMember(user_id=u.id, role=MemberRole.EDITOR) for u in editors]
            + [ProjectMember(user_id=u.id, role=MemberRole.EXPERT) for u in experts])


def raise_project(session: Session, actor: User, data: ProjectInput) -> StandardProject:
    """立项: the province raises a project for an industry from its selected benchmarks."""
    if not can_raise_project(actor):
        raise PermissionDenied("标准立项由省级监管部门办理。")
    facts, errors = _facts(data)
    industry = session.get(Industry, data.industry_code) if data.industry_code else None
    if industry is None:
        errors["industry_code"] = "请选择行业"
    sources = _sources(session, data, errors)
    members = _members(session, data, sources, errors)
    if errors:
        raise ValidationError(errors)
    if not facts["drafting_units"]:
        facts["drafting_units"] = "\n".join(n.enterprise.name for n in sources)
    project = StandardProject(industry_code=data.industry_code, created_by_id=actor.id, sources=sources,
                              members=members, **facts)
    session.add(project)
    session.flush()
    start_project_text(session, project)
    audit.record(session, actor, "standard.raise", project, f"立项《{project.title}》（{industry.name}）",
                 data={**facts, "sources": [n.enterprise.name for n in sources],
                       "editors": data.editor_ids, "experts": data.expert_ids})
    people = session.scalars(select(User).where(User.id.in_([m.user_id for m in members]))).all()
    notify(session, [u for u in people if u.id != actor.id], f"您已加入标准项目《{project.title}》",
           "、".join(sorted({m.role.label for m in members if m.user_id in {u.id for u in people}})), about=project)
    return project


def update_project(session: Session, actor: User, project: StandardProject, data: ProjectInput,
                   expected_version: int) -> StandardProject:
    """Change a project's facts and people (not its industry or sources, fixed at 立项)."""
    if not can_manage_project(actor, project):
        raise PermissionDenied("标准项目信息由省级监管部门维护。")
    if project.lock_version != expected_version:
        raise StaleEdit("该标准项目已被他人修改。为避免覆盖他人的修改，本次保存未生效。")
    data.industry_code = project.industry_code
    facts, errors = _facts(data)
    members = _members(session, data, list(project.sources), errors)
    if errors:
        raise ValidationError(errors)
    before = {**{k: getattr(project, k) for k in PROJECT_TEXT},
              "members": sorted((m.user_id, m.role.value) for m in project.members)}
    for name, value in facts.items():
        setattr(project, name, value)
    keep = {(m.user_id, m.role) for m in members}
    project.members = [m for m in project.members if (m.user_id, m.role) in keep] + [
        m for m in members if (m.user_id, m.role) not in {(x.user_id, x.role) for x in project.members}]
    session.flush()
    after = {**{k: getattr(project, k) for k in PROJECT_TEXT},
             "members": sorted((m.user_id, m.role.value) for m in project.members)}
    if changed := audit.changes(before, after):
        audit.record(session, actor, "standard.update", project, f"修改标准项目《{project.title}》",
                     data={"changes": changed})
    return project
