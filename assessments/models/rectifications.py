"""Rectifications (整改): every gap of an assessment gets one, followed until accepted.

The plan carries the 五到位 of the hidden-danger rules — measure, responsible person, funds,
deadline, contingency plan. Whether one is overdue is a matter of dates, so it is computed
(:func:`is_overdue`), never stored to go stale; which reminders went out is stored, so the
reminder command can run any number of times and send each once.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.assessments import Assessment
from core.attachments import Attachment
from core.db import Base, ExactDecimal, Versioned, created_at, enum_column, intpk


class RectificationState(enum.StrEnum):
    PLANNED = "planned"  # the plan, while the assessment is being filled in
    OPEN = "open"  # submitted: being carried out
    DONE = "done"  # the enterprise reports it done, with evidence
    ACCEPTED = "accepted"  # the bureau accepted it (验收销号)

    @property
    def label(self) -> str:
        return {"planned": "整改计划", "open": "整改中", "done": "待验收", "accepted": "已验收销号"}[self.value]

    @property
    def badge(self) -> str:
        return {"planned": "secondary", "open": "primary", "done": "info", "accepted": "success"}[self.value]




class Reminder(enum.StrEnum):
    WEEK_BEFORE = "week"
    DAY_BEFORE = "day"
    OVERDUE = "overdue"

    @property
    def days_before(self) -> int:
        return {"week": 7, "day": 1, "overdue": 0}[self.value]


class Rectification(Versioned, Base):
    __tablename__ = "rectifications"
    audit_type = "rectification"
    __table_args__ = (
        UniqueConstraint("assessment_id", "clause_key",
                         info={"conflict": "该项已有整改计划（可能在另一窗口刚刚保存），请刷新后修改。"}),
        Index("ix_rectifications_due", "state", "deadline"),
        Index("ix_rectifications_county", "county_code", "state", "deadline"),
    )

    id: Mapped[intpk]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    clause_key: Mapped[str] = mapped_column(String(36))
    clause_label: Mapped[str] = mapped_column(String(250), default="")  # “5.2 风险点划分”
    county_code: Mapped[str] = mapped_column(String(12))  # the assessment's, for the bureau's lists
    region_path: Mapped[str] = mapped_column(String(60))
    measure: Mapped[str] = mapped_column(Text, default="")  # 整改措施
    responsible: Mapped[str] = mapped_column(String(50), default="")  # 责任人
    funds: Mapped[Decimal] = mapped_column(ExactDecimal(12, 2), default=Decimal(0))  # 资金（万元）
    deadline: Mapped[dt.date] = mapped_column(Date)  # 整改时限
    contingency: Mapped[str] = mapped_column(Text, default="")  # 应急预案/防范措施
    state: Mapped[RectificationState] = mapped_column(
        enum_column(RectificationState, "state", 10), default=RectificationState.PLANNED)
    done_note: Mapped[str] = mapped_column(Text, default="")
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None]
    accepted_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    assessment: Mapped[Assessment] = relationship(lazy="joined")
    evidence: Mapped[list[RectificationEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="RectificationEvidence.id", lazy="selectin")

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline and not yet reported done (a plan in a draft promises nothing yet)."""
        return self.state == RectificationState.OPEN and self.deadline < today

    @property
    def audit_parent(self) -> Assessment:
        return self.assessment


class RectificationEvidence(Base):
    __tablename__ = "rectification_evidence"

    id: Mapped[intpk]
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectifications.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))

    attachment: Mapped[Attachment] = relationship(lazy="joined")


class ReminderSent(Base):
    """That a reminder of a kind went out for a deadline: the command's memory."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("rectification_id", "kind", "deadline"),)

    id: Mapped[intpk]
    rectification_id: Mapped[int] = mapped_column(ForeignKey("rectifications.id", ondelete="CASCADE"))
    kind: Mapped[Reminder] = mapped_column(enum_column(Reminder, "kind", 10))
    deadline: Mapped[dt.date] = mapped_column(Date)  # a moved deadline earns fresh reminders
    sent_at: Mapped[created_at]
