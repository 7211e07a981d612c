"""Starting an assessment and answering it: the enterprise's working state.

Answers autosave one at a time. A draft's answers are the enterprise's working state,
so saving one writes no audit event (the trail records the submission, with a digest of
every answer); uploading or removing evidence does. Two tabs saving the same item both
succeed — the later answer is kept — and the later one is told what it replaced, so
nobody loses work silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments import scoring, stats
from assessments.items import Requirement, requirements_of
from assessments.models import Answer, AnswerEvidence, Assessment, AssessmentCampaign, AssessmentState
from assessments.permissions import can_start, fills_in
from assessments.scorecards import answers_of, rescore
from assessments.scoring import PartialCredit, Result
from core import audit
from core.attachments import FileStore, store_attachment
from core.db import utcnow
from core.enterprises import Enterprise
from core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from core.people import User
from core.text import Text, clean
from standards.models import Publication

NA_REASON = Text("不适用理由", 500, multiline=True)
NOTE = Text("说明", 2000, multiline=True)
MAX_EVIDENCE_PER_ITEM = 20


def _place(enterprise: Enterprise) -> dict[str, str]:
    parts = enterprise.region_path.strip("/").split("/")
    return {"region_path": enterprise.region_path, "city_code": parts[1] if len(parts) > 1 else parts[0],
            "county_code": parts[2] if len(parts) > 2 else parts[-1]}


def new_assessment(session: Session, actor: User, enterprise: Enterprise, publication: Publication,
                   campaign: AssessmentCampaign | None = None) -> Assessment:
    """A draft for ``enterprise`` against ``publication``; counted on the dashboards at once."""
    assessment = Assessment(
        publication_id=publication.id, publication=publication, enterprise_id=enterprise.id, enterprise=enterprise,
        campaign_id=campaign.id if campaign else None, deadline=campaign.deadline if campaign else None,
        industry_code=publication.industry_code, total=len(requirements_of(session, publication).items),
        created_by_id=actor.id, **_place(enterprise))
    session.add(assessment)
    session.flush()
    stats.moved(session, None, assessment)
    return assessment


def in_progress(session: Session, enterprise_id: int, publication_id: int) -> Assessment | None:
    return session.scalars(select(Assessment).where(
        Assessment.enterprise_id == enterprise_id, Assessment.publication_id == publication_id,
        Assessment.state != AssessmentState.VERIFIED)).first()


def start(session: Session, actor: User, publication: Publication, *, from_previous: bool = False) -> Assessment:
    """An enterprise starts an assessment by itself against a standard of its industry; one already
    in progress for that standard is simply handed back (the page opens it)."""
    if not can_start(actor) or actor.enterprise is None:
        raise PermissionDenied("只有企业安全管理人员可以为本企业发起自评估。")
    enterprise = actor.enterprise
    open_one = in_progress(session, enterprise.id, publication.id)
    if open_one is not None:
        return open_one
    if publication.industry_code != enterprise.industry_code:
        raise ValidationError(
            {"publication": f"《{publication.number}》不是本企业所属行业（{enterprise.industry.name}）的标准"})
    assessment = new_assessment(session, actor, enterprise, publication)
    copied = copy_previous(session, assessment) if from_previous else 0
    kept = f"，沿用上次作答 {copied} 项" if copied else ""
    audit.record(session, actor, "assessment.start", assessment,
                 f"“{enterprise.name}”发起对《{publication.number}》的自评估{kept}")
    return assessment


def previous_of(session: Session, assessment: Assessment) -> Assessment | None:
    """The enterprise's latest earlier assessment of the same standard (any of its editions)."""
    project_id = assessment.publication.project_id
    return session.scalars(select(Assessment).join(Publication, Publication.id == Assessment.publication_id).where(
        Assessment.enterprise_id == assessment.enterprise_id, Publication.project_id == project_id,
        Assessment.id != assessment.id, Assessment.state != AssessmentState.DRAFT,
    ).order_by(Assessment.submitted_at.desc(), Assessment.id.desc()).limit(1)).first()


