"""A standard project's stages as one table on the shared engine (``core.workflow``).

草案 → 征求意见稿 → 送审稿 → 报批稿 → 已批准 → 已发布, after GB/T 16733 and the rules of
cn-standards.md §3:

- the editors open the consultation: the working draft is frozen as the 征求意见稿 and a
  consultation round opens (deadline, default 30 days, and the people asked);
- once every comment is disposed and the round closed, they submit for review: the draft
  is frozen as the 送审稿 and the review meeting opens for the expert panel;
- when every panel expert has voted, the meeting concludes — it passes with at least
  three quarters of the votes cast in favour (同意 + 修改后同意) and the 报批稿 is frozen;
  a first failure sends the text back to drafting (then straight back to review once
  revised), a second failure ends the project;
- the standards committee approves the 报批稿 or returns it with reasons (the editors then
  revise and resubmit it), and publishes the approved one (``standards.approval``).

Which conclusion applies is data too: ``conclude`` picks the one row whose guards hold.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import china_today, cn_date, utcnow
from core.errors import InvalidTransition, ValidationError
from core.people import User
from core.text import Text, bounded_date, clean
from core.workflow import Effect, Notice, Rule, Step, Workflow, register, transition
from standards import approval
from standards.approval import ask_committee
from standards.models import (
    MemberRole,
    ProjectMember,
    ReviewRound,
    RoundKind,
    RoundOutcome,
    RoundState,
    Stage,
    StandardProject,
    Vote,
)
from standards.permissions import is_editor
from standards.versions import freeze

CONSULTATION_DAYS = 30
MEETING_PLACE = Text("审查会地点", 200)  # typed on the project page: the text rules apply


class StageAction(enum.StrEnum):
    OPEN_CONSULTATION = "open_consultation"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    PASS = "pass"
    FAIL = "fail"
    TERMINATE = "terminate"
    APPROVE = "approve"
    RETURN = "return"
    RESUBMIT = "resubmit"
    PUBLISH = "publish"

    @property
    def label(self) -> str:
        return {"open_consultation": "发布征求意见稿", "submit_for_review": "提交送审稿",
                "pass": "审查通过，形成报批稿", "fail": "审查未通过，退回修改",
                "terminate": "审查再次未通过，终止项目", "approve": "批准报批稿", "return": "退回报批稿",
                "resubmit": "修改后重新报批", "publish": "发布标准"}[self.value]


# --- the ¾ rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The votes of a review meeting against its panel."""

    panel: int
    cast: int
    in_favour: int
    missing: tuple[int, ...]  # ids of panel experts who have not voted

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def passed(self) -> bool:
        """At least three quarters of the votes cast in favour (exact, no rounding)."""
        return self.cast > 0 and 4 * self.in_favour >= 3 * self.cast

    @property
    def text(self) -> str:
        return f"应到 {self.panel} 人，实投 {self.cast} 票，赞成（同意及修改后同意）{self.in_favour} 票"


def tally(votes: Sequence[Vote], panel: Iterable[int]) -> Tally:
    panel_ids = set(panel)
    counted = [v for v in votes if v.expert_id in panel_ids]
    voted = {v.expert_id for v in counted}
    return Tally(len(panel_ids), len(counted), sum(1 for v in counted if v.choice.in_favour),
                 tuple(sorted(panel_ids - voted)))


# --- rounds ---------------------------------------------------------------------------------


def open_round(session: Session, project: StandardProject, kind: RoundKind) -> ReviewRound | None:
    return session.scalars(select(ReviewRound).where(
        ReviewRound.project_id == project.id, ReviewRound.kind == kind, ReviewRound.state == RoundState.OPEN)
        .order_by(ReviewRound.id.desc()).limit(1)).first()


def current_meeting(session: Session, project: StandardProject) -> ReviewRound:
    meeting = open_round(session, project, RoundKind.MEETING)
    if meeting is None:
        raise InvalidTransition(f"《{project.title}》没有进行中的审查会。")
    return meeting


def _panel(project: StandardProject) -> set[int]:
    return project.member_ids(MemberRole.EXPERT)


# --- guards ---------------------------------------------------------------------------------


def _has_panel(step: Step[StandardProject]) -> None:
    if not _panel(step.record):
        raise InvalidTransition("请先为项目指定评审专家组。")


def _consultation_done(step: Step[StandardProject]) -> None:
    session, project = step.session, step.record
    if open_round(session, project, RoundKind.CONSULTATION) is not None:
        raise InvalidTransition("征求意见尚未结束：请先处理全部意见并结束本轮征求意见。")


