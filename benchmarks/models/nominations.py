"""Nomination campaigns (遴选批次) and nominations of benchmark enterprises (标杆企业推荐).

The workflow states live in ``benchmarks.workflow``; the invariants that tie a state to
its data (a return has a reason, a decision has a reason) are also database constraints.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.attachments import Attachment
from core.db import Base, Versioned, created_at, enum_column, intpk, utcnow
from core.enterprises import Enterprise
from core.people import User
from core.regions import Industry, Region


class CampaignStatus(enum.StrEnum):
    """A campaign's state: it takes nominations while open."""

    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "进行中", "closed": "已结束"}[self.value]


class NominationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ENDORSED = "endorsed"
    SELECTED = "selected"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def badge(self) -> str:
        """The Bootstrap colour a state is drawn in."""
        return STATE_BADGES[self]


STATE_LABELS = {
    NominationState.DRAFT: "草稿",
    NominationState.SUBMITTED: "待市级审核",
    NominationState.RETURNED: "已退回县级",
    NominationState.ENDORSED: "待省级遴选",
    NominationState.SELECTED: "已确定为省级标杆",
    NominationState.REJECTED: "未入选",
    NominationState.WITHDRAWN: "已撤回",
}
STATE_BADGES = {
    NominationState.DRAFT: "secondary",
    NominationState.SUBMITTED: "info",
    NominationState.RETURNED: "warning",
    NominationState.ENDORSED: "primary",
    NominationState.SELECTED: "success",
    NominationState.REJECTED: "danger",
    NominationState.WITHDRAWN: "dark",
}

campaign_industries = Table(
    "campaign_industries",
    Base.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("industry_code", ForeignKey("industries.code"), primary_key=True),
)


class Campaign(Versioned, Base):
    __tablename__ = "campaigns"
    audit_type = "campaign"
    __table_args__ = (
        CheckConstraint(
            "county_deadline <= city_deadline AND city_deadline <= province_deadline",
            name="deadline_order",
        ),
    )

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    county_deadline: Mapped[dt.date] = mapped_column(Date)
    city_deadline: Mapped[dt.date] = mapped_column(Date)
    province_deadline: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus, "state", 10),
                                                  default=CampaignStatus.OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    closed_at: Mapped[dt.datetime | None]

    industries: Mapped[list[Industry]] = relationship(
        secondary=campaign_industries, order_by=Industry.position, lazy="selectin"
    )

    @property
    def is_open(self) -> bool:
        return self.state == CampaignStatus.OPEN

    @property
    def industry_codes(self) -> set[str]:
        return {industry.code for industry in self.industries}


class Nomination(Versioned, Base):
    """An enterprise put forward in a campaign by a county or city bureau.

    The nomination belongs to its nominator, and it remembers where the enterprise stood
    and which industry it was in when it was put forward (``region_path``,
    ``industry_code``): moving or re-classing the enterprise later changes neither who
    sees the nomination nor the industry it competes in.
    """

    __tablename__ = "nominations"
    audit_type = "nomination"
    __table_args__ = (
        CheckConstraint("nominator_level IN ('county','city')", name="nominator_level"),
        CheckConstraint(
            "state <> 'returned' OR return_reason IS NOT NULL", name="returned_has_reason"
        ),
        CheckConstraint(
            "state NOT IN ('selected','rejected') OR decision_reason IS NOT NULL",
            name="decided_has_reason",
        ),
        # One live nomination per enterprise per campaign; a withdrawn one frees the place.
        Index(
            "uq_nominations_campaign_enterprise_live",
            "campaign_id",
            "enterprise_id",
            unique=True,
            info={"conflict": "该企业在本批次已有推荐（可能有人刚刚推荐了同一家企业），"
                              "同一企业在一个批次中只能推荐一次。"},
            sqlite_where=text("state <> 'withdrawn'"),
            postgresql_where=text("state <> 'withdrawn'"),
        ),
        Index("ix_nominations_region_path", "region_path", postgresql_ops={"region_path": "text_pattern_ops"}),
    )

    id: Mapped[intpk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"))
    region_path: Mapped[str] = mapped_column(String(60))  # the enterprise's, when put forward
    nominator_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    nominator_level: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[NominationState] = mapped_column(enum_column(NominationState, "state", 12),
                                                   default=NominationState.DRAFT, index=True)
    # Reasons under the notice's three criteria (风险管控、隐患排查治理、信息化管理).
    risk_control: Mapped[str] = mapped_column(Text, default="")
    hidden_danger: Mapped[str] = mapped_column(Text, default="")
    informatisation: Mapped[str] = mapped_column(Text, default="")
    city_opinion: Mapped[str | None] = mapped_column(Text)
    return_reason: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None]
    endorsed_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(lazy="joined")
    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    industry: Mapped[Industry] = relationship(lazy="joined")
    nominator_region: Mapped[Region] = relationship(lazy="joined")
    # Where the enterprise stood when put forward (its region may have changed since).
    region: Mapped[Region] = relationship(
        primaryjoin="foreign(Nomination.region_path) == Region.path", viewonly=True, lazy="joined")
    created_by: Mapped[User] = relationship()
    attachments: Mapped[list[NominationAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="NominationAttachment.id", lazy="selectin"
    )

    @property
    def nominator_label(self) -> str:
        return f"{self.nominator_region.full_name}监管部门"


class NominationAttachment(Base):
    """A supporting file of a nomination (证明材料)."""

    __tablename__ = "nomination_attachments"

    id: Mapped[intpk]
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"))
    description: Mapped[str] = mapped_column(String(200), default="")

    attachment: Mapped[Attachment] = relationship(lazy="joined")
