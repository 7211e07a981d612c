"""Assessment campaigns: a bureau pushes a standard to its enterprises; their progress."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.assessments import bp
from app.assessments.common import posted_date
from app.assessments.routes import ASSESSMENTS
from app.auth.guards import actor, allowed
from app.database import db
from app.forms import ActionForm, form_status
from app.listing import list_page
from assessments import campaigns as campaign_services
from assessments import queries
from assessments.models import AssessmentState
from assessments.permissions import can_open_campaigns, can_use_assessments
from core.text import bounded_int


@bp.route("/campaigns/")
@allowed(can_use_assessments)
def campaigns() -> str:
    found = list(db().scalars(queries.campaigns_query(actor()).limit(200)))
    return render_template("assessments/campaigns.html", campaigns=found,
                           progress=campaign_services.progress(db(), [c.id for c in found]))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@allowed(can_open_campaigns, "对标评估任务由监管部门下达。")
def new_campaign() -> str | Response | tuple[str, int]:
    publications = queries.assessable_publications(db())
    form = ActionForm()
    if form.validate_on_submit():
        data = campaign_services.CampaignInput(
            title=request.form.get("title", ""), publication_id=bounded_int(request.form.get("publication_id")) or 0,
            deadline=posted_date("deadline"), description=request.form.get("description", ""))
        campaign = campaign_services.open_campaign(db(), actor(), data, publications)
        flash(f"已下达对标评估任务“{campaign.title}”，已通知辖区内相关企业。", "success")
        return redirect(url_for("assessments.campaign", campaign_id=campaign.id), code=303)
    return render_template("assessments/campaign_form.html", publications=publications, form=form), form_status(form)


@bp.route("/campaigns/<int:campaign_id>")
@allowed(can_use_assessments)
def campaign(campaign_id: int) -> str:
    found = queries.get_campaign(db(), actor(), campaign_id)
    flt = queries.AssessmentFilter(campaign_id=found.id, state=request.args.get("state", ""))
    listed = list_page(db(), queries.assessments_query(actor(), flt), ASSESSMENTS, request.args)
    return render_template("assessments/campaign.html", campaign=found, listed=listed, states=list(AssessmentState),
                           progress=campaign_services.progress(db(), [found.id])[found.id])
