"""Review rounds — the consultation (征求意见) on a frozen 征求意见稿 and the review meeting
(审查会) on a frozen 送审稿 — with their comments (each disposed by an editor) and votes."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Versioned, created_at, enum_column, intpk
from core.people import User
from standards.models.projects import StandardProject, StandardVersion


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
