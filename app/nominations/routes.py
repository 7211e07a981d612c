"""Campaign and nomination pages. Views load, guard, validate, call one service, redirect."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth.guards import actor, roles_required
from app.database import db
from app.downloads import attachment_response
from app.forms import ActionForm, form_status, show_errors
from app.forms import options as choices
from app.nominations.forms import (
    AttachmentForm,
    CampaignForm,
    CloseForm,
    NominationForm,
    ReasonsForm,
    TransitionForm,
)
from benchmarks import campaigns as campaign_services
from benchmarks import queries, services, workflow
from benchmarks.models import NominationState
from benchmarks.permissions import can_edit_nomination, can_manage_campaigns, can_nominate, can_select
from benchmarks.workflow import Action
from core import audit
from core.attachments import FileStore
from core.db import paginate
from core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.people import Role
from core.regions import list_industries

bp = Blueprint("nominations", __name__)
OFFICIALS = (Role.ADMIN, Role.BUREAU)


def _store() -> FileStore:
    return FileStore(Path(current_app.config["UPLOAD_DIR"]))


def _refused(exc: ValidationError | InvalidTransition) -> None:
    """Undo whatever the refused call touched and say why on the page we return to."""
    db().rollback()
    flash(exc.message, "danger")


# --- campaigns ----------------------------------------------------------------------


@bp.route("/campaigns/")
@roles_required(*OFFICIALS)
def campaigns() -> str:
    return render_template("nominations/campaigns.html", campaigns=queries.campaigns(db()))


def _campaign_form(form: CampaignForm) -> CampaignForm:
    form.industry_codes.choices = choices((i.code, i.name) for i in list_industries(db()))
    return form


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(Role.BUREAU)
def new_campaign() -> str | Response | tuple[str, int]:
    if not can_manage_campaigns(actor()):
        raise PermissionDenied("只有省级监管部门可以发起遴选批次。")
    form = _campaign_form(CampaignForm())
    if form.validate_on_submit():
        try:
            campaign = campaign_services.open_campaign(db(), actor(), form.to_input())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"已发起遴选批次“{campaign.title}”，已通知各市、县监管部门。", "success")
            return redirect(url_for("nominations.campaign", campaign_id=campaign.id))
    return render_template("nominations/campaign_form.html", form=form, campaign=None), form_status(form)


@bp.route("/campaigns/<int:campaign_id>")
@roles_required(*OFFICIALS)
def campaign(campaign_id: int) -> str:
    found = queries.get_campaign(db(), actor(), campaign_id)
    flt = queries.NominationFilter(campaign_id=found.id)
    page = paginate(db(), queries.nominations_query(actor(), flt), request.args.get("page", 1, type=int))
    return render_template(
        "nominations/campaign.html", campaign=found, page=page,
        counts=queries.state_counts_by_industry(db(), actor(), found),
        events=audit.history(db(), found), close_form=CloseForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(Role.BUREAU)
def edit_campaign(campaign_id: int) -> str | Response | tuple[str, int]:
    found = queries.get_campaign(db(), actor(), campaign_id)
    if not can_manage_campaigns(actor()):
        raise PermissionDenied("只有省级监管部门可以修改遴选批次。")
    form = _campaign_form(CampaignForm(obj=found))
    if request.method == "GET":
        form.industry_codes.data = sorted(found.industry_codes)
        form.version.data = str(found.version)
    if form.validate_on_submit():
        try:
            campaign_services.update_campaign(db(), actor(), found, form.to_input(),
                                              int(form.version.data or 0))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("遴选批次已更新。", "success")
            return redirect(url_for("nominations.campaign", campaign_id=found.id))
    return render_template("nominations/campaign_form.html", form=form, campaign=found), form_status(form)


@bp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
@roles_required(Role.BUREAU)
def close_campaign(campaign_id: int) -> Response:
    found = queries.get_campaign(db(), actor(), campaign_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            campaign_services.close_campaign(db(), actor(), found, form.reason.data or "")
        except InvalidTransition as exc:
            _refused(exc)
        else:
            flash("遴选批次已结束。", "success")
    return redirect(url_for("nominations.campaign", campaign_id=found.id))


@bp.route("/campaigns/<int:campaign_id>/industries/<industry_code>")
@roles_required(*OFFICIALS)
def selection(campaign_id: int, industry_code: str) -> str:
    """Candidates of one industry side by side, with the province's decision forms."""
    found = queries.get_campaign(db(), actor(), campaign_id)
    if not can_select(actor(), found):
        raise PermissionDenied("遴选比较页面供省级监管部门使用。")
    industry = next((i for i in found.industries if i.code == industry_code), None)
    if industry is None:
        raise NotFound()
    candidates = queries.candidates(db(), actor(), found, industry_code)
    return render_template(
        "nominations/selection.html", campaign=found, industry=industry, candidates=candidates,
        actions={n.id: workflow.allowed_actions(actor(), n) for n in candidates},
        rules=workflow.TRANSITIONS, form=TransitionForm(),
    )