def _revised_after_failure(step: Step[StandardProject]) -> None:
    if step.record.failed_reviews < 1:
        raise InvalidTransition("草案须先发布征求意见稿，征求意见结束后再提交送审。")


def _votes_complete(step: Step[StandardProject]) -> Tally:
    meeting = current_meeting(step.session, step.record)
    counted = tally(meeting.votes, _panel(step.record))
    if not counted.complete:
        raise InvalidTransition(f"尚有 {len(counted.missing)} 位评审专家未投票，不能作出审查结论。")
    return counted


def _passes(step: Step[StandardProject]) -> None:
    if not _votes_complete(step).passed:
        raise InvalidTransition("赞成票未达到实投票数的四分之三，审查未通过。")


def _fails(step: Step[StandardProject]) -> None:
    if _votes_complete(step).passed:
        raise InvalidTransition("赞成票已达到实投票数的四分之三，审查应为通过。")


def _first_failure(step: Step[StandardProject]) -> None:
    if step.record.failed_reviews >= 1:
        raise InvalidTransition("这是第二次审查未通过，项目应终止。")


def _second_failure(step: Step[StandardProject]) -> None:
    if step.record.failed_reviews < 1:
        raise InvalidTransition("首次审查未通过应退回修改，而不是终止。")


# --- effects --------------------------------------------------------------------------------


def _deadline(step: Step[StandardProject]) -> dt.date:
    """The consultation's deadline: as given (after today), or 30 days from today."""
    raw = step.inputs.get("deadline")
    if raw is None:
        return china_today() + dt.timedelta(days=CONSULTATION_DAYS)
    deadline = bounded_date(raw) if isinstance(raw, dt.date) else None
    if deadline is None or deadline <= china_today():
        raise ValidationError({"deadline": "征求意见截止日期应晚于今天"})
    return deadline


def _open_consultation(step: Step[StandardProject]) -> None:
    project, session = step.record, step.session
    deadline = _deadline(step)
    invited = list(session.scalars(select(User).where(User.id.in_(list(step.inputs.get("commenter_ids", []))[:100]),
                                                      User.is_active.is_(True))))
    version = freeze(session, step.actor, project, Stage.CONSULTATION)
    panel = session.scalars(select(User).where(User.id.in_(_panel(project)))).all()
    members = {(m.user_id, m.role) for m in project.members}
    project.members.extend(  # an invited commenter sees the project (its text and their own comments)
        ProjectMember(user_id=u.id, role=MemberRole.COMMENTER) for u in invited
        if (u.id, MemberRole.COMMENTER) not in members)
    consultation = ReviewRound(project=project, version=version, kind=RoundKind.CONSULTATION, deadline=deadline,
                               opened_by_id=step.actor.id, participants=list({u.id: u for u in [*panel, *invited]}
                                                                            .values()))
    session.add(consultation)
    session.flush()
    audit.record(session, step.actor, "review.open", consultation,
                 f"《{project.title}》开始征求意见，截止 {cn_date(deadline)}",
                 data={"round": consultation.id, "deadline": deadline.isoformat(),
                       "participants": [u.id for u in consultation.participants]})


def _open_meeting(step: Step[StandardProject]) -> None:
    project, session = step.record, step.session
    version = freeze(session, step.actor, project, Stage.REVIEW)
    panel = session.scalars(select(User).where(User.id.in_(_panel(project)))).all()
    place = clean(str(step.inputs.get("meeting_place") or ""), MEETING_PLACE, "meeting_place")
    meeting = ReviewRound(project=project, version=version, kind=RoundKind.MEETING, opened_by_id=step.actor.id,
                          meeting_place=place, participants=list(panel))
    session.add(meeting)
    session.flush()
    audit.record(session, step.actor, "review.open", meeting, f"《{project.title}》送审稿提交审查会",
                 data={"round": meeting.id, "panel": [u.id for u in panel]})


def _conclude(outcome: RoundOutcome) -> Effect:
    def effect(step: Step[StandardProject]) -> None:
        meeting = current_meeting(step.session, step.record)
        counted = tally(meeting.votes, _panel(step.record))
        meeting.state, meeting.outcome, meeting.closed_at = RoundState.CLOSED, outcome, utcnow()
        meeting.conclusion = step.reason or meeting.conclusion
        if outcome == RoundOutcome.FAILED:
            step.record.failed_reviews += 1
        else:
            freeze(step.session, step.actor, step.record, Stage.APPROVAL)
        audit.record(step.session, step.actor, "review.conclude", meeting,
                     f"《{step.record.title}》审查会结论：{outcome.label}（{counted.text}）",
                     reason=step.reason or None, data={"cast": counted.cast, "in_favour": counted.in_favour})

    return effect


