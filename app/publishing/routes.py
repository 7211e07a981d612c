"""The committee's steps on a project (approve, return, publish) and on a standard (withdraw),
the editors' resubmission, and a frozen draft's DOCX. Views guard, validate, call one
service and redirect; refusals reach the user through ``app.errors``."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import attachment_response
from app.forms import form_status
from app.forms import options as choices
from app.jobs import enqueue_after_commit
from app.publishing.forms import PublishForm, ReasonForm
from app.publishing.tasks import make_pdf
from core.attachments import FileStore
from core.db import china_today
from core.errors import NotFound
from core.workflow import transition, unmet
from exports.publication_files import draft_docx, publication_docx
from standards import catalogue, queries
from standards.models import Stage, StandardProject
from standards.permissions import can_browse_projects, is_committee
from standards.publishing import publish as publish_standard
from standards.publishing import withdraw as withdraw_standard
from standards.workflow import PROJECT_FLOW, StageAction

bp = Blueprint("publishing", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The committee's and the editors' buttons on the project page; publishing has a page of its own.
BUTTONS = {StageAction.APPROVE: "报批稿已批准，可以发布。", StageAction.RETURN: "报批稿已退回起草组修改。",
           StageAction.RESUBMIT: "已重新报批，等待标准审定委员会审批。"}
COMMITTEE_ONLY = "标准的批准、发布和废止由标准审定委员会办理。"


def approval_steps(project: StandardProject) -> list[StageAction]:
    """The committee's and editors' approval buttons the project page draws for the actor."""
    offered = PROJECT_FLOW.allowed(actor(), project)
    return [a for a in (*BUTTONS, StageAction.PUBLISH)
            if a in offered and unmet(db(), actor(), project, a) is None]


def store() -> FileStore:
    return FileStore(Path(current_app.config["UPLOAD_DIR"]))


@bp.route("/standards/<int:project_id>/approval/<action>", methods=["POST"])
@allowed(can_browse_projects)
def act(project_id: int, action: str) -> Response:
    project = queries.get_project(db(), actor(), project_id)
    step = next((a for a in BUTTONS if a.value == action), None)
    if step is None:
        raise NotFound()
    form = ReasonForm()
    form.validated()
    transition(db(), actor(), project, step, form.expected_version(), reason=form.reason.data or "")
    flash(f"《{project.title}》{BUTTONS[step]}", "success")
    return redirect(url_for("standards.project", project_id=project.id), code=303)


@bp.route("/standards/<int:project_id>/publish", methods=["GET", "POST"])
@allowed(is_committee, COMMITTEE_ONLY)
def publish(project_id: int) -> str | Response | tuple[str, int]:
    project = queries.get_project(db(), actor(), project_id)
    if project.stage != Stage.APPROVED:
        flash(f"《{project.title}》当前为“{project.stage.label}”，批准后才能发布。", "warning")
        return redirect(url_for("standards.project", project_id=project.id), code=303)
    form = PublishForm(issued_on=china_today(), lock_version=project.lock_version)
    form.replaces_id.choices = [("", "（无，首次发布）"), *choices(
        (p.id, f"{p.number} {p.title}") for p in catalogue.replaceable(db()))]
    if form.validate_on_submit():
        publication = publish_standard(db(), actor(), project, form.expected_version(), form.to_input(),
                                       render=publication_docx, store=store())
        enqueue_after_commit(db(), make_pdf, publication.id)
        flash(f"已发布 {publication.number}《{publication.title}》，{publication.effective_on:%Y-%m-%d} 起实施。"
              "PDF 正在后台生成。", "success")
        return redirect(url_for("catalogue.standard", slug=publication.slug), code=303)
    return render_template("publishing/publish.html", project=project, form=form), form_status(form)


@bp.route("/catalogue/<slug>/withdraw", methods=["POST"])
@allowed(is_committee, COMMITTEE_ONLY)
def withdraw(slug: str) -> Response:
    publication = catalogue.by_slug(db(), slug)
    if publication is None:
        raise NotFound()
    form = ReasonForm()
    form.validated()
    withdraw_standard(db(), actor(), publication, form.expected_version(), form.reason.data or "")
    flash(f"{publication.number}《{publication.title}》已废止。", "success")
    return redirect(url_for("catalogue.standard", slug=publication.slug), code=303)


@bp.route("/standards/<int:project_id>/versions/<int:version_id>/document.docx")
@allowed(can_browse_projects)
def version_docx(project_id: int, version_id: int) -> Response:
    """A frozen stage document (征求意见稿, 送审稿, 报批稿) laid out as the standard will be."""
    project = queries.get_project(db(), actor(), project_id)
    version = queries.get_version(db(), actor(), project, version_id)
    if version.is_draft:
        raise NotFound()
    return attachment_response(draft_docx(version), f"{project.title}（{version.stage.document}）.docx", DOCX)
