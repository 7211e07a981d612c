"""Standard projects, their versions and clause trees, review rounds, comments and votes.

A :class:`StandardProject` (立项) is raised for an industry from selected benchmark
enterprises. Its content lives in :class:`StandardVersion` rows: exactly one *working
draft* that editors change, and frozen versions — one per stage entered (征求意见稿,
送审稿, 报批稿) — that never change again. Each version holds its own :class:`Clause` rows;
a clause's ``key`` is stable across versions, so comments, links to practices, redlines
and (later) assessments follow a clause from version to version. Numbers are never
stored: they follow from the tree (``standards.numbering``).

Review happens in :class:`ReviewRound` rows — the consultation (征求意见) on a frozen
征求意见稿, and the review meeting (审查会) on a frozen 送审稿 — with :class:`Comment`
rows (each disposed by an editor) and :class:`Vote` rows (one per assigned expert).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from benchmarks.models import CheckItem, Nomination, RiskPoint
from core.db import Base, ExactDecimal, Versioned, created_at, enum_column, intpk, utcnow
from core.people import User
from core.regions import Industry


def new_key() -> str:
    """A clause key: stable across versions, unguessable, and as wide as audit ids allow."""
    return str(uuid.uuid4())


class Stage(enum.StrEnum):
    """Where a standard project stands (GB/T 16733 stages this system handles)."""

    DRAFTING = "drafting"
    CONSULTATION = "consultation"
    REVIEW = "review"
    APPROVAL = "approval"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def document(self) -> str:
        """The name of the document the stage works on (what a frozen version is called)."""
        return STAGE_DOCUMENTS[self]

    @property
    def badge(self) -> str:
        return {"drafting": "secondary", "consultation": "info", "review": "primary", "approval": "success",
                "terminated": "dark"}[self.value]


STAGE_LABELS = {
    Stage.DRAFTING: "起草中（草案）",
    Stage.CONSULTATION: "征求意见",
    Stage.REVIEW: "审查",
    Stage.APPROVAL: "报批",
    Stage.TERMINATED: "已终止",
}
STAGE_DOCUMENTS = {
    Stage.DRAFTING: "草案",
    Stage.CONSULTATION: "征求意见稿",
    Stage.REVIEW: "送审稿",
    Stage.APPROVAL: "报批稿",
    Stage.TERMINATED: "草案",
}


class MemberRole(enum.StrEnum):
    EDITOR = "editor"
    EXPERT = "expert"
    COMMENTER = "commenter"  # invited to comment in consultation (bureau or enterprise), no vote

    @property
    def label(self) -> str:
        return {"editor": "编写人员", "expert": "评审专家", "commenter": "特邀意见人"}[self.value]


project_sources = Table(
    "project_sources",
    Base.metadata,
    Column("project_id", ForeignKey("standard_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("nomination_id", ForeignKey("nominations.id"), primary_key=True),
)


class StandardProject(Versioned, Base):
    __tablename__ = "standard_projects"
    audit_type = "standard_project"
    __table_args__ = (CheckConstraint("failed_reviews BETWEEN 0 AND 2", name="failed_reviews"),)

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))  # 标准名称
    english_title: Mapped[str] = mapped_column(String(300), default="")
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), index=True)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20), default=Stage.DRAFTING, index=True)
    proposer: Mapped[str] = mapped_column(String(200), default="")  # 提出单位
    responsible_body: Mapped[str] = mapped_column(String(200), default="")  # 归口单位
    drafting_units: Mapped[str] = mapped_column(Text, default="")  # 起草单位, one per line
    drafters: Mapped[str] = mapped_column(Text, default="")  # 主要起草人, separated by 、
    failed_reviews: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    industry: Mapped[Industry] = relationship(lazy="joined")
    sources: Mapped[list[Nomination]] = relationship(secondary=project_sources, lazy="selectin")
    members: Mapped[list[ProjectMember]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    versions: Mapped[list[StandardVersion]] = relationship(
        cascade="all, delete-orphan", order_by="StandardVersion.number", back_populates="project")

    @property
    def state(self) -> Stage:
        """The workflow engine moves records by their ``state``: a project's is its stage."""
        return self.stage

    @state.setter
    def state(self, value: Stage) -> None:
        self.stage = value

    def member_ids(self, role: MemberRole) -> set[int]:
        return {m.user_id for m in self.members if m.role == role}


