"""Assessment campaigns, assessments, answers with their evidence, and verification rounds.

An :class:`Assessment` pins one :class:`~standards.models.Publication`: its items are the
requirements of the frozen version that publication issued, so a later revision never
changes a past result. Answers are keyed by the clause's stable ``key``. Where the
enterprise stood (region, industry) is copied when the assessment starts, like a
nomination's, so moving the enterprise later does not move its past results between
regions on the dashboards.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.scoring import Grade, Result
from core.attachments import Attachment
from core.db import Base, ExactDecimal, Versioned, created_at, enum_column, intpk, utcnow
from core.enterprises import Enterprise
from core.people import User
from core.regions import Industry, Region
from standards.models import Publication


class CampaignState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "进行中", "closed": "已结束"}[self.value]


class AssessmentState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return {"draft": "填报中", "submitted": "待核查", "returned": "已退回", "verified": "已核查"}[self.value]

    @property
    def badge(self) -> str:
        return {"draft": "secondary", "submitted": "info", "returned": "warning", "verified": "success"}[self.value]


EDITABLE = frozenset({AssessmentState.DRAFT, AssessmentState.RETURNED})


class AssessmentCampaign(Versioned, Base):
    """A bureau pushes a published standard to the enterprises of its industry in its region."""

    __tablename__ = "assessment_campaigns"
    audit_type = "assessment_campaign"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(String(60), index=True)
    deadline: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CampaignState] = mapped_column(enum_column(CampaignState, "state", 10), default=CampaignState.OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    publication: Mapped[Publication] = relationship(lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()


class Assessment(Versioned, Base):
    __tablename__ = "assessments"
    audit_type = "assessment"
    __table_args__ = (
        # One assessment in progress per enterprise and standard; verified ones pile up as history.
        Index("uq_assessments_open", "enterprise_id", "publication_id", unique=True,
              sqlite_where=text("state <> 'verified'"), postgresql_where=text("state <> 'verified'"),
              info={"conflict": "该企业对这项标准已有一份未完成的自评估（可能刚刚有人发起），请直接打开它继续填报。"}),
        Index("ix_assessments_region_path", "region_path", postgresql_ops={"region_path": "text_pattern_ops"}),
        Index("ix_assessments_peers", "publication_id", "current", "city_code", "score"),
        Index("ix_assessments_county", "county_code", "publication_id", "state"),
        CheckConstraint("state <> 'returned' OR return_reason IS NOT NULL", name="returned_has_reason"),
        CheckConstraint("answered >= 0 AND answered <= total", name="answered_within_total"),
    )

    id: Mapped[intpk]
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_campaigns.id"), index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    region_path: Mapped[str] = mapped_column(String(60))  # the enterprise's, when it started
    city_code: Mapped[str] = mapped_column(String(12))
    county_code: Mapped[str] = mapped_column(String(12))
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"))
    is_benchmark: Mapped[bool] = mapped_column(default=False)  # a selected benchmark of this industry
    state: Mapped[AssessmentState] = mapped_column(
        enum_column(AssessmentState, "state", 10), default=AssessmentState.DRAFT, index=True)
    # The enterprise's standing result for this standard: its latest verified assessment.
    current: Mapped[bool] = mapped_column(default=False)
    round: Mapped[int] = mapped_column(Integer, default=0)  # submissions so far
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    # The scorecard, kept current as answers are saved (the dashboards read only these).
    total: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    gaps: Mapped[int] = mapped_column(Integer, default=0)
    earned: Mapped[Decimal] = mapped_column(ExactDecimal(9, 1), default=Decimal(0))
    possible: Mapped[Decimal] = mapped_column(ExactDecimal(9, 1), default=Decimal(0))
    score: Mapped[Decimal | None]
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade, "grade", 10))
    vetoed: Mapped[bool] = mapped_column(default=False)
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None]
    verified_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    publication: Mapped[Publication] = relationship(lazy="joined")
    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    industry: Mapped[Industry] = relationship()
    campaign: Mapped[AssessmentCampaign | None] = relationship()
    region: Mapped[Region] = relationship(
        primaryjoin="foreign(Assessment.region_path) == Region.path", viewonly=True, lazy="joined")
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", cascade="all, delete-orphan")
    rounds: Mapped[list[AssessmentRound]] = relationship(order_by="AssessmentRound.number",
                                                         cascade="all, delete-orphan")

    @property
    def progress(self) -> int:
        """Answered ÷ total as a whole percent — the one figure every screen shows."""
        return (100 * self.answered // self.total) if self.total else 0

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def audit_parent(self) -> Enterprise:
        return self.enterprise


class Answer(Base):
    """The enterprise's answer to one requirement — its working state while in draft."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "clause_key",
                         info={"conflict": "该项刚刚在另一窗口保存过，本次保存未生效，请再保存一次。"}),
        CheckConstraint("result <> 'na' OR na_reason <> ''", name="na_has_reason"),
    )

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    clause_key: Mapped[str] = mapped_column(String(36))
    result: Mapped[Result] = mapped_column(enum_column(Result, "result", 10))
    earned: Mapped[Decimal] = mapped_column(ExactDecimal(6, 1), default=Decimal(0))
    entered: Mapped[Decimal | None] = mapped_column(ExactDecimal(6, 1))  # partial credit as typed
    na_reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)  # autosave's conflict check
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    evidence: Mapped[list[AnswerEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="AnswerEvidence.id", lazy="selectin")


class AnswerEvidence(Base):
    """A file attached to an answer; copying an assessment copies these links, not the bytes."""

    __tablename__ = "answer_evidence"

    id: Mapped[intpk]
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))

    attachment: Mapped[Attachment] = relationship(lazy="joined")


class AssessmentRound(Base):
    """One submission and the bureau's decision on it: the history resubmission keeps."""

    __tablename__ = "assessment_rounds"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of every answer as submitted
    score: Mapped[Decimal | None]
    grade: Mapped[Grade | None] = mapped_column(enum_column(Grade, "grade", 10))
    outcome: Mapped[AssessmentState | None] = mapped_column(enum_column(AssessmentState, "outcome", 10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    item_reasons: Mapped[list[ItemReturn]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ItemReturn(Base):
    """The bureau's reason for returning one item of a round (按项退回意见)."""

    __tablename__ = "item_returns"
    __table_args__ = (UniqueConstraint("round_id", "clause_key"),)

    id: Mapped[intpk]
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_rounds.id", ondelete="CASCADE"))
    clause_key: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(Text)


class ChapterScore(Base):
    """A chapter's tally as submitted: the comparison's radar reads these, not the answers."""

    __tablename__ = "chapter_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "chapter_key"),)

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    chapter_key: Mapped[str] = mapped_column(String(36))
    earned: Mapped[Decimal] = mapped_column(ExactDecimal(9, 1))
    possible: Mapped[Decimal] = mapped_column(ExactDecimal(9, 1))
    score: Mapped[Decimal | None]
