"""The enterprise registry: the supervised enterprises and their basic facts.

An enterprise sits in a county or township; its ``region_path`` copies that region's
materialised path (regions never move) so jurisdiction filters need no join.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, created_at, intpk, utcnow
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


class Enterprise(Base):
    __tablename__ = "enterprises"
    audit_type = "enterprise"
    __table_args__ = (
        CheckConstraint("scale IN ('large','medium','small','micro')", name="scale"),
        CheckConstraint("employee_count >= 0", name="employee_count"),
        Index(
            "ix_enterprises_region_path",
            "region_path",
            postgresql_ops={"region_path": "text_pattern_ops"},
        ),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    region_path: Mapped[str] = mapped_column(String(60))
    industry_code: Mapped[str] = mapped_column(ForeignKey("industries.code"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    safety_contact: Mapped[str] = mapped_column(String(50), default="")
    safety_phone: Mapped[str] = mapped_column(String(30), default="")
    employee_count: Mapped[int] = mapped_column(Integer, default=0)
    scale: Mapped[str] = mapped_column(String(10), default=Scale.SMALL)
    major_hazard: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: an edit based on an older version is refused, not overwritten.
    version: Mapped[int] = mapped_column(Integer, default=1)

    region: Mapped[Region] = relationship(lazy="joined")
    industry: Mapped[Industry] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def scale_label(self) -> str:
        return Scale(self.scale).label

    def __repr__(self) -> str:
        return f"<Enterprise {self.credit_code} {self.name}>"