# --- notices --------------------------------------------------------------------------------


def _people(step: Step[StandardProject], *roles: MemberRole) -> list[User]:
    ids = set().union(*(step.record.member_ids(r) for r in roles))
    return list(step.session.scalars(select(User).where(User.id.in_(ids))))


def _ask_for_comments(step: Step[StandardProject]) -> Iterable[Notice]:
    consultation = open_round(step.session, step.record, RoundKind.CONSULTATION)
    assert consultation is not None
    yield Notice(consultation.participants, f"请对《{step.record.title}》征求意见稿提出意见",
                 f"截止日期：{cn_date(consultation.deadline)}" if consultation.deadline else "", task=True)


def _ask_for_votes(step: Step[StandardProject]) -> Iterable[Notice]:
    yield Notice(_people(step, MemberRole.EXPERT), f"《{step.record.title}》送审稿待审查，请投票", task=True)


def _tell_outcome(step: Step[StandardProject]) -> Iterable[Notice]:
    target = Stage(step.target)
    title = {Stage.APPROVAL: f"《{step.record.title}》审查通过，已形成报批稿",
             Stage.DRAFTING: f"《{step.record.title}》审查未通过，请修改后重新送审",
             Stage.TERMINATED: f"《{step.record.title}》再次审查未通过，项目已终止"}[target]
    yield Notice(_people(step, MemberRole.EDITOR), title, step.reason, task=target == Stage.DRAFTING)
    yield Notice(_people(step, MemberRole.EXPERT), title, step.reason)


# --- the table --------------------------------------------------------------------------------


def _editor(actor: User, project: StandardProject) -> bool:
    return is_editor(actor, project)


A = StageAction
_submit = {"may": _editor, "effects": (_open_meeting,), "notices": (_ask_for_votes,)}
TRANSITIONS: dict[tuple[Stage, StageAction], Rule] = {
    (Stage.DRAFTING, A.OPEN_CONSULTATION): Rule(
        Stage.CONSULTATION, _editor, guards=(_has_panel,), effects=(_open_consultation,),
        notices=(_ask_for_comments,)),
    (Stage.CONSULTATION, A.SUBMIT_FOR_REVIEW): Rule(Stage.REVIEW, guards=(_has_panel, _consultation_done), **_submit),
    (Stage.DRAFTING, A.SUBMIT_FOR_REVIEW): Rule(Stage.REVIEW, guards=(_has_panel, _revised_after_failure), **_submit),
    (Stage.REVIEW, A.PASS): Rule(Stage.APPROVAL, _editor, reason="审查结论", guards=(_passes,),
                                 effects=(_conclude(RoundOutcome.PASSED),), notices=(_tell_outcome, ask_committee)),
    (Stage.REVIEW, A.FAIL): Rule(Stage.DRAFTING, _editor, reason="审查结论", guards=(_fails, _first_failure),
                                 effects=(_conclude(RoundOutcome.FAILED),), notices=(_tell_outcome,)),
    (Stage.REVIEW, A.TERMINATE): Rule(Stage.TERMINATED, _editor, reason="审查结论",
                                      guards=(_fails, _second_failure),
                                      effects=(_conclude(RoundOutcome.FAILED),), notices=(_tell_outcome,)),
    **approval.stage_rows(StageAction, _editor),
}

PROJECT_FLOW: Workflow[StandardProject] = register(StandardProject, Workflow(
    name="standard", states=Stage, actions=StageAction, table=TRANSITIONS,
    describe=lambda p: f"《{p.title}》",
))


def conclude(session: Session, actor: User, project: StandardProject, expected_version: int,
             conclusion: str) -> StandardProject:
    """End the review meeting with the conclusion the votes give (pass, fail, or terminate)."""
    meeting = current_meeting(session, project)
    counted = tally(meeting.votes, _panel(project))
    action = A.PASS if counted.passed else (A.FAIL if project.failed_reviews < 1 else A.TERMINATE)
    return transition(session, actor, project, action, expected_version, reason=conclusion)


audit.name_things(
    objects={"standard_project": "标准项目", "standard_version": "标准版本", "clause": "条款",
             "review_round": "评审轮次", "comment": "意见", "vote": "投票"},
    actions={
        **{f"standard.{a.value}": a.label for a in StageAction},
        "standard.raise": "标准立项", "standard.update": "修改标准项目", "standard.freeze": "形成阶段文本",
        "review.open": "开始评审", "review.conclude": "作出审查结论",
    },
)
