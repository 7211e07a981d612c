"""Standard projects at the review steps, built through the services as people would.

Used by the review tests, the authorisation table (its rounds and meetings) and the
browser journey (against the live server's own database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from benchmarks.models import Nomination, NominationState
from core.people import User
from core.workflow import transition
from standards.models import AnnexType, ClauseKind, Comment, MemberRole, ReviewRound, RoundKind, StandardProject
from standards.projects import ProjectInput, raise_project
from standards.review import CommentInput, add_comment, cast_vote, close_consultation, dispose_comment
from standards.versions import working_draft
from standards.workflow import StageAction, open_round
from tests.factories import World, add_clause, make_expert

K = ClauseKind


def write_text(session: Session, project: StandardProject) -> None:
    """A small text with every kind of number a comment may cite: 1, 4.1, 4.1 a), 4.1 注, 附录A, 表A.1."""
    draft = working_draft(session, project)
    add_clause(session, draft, K.CHAPTER, title="范围", body="本文件规定了化工企业风险分级管控的基本要求。")
    add_clause(session, draft, K.CHAPTER, title="规范性引用文件", body="DB37/T 2882—2016 ……")
    add_clause(session, draft, K.CHAPTER, title="术语和定义", body="下列术语和定义适用于本文件。")
    basic = add_clause(session, draft, K.CHAPTER, title="基本要求")
    duty = add_clause(session, draft, K.CLAUSE, parent=basic, title="职责", body="企业应明确风险管控职责。",
                      is_requirement=True, points=10)
    add_clause(session, draft, K.LIST_ITEM, parent=duty, body="主要负责人全面负责；")
    add_clause(session, draft, K.NOTE, parent=duty, body="职责包括车间、班组和岗位。")
    add_clause(session, draft, K.CLAUSE, parent=basic, title="培训", body="企业宜每年组织一次风险辨识培训。")
    annex = add_clause(session, draft, K.ANNEX, title="风险分级管控清单", annex_type=AnnexType.INFORMATIVE)
    add_clause(session, draft, K.TABLE, parent=annex, title="风险分级管控清单",
               body="| 风险点 | 级别 |\n|---|---|\n| 储罐区 | 重大 |")


def clause_key(session: Session, project: StandardProject, title: str) -> str:
    """The key of the clause titled ``title`` in the round's text (keys are stable across versions)."""
    consultation = open_round(session, project, RoundKind.CONSULTATION)
    version = consultation.version if consultation else working_draft(session, project)
    return next(c.key for c in version.clauses if c.title == title)


def raise_for_review(session: Session, province: User, editor: User, panel: Sequence[User], source: Nomination,
                     title: str = "化工企业风险分级管控实施指南", commenters: Sequence[User] = ()) -> StandardProject:
    """A project with a text, out for consultation (the panel and ``commenters`` asked)."""
    project = raise_project(session, province, ProjectInput(
        title=title, industry_code=source.industry_code, source_ids=[source.id], editor_ids=[editor.id],
        expert_ids=[u.id for u in panel], drafting_units="山东省化工安全生产技术中心\n淄博市张店区应急管理局",
        drafters="李海燕、王强"))
    write_text(session, project)
    transition(session, editor, project, StageAction.OPEN_CONSULTATION, project.lock_version,
               commenter_ids=[u.id for u in commenters])
    return project


def consultation(session: Session, project: StandardProject) -> ReviewRound:
    found = open_round(session, project, RoundKind.CONSULTATION)
    assert found is not None, "the project has no open consultation"
    return found


def meeting(session: Session, project: StandardProject) -> ReviewRound:
    found = open_round(session, project, RoundKind.MEETING)
    assert found is not None, "the project has no open review meeting"
    return found


def comment(session: Session, author: User, project: StandardProject, title: str | None = "职责",
            text: str = "建议明确主要负责人的具体职责。", kind: str = "technical", proposed: str = "") -> Comment:
    key = clause_key(session, project, title) if title else None
    return add_comment(session, author, consultation(session, project), CommentInput(kind, text, proposed, key))


def dispose_all(session: Session, editor: User, project: StandardProject) -> None:
    for each in consultation(session, project).comments:
        if each.disposition is None:
            dispose_comment(session, editor, each, "accepted", "已按意见修改。", each.lock_version)


def submit_for_review(session: Session, editor: User, project: StandardProject, place: str = "济南市") -> ReviewRound:
    """Dispose what is left, close the consultation and open the review meeting."""
    dispose_all(session, editor, project)
    round_ = consultation(session, project)
    close_consultation(session, editor, round_, round_.lock_version)
    transition(session, editor, project, StageAction.SUBMIT_FOR_REVIEW, project.lock_version, meeting_place=place)
    return meeting(session, project)


@dataclass(frozen=True)
class Ballot:
    expert: User
    choice: str
    opinion: str = ""


def vote(session: Session, project: StandardProject, ballots: Sequence[Ballot]) -> None:
    found = meeting(session, project)
    for ballot in ballots:
        cast_vote(session, ballot.expert, found, ballot.choice, ballot.opinion or f"{ballot.expert.display_name}的意见")


# --- the authorisation table's rounds ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewIds:
    """Rounds and comments for the route sweeps (zeros in the table's dummy build).

    - ``consultation``: an open consultation, the world's expert on the panel and 淄博市
      (zibo) invited to comment, its one comment (``comment``, on ``clause``) disposed, so
      it can be closed;
    - ``meeting``: another project's open review meeting, every panel vote cast (so it
      can be concluded), after its ``closed`` consultation;
    - ``outside_*``: a project whose panel the world's expert is not on.
    """

    consultation: int = 0
    comment: int = 0
    clause: str = ""
    meeting: int = 0
    closed: int = 0
    outside_consultation: int = 0
    outside_comment: int = 0
    outside_meeting: int = 0


NO_REVIEW = ReviewIds()


def review_ids(session: Session, world: World) -> ReviewIds:
    source = world.nomination(session, NominationState.SELECTED, world.ent_zc)
    panel = [world.expert, make_expert(session, "t_rev_b"), make_expert(session, "t_rev_c")]
    open_one = raise_for_review(session, world.sheng, world.zhangdian, panel, source, "风险分级管控指南（征求意见）",
                                commenters=[world.zibo])
    said = comment(session, world.expert, open_one)
    dispose_comment(session, world.zhangdian, said, "accepted", "已按意见修改。", said.lock_version)

    at_meeting = raise_for_review(session, world.sheng, world.zhangdian, panel, source, "风险分级管控指南（审查）")
    comment(session, world.expert, at_meeting, None, "总体可行。", kind="general")
    closed = consultation(session, at_meeting)
    held = submit_for_review(session, world.zhangdian, at_meeting)
    vote(session, at_meeting, [Ballot(e, "agree") for e in panel])

    others = [make_expert(session, "t_rev_d"), make_expert(session, "t_rev_e")]
    outside = raise_for_review(session, world.sheng, world.zhangdian, others, source, "风险分级管控指南（他组）")
    theirs = comment(session, others[0], outside)
    outside_round = consultation(session, outside)
    outside_meeting = submit_for_review(session, world.zhangdian, outside)
    assert world.expert.id not in outside.member_ids(MemberRole.EXPERT)
    return ReviewIds(consultation(session, open_one).id, said.id, said.clause_key or "", held.id, closed.id,
                     outside_round.id, theirs.id, outside_meeting.id)
