"""An assessment's pages: the list, starting one, filling it in (autosave), evidence, plans,
and the steps (submit, verify, return). Views load, call one service, answer."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.assessments import bp
from app.assessments.common import StepForm, history, posted_date, send_stored, store, upload
from app.auth.guards import actor, allowed
from app.database import db
from app.errors import wants_json
from app.forms import ActionForm
from app.listing import Column, Listing, list_page
from assessments import answers, queries
from assessments import rectifications as plans
from assessments.items import requirements_of
from assessments.models import Assessment, AssessmentState, Rectification
from assessments.permissions import can_start, can_use_assessments, fills_in, supervises
from assessments.scorecards import answers_of, scorecard
from assessments.scoring import PartialCredit, Result
from assessments.workflow import ASSESSMENT_FLOW, Action
from core.db import china_today
from core.enterprises import Enterprise
from core.errors import NotFound, ValidationError
from core.text import bounded_int
from core.workflow import transition, unmet

DONE = {Action.SUBMIT: "已提交核查", Action.VERIFY: "已核查通过", Action.RETURN: "已退回企业修改"}
ASSESSMENTS = Listing((
    Column("enterprise", "企业", Enterprise.name), Column("standard", "依据标准"),
    Column("state", "状态", Assessment.state), Column("progress", "完成", Assessment.answered, numeric=True),
    Column("score", "得分", Assessment.score, numeric=True), Column("updated", "更新时间", Assessment.updated_at),
), "-updated", Assessment.id)


def _filter() -> queries.AssessmentFilter:
    return queries.AssessmentFilter(state=request.args.get("state", ""),
                                    publication_id=bounded_int(request.args.get("publication")),
                                    campaign_id=bounded_int(request.args.get("campaign")),
                                    q=request.args.get("q", ""), region_code=request.args.get("region", ""))


@bp.route("/")
@allowed(can_use_assessments)
def index() -> str:
    flt = _filter()
    page = list_page(db(), queries.assessments_query(actor(), flt), ASSESSMENTS, request.args)
    me = actor()
    industry = me.enterprise.industry_code if can_start(me) and me.enterprise else None
    return render_template("assessments/index.html", listed=page, flt=flt, states=list(AssessmentState),
                           startable=queries.assessable_publications(db(), industry) if industry else [],
                           form=ActionForm())


@bp.route("/start", methods=["POST"])
@allowed(can_start, "只有企业安全管理人员可以为本企业发起自评估。")
def start() -> Response:
    ActionForm().validated()
    wanted = bounded_int(request.form.get("publication"))
    publication = next((p for p in queries.assessable_publications(db()) if p.id == wanted), None)
    if publication is None:
        raise ValidationError({"publication": "请选择一项现行的地方标准"})
    assessment = answers.start(db(), actor(), publication, from_previous=request.form.get("from_previous") == "y")
    if assessment.answered:
        flash(f"本企业对《{publication.number}》的自评估正在进行中，已为您打开。", "info")
    else:
        flash(f"已发起对《{publication.number}》的自评估，请逐项作答；每项选择后自动保存。", "success")
    return redirect(url_for("assessments.show", assessment_id=assessment.id), code=303)


@bp.route("/<int:assessment_id>")
@allowed(can_use_assessments)
def show(assessment_id: int) -> str:
    a = queries.get_assessment(db(), actor(), assessment_id)
    requirements = requirements_of(db(), a.publication)
    given = answers_of(db(), a)
    plans_by_key = {r.clause_key: r for r in db().query(Rectification).filter_by(assessment_id=a.id)}
    last_round = a.rounds[-1] if a.rounds else None
    returned = {r.clause_key: r.reason for r in last_round.item_reasons} if last_round else {}
    return render_template(
        "assessments/show.html", a=a, requirements=requirements, answers=given, plans=plans_by_key,
        card=scorecard(requirements, given.values()), editable=a.is_editable and fills_in(actor(), a),
        supervising=supervises(actor(), a), returned=returned, Result=Result,
        entered_credit=a.publication.partial_credit == PartialCredit.ENTERED,
        actions=ASSESSMENT_FLOW.allowed(actor(), a), rules=ASSESSMENT_FLOW.table,
        blockers={action: unmet(db(), actor(), a, action) for action in ASSESSMENT_FLOW.allowed(actor(), a)},
        form=StepForm(), action_form=ActionForm(), events=history(a), today=china_today(),
    )


def _back(assessment_id: int, key: str = "") -> Response:
    anchor = f"#item-{key}" if key else ""
    return redirect(url_for("assessments.show", assessment_id=assessment_id) + anchor, code=303)


@bp.route("/<int:assessment_id>/answers/<key>", methods=["POST"])
@allowed(can_use_assessments)
def save_answer(assessment_id: int, key: str) -> Any:
    """Autosave (a script's fetch: JSON) or the item's own save button (a redirect)."""
    a = queries.get_assessment(db(), actor(), assessment_id)
    ActionForm().validated()
    saved = answers.save_answer(
        db(), actor(), a, key[:36], result=request.form.get("result", ""), earned=request.form.get("earned", ""),
        na_reason=request.form.get("na_reason", ""), note=request.form.get("note", ""),
        seen_revision=bounded_int(request.form.get("revision"), lo=0) or 0)
    card = saved.card
    if wants_json():
        replaced = saved.replaced
        return jsonify({
            "saved": True, "revision": saved.answer.revision if saved.answer else 0, "version": a.lock_version,
            "answered": card.answered, "total": card.total, "progress": card.progress,
            "score": str(card.score) if card.score is not None else None,
            "grade": card.grade.label if card.grade else "",
            "gap": bool(saved.answer and Result(saved.answer.result).is_gap),
            "replaced": None if replaced is None else {
                "result": replaced.result, "note": replaced.note, "by": replaced.saved_by,
                "at": replaced.saved_at.astimezone().strftime("%H:%M:%S")},
        })
    if saved.replaced is not None:
        flash(f"该项在另一窗口已被{saved.replaced.saved_by}改为“{saved.replaced.result}”，已以您刚才的填写为准。",
              "warning")
    else:
        flash("已保存。", "success")
    return _back(a.id, key)


@bp.route("/<int:assessment_id>/answers/<key>/evidence", methods=["POST"])
@allowed(can_use_assessments)
def attach(assessment_id: int, key: str) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    ActionForm().validated()
    filename, data = upload()
    link = answers.attach(db(), actor(), store(), a, key[:36], filename, data)
    flash(f"已上传证据“{link.attachment.filename}”。", "success")
    return _back(a.id, key)


@bp.route("/<int:assessment_id>/evidence/<int:link_id>")
@allowed(can_use_assessments)
def evidence(assessment_id: int, link_id: int) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    return send_stored(answers.evidence_link(db(), a, link_id).attachment)


@bp.route("/<int:assessment_id>/evidence/<int:link_id>/delete", methods=["POST"])
@allowed(can_use_assessments)
def detach(assessment_id: int, link_id: int) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    ActionForm().validated()
    answers.detach(db(), actor(), a, link_id)
    flash("证据已删除。", "success")
    return _back(a.id)


@bp.route("/<int:assessment_id>/plans/<key>", methods=["POST"])
@allowed(can_use_assessments)
def save_plan(assessment_id: int, key: str) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    ActionForm().validated()
    form = request.form
    deadline = posted_date("deadline")
    plans.save_plan(db(), actor(), a, key[:36], plans.PlanInput(
        measure=form.get("measure", ""), responsible=form.get("responsible", ""), funds=form.get("funds", ""),
        deadline=deadline, contingency=form.get("contingency", "")),
        bounded_int(form.get("lock_version"), lo=0) if form.get("lock_version") else None)
    flash("整改计划已保存。", "success")
    return _back(a.id, key)


@bp.route("/<int:assessment_id>/actions/<action>", methods=["POST"])
@allowed(can_use_assessments)
def act(assessment_id: int, action: str) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    if action not in Action.__members__.values():
        raise NotFound()
    form, step = StepForm().validated(), Action(action)
    item_reasons = {name.removeprefix("item_reason_")[:36]: value for name, value in request.form.items()
                    if name.startswith("item_reason_") and value.strip()}
    transition(db(), actor(), a, step, form.expected_version(), reason=form.reason.data or "",
               item_reasons=item_reasons)
    flash(f"{DONE[step]}：{a.enterprise.name}。", "success")
    return _back(a.id)
