"""Consultation and review meeting: comments and their dispositions, the panel's votes.

A consultation round (征求意见) is opened by the stage table (``standards.workflow``) on a
frozen 征求意见稿. While it is open, and up to its deadline, its participants — the expert
panel and any invited commenters — comment on a clause (by its stable key; the 章条编号 it
had is kept with the comment) or on the text as a whole. The editors dispose of every
comment (采纳 / 部分采纳 / 不采纳, a reason for the last two — "对所提意见不采纳时，应说明理由"),
and may change a disposition until they close the round, which they cannot do while a
comment is undisposed; the project cannot go to review before the round is closed.

At the review meeting (审查会) on the frozen 送审稿 each panel expert votes once — 同意 /
修改后同意 / 不同意, with an opinion for the last two — and may change the vote until the
editors conclude the meeting by the ¾ rule (``standards.workflow.conclude``).

Every service checks who may act and in which state, writes one audit event under the
project, and tells the people concerned (a comment asks the editors to dispose of it: a
task, done when it is disposed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core import audit
from core.db import china_today, cn_date, utcnow
from core.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from core.notifications import complete_tasks, notify
from core.people import User
from core.scope import one_or_404
from core.text import Text, clean, clean_all
from standards.models import (
    ClauseKind,
    Comment,
    CommentKind,
    Disposition,
    MemberRole,
    ProjectMember,
    ReviewRound,
    RoundKind,
    RoundState,
    Stage,
    StandardProject,
    StandardVersion,
    Vote,
    VoteChoice,
    round_participants,
)
from standards.numbering import Numbered, number_tree
from standards.permissions import is_editor, is_panel_expert, is_participant
from standards.queries import visible_projects
from standards.versions import clauses_of
from standards.workflow import StageAction, Tally, conclude, tally

COMMENT_TEXT = {
    "text": Text("意见内容", 2000, required=True, multiline=True),
    "proposed_text": Text("建议修改为", 2000, multiline=True),
}
REASON_TEXT = Text("处理说明", 1000, multiline=True)
OPINION_TEXT = Text("审查意见", 2000, multiline=True)
CONCLUSION_TEXT = Text("审查结论", 2000, required=True, multiline=True)
WHOLE_TEXT = "全文"
# Clauses that carry a 章条编号 of their own; the others (段, 列项, 注, 示例) are cited under one.
STRUCTURAL = frozenset({ClauseKind.CHAPTER, ClauseKind.ANNEX, ClauseKind.CLAUSE, ClauseKind.TERM, ClauseKind.TABLE})


@dataclass(frozen=True)
class CommentInput:
    """What a reviewer writes: on one clause (its key) or, without a key, on the whole text."""

    kind: str
    text: str
    proposed_text: str = ""
    clause_key: str | None = None


@dataclass(frozen=True)
class CommentCounts:
    """The head of the 意见汇总处理表: how many comments, and what became of them."""

    received: int
    accepted: int
    partly: int
    rejected: int
    undisposed: int

    @property
    def text(self) -> str:
        return (f"共收到意见 {self.received} 条，其中采纳 {self.accepted} 条，部分采纳 {self.partly} 条，"
                f"不采纳 {self.rejected} 条" + (f"，尚未处理 {self.undisposed} 条" if self.undisposed else ""))


def count_comments(comments: Iterable[Comment]) -> CommentCounts:
    listed = list(comments)
    by = {d: sum(1 for c in listed if c.disposition == d) for d in Disposition}
    return CommentCounts(len(listed), by[Disposition.ACCEPTED], by[Disposition.PARTLY], by[Disposition.REJECTED],
                         sum(1 for c in listed if c.disposition is None))


# --- reading ------------------------------------------------------------------------------


def get_round(session: Session, actor: User, round_id: int) -> ReviewRound:
    """A round of a project the actor may see, or ``NotFound`` (an expert outside the panel too)."""
    return one_or_404(session, select(ReviewRound).join(StandardProject, ReviewRound.project_id == StandardProject.id)
                      .where(ReviewRound.id == round_id, visible_projects(actor)))


def get_comment(session: Session, actor: User, comment_id: int) -> Comment:
    return one_or_404(session, select(Comment).join(ReviewRound).join(
        StandardProject, ReviewRound.project_id == StandardProject.id)
        .where(Comment.id == comment_id, visible_projects(actor)))


def rounds_of(session: Session, project: StandardProject) -> list[ReviewRound]:
    """A project's rounds, oldest first: each consultation and each review meeting."""
    return list(session.scalars(select(ReviewRound).where(ReviewRound.project_id == project.id)
                                .order_by(ReviewRound.opened_at, ReviewRound.id)))


