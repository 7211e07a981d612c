"""Standard project pages and the clause-tree editor. Views load, guard, validate, call one
service, redirect; refusals reach the user through ``app.errors`` (the form again, with
the saved text beside the user's after a stale edit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import Select, select
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import xlsx_response
from app.forms import ActionForm, form_status
from app.forms import options as choices
from app.listing import list_page
from app.nominations.forms import VersionedForm
from app.publishing.forms import ReasonForm
from app.publishing.routes import approval_steps
from app.standards.forms import (
    ClauseForm,
    ConsultationForm,
    LinkForm,
    NewClauseForm,
    NewProjectForm,
    ProjectForm,
    ReviewForm,
    ids,
)
from app.standards.lists import PROJECTS, project_rows, project_table
from app.standards.options import benchmark_choices, commenter_choices, editor_choices, expert_choices
from assessments.dashboard import most_failed
from core import audit
from core.db import china_today, paginate
from core.errors import NotFound, PermissionDenied, StaleEdit
from core.regions import list_industries
from core.text import bounded_int
from core.workflow import transition, unmet
from standards import drafting, queries
from standards.drafting import Move, check_editable, outline
from standards.generate import generate_draft
from standards.models import (
    AnnexType,
    Clause,
    ClauseKind,
    MemberRole,
    Publication,
    Stage,
    StandardProject,
    StandardVersion,
)
from standards.permissions import can_browse_projects, can_edit_text, can_manage_project, can_raise_project
from standards.projects import raise_project, update_project
from standards.textdiff import diff_html
from standards.versions import working_draft
from standards.workflow import CONSULTATION_DAYS, PROJECT_FLOW, StageAction

bp = Blueprint("standards", __name__, url_prefix="/standards")
STEPS = (StageAction.OPEN_CONSULTATION, StageAction.SUBMIT_FOR_REVIEW)  # the others conclude a meeting
RAISE = "标准立项由省级监管部门办理。"


def _history_page(record: object) -> object:
    return paginate(db(), audit.history(record), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)


def _project(project_id: int) -> StandardProject:
    return queries.get_project(db(), actor(), project_id)


# --- the list -----------------------------------------------------------------------------


def _filtered() -> Select[Any]:
    return queries.projects_query(actor(), request.args.get("stage", ""), request.args.get("industry", ""),
                                  request.args.get("q", ""))


@bp.route("/")
@allowed(can_browse_projects)
def index() -> str:
    listed = list_page(db(), _filtered(), PROJECTS, request.args)
    return render_template("standards/index.html", listed=listed, stages=list(Stage),
                           industries=list_industries(db()))


@bp.route("/export.xlsx")
@allowed(can_browse_projects)
def export() -> Response:
    return xlsx_response(project_table(project_rows(db(), _filtered(), request.args)), "标准项目")


# --- raising and editing a project ----------------------------------------------------------


def _people_choices(form: ProjectForm, enterprise_ids: set[int] | None) -> None:
    form.editor_ids.choices = editor_choices(db(), enterprise_ids)
    form.expert_ids.choices = expert_choices(db())


@bp.route("/new", methods=["GET", "POST"])
@allowed(can_raise_project, RAISE)
def new() -> str | Response | tuple[str, int]:
    form = NewProjectForm()
    form.industry_code.choices = choices([("", "请选择行业"), *((i.code, i.name) for i in list_industries(db()))])
    form.source_ids.choices = benchmark_choices(db())
    _people_choices(form, None)
    if form.validate_on_submit():
        project = raise_project(db(), actor(), form.to_project())
        flash(f"已立项《{project.title}》，已通知编写人员和评审专家。", "success")
        return redirect(url_for("standards.project", project_id=project.id))
    return render_template("standards/form.html", form=form, project=None), form_status(form)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@allowed(can_browse_projects)
def edit(project_id: int) -> str | Response | tuple[str, int]:
    project = _project(project_id)
    if not can_manage_project(actor(), project):
        raise PermissionDenied("标准项目信息由省级监管部门维护。")
    form = ProjectForm(obj=project)
    _people_choices(form, {n.enterprise_id for n in project.sources})
    if request.method == "GET":
        form.editor_ids.data = [str(i) for i in project.member_ids(MemberRole.EDITOR)]
        form.expert_ids.data = [str(i) for i in project.member_ids(MemberRole.EXPERT)]
    if form.validate_on_submit():
        update_project(db(), actor(), project, form.to_input(project.industry_code), form.expected_version())
        flash("标准项目信息已保存。", "success")
        return redirect(url_for("standards.project", project_id=project.id))
    return render_template("standards/form.html", form=form, project=project), form_status(form)


# --- the project page and its stage steps ------------------------------------------------------


def _steps(project: StandardProject) -> tuple[list[StageAction], list[str]]:
    """The stage steps to offer (the table lets the user take them and their guards hold now),
    and, when none can be taken yet, why the ones the table offers must wait."""
    ready, waiting = [], []
    for action in PROJECT_FLOW.allowed(actor(), project):
        if action not in STEPS:
            continue
        if (refusal := unmet(db(), actor(), project, action)) is not None:
            waiting.append(refusal.message)
        else:
            ready.append(action)
    return ready, ([] if ready else waiting)


@bp.route("/<int:project_id>", endpoint="project")
@allowed(can_browse_projects)
def show(project_id: int) -> str:
    project = _project(project_id)
    steps, waiting = _steps(project)
    consultation = ConsultationForm(deadline=china_today() + dt.timedelta(days=CONSULTATION_DAYS))
    consultation.commenter_ids.choices = commenter_choices(db(), project) if steps else []
    versions = queries.versions(db(), project)
    publication = db().scalar(select(Publication).where(Publication.project_id == project.id))
    return render_template(
        "standards/show.html", project=project, versions=versions, draft=next(v for v in versions if v.is_draft),
        events=_history_page(project), steps=steps, waiting=waiting, consultation=consultation, review=ReviewForm(),
        editors=[m.user for m in project.members if m.role == MemberRole.EDITOR],
        experts=[m.user for m in project.members if m.role == MemberRole.EXPERT],
        commenters=[m.user for m in project.members if m.role == MemberRole.COMMENTER],
        approval=approval_steps(project), reason=ReasonForm(),
        publication=publication, failing=most_failed(db(), publication, limit=10) if publication else [],
    )


@bp.route("/<int:project_id>/actions/<action>", methods=["POST"])
@allowed(can_browse_projects)
def act(project_id: int, action: str) -> Response:
    project = _project(project_id)
    if action not in {a.value for a in STEPS}:
        raise NotFound()
    step = StageAction(action)
    if step == StageAction.OPEN_CONSULTATION:
        consultation = ConsultationForm()
        consultation.commenter_ids.choices = commenter_choices(db(), project)
        consultation.validated()
        inputs: dict[str, object] = {"commenter_ids": ids(consultation.commenter_ids.data)}
        if consultation.deadline.data is not None:
            inputs["deadline"] = consultation.deadline.data
        expected = consultation.expected_version()
    else:
        review = ReviewForm()
        review.validated()
        inputs, expected = {"meeting_place": review.meeting_place.data or ""}, review.expected_version()
    transition(db(), actor(), project, step, expected, **inputs)
    flash(f"《{project.title}》{step.label}：已形成{project.stage.document}的定稿版本，编辑继续在新的工作稿上进行。",
          "success")
    return redirect(url_for("standards.project", project_id=project.id), code=303)


# --- the text ----------------------------------------------------------------------------------


def _tree_page(project: StandardProject, version: StandardVersion, editable: bool) -> str:
    entries = outline(db(), version)
    requirements = [e.clause for e in entries if e.clause.is_requirement]
    return render_template(
        "standards/text.html", project=project, version=version, entries=entries, editable=editable,
        versions=queries.versions(db(), project), Move=Move, K=ClauseKind, AnnexType=AnnexType,
        requirements=len(requirements), points=sum((c.points or 0 for c in requirements), Decimal(0)),
    )


@bp.route("/<int:project_id>/text")
@allowed(can_browse_projects)
def text(project_id: int) -> str:
    """The working draft: the clause-tree editor for editors, the current text for others."""
    project = _project(project_id)
    draft = working_draft(db(), project)
    return _tree_page(project, draft, can_edit_text(actor(), project))


@bp.route("/<int:project_id>/versions/<int:version_id>")
@allowed(can_browse_projects)
def version(project_id: int, version_id: int) -> str:
    project = _project(project_id)
    return _tree_page(project, queries.get_version(db(), actor(), project, version_id), editable=False)


@bp.route("/<int:project_id>/generate", methods=["POST"])
@allowed(can_browse_projects)
def generate(project_id: int) -> Response:
    project = _project(project_id)
    ActionForm().validated()
    done = generate_draft(db(), actor(), project, working_draft(db(), project))
    flash(f"已由标杆企业的做法生成初稿：{done.clauses} 个条款，{done.requirements} 项评估要求，"
          f"附录收录风险点 {done.risk_rows} 个、隐患排查项 {done.check_rows} 项。请在此基础上修改。", "success")
    return redirect(url_for("standards.text", project_id=project.id), code=303)


def _clause(project: StandardProject, clause_id: int) -> Clause:
    """A clause of any version of the project (a frozen one is refused by the service, with its reason)."""
    clause = db().scalars(select(Clause).join(StandardVersion).where(
        Clause.id == clause_id, StandardVersion.project_id == project.id)).first()
    if clause is None:
        raise NotFound("该条款不存在或已被删除。")
    return clause


def _at(clause: Clause | None, project: StandardProject) -> str:
    anchor = f"#c-{clause.id}" if clause is not None else ""
    return url_for("standards.text", project_id=project.id) + anchor


@bp.route("/<int:project_id>/clauses/new", methods=["GET", "POST"])
@allowed(can_browse_projects)
def add_clause(project_id: int) -> str | Response | tuple[str, int]:
    project = _project(project_id)
    draft = working_draft(db(), project)
    check_editable(actor(), draft)  # the working draft is never frozen: only who may edit is checked here
    parent_id, after_id = bounded_int(request.args.get("parent")), bounded_int(request.args.get("after"))
    parent = drafting.get_clause(db(), draft, parent_id) if parent_id else None
    after = drafting.get_clause(db(), draft, after_id) if after_id else None
    kinds = drafting.addable_under(parent)
    form = NewClauseForm()
    form.kind.choices = choices((k.value, k.label) for k in kinds)
    if request.method == "GET":
        wanted = request.args.get("kind", "")
        form.kind.data = wanted if wanted in {k.value for k in kinds} else (
            ClauseKind.CLAUSE if ClauseKind.CLAUSE in kinds else kinds[0]).value
    if parent is not None:
        del form.annex_type
    if form.validate_on_submit():
        clause = drafting.add_clause(db(), actor(), draft, ClauseKind(form.kind.data), parent, form.to_clause(),
                                     after=after)
        flash("已新增条款。", "success")
        return redirect(_at(clause, project))
    numbers = {e.clause.id: e.number for e in outline(db(), draft)} if parent or after else {}
    return render_template("standards/clause_form.html", form=form, project=project, clause=None, parent=parent,
                           after=after, numbers=numbers), form_status(form)


@bp.route("/<int:project_id>/clauses/<int:clause_id>", methods=["GET", "POST"])
@allowed(can_browse_projects)
def edit_clause(project_id: int, clause_id: int) -> str | Response | tuple[str, int]:
    project = _project(project_id)
    clause = _clause(project, clause_id)
    if request.method == "GET":  # a refused POST is drawn again: the service has said why
        check_editable(actor(), clause.version)
    form = ClauseForm(obj=clause)
    if clause.kind != ClauseKind.ANNEX:
        del form.annex_type
    if form.validate_on_submit():
        drafting.edit_clause(db(), actor(), clause, form.to_clause(), form.expected_version())
        flash("条款已保存。", "success")
        return redirect(_at(clause, project))
    stale = isinstance(form.refusal, StaleEdit)
    entry = next(e for e in outline(db(), clause.version) if e.clause.id == clause.id)
    points, items = drafting.practices_of(db(), project)
    link = LinkForm()
    link.practice.choices = choices([(f"rp:{p.id}", f"风险点：{p.name}（{p.enterprise.name}）") for p in points] + [
        (f"ci:{c.id}", f"隐患排查项：{c.content[:40]}（{c.enterprise.name}）") for c in items])
    return render_template(
        "standards/clause_form.html", form=form, project=project, clause=clause, entry=entry, parent=None,
        after=None, stale=stale, link=link, action_form=ActionForm(),
        body_diff=diff_html(clause.body, form.body.data or "") if stale else None,
        title_diff=diff_html(clause.title, form.title.data or "") if stale else None,
    ), form_status(form)


@bp.route("/<int:project_id>/clauses/<int:clause_id>/move/<move>", methods=["POST"])
@allowed(can_browse_projects)
def move_clause(project_id: int, clause_id: int, move: str) -> Response:
    project = _project(project_id)
    if move not in {m.value for m in Move}:
        raise NotFound()
    clause = _clause(project, clause_id)
    form = VersionedForm().validated()
    drafting.move_clause(db(), actor(), clause, Move(move), form.expected_version())  # type: ignore[attr-defined]
    return redirect(_at(clause, project), code=303)


@bp.route("/<int:project_id>/clauses/<int:clause_id>/delete", methods=["GET", "POST"])
@allowed(can_browse_projects)
def delete_clause(project_id: int, clause_id: int) -> str | Response | tuple[str, int]:
    project = _project(project_id)
    clause = _clause(project, clause_id)
    if request.method == "GET":  # a refused POST is drawn again: the service has said why
        check_editable(actor(), clause.version)
    form = VersionedForm(obj=clause)
    if form.validate_on_submit():
        gone = drafting.delete_clause(db(), actor(), clause, form.expected_version())
        more = f"及其下 {len(gone) - 1} 个条款" if len(gone) > 1 else ""
        flash(f"已删除 {gone[0].number or clause.kind.label}{more}。", "success")
        return redirect(url_for("standards.text", project_id=project.id))
    return render_template("standards/delete_clause.html", form=form, project=project, clause=clause,
                           doomed=drafting.doomed(db(), clause)), form_status(form)


@bp.route("/<int:project_id>/clauses/<int:clause_id>/sources", methods=["POST"])
@allowed(can_browse_projects)
def link_practice(project_id: int, clause_id: int) -> Response:
    project = _project(project_id)
    clause = _clause(project, clause_id)
    check_editable(actor(), clause.version)  # who may link is said before what they chose is checked
    form = LinkForm()
    points, items = drafting.practices_of(db(), project)
    form.practice.choices = choices([(f"rp:{p.id}", "") for p in points] + [(f"ci:{c.id}", "") for c in items])
    form.validated()
    risk_point_id, check_item_id = form.chosen()
    drafting.link_practice(db(), actor(), clause, risk_point_id, check_item_id)
    flash("已关联做法。", "success")
    return redirect(url_for("standards.edit_clause", project_id=project.id, clause_id=clause.id), code=303)


@bp.route("/<int:project_id>/clauses/<int:clause_id>/sources/<int:source_id>/delete", methods=["POST"])
@allowed(can_browse_projects)
def unlink_practice(project_id: int, clause_id: int, source_id: int) -> Response:
    project = _project(project_id)
    clause = _clause(project, clause_id)
    ActionForm().validated()
    drafting.unlink_practice(db(), actor(), clause, source_id)
    flash("已取消关联。", "success")
    return redirect(url_for("standards.edit_clause", project_id=project.id, clause_id=clause.id), code=303)
