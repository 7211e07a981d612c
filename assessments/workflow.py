"""The assessment and rectification workflows as tables on the shared engine.

An enterprise submits its assessment to the bureau over it, which verifies it (核查) or
returns it with reasons, per item where it wants; each submission is a round, kept with
its score and the digest of every answer. On submission the plans of the gaps become
live rectifications; the enterprise reports each done with evidence, and the bureau
accepts it (验收销号) or reopens it. Every step keeps the dashboards' aggregates true in
the same transaction (``assessments.stats``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessments import stats
from assessments.items import requirements_of
from assessments.models import (
    Assessment,
    AssessmentRound,
    AssessmentState,
    ChapterScore,
    ItemReturn,
    Rectification,
    RectificationState,
)
from assessments.permissions import fills_in, supervises
from assessments.scorecards import answers_of, digest, rescore, scorecard
from benchmarks.models import Nomination, NominationState
from core import audit
from core.db import utcnow
from core.errors import InvalidTransition, ValidationError
from core.notifications import bureau_staff_at, enterprise_staff
from core.text import Text, clean
from core.workflow import Notice, Rule, Step, Workflow, register

S = AssessmentState
R = RectificationState
ITEM_REASON = Text("退回意见", 2000, multiline=True)
PLAN_FIELDS = {"measure": "整改措施", "responsible": "责任人", "contingency": "应急措施"}


class Action(enum.StrEnum):
    SUBMIT = "submit"
    VERIFY = "verify"
    RETURN = "return"

    @property
    def label(self) -> str:
        return {"submit": "提交核查", "verify": "核查通过", "return": "退回修改"}[self.value]


def describe(assessment: Assessment) -> str:
    return f"“{assessment.enterprise.name}”对《{assessment.publication.number}》的自评估"


# --- guards ---------------------------------------------------------------------------------


def _complete(step: Step[Assessment]) -> None:
    a = step.record
    card = scorecard(requirements_of(step.session, a.publication), answers_of(step.session, a).values())
    if card.all_not_applicable:
        raise InvalidTransition("全部评估要求均为“不适用”，没有可计分的项目，不能提交。")
    if not card.complete:
        raise InvalidTransition(f"还有 {card.total - card.answered} 项评估要求未作答（已完成 {card.progress}%），"
                                "请全部作答后再提交。")


def _every_gap_planned(step: Step[Assessment]) -> None:
    """Each gap needs its plan with the 五到位 filled in before the bureau sees it."""
    answers = answers_of(step.session, step.record)
    plans = {r.clause_key: r for r in _rectifications(step.session, step.record)}
    missing = [key for key, answer in answers.items() if answer.result in ("partial", "nonconform")
               and not _plan_complete(plans.get(key))]
    if missing:
        names = requirements_of(step.session, step.record.publication).by_key()
        labels = "、".join(sorted(names[k].label if k in names else k for k in missing)[:5])
        raise ValidationError({"rectifications": f"有 {len(missing)} 项差距尚未制定完整的整改计划"
                                                 f"（整改措施、责任人、资金、时限、应急措施）：{labels}"})


def _plan_complete(plan: Rectification | None) -> bool:
    return plan is not None and all(getattr(plan, name).strip() for name in PLAN_FIELDS) and plan.deadline is not None


def _reasons_name_items(step: Step[Assessment]) -> None:
    reasons: Mapping[str, str] = step.inputs.get("item_reasons", {})
    keys = set(answers_of(step.session, step.record))
    if set(reasons) - keys:
        raise ValidationError({"item_reasons": "退回意见指向了本评估中不存在的条款"})


# --- effects --------------------------------------------------------------------------------


def _rectifications(session: Session, assessment: Assessment) -> list[Rectification]:
    return list(session.scalars(select(Rectification).where(Rectification.assessment_id == assessment.id)))


def _submitted(step: Step[Assessment]) -> None:
    a, session = step.record, step.session
    before = stats.contribution(a, state=S(step.source))
    card = rescore(session, a)
    answers = answers_of(session, a).values()
    a.round += 1
    a.submitted_at, a.return_reason = utcnow(), None
    a.is_benchmark = _is_benchmark(session, a)
    sealed = digest(answers)
    a.rounds.append(AssessmentRound(number=a.round, submitted_by_id=step.actor.id, digest=sealed, score=a.score,
                                    grade=a.grade))
    session.execute(ChapterScore.__table__.delete().where(ChapterScore.assessment_id == a.id))
    session.add_all(ChapterScore(assessment_id=a.id, chapter_key=key, earned=t.earned, possible=t.possible,
                                 score=t.score) for key, t in card.chapters.items())
    for plan in _rectifications(session, a):
        if plan.state == R.PLANNED:
            plan.state = R.OPEN
            stats.rectification_moved(session, plan, None)
    stats.moved(session, before, a)
    audit.record(session, step.actor, "assessment.answers", a,
                 f"{describe(a)}第 {a.round} 轮提交：{a.answered} 项作答，得分 {a.score}",
                 data={"round": a.round, "digest": sealed, "score": str(a.score), "grade": a.grade,
                       "answers": a.answered})


def _is_benchmark(session: Session, assessment: Assessment) -> bool:
    return session.scalar(select(Nomination.id).where(
        Nomination.enterprise_id == assessment.enterprise_id, Nomination.state == NominationState.SELECTED,
        Nomination.industry_code == assessment.publication.industry_code).limit(1)) is not None


def _last_round(assessment: Assessment) -> AssessmentRound:
    return max(assessment.rounds, key=lambda r: r.number)


def _decided(step: Step[Assessment]) -> None:
    last = _last_round(step.record)
    last.outcome, last.decided_by_id, last.decided_at, last.reason = step.target, step.actor.id, utcnow(), step.reason


def _verified(step: Step[Assessment]) -> None:
    a, session = step.record, step.session
    before = stats.contribution(a, state=S(step.source))
    a.verified_at = utcnow()
    previous = session.scalars(select(Assessment).where(
        Assessment.enterprise_id == a.enterprise_id, Assessment.publication_id == a.publication_id,
        Assessment.current.is_(True), Assessment.id != a.id)).all()
    for old in previous:
        old_part = stats.contribution(old)
        old.current = False
        stats.moved(session, old_part, old)
    a.current = True
    stats.moved(session, before, a)
    stats.count_answers(session, a)


def _returned(step: Step[Assessment]) -> None:
    a, session = step.record, step.session
    a.return_reason = step.reason  # first: the state's CHECK needs it before anything flushes
    before = stats.contribution(a, state=S(step.source))
    reasons: Mapping[str, str] = step.inputs.get("item_reasons", {})
    last = _last_round(a)
    for key, reason in reasons.items():
        text = clean(reason, ITEM_REASON, f"item_reason_{key}")
        if text:
            last.item_reasons.append(ItemReturn(clause_key=key, reason=text))
    stats.moved(session, before, a)


# --- notices --------------------------------------------------------------------------------


def _tell_bureau(step: Step[Assessment]) -> Iterable[Notice]:
    a = step.record
    staff = bureau_staff_at(step.session, [a.county_code]) or bureau_staff_at(step.session, [a.city_code])
    again = "（修改后重新提交）" if step.source == S.RETURNED else ""
    yield Notice(staff, f"“{a.enterprise.name}”提交了《{a.publication.number}》自评估{again}，待核查",
                 f"得分 {a.score}，{a.grade.label if a.grade else ''}", task=True)


def _tell_enterprise(step: Step[Assessment]) -> Iterable[Notice]:
    a = step.record
    if step.target == S.VERIFIED:
        title = f"《{a.publication.number}》自评估已核查通过（{a.score} 分，{a.grade.label if a.grade else ''}）"
        yield Notice(enterprise_staff(step.session, a.enterprise_id), title, step.reason)
    else:
        yield Notice(enterprise_staff(step.session, a.enterprise_id),
                     f"《{a.publication.number}》自评估被退回，请按意见修改后重新提交", step.reason, task=True)


_submit = Rule(S.SUBMITTED, fills_in, guards=(_complete, _every_gap_planned), effects=(_submitted,),
               notices=(_tell_bureau,))
TRANSITIONS: dict[tuple[AssessmentState, Action], Rule] = {
    (S.DRAFT, Action.SUBMIT): _submit,
    (S.RETURNED, Action.SUBMIT): _submit,
    (S.SUBMITTED, Action.VERIFY): Rule(S.VERIFIED, supervises, effects=(_decided, _verified),
                                       notices=(_tell_enterprise,)),
    (S.SUBMITTED, Action.RETURN): Rule(S.RETURNED, supervises, reason="退回理由", guards=(_reasons_name_items,),
                                       effects=(_returned, _decided), notices=(_tell_enterprise,)),
}

ASSESSMENT_FLOW: Workflow[Assessment] = register(Assessment, Workflow(
    name="assessment", states=AssessmentState, actions=Action, table=TRANSITIONS, describe=describe))


# --- rectifications ------------------------------------------------------------------------------


class RectificationAction(enum.StrEnum):
    COMPLETE = "complete"
    ACCEPT = "accept"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return {"complete": "报告整改完成", "accept": "验收销号", "reopen": "退回重新整改"}[self.value]


def describe_rectification(r: Rectification) -> str:
    return f"“{r.assessment.enterprise.name}”{r.clause_label}的整改"


def _has_evidence(step: Step[Rectification]) -> None:
    if not step.record.evidence:
        raise ValidationError({"file": "请先上传整改完成的证明材料（照片、记录等），再报告整改完成"})


def _counters(step: Step[Rectification]) -> None:
    r, session = step.record, step.session
    counted = step.source == R.OPEN and stats.counted_overdue(session, r)
    now = utcnow()
    if step.target == R.DONE:
        r.done_at, r.done_note = now, step.reason
    elif step.target == R.ACCEPTED:
        r.accepted_at = now
    else:
        r.reopen_reason = step.reason
    stats.rectification_moved(session, r, R(step.source), was_counted_overdue=counted)
    if step.target == R.OPEN and step.record.deadline < now.date() and stats.counted_overdue(session, r):
        stats.bump_rectifications(session, r, {"overdue": 1})  # back into the overdue count it left


def _tell_rect_bureau(step: Step[Rectification]) -> Iterable[Notice]:
    r = step.record
    yield Notice(bureau_staff_at(step.session, [r.county_code]), f"{describe_rectification(r)}已完成，待验收",
                 step.reason, task=True)


def _tell_rect_enterprise(step: Step[Rectification]) -> Iterable[Notice]:
    r = step.record
    words = "已验收销号" if step.target == R.ACCEPTED else "未通过验收，请继续整改"
    yield Notice(enterprise_staff(step.session, r.assessment.enterprise_id), f"{r.clause_label}的整改{words}",
                 step.reason, task=step.target == R.OPEN)


def _fills_in_rect(actor: object, r: Rectification) -> bool:
    return fills_in(actor, r.assessment)  # type: ignore[arg-type]


def _supervises_rect(actor: object, r: Rectification) -> bool:
    return supervises(actor, r.assessment)  # type: ignore[arg-type]


RECTIFICATION_TRANSITIONS: dict[tuple[RectificationState, RectificationAction], Rule] = {
    (R.OPEN, RectificationAction.COMPLETE): Rule(R.DONE, _fills_in_rect, reason="整改完成情况",
                                                 guards=(_has_evidence,), effects=(_counters,),
                                                 notices=(_tell_rect_bureau,)),
    (R.DONE, RectificationAction.ACCEPT): Rule(R.ACCEPTED, _supervises_rect, effects=(_counters,),
                                               notices=(_tell_rect_enterprise,)),
    (R.DONE, RectificationAction.REOPEN): Rule(R.OPEN, _supervises_rect, reason="退回理由", effects=(_counters,),
                                               notices=(_tell_rect_enterprise,)),
}

RECTIFICATION_FLOW: Workflow[Rectification] = register(Rectification, Workflow(
    name="rectification", states=RectificationState, actions=RectificationAction,
    table=RECTIFICATION_TRANSITIONS, describe=describe_rectification))

audit.name_things(
    objects={"assessment": "对标自评估", "assessment_campaign": "对标评估任务", "rectification": "整改"},
    actions={
        **{f"assessment.{a.value}": a.label for a in Action},
        **{f"rectification.{a.value}": a.label for a in RectificationAction},
        "assessment.start": "发起自评估", "assessment.answers": "提交的作答（摘要）", "assessment.attach": "上传证据",
        "assessment.detach": "删除证据", "assessment_campaign.open": "下达对标评估任务",
        "rectification.plan": "制定整改计划", "rectification.attach": "上传整改材料",
        "rectification.remind": "整改提醒",
    },
)