def reviewed_text(session: Session, version: StandardVersion) -> list[Numbered]:
    """The frozen text of a round in reading order, each clause with its number."""
    return number_tree(clauses_of(session, version))


def clause_labels(numbered: Sequence[Numbered]) -> dict[int, str]:
    """The 章条编号 by which a comment cites each clause: its own number ("4.2", "表A.1"),
    or, for a paragraph, list item, note or example, the clause it sits in ("4.2 a) 1)", "4.2 注1")."""
    by_id = {n.clause.id: n for n in numbered}
    labels: dict[int, str] = {}
    for n in numbered:
        parts: list[str] = []
        for clause_id in reversed(n.path):
            found = by_id[clause_id]
            if found.number:
                parts.insert(0, found.number.rstrip("："))
            if found.clause.kind in STRUCTURAL:
                break
        labels[n.clause.id] = " ".join(parts)[:30]
    return labels


def comments_in_order(session: Session, review: ReviewRound) -> list[Comment]:
    """The round's comments as the table lists them: the whole text first, then clause by clause
    in reading order, each clause's comments in the order they came."""
    clauses = clauses_of(session, review.version)
    key_of = {c.id: c.key for c in clauses}
    order = {key_of[n.clause.id]: i for i, n in enumerate(number_tree(clauses))}
    return sorted(review.comments, key=lambda c: (order.get(c.clause_key, -1) if c.clause_key else -1, c.id))


def round_tally(review: ReviewRound) -> Tally:
    """The meeting's votes against the project's panel (as the conclusion will count them)."""
    return tally(review.votes, review.project.member_ids(MemberRole.EXPERT))


def pending_conclusion(review: ReviewRound) -> StageAction:
    """Which conclusion the votes give now: pass, a first failure, or the second (termination)."""
    if round_tally(review).passed:
        return StageAction.PASS
    return StageAction.FAIL if review.project.failed_reviews < 1 else StageAction.TERMINATE


def vote_of(review: ReviewRound, expert: User) -> Vote | None:
    return next((v for v in review.votes if v.expert_id == expert.id), None)


# --- consultation ---------------------------------------------------------------------------


def _where(comment: Comment) -> str:
    return comment.clause_number if comment.clause_key else WHOLE_TEXT


def _editors(session: Session, project: StandardProject) -> list[User]:
    return list(session.scalars(select(User).where(User.id.in_(project.member_ids(MemberRole.EDITOR)))))


def _open_consultation(review: ReviewRound) -> None:
    if review.kind != RoundKind.CONSULTATION:
        raise InvalidTransition("审查会不接收书面意见，请在审查会页面投票并填写审查意见。")
    if review.state != RoundState.OPEN:
        raise InvalidTransition(f"《{review.project.title}》本轮征求意见已结束。")


def add_comment(session: Session, actor: User, review: ReviewRound, data: CommentInput) -> Comment:
    """A participant's comment on a clause of the frozen text, or on the text as a whole."""
    if review.kind == RoundKind.CONSULTATION and not is_participant(actor, review):
        raise PermissionDenied("只有本轮征求意见的评审专家和特邀意见人可以提出意见。")
    _open_consultation(review)
    if review.deadline is not None and china_today() > review.deadline:
        raise InvalidTransition(f"本轮征求意见已于{cn_date(review.deadline)}截止，不再接收意见。")
    values, errors = clean_all({"text": data.text, "proposed_text": data.proposed_text}, COMMENT_TEXT)
    if data.kind not in CommentKind.__members__.values():
        errors["kind"] = "请选择意见类型：技术、编辑或一般"
    number = ""
    if data.clause_key:
        clauses = clauses_of(session, review.version)
        clause = next((c for c in clauses if c.key == data.clause_key), None)
        if clause is None:
            errors["clause_key"] = "所评条款不在本轮征求意见稿中"
        else:
            number = clause_labels(number_tree(clauses))[clause.id] or clause.title[:30]
    if errors:
        raise ValidationError(errors)
    comment = Comment(round=review, clause_key=data.clause_key or None, clause_number=number,
                      kind=CommentKind(data.kind), text=values["text"], proposed_text=values["proposed_text"],
                      author_id=actor.id, author_unit=actor.affiliation[:200])
    session.add(comment)
    session.flush()
    project = review.project
    audit.record(session, actor, "review.comment", comment,
                 f"对《{project.title}》征求意见稿（{_where(comment)}）提出{comment.kind.label}意见",
                 data={"round": review.id, "clause": comment.clause_key, "number": number,
                       "kind": comment.kind.value})
    notify(session, [u for u in _editors(session, project) if u.id != actor.id],
           f"《{project.title}》收到新意见（{_where(comment)}），请处理", comment.text[:200], about=comment, task=True)
    return comment


