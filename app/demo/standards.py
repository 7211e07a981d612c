"""Demo standard projects, one at each stage, made through the services as the people would.

The province raises every project from its selected benchmark (周村区's chemical plant,
whose practices the demo has just recorded); the province's standards officer and the
plant's safety manager are the editors, the four demo experts the panel, the 淄博市
bureau an invited commenter. So the demo shows:

- 草案: a tank-farm guide being written by hand, a few chapters so far;
- 征求意见稿: a draft generated from the benchmark's practices, out for comment, some
  comments disposed (one accepted and worked into the draft), others still waiting;
- 送审稿: consulted, every comment disposed, at the review meeting with two votes in;
- 报批稿: through the meeting, every expert voted, passed.

Each project's working draft differs from its last frozen version, so its redline
(修订对照) has something to show, and every step is in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.models import Nomination, NominationState
from core.people import User
from core.workflow import transition
from standards import drafting, review
from standards.drafting import ClauseInput
from standards.generate import generate_draft
from standards.models import Clause, ClauseKind, Comment, RoundKind, StandardProject, StandardVersion
from standards.projects import ProjectInput, raise_project
from standards.versions import clauses_of, working_draft
from standards.workflow import StageAction, open_round

K = ClauseKind
DRAFTERS = "刘明远、王海涛、孙国华"
MEETING_PLACE = "济南市历下区山东省应急管理厅 3 楼第一会议室"
REFERENCES = ("GB 50160　石油化工企业设计防火标准", "GB 50351　储罐区防火堤设计规范",
              "GB/T 50493　石油化工可燃气体和有毒气体检测报警设计标准",
              "DB37/T 2882—2016　安全生产风险分级管控体系通则")
# The accepted comment on 危险源辨识, as the editors work it into the draft.
ROUTINE, WITH_NON_ROUTINE = "紧急三种状态", "紧急三种状态，并包括检维修、开停车等非常规作业"
NAMES_KEPT = "附录C沿用 DB37/T 2882—2016 的名称，正文与附录表述一致，不作修改。"


@dataclass(frozen=True)
class Cast:
    """Who works on the demo's standards."""

    province: User  # raises the projects, edits and steers them
    manager: User  # the benchmark plant's safety manager, the second editor
    experts: list[User]  # the panel
    commenter: User  # a city bureau invited to comment
    source: Nomination  # the selected benchmark


def seed_standards(session: Session, people: dict[str, User], upload_dir: str) -> list[StandardProject]:
    """Four projects, 草案 to 报批稿, and two published standards (``app.demo.publications``);
    none when the demo has no selected benchmark."""
    source = session.scalars(select(Nomination).where(Nomination.state == NominationState.SELECTED)
                             .order_by(Nomination.id)).first()
    if source is None:
        return []
    manager = session.scalars(select(User).where(User.enterprise_id == source.enterprise_id).order_by(User.id)).first()
    cast = Cast(people["sheng"], manager or people["sheng"],
                [people[f"expert{n}"] for n in range(1, 5)], people["zibo"], source)
    from app.demo.publications import seed_publications  # it builds on this module's helpers

    published = seed_publications(session, cast, people["committee"], upload_dir)
    return [_drafting(session, cast), _consultation(session, cast), _review(session, cast), _approval(session, cast),
            *(p.project for p in published)]


# --- helpers ------------------------------------------------------------------------------------


def _raise(session: Session, cast: Cast, title: str, english: str) -> StandardProject:
    editors = [cast.province.id] + ([cast.manager.id] if cast.manager.id != cast.province.id else [])
    return raise_project(session, cast.province, ProjectInput(
        title=title, english_title=english, industry_code=cast.source.industry_code, source_ids=[cast.source.id],
        drafting_units=f"山东省安全生产标准化技术委员会\n{cast.source.enterprise.name}", drafters=DRAFTERS,
        editor_ids=editors, expert_ids=[e.id for e in cast.experts]))


def _add(session: Session, cast: Cast, version: StandardVersion, kind: ClauseKind, parent: Clause | None,
         title: str = "", body: str = "", **requirement: object) -> Clause:
    return drafting.add_clause(session, cast.province, version, kind, parent,
                               ClauseInput(title=title, body=body, **requirement))  # type: ignore[arg-type]


def _find(session: Session, project: StandardProject, title: str) -> Clause:
    """A clause of the working draft by its title (the generated outline's titles are fixed)."""
    return next(c for c in clauses_of(session, working_draft(session, project)) if c.title == title)


def _reword(session: Session, actor: User, project: StandardProject, title: str, old: str, new: str) -> Clause:
    clause = _find(session, project, title)
    assert old in clause.body, (title, old)
    return drafting.edit_clause(session, actor, clause, ClauseInput(
        title=clause.title, body=clause.body.replace(old, new), is_requirement=clause.is_requirement,
        points=clause.points, veto=clause.veto, waivable=clause.waivable,
        check_method=clause.check_method, evidence=clause.evidence,
        annex_type=clause.annex_type), clause.lock_version)


