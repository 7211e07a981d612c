"""The assessment report as DOCX and its item list as XLSX (``exports.assessment_report``)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from app.assessments import bp
from app.auth.guards import actor, allowed
from app.database import db
from app.downloads import XLSX, attachment_response
from assessments import queries
from assessments.items import requirements_of
from assessments.models import Assessment, Rectification, RectificationState
from assessments.permissions import can_use_assessments
from assessments.scorecards import answers_of, scorecard
from assessments.scoring import Result
from core.db import china_today
from exports.assessment_report import (
    AssessmentReport,
    ReportChapter,
    ReportItem,
    ReportRectification,
    ReportRound,
    render_docx,
    render_xlsx,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_report(a: Assessment) -> AssessmentReport:
    """Everything the report prints, from the records (the renderer computes nothing)."""
    session, today = db(), china_today()
    requirements = requirements_of(session, a.publication)
    given = answers_of(session, a)
    card = scorecard(requirements, given.values())
    plans = {r.clause_key: r for r in session.query(Rectification).filter_by(assessment_id=a.id)}
    last = a.rounds[-1] if a.rounds else None
    returned = {r.clause_key: r.reason for r in last.item_reasons} if last else {}
    labels = requirements.chapter_labels
    items = []
    for r in requirements.items:
        answer, plan = given.get(r.key), plans.get(r.key)
        items.append(ReportItem(
            number=r.number, title=r.title, chapter=r.chapter, points=r.points, veto=r.veto,
            result_label=Result(answer.result).label if answer else "", earned=answer.earned if answer else None,
            na_reason=answer.na_reason if answer else "", note=answer.note if answer else "",
            evidence=tuple(e.attachment.filename for e in answer.evidence) if answer else (),
            rectification=None if plan is None else ReportRectification(
                measure=plan.measure, responsible=plan.responsible, funds=plan.funds, deadline=plan.deadline,
                contingency=plan.contingency, state_label=RectificationState(plan.state).label,
                overdue=plan.is_overdue(today)),
            returned_reason=returned.get(r.key, "")))
    by_key = requirements.by_key()
    return AssessmentReport(
        enterprise=a.enterprise.name, credit_code=a.enterprise.credit_code, region=a.region.full_name,
        industry=a.publication.industry.name, standard_number=a.publication.number,
        standard_title=a.publication.title, state_label=a.state.label,
        submitted_on=a.submitted_at.date() if a.submitted_at else None,
        verified_on=a.verified_at.date() if a.verified_at else None, generated_on=today,
        score=card.score, grade_label=card.grade.label if card.grade else "",
        vetoed=tuple(by_key[k].label for k in card.vetoed), is_benchmark=a.is_benchmark,
        benchmark_pass=card.benchmark_pass, benchmark_mark=requirements.thresholds.benchmark_pass,
        answered=card.answered, total=card.total,
        chapters=tuple(ReportChapter(labels[k], t.earned, t.possible, t.score) for k, t in card.chapters.items()),
        items=tuple(items),
        rounds=tuple(ReportRound(r.number, r.submitted_at.date(), r.score, r.grade.label if r.grade else "",
                                 r.outcome.label if r.outcome else "待核查",
                                 r.decided_by.display_name if r.decided_by else "", r.reason) for r in a.rounds),
    )


def _name(a: Assessment, suffix: str) -> str:
    return f"{a.enterprise.name}-{a.publication.slug}-对标自评估{suffix}"


@bp.route("/<int:assessment_id>/report.docx")
@allowed(can_use_assessments)
def report_docx(assessment_id: int) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    return attachment_response(render_docx(build_report(a)), _name(a, "报告.docx"), DOCX)


@bp.route("/<int:assessment_id>/report.xlsx")
@allowed(can_use_assessments)
def report_xlsx(assessment_id: int) -> Response:
    a = queries.get_assessment(db(), actor(), assessment_id)
    return attachment_response(render_xlsx(build_report(a)), _name(a, "明细.xlsx"), XLSX)


