"""The enterprise registry: the supervised enterprises and their basic facts.

An enterprise sits in a county or township; its ``region_path`` copies that region's
materialised path (regions never move) so jurisdiction filters need no join.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, Versioned, created_at, enum_column, intpk, utcnow
from core.regions import Industry, Region


class Scale(enum.StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def label(self) -> str:
        return SCALE_LABELS[self]


SCALE_LABELS = {Scale.LARGE: "大型", Scale.MEDIUM: "中型", Scale.SMALL: "小型", Scale.MICRO: "微型"}


class Enterprise(Versioned, Base):
    __tablename__ = "enterprises"
    audit_type = "enterprise"
    __table_args__ = (
        CheckConstraint("employee_count >= 0", name="employee_count"),
        UniqueConstraint("credit_code", info={
            "conflict": "该统一社会信用代码已登记（可能有人刚刚登记了同一家企业），本次操作未生效。"}),
        Index(
            "ix_enterprises_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(String(60))
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    safety_contact: Mapped[str] = mapped_column(String(50), default="")
    safety_phone: Mapped[str] = mapped_column(String(30), default="")
    employee_count: Mapped[int] = mapped_column(Integer, default=0)
    scale: Mapped[Scale] = mapped_column(enum_column(Scale, "scale", 10), default=Scale.SMALL)
    major_hazard: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship(lazy="joined")
    industry: Mapped[Industry] = relationship(lazy="joined")

    @property
    def scale_label(self) -> str:
        return Scale(self.scale).label

    def __repr__(self) -> str:
        return f"<Enterprise {self.credit_code} {self.name}>"