# --- nominations --------------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/nominations/new", methods=["GET", "POST"])
@roles_required(Role.BUREAU)
def new(campaign_id: int) -> str | Response | tuple[str, int]:
    found = queries.get_campaign(db(), actor(), campaign_id)
    if not can_nominate(actor(), found):
        raise PermissionDenied("只有县级或市级监管部门可以在进行中的批次推荐企业。")
    query = request.args.get("q", "")
    eligible = queries.eligible_enterprises(db(), actor(), found, query)
    form = NominationForm()
    form.enterprise_id.choices = choices([(0, "请选择企业"), *(
        (e.id, f"{e.name}（{e.region.full_name} · {e.industry.name}）") for e in eligible)])
    if request.method == "GET" and request.args.get("enterprise", type=int):
        form.enterprise_id.data = request.args.get("enterprise", type=int)
    if form.validate_on_submit():
        try:
            nomination = services.nominate(db(), actor(), found, form.enterprise_id.data or 0,
                                           form.to_reasons())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("推荐已保存为草稿。补充证明材料后即可上报。", "success")
            return redirect(url_for("nominations.show", nomination_id=nomination.id))
    return render_template("nominations/new.html", form=form, campaign=found, query=query,
                           truncated=len(eligible) >= 300), form_status(form)


@bp.route("/nominations/")
@roles_required(*OFFICIALS)
def index() -> str:
    flt = queries.NominationFilter(
        campaign_id=request.args.get("campaign", type=int),
        state=request.args.get("state", ""),
        industry_code=request.args.get("industry", ""),
        name=request.args.get("q", ""),
    )
    page = paginate(db(), queries.nominations_query(actor(), flt), request.args.get("page", 1, type=int))
    return render_template(
        "nominations/index.html", page=page, flt=flt, states=list(NominationState),
        campaigns=queries.campaigns(db()), industries=list_industries(db()),
    )


@bp.route("/nominations/<int:nomination_id>")
@roles_required(*OFFICIALS)
def show(nomination_id: int) -> str:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    return render_template(
        "nominations/show.html", n=nomination, events=audit.history(db(), nomination),
        actions=workflow.allowed_actions(actor(), nomination), rules=workflow.TRANSITIONS,
        form=TransitionForm(), upload_form=AttachmentForm(), action_form=ActionForm(),
    )


@bp.route("/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
@roles_required(Role.BUREAU)
def edit(nomination_id: int) -> str | Response | tuple[str, int]:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    if not can_edit_nomination(actor(), nomination):
        raise PermissionDenied("只有推荐单位可以在草稿或退回状态下修改推荐理由。")
    form = ReasonsForm(obj=nomination)
    if request.method == "GET":
        form.version.data = str(nomination.version)
    if form.validate_on_submit():
        try:
            services.update_reasons(db(), actor(), nomination, form.to_reasons(),
                                    int(form.version.data or 0))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("推荐理由已保存。", "success")
            return redirect(url_for("nominations.show", nomination_id=nomination.id))
    return render_template("nominations/edit.html", form=form, n=nomination), form_status(form)


@bp.route("/nominations/<int:nomination_id>/actions/<action>", methods=["POST"])
@roles_required(Role.BUREAU)
def act(nomination_id: int, action: str) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    if action not in Action.__members__.values():
        raise NotFound()
    form = TransitionForm()
    if form.validate_on_submit():
        step = Action(action)
        try:
            services.act(db(), actor(), nomination, step, form.reason.data or "")
        except (ValidationError, InvalidTransition) as exc:
            _refused(exc)
        else:
            flash(f"已{step.label}：{nomination.enterprise.name}（{nomination.state_enum.label}）。",
                  "success")
    back = request.form.get("back", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("nominations.show", nomination_id=nomination.id))


@bp.route("/nominations/<int:nomination_id>/attachments", methods=["POST"])
@roles_required(Role.BUREAU)
def upload(nomination_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        filename = upload_file.filename if upload_file else ""
        data = upload_file.read() if upload_file else b""
        try:
            services.add_attachment(db(), actor(), _store(), nomination, filename or "", data,
                                    form.description.data or "")
        except ValidationError as exc:
            _refused(exc)
        else:
            flash(f"已上传证明材料“{filename}”。", "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id))


@bp.route("/nominations/<int:nomination_id>/attachments/<int:link_id>")
@roles_required(*OFFICIALS)
def download(nomination_id: int, link_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    link = next((a for a in nomination.attachments if a.id == link_id), None)
    if link is None:
        raise NotFound()
    path = _store().path_for(link.attachment.sha256)
    if not path.exists():
        raise NotFound("文件已不在存储中，请联系系统管理员。")
    inline = link.attachment.content_type in ("application/pdf", "image/png", "image/jpeg")
    return attachment_response(path.read_bytes(), link.attachment.filename,
                               link.attachment.content_type, inline=inline)


@bp.route("/nominations/<int:nomination_id>/attachments/<int:link_id>/delete", methods=["POST"])
@roles_required(Role.BUREAU)
def delete_attachment(nomination_id: int, link_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    if ActionForm().validate_on_submit():
        services.remove_attachment(db(), actor(), nomination, link_id)
        flash("证明材料已删除。", "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id))