class ProjectMember(Base):
    """Who works on a project: its editors and its expert panel (and invited commenters)."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "role", 10), primary_key=True)

    user: Mapped[User] = relationship(lazy="joined")


class StandardVersion(Base):
    """One state of a project's text: the working draft, or a frozen stage document."""

    __tablename__ = "standard_versions"
    audit_type = "standard_version"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        # Exactly one working draft per project.
        Index("uq_standard_versions_draft", "project_id", unique=True,
              sqlite_where=text("frozen_at IS NULL"), postgresql_where=text("frozen_at IS NULL")),
    )

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … in the order they were made
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20))  # what the version is (草案, 征求意见稿 …)
    frozen_at: Mapped[dt.datetime | None]  # None: the working draft
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    project: Mapped[StandardProject] = relationship(back_populates="versions")
    clauses: Mapped[list[Clause]] = relationship(
        cascade="all, delete-orphan", order_by="Clause.position", back_populates="version")

    @property
    def is_draft(self) -> bool:
        return self.frozen_at is None

    @property
    def audit_parent(self) -> StandardProject:
        return self.project

    @property
    def label(self) -> str:
        return f"第 {self.number} 版 · {self.stage.document}" + ("（编辑中）" if self.is_draft else "")


class ClauseKind(enum.StrEnum):
    CHAPTER = "chapter"  # 章
    CLAUSE = "clause"  # 条 (any depth below a chapter or annex)
    PARAGRAPH = "paragraph"  # 段: unnumbered text
    LIST_ITEM = "list_item"  # 列项 a) b) / 1) 2)
    NOTE = "note"  # 注 / 注1：
    EXAMPLE = "example"  # 示例 / 示例1：
    TABLE = "table"  # 表1 / 表A.1, body a Markdown table
    TERM = "term"  # 术语条目 3.1 …
    ANNEX = "annex"  # 附录A（规范性/资料性）

    @property
    def label(self) -> str:
        return {"chapter": "章", "clause": "条", "paragraph": "段", "list_item": "列项", "note": "注",
                "example": "示例", "table": "表", "term": "术语", "annex": "附录"}[self.value]


class AnnexType(enum.StrEnum):
    NORMATIVE = "normative"
    INFORMATIVE = "informative"

    @property
    def label(self) -> str:
        return {"normative": "规范性", "informative": "资料性"}[self.value]


class Clause(Versioned, Base):
    """One node of a version's clause tree."""

    __tablename__ = "clauses"
    audit_type = "clause"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        Index("ix_clauses_version_parent", "version_id", "parent_id", "position"),
        CheckConstraint("kind <> 'annex' OR annex_type IS NOT NULL", name="annex_has_type"),
        CheckConstraint("NOT is_requirement OR points IS NOT NULL", name="requirement_has_points"),
    )

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(36), default=new_key)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # among its siblings
    kind: Mapped[ClauseKind] = mapped_column(enum_column(ClauseKind, "kind", 10))
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    annex_type: Mapped[AnnexType | None] = mapped_column(enum_column(AnnexType, "annex_type", 12))
    # An assessable requirement (评估要求): what a self-assessment scores.
    is_requirement: Mapped[bool] = mapped_column(default=False)
    points: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 1))
    veto: Mapped[bool] = mapped_column(default=False)  # 否决项
    check_method: Mapped[str] = mapped_column(Text, default="")  # 评估方法
    evidence: Mapped[str] = mapped_column(Text, default="")  # 证据要求

    version: Mapped[StandardVersion] = relationship(back_populates="clauses")

    @property
    def audit_parent(self) -> StandardProject:
        return self.version.project


class ClauseSource(Base):
    """Traceability: a clause (by key) was generalised from a practice — one row of a
    table clause may stand for one risk point or check item (``row``, from 1)."""

    __tablename__ = "clause_sources"
    __table_args__ = (
        CheckConstraint("(risk_point_id IS NULL) <> (check_item_id IS NULL)", name="one_practice"),
        Index("ix_clause_sources_clause", "project_id", "clause_key"),
    )

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"))
    clause_key: Mapped[str] = mapped_column(String(36))
    row: Mapped[int | None] = mapped_column(Integer)
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_points.id", ondelete="CASCADE"), index=True)
    check_item_id: Mapped[int | None] = mapped_column(ForeignKey("check_items.id", ondelete="CASCADE"), index=True)

    risk_point: Mapped[RiskPoint | None] = relationship(lazy="joined")
    check_item: Mapped[CheckItem | None] = relationship(lazy="joined")