def dispose_comment(session: Session, actor: User, comment: Comment, disposition: str, reason: str,
                    expected_version: int) -> Comment:
    """An editor's disposition of one comment; a reason is required unless it is accepted.
    It may be changed while the round is open (the version the editor saw is checked)."""
    review = comment.round
    if not is_editor(actor, review.project):
        raise PermissionDenied("只有本项目的编写人员可以处理意见。")
    if review.state != RoundState.OPEN:
        raise InvalidTransition("本轮征求意见已结束，意见的处理结果不能再修改。")
    if comment.lock_version != expected_version:
        now = comment.disposition.label if comment.disposition else "未处理"
        raise StaleEdit(f"该意见已被他人处理（当前：{now}）。")
    if disposition not in Disposition.__members__.values():
        raise ValidationError({"disposition": "请选择处理意见：采纳、部分采纳或不采纳"})
    chosen, why = Disposition(disposition), clean(reason, REASON_TEXT, "reason")
    if chosen != Disposition.ACCEPTED and not why:
        raise ValidationError({"reason": f"意见{chosen.label}时须说明理由"})
    if (comment.disposition, comment.disposition_reason) == (chosen, why):
        return comment
    before = comment.disposition
    comment.disposition, comment.disposition_reason = chosen, why
    comment.disposed_by_id, comment.disposed_at = actor.id, utcnow()
    session.flush()
    change = f"（原为{before.label}）" if before is not None and before != chosen else ""
    audit.record(session, actor, "review.dispose", comment,
                 f"处理《{review.project.title}》的意见（{_where(comment)}，{comment.author.display_name}）："
                 f"{chosen.label}{change}", reason=why or None,
                 data={"from": before.value if before else None, "to": chosen.value})
    complete_tasks(session, comment)
    return comment


def close_consultation(session: Session, actor: User, review: ReviewRound, expected_version: int) -> ReviewRound:
    """End the consultation: only once every comment is disposed. The participants are told."""
    project = review.project
    if not is_editor(actor, project):
        raise PermissionDenied("只有本项目的编写人员可以结束征求意见。")
    _open_consultation(review)
    if review.lock_version != expected_version:
        raise StaleEdit("本轮征求意见已被他人处理，请查看最新情况后再办理。")
    counts = count_comments(review.comments)
    if counts.undisposed:
        raise InvalidTransition(f"尚有 {counts.undisposed} 条意见未处理，不能结束本轮征求意见。")
    review.state, review.closed_at = RoundState.CLOSED, utcnow()
    session.flush()
    audit.record(session, actor, "review.close", review, f"《{project.title}》征求意见结束：{counts.text}",
                 data={"received": counts.received, "accepted": counts.accepted, "partly": counts.partly,
                       "rejected": counts.rejected})
    participants = [p for p in review.participants if p.id != actor.id]
    complete_tasks(session, project, users=review.participants)  # the requests to comment are answered
    notify(session, participants, f"《{project.title}》征求意见已结束", counts.text + "。感谢您的意见。", about=review)
    return review


# --- review meeting -------------------------------------------------------------------------


def cast_vote(session: Session, actor: User, meeting: ReviewRound, choice: str, opinion: str) -> Vote:
    """A panel expert's vote (同意 / 修改后同意 / 不同意), cast once and changeable until the conclusion."""
    project = meeting.project
    if meeting.kind != RoundKind.MEETING:
        raise InvalidTransition("征求意见阶段不投票，请对条款提出意见。")
    if not is_panel_expert(actor, project):
        raise PermissionDenied("只有本项目评审专家组的专家可以投票。")
    if meeting.state != RoundState.OPEN or project.stage != Stage.REVIEW:
        raise InvalidTransition("审查会已作出结论，不能再投票或修改投票。")
    errors: dict[str, str] = {}
    if choice not in VoteChoice.__members__.values():
        errors["choice"] = "请选择表决意见：同意、修改后同意或不同意"
    text = clean(opinion, OPINION_TEXT, "opinion")
    if not errors and VoteChoice(choice) != VoteChoice.AGREE and not text:
        errors["opinion"] = f"表决“{VoteChoice(choice).label}”时须填写审查意见"
    if errors:
        raise ValidationError(errors)
    chosen, vote = VoteChoice(choice), vote_of(meeting, actor)
    if vote is not None and (vote.choice, vote.opinion) == (chosen, text):
        return vote
    before = vote.choice if vote is not None else None
    if vote is None:
        vote = Vote(expert_id=actor.id, choice=chosen, opinion=text)
        meeting.votes.append(vote)
    else:
        vote.choice, vote.opinion, vote.cast_at = chosen, text, utcnow()
    session.flush()
    summary = (f"在《{project.title}》审查会上表决：{chosen.label}" if before is None else
               f"修改《{project.title}》审查会表决：{before.label} → {chosen.label}")
    audit.record(session, actor, "review.vote" if before is None else "review.change_vote", vote, summary,
                 reason=text or None, data={"round": meeting.id, "from": before.value if before else None,
                                            "to": chosen.value})
    complete_tasks(session, project, users=[actor])  # their request to vote is answered
    return vote


