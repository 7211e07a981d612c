"""Rectifications: the list (overdue in red), one rectification's page, its evidence and steps."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.assessments import bp
from app.assessments.common import StepForm, history, send_stored, store, upload
from app.auth.guards import actor, allowed
from app.database import db
from app.forms import ActionForm
from app.listing import Column, Listing, list_page
from assessments import queries
from assessments import rectifications as plans
from assessments.models import Assessment, Rectification, RectificationEvidence, RectificationState
from assessments.permissions import can_use_assessments
from assessments.workflow import RECTIFICATION_FLOW, RectificationAction
from core.db import china_today
from core.enterprises import Enterprise
from core.errors import NotFound
from core.workflow import transition, unmet

RECTIFICATIONS = Listing((
    Column("enterprise", "企业", Enterprise.name), Column("clause", "条款", Rectification.clause_label),
    Column("responsible", "责任人", Rectification.responsible), Column("deadline", "整改时限", Rectification.deadline),
    Column("state", "状态", Rectification.state),
), "deadline", Rectification.id)


@bp.route("/rectifications/")
@allowed(can_use_assessments)
def rectifications() -> str:
    stmt = (select(Rectification).join(Assessment, Assessment.id == Rectification.assessment_id)
            .join(Enterprise, Enterprise.id == Assessment.enterprise_id).where(queries.visible(actor())))
    state = request.args.get("state", "")
    today = china_today()
    if state == "overdue":
        stmt = stmt.where(Rectification.state == RectificationState.OPEN, Rectification.deadline < today)
    elif state in RectificationState.__members__.values():
        stmt = stmt.where(Rectification.state == state)
    else:
        stmt = stmt.where(Rectification.state != RectificationState.PLANNED)
    listed = list_page(db(), stmt, RECTIFICATIONS, request.args)
    return render_template("assessments/rectifications.html", listed=listed, state=state, today=today,
                           states=[s for s in RectificationState if s != RectificationState.PLANNED])


@bp.route("/rectifications/<int:rectification_id>")
@allowed(can_use_assessments)
def rectification(rectification_id: int) -> str:
    r = queries.get_rectification(db(), actor(), rectification_id)
    actions = RECTIFICATION_FLOW.allowed(actor(), r)
    return render_template("assessments/rectification.html", r=r, today=china_today(), actions=actions,
                           rules=RECTIFICATION_FLOW.table, form=StepForm(), action_form=ActionForm(),
                           blockers={action: unmet(db(), actor(), r, action) for action in actions},
                           events=history(r))


@bp.route("/rectifications/<int:rectification_id>/evidence", methods=["POST"])
@allowed(can_use_assessments)
def rectification_attach(rectification_id: int) -> Response:
    r = queries.get_rectification(db(), actor(), rectification_id)
    ActionForm().validated()
    filename, data = upload()
    link = plans.attach(db(), actor(), store(), r, filename, data)
    flash(f"已上传整改材料“{link.attachment.filename}”。", "success")
    return redirect(url_for("assessments.rectification", rectification_id=r.id), code=303)


@bp.route("/rectifications/<int:rectification_id>/evidence/<int:link_id>")
@allowed(can_use_assessments)
def rectification_evidence(rectification_id: int, link_id: int) -> Response:
    r = queries.get_rectification(db(), actor(), rectification_id)
    link = next((e for e in r.evidence if e.id == link_id), None)
    if not isinstance(link, RectificationEvidence):
        raise NotFound()
    return send_stored(link.attachment)


@bp.route("/rectifications/<int:rectification_id>/actions/<action>", methods=["POST"])
@allowed(can_use_assessments)
def rectification_act(rectification_id: int, action: str) -> Response:
    r = queries.get_rectification(db(), actor(), rectification_id)
    if action not in RectificationAction.__members__.values():
        raise NotFound()
    form, step = StepForm().validated(), RectificationAction(action)
    transition(db(), actor(), r, step, form.expected_version(), reason=form.reason.data or "")
    flash(f"{step.label}：{r.clause_label}。", "success")
    return redirect(url_for("assessments.rectification", rectification_id=r.id), code=303)