def _generated(session: Session, cast: Cast, title: str, english: str) -> StandardProject:
    project = _raise(session, cast, title, english)
    generate_draft(session, cast.manager, project, working_draft(session, project))
    _reword(session, cast.manager, project, "实施全员培训", "分层次、分阶段", "每年至少一次分层次、分阶段")
    return project


def _consult(session: Session, cast: Cast, project: StandardProject) -> None:
    transition(session, cast.province, project, StageAction.OPEN_CONSULTATION, project.lock_version,
               commenter_ids=[cast.commenter.id])


def _comment(session: Session, author: User, project: StandardProject, kind: str, text: str, proposed: str = "",
             on: str | None = None) -> Comment:
    consultation = open_round(session, project, RoundKind.CONSULTATION)
    assert consultation is not None
    key = next(c.key for c in clauses_of(session, consultation.version) if c.title == on) if on else None
    return review.add_comment(session, author, consultation, review.CommentInput(kind, text, proposed, key))


def _dispose(session: Session, cast: Cast, comment: Comment, disposition: str, reason: str = "") -> None:
    review.dispose_comment(session, cast.province, comment, disposition, reason, comment.lock_version)


def _comments(session: Session, cast: Cast, project: StandardProject) -> list[Comment]:
    """What the panel and the invited city bureau typically say about a generated draft."""
    e1, e2, e3, _ = cast.experts
    return [
        _comment(session, e1, project, "technical", "危险源辨识未涉及检维修、开停车等非常规作业，建议补充。",
                 "辨识应覆盖人的因素、物的因素、环境因素和管理因素，考虑正常、异常和紧急三种状态，"
                 "并包括检维修、开停车等非常规作业。", on="危险源辨识"),
        _comment(session, e2, project, "editorial", "“风险矩阵分析法（LS）”与附录C的名称不一致，建议统一。",
                 on="评价方法"),
        _comment(session, cast.commenter, project, "technical",
                 "风险点排查台账建议增加“管控层级”和“责任人”两项内容，便于监管部门核查。", on="风险点排查"),
        _comment(session, e3, project, "general", "建议在前言中说明本文件与 DB37/T 2882—2016 的关系。"),
    ]


# --- the four projects --------------------------------------------------------------------------


def _drafting(session: Session, cast: Cast) -> StandardProject:
    """草案: a guide written clause by clause, four chapters so far."""
    project = _raise(session, cast, "化工企业储罐区风险分级管控实施指南",
                     "Implementation guide for risk classification and control of tank farms in chemical enterprises")
    draft = working_draft(session, project)
    _add(session, cast, draft, K.CHAPTER, None, "范围",
                 "本文件规定了化工企业储罐区安全风险分级管控的基本要求、风险点划分、危险源辨识和风险管控措施。\n\n"
                 "本文件适用于山东省化工企业常压储罐区和压力储罐区的风险分级管控工作。")
    refs = _add(session, cast, draft, K.CHAPTER, None, "规范性引用文件",
                "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。")
    for ref in REFERENCES:
        _add(session, cast, draft, K.PARAGRAPH, refs, body=ref)
    terms = _add(session, cast, draft, K.CHAPTER, None, "术语和定义", "下列术语和定义适用于本文件。")
    _add(session, cast, draft, K.TERM, terms, "储罐区",
         "由一个或若干个罐组及其配套的防火堤、隔堤、泵房和装卸设施等构成的区域。")
    points = _add(session, cast, draft, K.CHAPTER, None, "风险点划分")
    _add(session, cast, draft, K.CLAUSE, points, "划分原则",
         "储罐区应以罐组为单元划分风险点，装卸区、泵房和管廊应分别作为独立的风险点。",
         is_requirement=True, points=Decimal("6"), check_method="查阅风险点登记台账，现场核对罐组划分。",
         evidence="风险点登记台账。")
    work = _add(session, cast, draft, K.CLAUSE, points, "作业活动", "储罐区的下列作业活动应单独划分风险点：")
    for item in ("装卸车作业；", "储罐切水作业；", "清罐作业；", "储罐区内动火、受限空间等特殊作业。"):
        _add(session, cast, draft, K.LIST_ITEM, work, body=item)
    measures = _add(session, cast, draft, K.CHAPTER, None, "风险管控措施")
    tanks = _add(session, cast, draft, K.CLAUSE, measures, "工程技术措施",
                 "储罐应设置液位计和高液位报警，储存甲B、乙A类液体的储罐还应设置高高液位联锁切断装置。",
                 is_requirement=True, points=Decimal("10"), veto=True,
                 check_method="现场检查液位报警、联锁切断装置及其测试记录。", evidence="联锁测试记录。")
    _add(session, cast, draft, K.NOTE, tanks, body="联锁应定期测试，测试记录保存不少于一年。")
    _add(session, cast, draft, K.CLAUSE, measures, "检测报警",
         "罐区应按 GB/T 50493 设置可燃气体和有毒气体检测报警仪，报警信号应引至有人值守的控制室。")
    return project