def copy_previous(session: Session, assessment: Assessment) -> int:
    """Copy answers, notes and evidence links of the previous assessment, where they still fit.

    Clause keys are stable across editions, so a requirement kept in the new edition keeps
    its answer; an N/A on an item that may no longer be waived is left for the user.
    """
    previous = previous_of(session, assessment)
    if previous is None:
        return 0
    requirements = requirements_of(session, assessment.publication).by_key()
    copied = 0
    for old in answers_of(session, previous).values():
        requirement = requirements.get(old.clause_key)
        result = Result(old.result)
        if requirement is None or (result == Result.NOT_APPLICABLE and not requirement.waivable):
            continue
        answer = Answer(assessment_id=assessment.id, clause_key=old.clause_key, result=result, entered=old.entered,
                        na_reason=old.na_reason, note=old.note, saved_by_id=old.saved_by_id,
                        earned=_credit(requirement, result, old.entered, assessment))
        answer.evidence = [AnswerEvidence(attachment_id=e.attachment_id) for e in old.evidence]
        session.add(answer)
        copied += 1
    assessment.based_on_id = previous.id
    session.flush()
    rescore(session, assessment)
    return copied


def _credit(requirement: Requirement, result: Result, entered: Decimal | None, assessment: Assessment) -> Decimal:
    partial = PartialCredit(assessment.publication.partial_credit)
    return scoring.credit(requirement.item, scoring.Answer(result, entered), partial)


# --- autosave -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Replaced:
    """What a save overwrote that its author had not seen (another tab's answer)."""

    result: str
    note: str
    saved_at: dt.datetime
    saved_by: str


@dataclass(frozen=True)
class Saved:
    answer: Answer | None  # None: the answer was cleared
    replaced: Replaced | None
    card: scoring.Scorecard


def _editable(actor: User, assessment: Assessment) -> None:
    if not fills_in(actor, assessment):
        raise PermissionDenied("只有本企业的安全管理人员可以填写自评估。")
    if not assessment.is_editable:
        raise InvalidTransition(f"自评估当前状态为“{AssessmentState(assessment.state).label}”，不能修改作答。")


def requirement(session: Session, assessment: Assessment, key: str) -> Requirement:
    found = requirements_of(session, assessment.publication).by_key().get(key)
    if found is None:
        raise NotFound("该评估要求不属于本自评估所依据的标准。")
    return found


def parse_entered(raw: str | None, points: Decimal) -> Decimal | None:
    if raw is None or not str(raw).strip():
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or value < 0 or value > points or value != value.quantize(Decimal("0.1")):
        raise ValidationError({"earned": f"部分符合的得分应在 0 至 {points} 之间，最多一位小数"})
    return value


def save_answer(session: Session, actor: User, assessment: Assessment, key: str, *, result: str, earned: str = "",
                na_reason: str = "", note: str = "", seen_revision: int = 0) -> Saved:
    """Save one answer (``result`` "" clears it); ``seen_revision`` is the revision the page showed."""
    _editable(actor, assessment)
    item = requirement(session, assessment, key)
    answer = session.scalars(select(Answer).where(Answer.assessment_id == assessment.id, Answer.clause_key == key)
                             ).one_or_none()
    replaced = None
    if answer is not None and answer.revision != seen_revision:
        who = session.get(User, answer.saved_by_id) if answer.saved_by_id else None
        replaced = Replaced(Result(answer.result).label, answer.note, answer.saved_at,
                            who.display_name if who else "")
    if not result:
        if answer is not None:
            if answer.evidence:
                raise ValidationError({"result": "该项已上传证据，请先删除证据再清空作答"})
            session.delete(answer)
            session.flush()
        return Saved(None, replaced, _rescored(session, assessment))
    values = _checked(item, assessment, result, earned, na_reason, note)
    if answer is None:
        answer = Answer(assessment_id=assessment.id, clause_key=key, revision=0)
        session.add(answer)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.revision += 1
    answer.saved_by_id, answer.saved_at = actor.id, utcnow()
    session.flush()
    return Saved(answer, replaced, _rescored(session, assessment))