class RoundKind(enum.StrEnum):
    CONSULTATION = "consultation"  # 征求意见
    MEETING = "meeting"  # 审查会

    @property
    def label(self) -> str:
        return {"consultation": "征求意见", "meeting": "审查会"}[self.value]


class RoundState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "进行中", "closed": "已结束"}[self.value]


class RoundOutcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"passed": "通过", "failed": "未通过"}[self.value]


round_participants = Table(
    "round_participants",
    Base.metadata,
    Column("round_id", ForeignKey("review_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class ReviewRound(Versioned, Base):
    __tablename__ = "review_rounds"
    audit_type = "review_round"

    id: Mapped[intpk]
    project_id: Mapped[int] = mapped_column(ForeignKey("standard_projects.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"))  # the frozen text reviewed
    kind: Mapped[RoundKind] = mapped_column(enum_column(RoundKind, "kind", 15))
    state: Mapped[RoundState] = mapped_column(enum_column(RoundState, "state", 10), default=RoundState.OPEN)
    deadline: Mapped[dt.date | None]
    outcome: Mapped[RoundOutcome | None] = mapped_column(enum_column(RoundOutcome, "outcome", 10))
    meeting_place: Mapped[str] = mapped_column(String(200), default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")  # 审查结论 / 会议纪要正文
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[created_at]
    closed_at: Mapped[dt.datetime | None]

    project: Mapped[StandardProject] = relationship()
    version: Mapped[StandardVersion] = relationship()
    participants: Mapped[list[User]] = relationship(secondary=round_participants, lazy="selectin")
    comments: Mapped[list[Comment]] = relationship(
        cascade="all, delete-orphan", order_by="Comment.id", back_populates="round")
    votes: Mapped[list[Vote]] = relationship(cascade="all, delete-orphan", order_by="Vote.id",
                                             back_populates="round")

    @property
    def audit_parent(self) -> StandardProject:
        return self.project


class CommentKind(enum.StrEnum):
    TECHNICAL = "technical"
    EDITORIAL = "editorial"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return {"technical": "技术", "editorial": "编辑", "general": "一般"}[self.value]


class Disposition(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"accepted": "采纳", "partly": "部分采纳", "rejected": "不采纳"}[self.value]


class Comment(Versioned, Base):
    """A reviewer's comment on a clause (or on the whole text), and how it was disposed."""

    __tablename__ = "comments"
    audit_type = "comment"
    __table_args__ = (
        CheckConstraint("disposition IS NULL OR disposed_by_id IS NOT NULL", name="disposed_by_someone"),
        CheckConstraint("disposition IS NULL OR disposition = 'accepted' OR disposition_reason <> ''",
                        name="rejection_has_reason"),
    )

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    clause_key: Mapped[str | None] = mapped_column(String(36))  # None: on the text as a whole
    clause_number: Mapped[str] = mapped_column(String(30), default="")  # 章条编号 when commented
    kind: Mapped[CommentKind] = mapped_column(enum_column(CommentKind, "kind", 10))
    text: Mapped[str] = mapped_column(Text)
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_unit: Mapped[str] = mapped_column(String(200), default="")  # 提出单位
    created_at: Mapped[created_at]
    disposition: Mapped[Disposition | None] = mapped_column(enum_column(Disposition, "disposition", 10))
    disposition_reason: Mapped[str] = mapped_column(Text, default="")
    disposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disposed_at: Mapped[dt.datetime | None]

    round: Mapped[ReviewRound] = relationship(back_populates="comments")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")

    @property
    def audit_parent(self) -> StandardProject:
        return self.round.project


class VoteChoice(enum.StrEnum):
    AGREE = "agree"
    AGREE_WITH_CHANGES = "agree_with_changes"
    DISAGREE = "disagree"

    @property
    def label(self) -> str:
        return {"agree": "同意", "agree_with_changes": "修改后同意", "disagree": "不同意"}[self.value]

    @property
    def in_favour(self) -> bool:
        return self is not VoteChoice.DISAGREE


class Vote(Base):
    """One assigned expert's vote at the review meeting, with their opinion."""

    __tablename__ = "votes"
    audit_type = "vote"
    __table_args__ = (UniqueConstraint("round_id", "expert_id", info={"conflict": "您已在本次审查会投票。"}),)

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "choice", 20))
    opinion: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[created_at]

    round: Mapped[ReviewRound] = relationship(back_populates="votes")
    expert: Mapped[User] = relationship(lazy="joined")

    @property
    def audit_parent(self) -> StandardProject:
        return self.round.project