def _consultation(session: Session, cast: Cast) -> StandardProject:
    """征求意见稿: out for comment; two comments disposed (one worked into the draft), two waiting."""
    project = _generated(session, cast, "化工企业安全生产风险分级管控体系实施指南", "Implementation guide for "
                         "safety risk classification and control system of chemical enterprises")
    _consult(session, cast, project)
    first, second, *_waiting = _comments(session, cast, project)
    _dispose(session, cast, first, "accepted")
    _reword(session, cast.province, project, "危险源辨识", ROUTINE, WITH_NON_ROUTINE)
    _dispose(session, cast, second, "rejected", NAMES_KEPT)
    return project


def _through_consultation(session: Session, cast: Cast, title: str, english: str) -> StandardProject:
    """A generated draft consulted, every comment disposed and worked in, submitted for review."""
    project = _generated(session, cast, title, english)
    _consult(session, cast, project)
    hazards, methods, ledger, general = _comments(session, cast, project)
    _dispose(session, cast, hazards, "accepted")
    _reword(session, cast.province, project, "危险源辨识", ROUTINE, WITH_NON_ROUTINE)
    _dispose(session, cast, methods, "rejected", NAMES_KEPT)
    _dispose(session, cast, ledger, "partly", "增加“管控层级”；责任人已在风险分级管控清单中列明，台账不再重复。")
    _reword(session, cast.province, project, "风险点排查", "可能导致的事故类型等内容",
            "可能导致的事故类型、管控层级等内容")
    _dispose(session, cast, general, "accepted")
    consultation = open_round(session, project, RoundKind.CONSULTATION)
    assert consultation is not None
    review.close_consultation(session, cast.province, consultation, consultation.lock_version)
    transition(session, cast.province, project, StageAction.SUBMIT_FOR_REVIEW, project.lock_version,
               meeting_place=MEETING_PLACE)
    return project


def _vote(session: Session, expert: User, project: StandardProject, choice: str, opinion: str = "") -> None:
    meeting = open_round(session, project, RoundKind.MEETING)
    assert meeting is not None
    review.cast_vote(session, expert, meeting, choice, opinion)


def _review(session: Session, cast: Cast) -> StandardProject:
    """送审稿: at the review meeting, two of the four experts have voted; the editors already
    work the second one's condition into the draft."""
    project = _through_consultation(
        session, cast, "精细化工企业安全生产风险分级管控体系实施指南",
        "Implementation guide for safety risk classification and control system of fine chemical enterprises")
    e1, e2, _, _ = cast.experts
    _vote(session, e1, project, "agree", "文本结构完整，技术内容可行，同意作为报批稿。")
    _vote(session, e2, project, "agree_with_changes", "建议“风险等级”条款中写明各级风险的颜色标示要求。")
    _reword(session, cast.province, project, "风险等级", "四种颜色标示。", "四种颜色标示，并在风险点现场和风险分布图中"
            "以相应颜色标注。")
    return project


def _approval(session: Session, cast: Cast) -> StandardProject:
    """报批稿: every panel expert voted; the editors made the change one of them asked for, and
    the meeting passed the text, frozen as the 报批稿."""
    project = _through_consultation(
        session, cast, "危险化学品生产企业安全生产风险分级管控体系实施指南",
        "Implementation guide for safety risk classification and control system of hazardous chemical producers")
    opinions = [("agree", "同意通过审查。"), ("agree", "内容符合鲁政办字〔2016〕36号要求，同意。"),
                ("agree_with_changes", "建议统一“管控层级”的用语。"), ("agree", "同意作为报批稿。")]
    for expert, (choice, opinion) in zip(cast.experts, opinions, strict=True):
        _vote(session, expert, project, choice, opinion)
    _reword(session, cast.province, project, "分级管控的要求", "上级负责管控的风险，下级应同时负责管控",
            "上级负责管控的风险，下级应同时负责管控（管控层级分为公司、车间、班组、岗位四级）")
    meeting = open_round(session, project, RoundKind.MEETING)
    assert meeting is not None
    review.conclude_meeting(session, cast.province, meeting, project.lock_version,
                            "审查会认为，该标准结构合理、内容完整，与 DB37/T 2882—2016 协调一致，具有较强的可操作性。"
                            "经表决，同意通过审查，按专家意见修改后形成报批稿。")
    return project