def conclude_meeting(session: Session, actor: User, meeting: ReviewRound, expected_version: int,
                     conclusion: str) -> StandardProject:
    """The editors' 审查结论: the stage table picks pass, return or termination from the votes."""
    project = meeting.project
    if meeting.kind != RoundKind.MEETING or meeting.state != RoundState.OPEN:
        raise InvalidTransition(f"《{project.title}》这次审查会已作出结论。")
    return conclude(session, actor, project, expected_version, clean(conclusion, CONCLUSION_TEXT, "conclusion"))


# --- work queues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewWork:
    """What the 工作台 lists: rounds asking the user to comment (with the comments they made),
    meetings waiting for their vote, and — for editors — comments waiting for a disposition
    and meetings whose votes are all in."""

    to_comment: list[tuple[ReviewRound, int]]
    to_vote: list[ReviewRound]
    to_dispose: list[tuple[ReviewRound, int]]
    to_conclude: list[ReviewRound]

    def __bool__(self) -> bool:
        return bool(self.to_comment or self.to_vote or self.to_dispose or self.to_conclude)


def _member_of(user: User, role: MemberRole) -> Select[tuple[int]]:
    return select(ProjectMember.project_id).where(ProjectMember.user_id == user.id, ProjectMember.role == role)


def pending_review_work(session: Session, user: User) -> ReviewWork:
    open_rounds = select(ReviewRound).join(StandardProject, ReviewRound.project_id == StandardProject.id).where(
        ReviewRound.state == RoundState.OPEN, visible_projects(user))
    mine = (select(func.count(Comment.id)).where(Comment.round_id == ReviewRound.id, Comment.author_id == user.id)
            .correlate(ReviewRound).scalar_subquery())
    to_comment = [(r, n) for r, n in session.execute(
        open_rounds.add_columns(mine).join(round_participants, round_participants.c.round_id == ReviewRound.id)
        .where(ReviewRound.kind == RoundKind.CONSULTATION, round_participants.c.user_id == user.id)
        .order_by(ReviewRound.deadline, ReviewRound.id))]
    panel_meetings = list(session.scalars(open_rounds.where(
        ReviewRound.kind == RoundKind.MEETING, ReviewRound.project_id.in_(_member_of(user, MemberRole.EXPERT)))
        .order_by(ReviewRound.opened_at, ReviewRound.id)))
    to_vote = [m for m in panel_meetings if is_panel_expert(user, m.project) and vote_of(m, user) is None]
    edited = _member_of(user, MemberRole.EDITOR)
    undisposed = (select(ReviewRound, func.count(Comment.id)).join(Comment, Comment.round_id == ReviewRound.id)
                  .where(ReviewRound.state == RoundState.OPEN, ReviewRound.project_id.in_(edited),
                         Comment.disposition.is_(None))
                  .group_by(ReviewRound.id).order_by(ReviewRound.id))
    to_dispose = [(r, n) for r, n in session.execute(undisposed)]
    meetings = session.scalars(select(ReviewRound).where(
        ReviewRound.kind == RoundKind.MEETING, ReviewRound.state == RoundState.OPEN,
        ReviewRound.project_id.in_(edited)).order_by(ReviewRound.id))
    to_conclude = [m for m in meetings if round_tally(m).complete]
    return ReviewWork(to_comment, to_vote, to_dispose, to_conclude)


audit.name_things(actions={
    "review.comment": "提出意见", "review.dispose": "处理意见", "review.close": "结束征求意见",
    "review.vote": "审查投票", "review.change_vote": "修改审查投票",
})