def _rescored(session: Session, assessment: Assessment) -> scoring.Scorecard:
    """Rescore and write it now, so the reply can tell the page the assessment's new version."""
    card = rescore(session, assessment)
    session.flush()
    return card


def _checked(item: Requirement, assessment: Assessment, result: str, earned: str, na_reason: str,
             note: str) -> dict[str, object]:
    if result not in Result.__members__.values():
        raise ValidationError({"result": "请选择评估结果：符合、部分符合、不符合或不适用"})
    chosen = Result(result)
    errors: dict[str, str] = {}
    reason = ""
    try:
        reason = clean(na_reason, NA_REASON, "na_reason")
        text = clean(note, NOTE, "note")
    except ValidationError as exc:
        errors.update(exc.errors)
        text = ""
    if chosen == Result.NOT_APPLICABLE:
        if item.veto:
            errors["result"] = f"{item.label}是否决项，不能作为缺项（不适用）"
        elif not item.waivable:
            errors["result"] = f"标准规定{item.label}不能作为缺项（不适用），请按实际情况评估"
        elif not reason and "na_reason" not in errors:
            errors["na_reason"] = "选择“不适用”时请填写理由"
    entered = None
    if chosen == Result.PARTIAL and assessment.publication.partial_credit == PartialCredit.ENTERED:
        try:
            entered = parse_entered(earned, item.points)
        except ValidationError as exc:
            errors.update(exc.errors)
        if entered is None and "earned" not in errors:
            errors["earned"] = f"请填写部分符合的得分（0 至 {item.points}）"
    if errors:
        raise ValidationError(errors)
    return {"result": chosen, "entered": entered, "earned": _credit(item, chosen, entered, assessment),
            "na_reason": reason if chosen == Result.NOT_APPLICABLE else "", "note": text}


# --- evidence -----------------------------------------------------------------------------------


def attach(session: Session, actor: User, store: FileStore, assessment: Assessment, key: str, filename: str,
           data: bytes) -> AnswerEvidence:
    _editable(actor, assessment)
    item = requirement(session, assessment, key)
    answer = session.scalars(select(Answer).where(Answer.assessment_id == assessment.id, Answer.clause_key == key)
                             ).one_or_none()
    if answer is None:
        raise ValidationError({"file": "请先选择该项的评估结果，再上传证据"})
    if len(answer.evidence) >= MAX_EVIDENCE_PER_ITEM:
        raise ValidationError({"file": f"每项最多上传 {MAX_EVIDENCE_PER_ITEM} 份证据"})
    attachment = store_attachment(session, actor, store, filename, data)
    link = AnswerEvidence(attachment_id=attachment.id, attachment=attachment)
    answer.evidence.append(link)
    session.flush()
    audit.record(session, actor, "assessment.attach", assessment, f"{item.label}上传证据“{attachment.filename}”")
    return link


def detach(session: Session, actor: User, assessment: Assessment, link_id: int) -> None:
    _editable(actor, assessment)
    link = session.scalars(select(AnswerEvidence).join(Answer).where(
        AnswerEvidence.id == link_id, Answer.assessment_id == assessment.id)).one_or_none()
    if link is None:
        raise NotFound()
    name = link.attachment.filename
    session.delete(link)
    session.flush()
    audit.record(session, actor, "assessment.detach", assessment, f"删除证据“{name}”")


def evidence_link(session: Session, assessment: Assessment, link_id: int) -> AnswerEvidence:
    link = session.scalars(select(AnswerEvidence).join(Answer).where(
        AnswerEvidence.id == link_id, Answer.assessment_id == assessment.id)).one_or_none()
    if link is None:
        raise NotFound()
    return link
