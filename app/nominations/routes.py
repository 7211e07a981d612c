"""Campaign and nomination pages. Views load, guard, validate, call one service, redirect.

Refusals are not handled here: a service's domain error rolls back and reaches the
user through ``app.errors`` (the form again with the message, or the previous page).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import attachment_response, xlsx_response
from app.enterprises.options import region_filter_choices
from app.forms import ActionForm, form_status
from app.forms import options as choices
from app.listing import list_page
from app.nominations.forms import (
    AttachmentForm,
    CampaignForm,
    NominationForm,
    ReasonsForm,
    TransitionForm,
)
from app.nominations.lists import NOMINATIONS, nomination_rows, nomination_table
from app.security import safe_path
from benchmarks import campaigns as campaign_services
from benchmarks import queries, services
from benchmarks.models import NominationState
from benchmarks.permissions import (
    can_edit_nomination,
    can_manage_campaigns,
    can_nominate,
    can_select,
    can_view_campaigns,
    can_work_on_nominations,
)
from benchmarks.workflow import CAMPAIGN_FLOW, NOMINATION_FLOW, Action, CampaignAction
from core import audit
from core.attachments import FileStore
from core.db import paginate
from core.errors import NotFound, PermissionDenied
from core.regions import list_industries
from core.text import bounded_int
from core.workflow import transition

bp = Blueprint("nominations", __name__)
DONE = {  # what the flash says once a step is taken
    Action.SUBMIT: "已上报市级", Action.ENDORSE: "已推荐至省级", Action.RETURN: "已退回县级",
    Action.SELECT: "已确定为省级标杆", Action.REJECT: "已决定不予入选", Action.WITHDRAW: "已撤回推荐",
}


def _store() -> FileStore:
    return FileStore(Path(current_app.config["UPLOAD_DIR"]))


def _history_page(record: object) -> object:
    return paginate(db(), audit.history(record), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)


# --- campaigns ----------------------------------------------------------------------


@bp.route("/campaigns/")
@allowed(can_view_campaigns)
def campaigns() -> str:
    return render_template("nominations/campaigns.html", campaigns=queries.campaigns(db()))


def _campaign_form(form: CampaignForm) -> CampaignForm:
    form.industry_codes.choices = choices((i.code, i.name) for i in list_industries(db()))
    return form


@bp.route("/campaigns/new", methods=["GET", "POST"])
@allowed(can_manage_campaigns, "遴选批次由省级监管部门发起、修改和结束。")
def new_campaign() -> str | Response | tuple[str, int]:
    form = _campaign_form(CampaignForm())
    if form.validate_on_submit():
        campaign = campaign_services.open_campaign(db(), actor(), form.to_input())
        flash(f"已发起遴选批次“{campaign.title}”，已通知各市、县监管部门。", "success")
        return redirect(url_for("nominations.campaign", campaign_id=campaign.id))
    return render_template("nominations/campaign_form.html", form=form, campaign=None), form_status(form)


@bp.route("/campaigns/<int:campaign_id>")
@allowed(can_view_campaigns)
def campaign(campaign_id: int) -> str:
    found = queries.get_campaign(db(), actor(), campaign_id)
    flt = queries.NominationFilter(campaign_id=found.id)
    listed = list_page(db(), queries.nominations_query(db(), actor(), flt), NOMINATIONS, request.args)
    return render_template(
        "nominations/campaign.html", campaign=found, listed=listed,
        counts=queries.state_counts_by_industry(db(), actor(), found),
        drafts=queries.unsubmitted_drafts(db(), actor(), found),
        events=_history_page(found), form=TransitionForm(),
        actions=CAMPAIGN_FLOW.allowed(actor(), found),
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@allowed(can_manage_campaigns, "遴选批次由省级监管部门发起、修改和结束。")
def edit_campaign(campaign_id: int) -> str | Response | tuple[str, int]:
    found = queries.get_campaign(db(), actor(), campaign_id)
    form = _campaign_form(CampaignForm(obj=found))
    if request.method == "GET":
        form.industry_codes.data = sorted(found.industry_codes)
    if form.validate_on_submit():
        campaign_services.update_campaign(db(), actor(), found, form.to_input(),
                                          bounded_int(form.lock_version.data, lo=0) or 0)
        flash("遴选批次已更新。", "success")
        return redirect(url_for("nominations.campaign", campaign_id=found.id))
    return render_template("nominations/campaign_form.html", form=form, campaign=found), form_status(form)


@bp.route("/campaigns/<int:campaign_id>/actions/<action>", methods=["POST"])
@allowed(can_manage_campaigns, "遴选批次由省级监管部门发起、修改和结束。")
def campaign_act(campaign_id: int, action: str) -> Response:
    found = queries.get_campaign(db(), actor(), campaign_id)
    if action not in CampaignAction.__members__.values():
        raise NotFound()
    form = TransitionForm().validated()
    transition(db(), actor(), found, CampaignAction(action), form.expected_version(), reason=form.reason.data or "")
    flash(f"遴选批次已{CampaignAction(action).label.removesuffix('批次')}。", "success")
    return redirect(url_for("nominations.campaign", campaign_id=found.id), code=303)


@bp.route("/campaigns/<int:campaign_id>/industries/<industry_code>")
@allowed(can_view_campaigns)
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
        actions={n.id: NOMINATION_FLOW.allowed(actor(), n) for n in candidates},
        rules=NOMINATION_FLOW.table, form=TransitionForm(),
    )


# --- nominations --------------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/nominations/new", methods=["GET", "POST"])
@allowed(can_nominate, "只有县级或市级监管部门可以推荐标杆企业。")
def new(campaign_id: int) -> str | Response | tuple[str, int]:
    found = queries.get_campaign(db(), actor(), campaign_id)
    if not can_nominate(actor(), found):
        raise PermissionDenied("只有县级或市级监管部门可以在进行中的批次推荐企业。")
    form = NominationForm()
    chosen = bounded_int(form.enterprise_id.data or request.args.get("enterprise"))
    picked = queries.eligible_enterprise(db(), actor(), found, chosen) if chosen else None
    if request.method == "GET" and picked is not None:
        form.enterprise_id.data = str(picked.id)
    if form.validate_on_submit():
        nomination = services.nominate(db(), actor(), found, bounded_int(form.enterprise_id.data) or 0,
                                       form.to_reasons())
        flash("推荐已保存为草稿。上传证明材料后即可上报。", "success")
        return redirect(url_for("nominations.show", nomination_id=nomination.id))
    return render_template("nominations/new.html", form=form, campaign=found, picked=picked), form_status(form)


@bp.route("/campaigns/<int:campaign_id>/nominations/eligible.json")
@allowed(can_nominate, "只有县级或市级监管部门可以推荐标杆企业。")
def eligible(campaign_id: int) -> Response:
    """The type-ahead of the new-nomination form: up to 20 matching enterprises in scope."""
    found = queries.get_campaign(db(), actor(), campaign_id)
    if not can_nominate(actor(), found):
        raise PermissionDenied()
    matches = queries.eligible_enterprises(db(), actor(), found, request.args.get("q", ""))
    return jsonify([{"id": e.id, "name": e.name, "credit_code": e.credit_code,
                     "region": e.region.full_name, "industry": e.industry.name} for e in matches])


def _nomination_filter() -> queries.NominationFilter:
    return queries.NominationFilter(
        campaign_id=bounded_int(request.args.get("campaign")),
        state=request.args.get("state", ""),
        industry_code=request.args.get("industry", ""),
        name=request.args.get("q", ""),
        region_code=request.args.get("region", ""),
    )


@bp.route("/nominations/")
@allowed(can_view_campaigns)
def index() -> str:
    flt = _nomination_filter()
    listed = list_page(db(), queries.nominations_query(db(), actor(), flt), NOMINATIONS, request.args)
    return render_template(
        "nominations/index.html", listed=listed, flt=flt, states=list(NominationState),
        campaigns=queries.campaigns(db()), industries=list_industries(db()),
        regions=region_filter_choices(db(), actor()),
    )


@bp.route("/nominations/export.xlsx")
@allowed(can_view_campaigns)
def export() -> Response:
    """The list as filtered and sorted on the page, every page of it."""
    stmt = queries.nominations_query(db(), actor(), _nomination_filter())
    return xlsx_response(nomination_table(nomination_rows(db(), stmt, request.args)), "推荐记录")


@bp.route("/nominations/<int:nomination_id>")
@allowed(can_view_campaigns)
def show(nomination_id: int) -> str:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    return render_template(
        "nominations/show.html", n=nomination, events=_history_page(nomination),
        actions=NOMINATION_FLOW.allowed(actor(), nomination), rules=NOMINATION_FLOW.table,
        form=TransitionForm(), upload_form=AttachmentForm(), action_form=ActionForm(),
    )


@bp.route("/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
@allowed(can_work_on_nominations)
def edit(nomination_id: int) -> str | Response | tuple[str, int]:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    if not can_edit_nomination(actor(), nomination):
        raise PermissionDenied("只有推荐单位可以在草稿或退回状态下修改推荐理由。")
    form = ReasonsForm(obj=nomination)
    if form.validate_on_submit():
        services.update_reasons(db(), actor(), nomination, form.to_reasons(), form.expected_version())
        flash("推荐理由已保存。", "success")
        return redirect(url_for("nominations.show", nomination_id=nomination.id))
    return render_template("nominations/edit.html", form=form, n=nomination), form_status(form)


def _back_or(default: str) -> Response:
    return redirect(safe_path(request.form.get("back")) or default, code=303)


@bp.route("/nominations/<int:nomination_id>/actions/<action>", methods=["POST"])
@allowed(can_work_on_nominations)
def act(nomination_id: int, action: str) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    if action not in Action.__members__.values():
        raise NotFound()
    form, step = TransitionForm().validated(), Action(action)
    transition(db(), actor(), nomination, step, form.expected_version(), reason=form.reason.data or "")
    flash(f"{DONE[step]}：{nomination.enterprise.name}。", "success")
    return _back_or(url_for("nominations.show", nomination_id=nomination.id))


@bp.route("/nominations/<int:nomination_id>/attachments", methods=["POST"])
@allowed(can_work_on_nominations)
def upload(nomination_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    form = AttachmentForm().validated()
    upload_file = form.file.data
    filename = (upload_file.filename if upload_file else "") or ""
    data = upload_file.read() if upload_file else b""
    link = services.add_attachment(db(), actor(), _store(), nomination, filename, data, form.description.data or "")
    flash(f"已上传证明材料“{link.attachment.filename}”。", "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id), code=303)


@bp.route("/nominations/<int:nomination_id>/attachments/<int:link_id>")
@allowed(can_view_campaigns)
def download(nomination_id: int, link_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    link = next((a for a in nomination.attachments if a.id == link_id), None)
    if link is None:
        raise NotFound()
    path = _store().path_for(link.attachment.sha256)
    if not path.exists():
        raise NotFound("文件已不在存储中，请联系系统管理员。")
    return attachment_response(path, link.attachment.filename, link.attachment.content_type)


@bp.route("/nominations/<int:nomination_id>/attachments/<int:link_id>/delete", methods=["POST"])
@allowed(can_work_on_nominations)
def delete_attachment(nomination_id: int, link_id: int) -> Response:
    nomination = queries.get_nomination(db(), actor(), nomination_id)
    ActionForm().validated()
    services.remove_attachment(db(), actor(), nomination, link_id)
    flash("证明材料已删除。", "success")
    return redirect(url_for("nominations.show", nomination_id=nomination.id), code=303)
